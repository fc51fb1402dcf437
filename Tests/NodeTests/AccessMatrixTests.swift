import Auth
import Federation
import Foundation
import Hierarchy
import Hummingbird
import NIOHTTP1
import TestSupport
import Testing

@testable import Node
@testable import NodeCommands
@testable import NodeHTTP

/// Issue C: a unit's users see and change only their unit and, where their role allows, the units
/// below. Every route of the web listener is driven at bac-ninh by users of every role of a unit
/// (the subject), of its parent, of its sibling and of its child, and the answer is checked
/// against the product's rules — `entries()` below, one entry per route. A route without an entry
/// fails `everyRouteHasAnEntry` (and both matrices).
///
/// Two subjects are run, each in its own demo federation:
/// - the commune BNI-TD, hosted on bac-ninh: parent BNI (same node), sibling BNI-YP (its own
///   node), no child;
/// - the province BNI, bac-ninh's own unit: parent TW (the centre), sibling LCA (lao-cai), child
///   BNI-TD (same node).
/// Accounts log in only on the node that hosts them: a token from another node (sibling, and the
/// centre's) is refused with 401 on every route that needs a session.
@Suite(.serialized) struct AccessMatrixTests {
    static let node = "bac-ninh"
    static let nodeUnit = "BNI"
    /// The unit that owns the forms the subjects fill.
    static let formOwner = "TW"

    /// The demo tree, for rules that depend on a caller's place in it.
    static let tree = (try! TopologyFile.demo).tree

    static let commune = Subject(unit: "BNI-TD", parent: "BNI", sibling: "BNI-YP", child: nil)
    static let province = Subject(unit: "BNI", parent: "TW", sibling: "LCA", child: "BNI-TD")

    @Test func everyRouteHasAnEntry() throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let registered = Self.registeredRoutes(try nodes.open(Self.node))
        let routes = Self.entries().map(\.route)
        #expect(Set(routes).count == routes.count, "one entry per route: \(routes.sorted())")
        let missing = registered.subtracting(routes).sorted()
        #expect(missing.isEmpty, "web routes with no entry in the access matrix: \(missing)")
        let stale = Set(routes).subtracting(registered).sorted()
        #expect(stale.isEmpty, "access-matrix entries for routes that are not registered: \(stale)")
    }

    @Test func communeHostedOnItsProvinceNode() async throws {
        try await Self.runMatrix(Self.commune)
    }

    @Test func provinceOnItsOwnNode() async throws {
        try await Self.runMatrix(Self.province)
    }

    static func registeredRoutes(_ local: LocalNode) -> Set<String> {
        Set(NodeServer.webRouter(local).routes.map { "\($0.method.rawValue) \($0.path)" })
    }

    // MARK: - The matrix: one entry per route

    /// Run in this order: fixtures are kept valid (or recreated) before each call; the routes that
    /// end sessions come last.
    static func entries() -> [Entry] {
        [
            // Public, and sessions.
            Entry(
                "GET /healthz",
                public: true,
                Case("the listener's health", expect: Rule.everyone) { m, a in try await m.web(a).call(.GET, "/healthz")
                }
            ),
            // Who may scrape depends on where the call comes from (loopback here) or a scrape token,
            // never on a session: MetricsTests covers the refusals.
            Entry(
                "GET /metrics",
                public: true,
                Case("the node's metrics, from its own machine", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/metrics")
                }
            ),
            Entry(
                "POST /api/v1/session",
                public: true,
                Case("logs in here with its own password", expect: Rule.accountLivesHere) { m, a in
                    try await m.anonymous.call(
                        .POST,
                        "/api/v1/session",
                        body: ["username": a.username, "password": m.password(a.username)]
                    )
                }
            ),
            Entry(
                "POST /api/v1/session/mfa",
                Case("gives the code of a new login", expect: Rule.givesSecondFactor) { m, a in
                    let session = try await m.passwordOnlySession(a)
                    var code = "000000"
                    if !a.foreign && m.hasFactor(a.username) { code = try await m.nextCode(a.username) }
                    return try await session.call(.POST, "/api/v1/session/mfa", body: ["code": code])
                }
            ),
            Entry(
                "DELETE /api/v1/session",
                Case("logs out a session it just opened", expect: Rule.everyone) { m, a in
                    try await m.passwordOnlySession(a).call(.DELETE, "/api/v1/session")
                }
            ),
            Entry(
                "POST /api/v1/activate",
                public: true,
                Case("activates, here, a new account of its unit and role", expect: Rule.accountLivesHere) { m, a in
                    let account = try await m.newAccount(unit: a.unit, role: a.role, by: m.client(a.unit, .admin))
                    return try await m.anonymous.call(
                        .POST,
                        "/api/v1/activate",
                        body: [
                            "username": account.username, "code": account.code, "password": "Mật khẩu kích hoạt 2026",
                        ]
                    )
                }
            ),
            Entry(
                "GET /api/v1/me",
                Case("its own account", expect: Rule.everyone, check: Check.ownAccount) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/me")
                }
            ),

            // Units, forms, assignments.
            Entry(
                "GET /api/v1/units",
                Case("the units it sees", expect: Rule.everyone, check: Check.units) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/units")
                }
            ),
            Entry(
                "GET /api/v1/forms",
                Case("the forms it may be assigned", expect: Rule.everyone, check: Check.forms) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/forms")
                }
            ),
            Entry(
                "POST /api/v1/forms",
                Case("defines a form of its own unit", expect: Rule.definesForms) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/forms", body: Matrix.form("AM-MOI-\(m.next())"))
                }
            ),
            Entry(
                "GET /api/v1/indicator-definitions",
                Case("the indicators of its unit and the units above", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/indicator-definitions")
                }
            ),
            Entry(
                "POST /api/v1/indicator-definitions",
                Case("defines an indicator of its own unit", expect: Rule.definesForms) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/indicator-definitions",
                        body: IndicatorCatalogueTests.entered("AM-CS-\(m.next())")
                    )
                }
            ),
            Entry(
                "GET /api/v1/indicator-definitions/{code}/values",
                Case("the subject's values of the province's indicator", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/indicator-definitions/AM-CHI-SO/values?period=2027-01&unit=\(m.subject.unit)"
                    )
                }
            ),
            Entry(
                "GET /api/v1/indicator-definitions/{code}/trend",
                Case("the subject's trend of the province's indicator", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/indicator-definitions/AM-CHI-SO/trend?to=2027-01&count=3&unit=\(m.subject.unit)"
                    )
                }
            ),
            Entry(
                "GET /api/v1/indicator-definitions/{code}/values/export",
                Case("the subject's values of the province's indicator as CSV", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/indicator-definitions/AM-CHI-SO/values/export?period=2027-01&unit=\(m.subject.unit)&format=csv"
                    )
                }
            ),
            Entry(
                "PUT /api/v1/indicator-values/{code}/{unit}/{period}",
                Case("enters a value of the province's entered indicator for the subject", expect: Rule.entersIndicator)
                {
                    m,
                    a in
                    try await m.web(a).call(
                        .PUT,
                        "/api/v1/indicator-values/AM-CHI-SO/\(m.subject.unit)/2026-10",
                        body: ["value": Double(m.next())]
                    )
                }
            ),
            Entry(
                "GET /api/v1/indicator-clients",
                Case("the machine clients of its unit", expect: Rule.administers, check: Check.indicatorClients) {
                    m,
                    a in
                    try await m.web(a).call(.GET, "/api/v1/indicator-clients")
                }
            ),
            Entry(
                "POST /api/v1/indicator-clients",
                Case("grants a machine client the subject", expect: Rule.grantsClientsForSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/indicator-clients",
                        body: [
                            "name": "Hệ thống \(m.next())", "indicators": ["AM-GIAO-DICH"], "units": [m.subject.unit],
                        ]
                    )
                }
            ),
            Entry(
                "DELETE /api/v1/indicator-clients/{id}",
                Case("revokes a machine client of the subject's unit", expect: Rule.managesSubjectAccounts) { m, a in
                    let made = try await m.subjectClient(.admin).call(
                        .POST,
                        "/api/v1/indicator-clients",
                        body: [
                            "name": "Hệ thống \(m.next())", "indicators": ["AM-GIAO-DICH"], "units": [m.subject.unit],
                        ]
                    )
                    return try await m.web(a).call(
                        .DELETE,
                        "/api/v1/indicator-clients/\(made.json["id"] as? String ?? "none")"
                    )
                }
            ),
            Entry(
                "GET /api/v1/indicator-assignments",
                Case("the indicators assigned by or to its unit and below", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/indicator-assignments")
                }
            ),
            Entry(
                "POST /api/v1/indicator-assignments",
                Case("assigns the province's indicator to the subject", expect: Rule.assignsToSubject) { m, a in
                    let month = m.nextMonth()
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/indicator-assignments",
                        body: ["indicator": "AM-CHI-SO", "units": [m.subject.unit], "from": month, "until": month]
                    )
                }
            ),
            Entry(
                "DELETE /api/v1/indicator-assignments/{id}",
                Case("withdraws the province's assignment to Tiên Du", expect: Rule.withdrawsProvinceAssignment) {
                    m,
                    a in
                    let month = m.nextMonth()
                    let made = try await m.client(AccessMatrixTests.nodeUnit, .admin).call(
                        .POST,
                        "/api/v1/indicator-assignments",
                        body: ["indicator": "AM-CHI-SO", "units": ["BNI-TD"], "from": month, "until": month]
                    )
                    return try await m.web(a).call(
                        .DELETE,
                        "/api/v1/indicator-assignments/\(made.json["id"] as? String ?? "none")"
                    )
                }
            ),
            // The client's token is the authority, never a session: SuppliedValueRulesTests and
            // IndicatorCatalogueTests deliver with a real one.
            Entry(
                "POST /api/v1/indicator-deliveries",
                public: true,
                Case("delivers with its session token", expect: Rule.deliversOnlyWithAClientToken) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/indicator-deliveries",
                        body: [
                            "delivery": "am-\(m.next())",
                            "values": [
                                [
                                    "indicator": "AM-GIAO-DICH", "unit": m.subject.unit, "period": "2026-10",
                                    "value": 1,
                                ]
                            ],
                        ]
                    )
                }
            ),
            Entry(
                "GET /api/v1/forms/{code}",
                Case("the form the subject fills (owned by TW, above everyone)", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/forms/AM-THANG?owner=\(formOwner)")
                },
                Case("the subject's own form", expect: Rule.readsSubjectForm) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/forms/AM-RIENG?owner=\(m.subject.unit)")
                }
            ),
            Entry(
                "GET /api/v1/assignments",
                Case("assignments of its unit and below", expect: Rule.everyone, check: Check.assignments) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/assignments")
                }
            ),
            Entry(
                "POST /api/v1/assignments",
                Case("assigns a form of its own unit to the subject", expect: Rule.assignsToSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/assignments",
                        body: ["form": "AM-GIAO", "period": m.nextMonth(), "units": [m.subject.unit]]
                    )
                }
            ),
            Entry(
                "GET /api/v1/assignments/{id}/oversight",
                Case("the subject's progress", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/assignments/\(m.viewAssignment)/oversight?unit=\(m.subject.unit)"
                    )
                }
            ),
            Entry(
                "GET /api/v1/assignments/{id}/summary",
                Case("the subject's summary table", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/assignments/\(m.viewAssignment)/summary?unit=\(m.subject.unit)&format=csv"
                    )
                }
            ),

            // Oversight figures (issue E).
            Entry(
                "GET /api/v1/assignments/{id}/figures",
                Case("the subject's figures", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/assignments/\(m.viewAssignment)/figures?unit=\(m.subject.unit)"
                    )
                }
            ),
            Entry(
                "GET /api/v1/assignments/{id}/compare",
                Case("the subject compared", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/assignments/\(m.viewAssignment)/compare?units=\(m.subject.unit)"
                    )
                }
            ),
            Entry(
                "GET /api/v1/figures/trend",
                Case("the subject's trend over the monthly form", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(
                        .GET,
                        "/api/v1/figures/trend?form=AM-THANG&owner=\(formOwner)&unit=\(m.subject.unit)"
                    )
                }
            ),
            Entry(
                "POST /api/v1/assignments/{id}/amendments",
                Case("withdraws the subject from the centre's assignment", expect: Rule.amendsCentreAssignment) {
                    m,
                    a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/assignments/\(m.viewAssignment)/amendments",
                        body: ["withdraw": [m.subject.unit], "reason": "Thử quyền"]
                    )
                }
            ),

            // Scoring (Decision 4587) and the congress schedule.
            Entry(
                "GET /api/v1/indicators",
                Case("the figures of the units it scores", expect: Rule.everyone, check: Check.scoredUnits) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/indicators?month=2026-10")
                }
            ),
            Entry(
                "PUT /api/v1/indicators/{unit}/{month}",
                Case("enters a figure of the subject", expect: Rule.scoresSubject) { m, a in
                    try await m.web(a).call(
                        .PUT,
                        "/api/v1/indicators/\(m.subject.unit)/2026-10",
                        body: ["values": ["bonus": Double(m.next() % 6)]]
                    )
                },
                Case("sets a figure the subject reports itself", expect: Rule.reportsOrScoresSubject) { m, a in
                    try await m.web(a).call(
                        .PUT,
                        "/api/v1/indicators/\(m.subject.unit)/2026-10",
                        body: ["values": ["recordsDigitised": Double(m.next())]]
                    )
                }
            ),
            Entry(
                "POST /api/v1/indicators/import",
                Case("imports a figure of the subject", expect: Rule.scoresSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/indicators/import",
                        body: "unit,month,indicator,value\n\(m.subject.unit),2026-10,meetingsHeld,\(m.next())\n",
                        contentType: "text/csv"
                    )
                }
            ),
            Entry(
                "GET /api/v1/scores",
                Case("the scores of the units it scores", expect: Rule.everyone, check: Check.scoredUnits) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/scores?month=2026-10")
                }
            ),
            Entry(
                "GET /api/v1/scores/export",
                Case("downloads the scores of the units it scores", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/scores/export?month=2026-10&format=csv")
                }
            ),
            Entry(
                "POST /api/v1/scores/{month}/publish",
                Case("publishes its unit's ranking", expect: Rule.publishesRanking) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/scores/2026-10/publish")
                }
            ),
            Entry(
                "GET /api/v1/public/ranking",
                public: true,
                Case("the node's published ranking, without login", expect: Rule.everyone) { m, a in
                    try await m.anonymous.call(.GET, "/api/v1/public/ranking?month=2026-10")
                }
            ),
            Entry(
                "PUT /api/v1/congress",
                Case("sets its own unit's congress date", expect: Rule.leadsOwnUnit) { m, a in
                    try await m.web(a).call(.PUT, "/api/v1/congress", body: ["date": "2026-0\(m.next() % 9 + 1)-15"])
                }
            ),
            Entry(
                "GET /api/v1/congress",
                Case("the subject's congress schedule", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/congress?area=\(m.subject.unit)")
                }
            ),
            Entry(
                "GET /api/v1/congress/export",
                Case("downloads the subject's congress schedule", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/congress/export?area=\(m.subject.unit)&format=csv")
                }
            ),

            // Reports.
            Entry(
                "GET /api/v1/reports",
                Case("its own list", expect: Rule.everyone, check: Check.reports) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/reports")
                },
                Case("the subject's reports", expect: Rule.seesSubject, check: Check.reports) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/reports?unit=\(m.subject.unit)")
                }
            ),
            Entry(
                "POST /api/v1/reports",
                Case("opens the subject's report (an assignment of the subject only)", expect: Rule.opensSubjectReport)
                { m, a in
                    let assignment = try await m.createSlot()
                    return try await m.web(a).call(.POST, "/api/v1/reports", body: ["assignment": assignment])
                }
            ),
            Entry(
                "GET /api/v1/reports/{id}",
                Case("the subject's report", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/reports/\(m.viewReport)")
                }
            ),
            Entry(
                "PUT /api/v1/reports/{id}",
                Case("saves the subject's draft", expect: Rule.entersForSubject) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await m.web(a).call(
                        .PUT,
                        "/api/v1/reports/\(report.id)",
                        body: ["answers": ["staff": m.next()], "version": report.version]
                    )
                },
                Case("corrects the subject's submitted report", expect: Rule.leadsSubject) { m, a in
                    let report = try await m.report(in: .submitted)
                    return try await m.web(a).call(
                        .PUT,
                        "/api/v1/reports/\(report.id)",
                        body: ["answers": ["staff": m.next()], "version": report.version]
                    )
                }
            ),
            Entry(
                "POST /api/v1/reports/{id}/submit",
                Case("submits the subject's draft", expect: Rule.entersForSubject) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/reports/\(report.id)/submit",
                        body: ["message": "Kính trình"]
                    )
                }
            ),
            Entry(
                "POST /api/v1/reports/{id}/approve",
                Case("approves the subject's submitted report", expect: Rule.leadsSubject) { m, a in
                    let report = try await m.report(in: .submitted)
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/reports/\(report.id)/approve",
                        body: ["message": "Đồng ý"]
                    )
                }
            ),
            Entry(
                "POST /api/v1/reports/{id}/return",
                Case("returns the subject's submitted report", expect: Rule.leadsSubject) { m, a in
                    let report = try await m.report(in: .submitted)
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/reports/\(report.id)/return",
                        body: ["message": "Cần bổ sung số liệu"]
                    )
                },
                Case("returns the subject's approved report", expect: Rule.reviewsSubject) { m, a in
                    let report = try await m.report(in: .approved)
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/reports/\(report.id)/return",
                        body: ["message": "Số liệu chưa khớp"]
                    )
                }
            ),
            Entry(
                "POST /api/v1/reports/{id}/evidence",
                Case("attaches evidence to the subject's draft", expect: Rule.entersForSubject) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/reports/\(report.id)/evidence?name=minh-chung.txt",
                        body: Data("Minh chứng".utf8)
                    )
                },
                Case("attaches approval evidence to the subject's submitted report", expect: Rule.leadsSubject) {
                    m,
                    a in
                    let report = try await m.report(in: .submitted)
                    return try await m.web(a).call(
                        .POST,
                        "/api/v1/reports/\(report.id)/evidence?name=y-kien.txt",
                        body: Data("Ý kiến".utf8)
                    )
                }
            ),
            Entry(
                "GET /api/v1/reports/{id}/evidence/{evidence}",
                Case("an evidence file of the subject's report", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/reports/\(m.viewReport)/evidence/\(m.viewEvidence)")
                }
            ),
            Entry(
                "DELETE /api/v1/reports/{id}/evidence/{evidence}",
                Case("removes evidence from the subject's draft", expect: Rule.entersForSubject) { m, a in
                    let file = try await m.draftEvidence()
                    return try await m.web(a).call(.DELETE, "/api/v1/reports/\(file.report)/evidence/\(file.evidence)")
                }
            ),
            Entry(
                "GET /api/v1/reports/{id}/rollup",
                Case("the subject's quarterly roll-up", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/reports/\(m.rollupReport)/rollup")
                }
            ),
            Entry(
                "GET /api/v1/reports/{id}/export",
                Case("downloads the subject's report", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/reports/\(m.viewReport)/export?format=csv")
                }
            ),
            Entry(
                "GET /api/v1/reports/{id}/proof",
                Case("downloads the proof of the subject's approved report", expect: Rule.seesSubject) { m, a in
                    let report = try await m.report(in: .approved)
                    return try await m.web(a).call(.GET, "/api/v1/reports/\(report.id)/proof")
                }
            ),
            Entry(
                "DELETE /api/v1/reports/{id}",
                Case("deletes the subject's draft", expect: Rule.entersForSubject) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await m.web(a).call(.DELETE, "/api/v1/reports/\(report.id)")
                }
            ),

            // Tasks and alerts (issue E).
            Entry(
                "GET /api/v1/tasks",
                Case("tasks of its unit and below", expect: Rule.everyone, check: Check.tasks) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/tasks")
                }
            ),
            Entry(
                "POST /api/v1/tasks",
                Case("assigns a task to the subject", expect: Rule.assignsTaskToSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/tasks",
                        body: ["title": "Nhiệm vụ \(m.next())", "deadline": m.taskDeadline, "units": [m.subject.unit]]
                    )
                }
            ),
            Entry(
                "GET /api/v1/tasks/{id}",
                Case("the subject's task", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/tasks/\(m.tasks.view)")
                }
            ),
            Entry(
                "POST /api/v1/tasks/{id}/evidence",
                Case("uploads evidence for the subject's task", expect: Rule.reportsForSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/tasks/\(try await m.openTask())/evidence?name=tien-do.txt",
                        body: Data("Tiến độ".utf8)
                    )
                }
            ),
            Entry(
                "GET /api/v1/tasks/{id}/evidence/{evidence}",
                Case("an evidence file of the subject's task", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/tasks/\(m.tasks.view)/evidence/\(m.tasks.evidence)")
                }
            ),
            Entry(
                "POST /api/v1/tasks/{id}/progress",
                Case("reports progress on the subject's task", expect: Rule.reportsForSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/tasks/\(try await m.openTask())/progress",
                        body: ["percent": m.next() % 100]
                    )
                }
            ),
            Entry(
                "POST /api/v1/tasks/{id}/complete",
                Case("completes the subject's task", expect: Rule.reportsForSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/tasks/\(try await m.openTask())/complete",
                        body: ["note": "Xong"]
                    )
                }
            ),
            Entry(
                "POST /api/v1/tasks/{id}/confirm",
                Case("confirms the subject's completion", expect: Rule.reviewsSubjectTask) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/tasks/\(try await m.completedTask())/confirm",
                        body: ["unit": m.subject.unit]
                    )
                }
            ),
            Entry(
                "POST /api/v1/tasks/{id}/return",
                Case("returns the subject's completion", expect: Rule.reviewsSubjectTask) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/tasks/\(try await m.completedTask())/return",
                        body: ["unit": m.subject.unit, "reason": "Thiếu minh chứng"]
                    )
                }
            ),
            Entry(
                "GET /api/v1/alerts",
                Case("alerts of its unit and below", expect: Rule.everyone, check: Check.alerts) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/alerts")
                }
            ),
            Entry(
                "GET /api/v1/todo",
                Case("what the caller has to do now", expect: Rule.everyone, check: Check.toDo) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/todo")
                }
            ),
            Entry(
                "POST /api/v1/alerts/{id}/acknowledge",
                Case("acknowledges a strategic alert about the subject", expect: Rule.leadsOverSubject) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/alerts/\(m.tasks.alert)/acknowledge")
                }
            ),
            Entry(
                "GET /api/v1/alerts/rules",
                Case("rules of its unit and below", expect: Rule.setsRules, check: Check.alertRules) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/alerts/rules")
                }
            ),
            Entry(
                "POST /api/v1/alerts/rules",
                Case("sets a rule for its unit's subtree", expect: Rule.setsRules) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/alerts/rules",
                        body: ["kind": "due_soon", "days": 1 + m.next() % 30]
                    )
                }
            ),
            Entry(
                "DELETE /api/v1/alerts/rules/{id}",
                Case("removes a rule the subject set", expect: Rule.removesSubjectRule) { m, a in
                    try await m.web(a).call(.DELETE, "/api/v1/alerts/rules/\(try await m.subjectRule())")
                }
            ),

            // Accounts and the node.
            Entry(
                "GET /api/v1/accounts",
                Case("the accounts it administers", expect: Rule.administers, check: Check.accounts) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/accounts")
                }
            ),
            Entry(
                "POST /api/v1/accounts",
                Case("creates an admin of the subject", expect: Rule.managesSubjectAdmins) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/accounts",
                        body: m.newAccountBody(unit: m.subject.unit, role: .admin)
                    )
                },
                Case("creates a viewer of the subject", expect: Rule.managesSubjectAccounts) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/accounts",
                        body: m.newAccountBody(unit: m.subject.unit, role: .viewer)
                    )
                }
            ),
            Entry("POST /api/v1/accounts/{username}/disable", cases: accountCases("disable")),
            Entry("POST /api/v1/accounts/{username}/reset", cases: accountCases("reset")),
            Entry("POST /api/v1/accounts/{username}/enable", cases: accountCases("enable")),
            Entry(
                "PATCH /api/v1/accounts/{username}",
                cases: accountCases(nil, method: .PATCH, body: ["fullName": "Nguyễn Thị Đã Sửa"])
            ),
            Entry("DELETE /api/v1/accounts/{username}/sessions", cases: accountCases("sessions", delete: true)),
            Entry(
                "GET /api/v1/usage",
                Case("usage of its unit and below", expect: Rule.administers, check: Check.usage) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/usage?period=2026")
                }
            ),
            Entry(
                "GET /api/v1/sync",
                Case("the node's links", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/sync")
                }
            ),
            Entry(
                "GET /api/v1/sync/parked",
                Case("the messages parked on the node", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/sync/parked")
                }
            ),
            Entry(
                "GET /app/sync/parked",
                Case("the page of messages parked on the node", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/app/sync/parked")
                }
            ),
            Entry(
                "POST /app/sync/parked/{origin}/{id}/retry",
                Case("retries a parked message from its page", expect: Rule.settlesParkedForTheNode) { m, a in
                    try await post(m, a, "/app/sync/parked/BNI-KB/none/retry")
                }
            ),
            Entry(
                "POST /app/sync/parked/{origin}/{id}/set-aside",
                Case("sets a parked message aside from its page", expect: Rule.settlesParkedForTheNode) { m, a in
                    try await post(m, a, "/app/sync/parked/BNI-KB/none/set-aside", ["reason": "Không thuộc đợt giao"])
                }
            ),
            Entry(
                "POST /api/v1/sync/parked/{origin}/{id}/retry",
                Case("retries a parked message", expect: Rule.settlesParkedForTheNode) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/sync/parked/BNI-KB/none/retry")
                }
            ),
            Entry(
                "POST /api/v1/sync/parked/{origin}/{id}/set-aside",
                Case("sets a parked message aside", expect: Rule.settlesParkedForTheNode) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/sync/parked/BNI-KB/none/set-aside",
                        body: ["reason": "Không thuộc đợt giao"]
                    )
                }
            ),
            // Issue J: the nodes of the subtree at a glance, and the silence threshold.
            Entry(
                "GET /api/v1/nodes",
                Case("the nodes of the subtree", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/nodes")
                }
            ),
            Entry(
                "GET /api/v1/nodes/settings",
                Case("the silence threshold", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/nodes/settings")
                }
            ),
            Entry(
                "PUT /api/v1/nodes/settings",
                Case("sets the silence threshold", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.PUT, "/api/v1/nodes/settings", body: ["silenceThresholdSeconds": 86400])
                }
            ),
            Entry(
                "GET /app/nodes",
                Case("the page of the nodes of the subtree", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/app/nodes")
                }
            ),
            // Node identity: tokens, enrolment, issued certificates, revocation.
            Entry(
                "POST /api/v1/enrolment-tokens",
                Case("hands a child node an enrolment token", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/enrolment-tokens", body: ["unit": "BNI-KB"])
                }
            ),
            Entry(
                "GET /api/v1/trust-root",
                public: true,
                Case("the federation's root, which a joining node checks against its token", expect: Rule.everyone) {
                    m,
                    a in try await m.web(a).call(.GET, "/api/v1/trust-root")
                }
            ),
            Entry(
                "POST /api/v1/enrol",
                public: true,
                Case("enrols with a token nobody issued", expect: Rule.enrolsOnlyWithAToken) { m, a in
                    try await m.anonymous.call(
                        .POST,
                        "/api/v1/enrol",
                        body: ["token": "not-a-token", "csr": "-----BEGIN CERTIFICATE REQUEST-----"]
                    )
                }
            ),
            Entry(
                "POST /api/v1/units/{code}/retire-node",
                Case(
                    "retires the node of a unit without one",
                    expect: { a in
                        // Only the node's own admins reach the rule; the subject has no node of its own.
                        Rule.administersTheNodesUnit(a).allows ? .passes(422, "no node of its own") : .denied
                    }
                ) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/units/\(m.subject.unit)/retire-node")
                }
            ),
            Entry(
                "POST /api/v1/units/{code}/retire-lost-node",
                Case(
                    "takes back the subject from a lost node (no retirement asked: refused)",
                    expect: { a in
                        Rule.administersTheNodesUnit(a).allows ? .passes(409, "no retirement asked") : .denied
                    }
                ) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/units/\(m.subject.unit)/retire-lost-node")
                }
            ),
            Entry(
                "POST /api/v1/units/{code}/move",
                Case(
                    "moves the subject below the node's own unit",
                    expect: { a in
                        // Only the node's own admins reach the rule: the subject already lies there,
                        // or is the node's own unit, which the node above moves.
                        Rule.administersTheNodesUnit(a).allows ? .passes(422, "not a move") : .denied
                    }
                ) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/units/\(m.subject.unit)/move",
                        body: ["parent": AccessMatrixTests.nodeUnit]
                    )
                }
            ),
            Entry(
                "GET /api/v1/handovers",
                Case("the units' lives handed over", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/handovers")
                }
            ),
            Entry(
                "GET /api/v1/node-certificates",
                Case("the certificates the node issued", expect: Rule.administersTheNodesUnit) { m, a in
                    try await m.web(a).call(.GET, "/api/v1/node-certificates")
                }
            ),
            Entry(
                "POST /api/v1/node-certificates/{fingerprint}/revoke",
                Case("revokes a certificate unknown here", expect: Rule.revokesForTheNode) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/node-certificates/\(String(repeating: "0", count: 64))/revoke",
                        body: ["reason": "thử nghiệm"]
                    )
                }
            ),

        ] + pageEntries() + oversightPageEntries() + taskPageEntries() + [

            // Closing the subject comes late: it withdraws the subject from its parent's open assignments.
            Entry(
                "POST /api/v1/units/{code}/closure",
                Case("records the subject's closure", expect: Rule.closesSubject) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/units/\(m.subject.unit)/closure",
                        body: ["closedOn": "2099-01-01", "reason": "Thử quyền"]
                    )
                }
            ),
            // Unit administration: renaming the subject, adding below one's own unit (pages post the
            // same use cases; the subject's closure is already recorded by the entry above).
            Entry(
                "PATCH /api/v1/units/{code}",
                Case("renames the subject", expect: Rule.closesSubject) { m, a in
                    try await m.web(a).call(
                        .PATCH,
                        "/api/v1/units/\(m.subject.unit)",
                        body: ["name": "Đơn vị thử \(m.next())"]
                    )
                }
            ),
            Entry(
                "POST /app/units/{code}/rename",
                Case(
                    "renames the subject",
                    expect: { Rule.closesSubject($0).allows ? .passes(303, "back to the units page") : .denied }
                ) { m, a in
                    try await post(m, a, "/app/units/\(m.subject.unit)/rename", ["name": "Đơn vị thử \(m.next())"])
                }
            ),
            Entry(
                "POST /app/units/{code}/retire-node",
                Case(
                    "asks the subject's own node to retire (it has none here: refused on the page)",
                    expect: { a in
                        Rule.administersTheNodesUnit(a).allows ? .passes(422, "no node of its own") : .denied
                    }
                ) { m, a in
                    try await post(m, a, "/app/units/\(m.subject.unit)/retire-node", [:])
                }
            ),
            Entry(
                "POST /app/units/{code}/retire-lost-node",
                Case(
                    "takes back the subject from a lost node (no retirement asked: refused on the page)",
                    expect: { a in
                        Rule.administersTheNodesUnit(a).allows ? .passes(409, "no retirement asked") : .denied
                    }
                ) { m, a in
                    try await post(m, a, "/app/units/\(m.subject.unit)/retire-lost-node", [:])
                }
            ),
            Entry(
                "POST /app/units/move",
                Case(
                    "moves the subject below the node's own unit (not a move: refused on the page)",
                    expect: { a in
                        Rule.administersTheNodesUnit(a).allows ? .passes(422, "not a move") : .denied
                    }
                ) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/units/move",
                        ["unit": m.subject.unit, "parent": AccessMatrixTests.nodeUnit]
                    )
                }
            ),
            Entry(
                "POST /app/units/{code}/enrolment-token",
                Case(
                    "asks for a token for the subject's own node (its accounts and reports move with it)",
                    expect: { a in
                        guard Rule.administersTheNodesUnit(a).allows else { return .denied }
                        // The province is the node's own unit; the commune hosted here gets a token.
                        return a.relation == .unit
                            ? .passes(422, "the node's own unit gets no token") : .passes(200, "the token, shown once")
                    }
                ) { m, a in
                    try await post(m, a, "/app/units/\(m.subject.unit)/enrolment-token", [:])
                }
            ),
            Entry(
                "POST /api/v1/units",
                Case("adds a unit below its own unit", expect: Rule.addsUnitBelowOwn) { m, a in
                    try await m.web(a).call(
                        .POST,
                        "/api/v1/units",
                        body: ["code": "\(a.unit)-AM\(m.next())", "name": "Đơn vị mới"]
                    )
                }
            ),
            Entry(
                "POST /app/units",
                Case(
                    "adds a unit below its own unit",
                    expect: { a in
                        guard case .ok = Rule.addsUnitBelowOwn(a) else { return Rule.addsUnitBelowOwn(a) }
                        return .passes(303, "back to the units page")
                    }
                ) { m, a in
                    try await post(m, a, "/app/units", ["code": "\(a.unit)-AP\(m.next())", "name": "Đơn vị mới"])
                }
            ),
            Entry(
                "POST /app/units/{code}/closure",
                Case(
                    "records the subject's closure again",
                    expect: {
                        Rule.closesSubject($0).allows ? .passes(409, "recorded by the API entry above") : .denied
                    }
                ) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/units/\(m.subject.unit)/closure",
                        ["closedOn": "01/01/2099", "reason": "Thử quyền"]
                    )
                }
            ),

            // One's own account; ending all of one's sessions comes last.
            Entry(
                "POST /api/v1/me/password",
                Case("changes its own password", expect: Rule.everyone) { m, a in
                    let new = "Mật khẩu mới số \(m.next()) năm 2026"
                    let reply = try await m.web(a).call(
                        .POST,
                        "/api/v1/me/password",
                        body: ["current": m.password(a.username), "new": new]
                    )
                    if reply.isSuccess { m.passwordChanged(a.username, to: new) }
                    return reply
                }
            ),
            Entry(
                "POST /api/v1/me/mfa",
                Case("starts enrolling a second factor", expect: Rule.enrolsSecondFactor) { m, a in
                    try await m.web(a).call(.POST, "/api/v1/me/mfa")
                }
            ),
            Entry(
                "POST /api/v1/me/mfa/confirm",
                Case("confirms the enrolment with a first code", expect: Rule.enrolsSecondFactor) { m, a in
                    let session = try await m.web(a)
                    let begun = try await session.call(.POST, "/api/v1/me/mfa")
                    guard let secret = begun.json["secret"] as? String, let factor = SecondFactor(secret: secret) else {
                        return try await session.call(.POST, "/api/v1/me/mfa/confirm", body: ["code": "000000"])
                    }
                    m.enrolled(a.username, factor)
                    return try await session.call(
                        .POST,
                        "/api/v1/me/mfa/confirm",
                        body: ["code": try await m.nextCode(a.username)]
                    )
                }
            ),
        ] + pageOwnAccountEntries() + [
            Entry(
                "DELETE /api/v1/me/sessions",
                Case("ends all its sessions", expect: Rule.everyone) { m, a in
                    let reply = try await m.web(a).call(.DELETE, "/api/v1/me/sessions")
                    if reply.isSuccess { m.sessionsEnded(a.username) }
                    return reply
                }
            )
        ]
    }

    /// Disabling, resetting and signing out an account: of the subject's admins, of its other
    /// accounts, and of an admin of its sibling (a fresh target after each success).
    static func accountCases(
        _ action: String?,
        delete: Bool = false,
        method: HTTPMethod? = nil,
        body: [String: Any]? = nil
    ) -> [Case] {
        let targets: [(Matrix.Target, String, (Caller) -> Outcome)] = [
            (.subjectAdmin, "an admin of the subject", Rule.managesSubjectAdmins),
            (.subjectEntry, "a data-entry account of the subject", Rule.managesSubjectAccounts),
            (.siblingAdmin, "an admin of the subject's sibling", Rule.managesSiblingAdmins),
        ]
        return targets.map { target, name, rule in
            Case(name, expect: rule) { m, a in
                let username = try await m.target(target)
                let path = "/api/v1/accounts/\(username)" + (action.map { "/\($0)" } ?? "")
                let reply = try await m.web(a).call(method ?? (delete ? .DELETE : .POST), path, body: body)
                if reply.isSuccess { m.used(target) }
                return reply
            }
        }
    }

    // MARK: - The product's rules

    enum Rule {
        static func everyone(_ a: Caller) -> Outcome { .ok }

        /// Accounts log in (and activate) only on the node that hosts them.
        static func accountLivesHere(_ a: Caller) -> Outcome { a.foreign ? .unauthenticated : .ok }

        /// Reports, progress, summaries, exports and evidence: a user sees its unit and the units below.
        static func seesSubject(_ a: Caller) -> Outcome { a.seesSubject ? .ok : .denied }

        /// Entering, submitting and deleting drafts (and their evidence): only for one's own unit.
        static func entersForSubject(_ a: Caller) -> Outcome {
            a.relation == .unit && a.holds(.enterData) ? .ok : .denied
        }

        /// A unit opens only its own report; the API takes no unit, so another unit's user is told
        /// that its own unit has no such assignment.
        static func opensSubjectReport(_ a: Caller) -> Outcome {
            guard a.holds(.enterData) else { return .denied }
            return a.relation == .unit
                ? .ok : .deniedAs(422, "its unit is not assigned this: nobody opens another unit's report")
        }

        /// The unit leader corrects, adds approval evidence to, approves and returns a submitted report of its own unit.
        static func leadsSubject(_ a: Caller) -> Outcome {
            a.relation == .unit && a.holds(.approveReports) ? .ok : .denied
        }

        /// An approved report may be returned by the form's owner unit or the reporting unit's direct parent.
        static func reviewsSubject(_ a: Caller) -> Outcome {
            (a.relation == .parent || a.unit == AccessMatrixTests.formOwner) && a.holds(.approveReports) ? .ok : .denied
        }

        /// Forms are defined by forms.manage holders…
        static func definesForms(_ a: Caller) -> Outcome { a.holds(.manageForms) ? .ok : .denied }

        /// …and assigned to the units below.
        static func assignsToSubject(_ a: Caller) -> Outcome {
            a.relation == .parent && a.holds(.manageForms) ? .ok : .denied
        }

        /// A unit's form is read by the units it may be assigned to: its own and those below.
        static func readsSubjectForm(_ a: Caller) -> Outcome {
            a.relation == .unit || a.relation == .child ? .ok : .denied
        }

        static func administers(_ a: Caller) -> Outcome { a.holds(.manageUsers) ? .ok : .denied }

        /// Admins manage the accounts of their own unit…
        static func managesSubjectAccounts(_ a: Caller) -> Outcome {
            a.relation == .unit && a.holds(.manageUsers) ? .ok : .denied
        }

        /// …and the admins of the units directly below; never above or sideways.
        static func managesSubjectAdmins(_ a: Caller) -> Outcome {
            (a.relation == .unit || a.relation == .parent) && a.holds(.manageUsers) ? .ok : .denied
        }

        static func managesSiblingAdmins(_ a: Caller) -> Outcome {
            a.relation == .parent && a.holds(.manageUsers) ? .ok : .denied
        }

        /// Tasks are assigned by a unit's leaders to the units below it.
        static func assignsTaskToSubject(_ a: Caller) -> Outcome {
            a.relation == .parent && a.holds(.assignTasks) ? .ok : .denied
        }

        /// An assignee's data entry or leader reports progress, completion and evidence, for its own unit only.
        static func reportsForSubject(_ a: Caller) -> Outcome {
            a.relation == .unit && (a.holds(.enterData) || a.holds(.approveReports)) ? .ok : .denied
        }

        /// The assigning unit's leaders confirm or return a completion.
        static func reviewsSubjectTask(_ a: Caller) -> Outcome {
            a.relation == .parent && a.holds(.assignTasks) ? .ok : .denied
        }

        /// Strategic alerts are for the leaders (and view accounts) of the unit concerned and above.
        static func leadsOverSubject(_ a: Caller) -> Outcome {
            a.seesSubject && (a.holds(.approveReports) || a.role == .viewer) ? .ok : .denied
        }

        /// Admins and approvers set alert rules for their subtree…
        static func setsRules(_ a: Caller) -> Outcome { a.holds(.approveReports) ? .ok : .denied }

        /// …and only the unit that set a rule removes it.
        static func removesSubjectRule(_ a: Caller) -> Outcome {
            a.relation == .unit && a.holds(.approveReports) ? .ok : .denied
        }

        /// The node's links concern every unit it hosts: only the admin of the node's own unit sees them.
        static func administersTheNodesUnit(_ a: Caller) -> Outcome {
            a.unit == AccessMatrixTests.nodeUnit && a.holds(.manageUsers) ? .ok : .denied
        }

        /// Parked messages are the node's: its own unit's admin settles them; one it does not hold is not found.
        static func settlesParkedForTheNode(_ a: Caller) -> Outcome {
            a.unit == AccessMatrixTests.nodeUnit && a.holds(.manageUsers)
                ? .passes(404, "no such parked message here") : .denied
        }

        /// Enrolment is public: the one-time token is the authority, and an unknown one enrols nothing.
        static func enrolsOnlyWithAToken(_ a: Caller) -> Outcome {
            .passes(401, "an unknown enrolment token is refused")
        }

        /// Revocation is for the admin of the node's unit; a certificate it does not know is not found.
        static func revokesForTheNode(_ a: Caller) -> Outcome {
            a.unit == AccessMatrixTests.nodeUnit && a.holds(.manageUsers)
                ? .passes(404, "no such certificate here") : .denied
        }

        /// Only the unit that made an assignment amends it (here the centre, whose users log in elsewhere).
        static func amendsCentreAssignment(_ a: Caller) -> Outcome {
            a.unit == AccessMatrixTests.formOwner && a.holds(.manageForms) ? .ok : .denied
        }

        /// An entered indicator's value: a unit's data entry and leaders for their own unit, the
        /// leaders of a unit above for the units below it that the node hosts.
        static func entersIndicator(_ a: Caller) -> Outcome {
            (a.relation == .unit && (a.holds(.enterData) || a.holds(.approveReports)))
                || (a.relation == .parent && a.holds(.approveReports)) ? .ok : .denied
        }

        /// An indicator assignment is withdrawn by the admins (form managers) of the unit that made
        /// it, here the province, and by no one else.
        static func withdrawsProvinceAssignment(_ a: Caller) -> Outcome {
            a.unit == AccessMatrixTests.nodeUnit && a.holds(.manageForms) ? .ok : .denied
        }

        /// An admin grants a machine client units of its own subtree.
        static func grantsClientsForSubject(_ a: Caller) -> Outcome {
            a.seesSubject && a.holds(.manageUsers) ? .ok : .denied
        }

        /// Deliveries take a machine client's token; a session's is refused as unknown.
        static func deliversOnlyWithAClientToken(_ a: Caller) -> Outcome {
            .passes(401, "a session token is no client's token")
        }

        /// A unit's scoring figures are set by the approvers and admin of the unit directly above it.
        static func scoresSubject(_ a: Caller) -> Outcome {
            a.relation == .parent && a.holds(.approveReports) ? .ok : .denied
        }

        /// The figures a unit reports about itself: its own approvers and admin, or those of the unit that scores it.
        static func reportsOrScoresSubject(_ a: Caller) -> Outcome {
            (a.relation == .unit || a.relation == .parent) && a.holds(.approveReports) ? .ok : .denied
        }

        /// Approvers publish their unit's ranking of the units below; a commune has none to rank.
        static func publishesRanking(_ a: Caller) -> Outcome {
            guard a.holds(.approveReports) else { return .denied }
            return AccessMatrixTests.tree.children(of: a.unit).isEmpty ? .passes(422, "a commune ranks no units") : .ok
        }

        /// A unit's leader (approver) or admin sets its own congress date.
        static func leadsOwnUnit(_ a: Caller) -> Outcome { a.holds(.approveReports) ? .ok : .denied }

        /// A unit's closure is recorded by an admin above it.
        static func closesSubject(_ a: Caller) -> Outcome {
            a.relation == .parent && a.holds(.manageUsers) ? .ok : .denied
        }

        /// An admin adds units directly below its own unit; a commune has no level below.
        static func addsUnitBelowOwn(_ a: Caller) -> Outcome {
            guard a.holds(.manageUsers) else { return .denied }
            return AccessMatrixTests.tree[a.unit]?.level.below == nil
                ? .passes(422, "a commune has no units below") : .ok
        }

        /// Giving the second step of a login: the demo turns MFA on for admins, approvers and data
        /// entry; a viewer (seeded without) has nothing pending.
        static func givesSecondFactor(_ a: Caller) -> Outcome {
            a.role == .viewer ? .passes(409, "the session needs no code") : .ok
        }

        /// Anyone may enrol a second factor for itself; the demo accounts already have one.
        static func enrolsSecondFactor(_ a: Caller) -> Outcome {
            a.role == .viewer ? .ok : .passes(409, "MFA is already on")
        }
    }

    /// What a successful answer may show: nothing outside the caller's reach.
    enum Check {
        static func ownAccount(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            reply.json["username"] as? String == a.username ? nil : "shows another account: \(reply.text.prefix(200))"
        }

        static func units(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            let codes = reply.items.compactMap { $0["code"] as? String }
            return m.inReach(codes, of: a) ?? m.subjectShown(codes.contains(m.subject.unit), to: a)
        }

        static func forms(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            let owners = reply.items.compactMap { $0["owner"] as? String }
            let outside = owners.filter { !m.tree.isInSubtree(a.unit, of: $0) }
            return outside.isEmpty ? nil : "shows forms owned by \(outside), neither its unit nor above"
        }

        static func assignments(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            for item in reply.items {
                let units = item["units"] as? [String] ?? []
                if let problem = m.inReach(units, of: a) { return problem }
                if units.isEmpty && item["assignedBy"] as? String != a.unit {
                    return "shows an assignment that does not concern it: \(item["id"] ?? "")"
                }
            }
            return m.subjectShown(reply.items.contains { $0["id"] as? String == m.viewAssignment }, to: a)
        }

        static func reports(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            m.inReach(reply.items.compactMap { $0["unit"] as? String }, of: a)
                ?? m.subjectShown(reply.items.contains { $0["id"] as? String == m.viewReport }, to: a)
        }

        static func accounts(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            let below = Set(m.tree.children(of: a.unit).map(\.code))
            let outside = reply.items.filter { item in
                let unit = item["unit"] as? String ?? ""
                return unit != a.unit && !(below.contains(unit) && item["role"] as? String == "admin")
            }.compactMap { $0["username"] as? String }
            return outside.isEmpty ? nil : "shows accounts it does not administer: \(outside.sorted())"
        }

        /// Scoring lists show only the units directly below the caller's unit.
        static func scoredUnits(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            let rows = reply.json["rows"] as? [[String: Any]] ?? reply.items
            let allowed = Set(m.tree.children(of: a.unit).map(\.code))
            let outside = Set(rows.compactMap { $0["unit"] as? String }).subtracting(allowed)
            return outside.isEmpty ? nil : "shows scoring figures of \(outside.sorted())"
        }

        static func indicatorClients(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            let owners = Set(reply.items.compactMap { $0["owner"] as? String }).subtracting([a.unit])
            let tokens = reply.items.filter { $0["token"] != nil }.count
            if !owners.isEmpty { return "shows machine clients of \(owners.sorted())" }
            return tokens == 0 ? nil : "shows \(tokens) client tokens"
        }

        static func tasks(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            let units = reply.items.flatMap {
                ($0["assignees"] as? [[String: Any]] ?? []).compactMap { $0["unit"] as? String }
            }
            return m.inReach(units, of: a)
                ?? m.subjectShown(reply.items.contains { $0["id"] as? String == m.tasks.view }, to: a)
        }

        static func alerts(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            m.inReach(reply.items.compactMap { $0["unit"] as? String }, of: a)
        }

        static func alertRules(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            m.inReach(reply.items.compactMap { ($0["rule"] as? [String: Any])?["unit"] as? String }, of: a)
        }

        /// The to-do list is the caller's own unit's; late units are children of it.
        static func toDo(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            guard reply.json["unit"] as? String == a.unit else {
                return "to-do of another unit: \(reply.text.prefix(200))"
            }
            let late = (reply.json["lateUnits"] as? [[String: Any]] ?? []).compactMap { $0["unit"] as? String }
            return m.inReach(late, of: a)
        }

        static func usage(_ m: Matrix, _ a: Caller, _ reply: APIClient.Reply) -> String? {
            reply.json["unit"] as? String == a.unit ? nil : "usage of another unit: \(reply.text.prefix(200))"
        }
    }

    // MARK: - Running a matrix

    static func runMatrix(_ subject: Subject) async throws {
        try await TestFederation.run { f in
            let m = Matrix(f, subject)
            try await m.prepare()
            let entries = Self.entries()
            let registered = Self.registeredRoutes(f.local(Self.node))
            let missing = registered.subtracting(entries.map(\.route)).sorted()
            if !missing.isEmpty {
                Issue.record(Comment(rawValue: "web routes with no entry in the access matrix: \(missing)"))
            }

            var table: [(label: String, cells: [String])] = []
            var failures: [String] = []
            var cells = 0
            for entry in entries {
                guard registered.contains(entry.route) else {
                    Issue.record(
                        Comment(rawValue: "access-matrix entry for a route that is not registered: \(entry.route)")
                    )
                    continue
                }
                for item in entry.cases {
                    var row: [String] = []
                    for caller in m.callers {
                        cells += 1
                        // A page sends a caller without a session here to the login page instead of answering 401.
                        let expected =
                            entry.isPublic || !caller.foreign
                            ? item.expect(caller)
                            : entry.isPage ? .deniedAs(303, "to the login page") : .unauthenticated
                        let reply: APIClient.Reply
                        var problem: String?
                        m.touched = nil
                        do {
                            reply = try await item.run(m, caller)
                            if !expected.accepts(reply.status) {
                                problem = "expected \(expected), got \(reply.status) \(reply.text.prefix(240))"
                            } else if reply.isSuccess, let check = item.check {
                                problem = check(m, caller, reply)
                            } else if !expected.allows, let change = try await m.changeToTouchedReport() {
                                problem = "denied (\(reply.status)), yet \(change)"
                            }
                        } catch {
                            failures.append(
                                "\(entry.route) — \(item.name) — \(caller): fixture or transport failure: \(error)"
                            )
                            row.append("  err")
                            continue
                        }
                        if let problem { failures.append("\(entry.route) — \(item.name) — \(caller): \(problem)") }
                        row.append("\(problem == nil ? " " : "✗")\(reply.status)\(expected.allows ? "+" : "-")")
                    }
                    table.append(("\(entry.route) · \(item.name)", row))
                }
            }
            print(Self.render(subject, m.callers, table, routes: entries.count, cells: cells, failures: failures.count))
            for failure in failures { Issue.record(Comment(rawValue: failure)) }
        }
    }

    static func render(
        _ subject: Subject,
        _ callers: [Caller],
        _ table: [(label: String, cells: [String])],
        routes: Int,
        cells: Int,
        failures: Int
    ) -> String {
        let width = min(table.map(\.label.count).max() ?? 0, 110)
        func pad(_ text: String, _ n: Int) -> String {
            text.count >= n ? String(text.prefix(n)) : text + String(repeating: " ", count: n - text.count)
        }
        var lines = [
            "",
            "Access matrix at \(node) — subject \(subject.unit) (parent \(subject.parent), sibling \(subject.sibling), child \(subject.child ?? "none"))",
            "\(routes) routes, \(table.count) cases × \(callers.count) callers = \(cells) calls, \(failures) not as the rules say",
            "cell: status, + allowed / - denied by the rules, ✗ when the answer contradicts them; columns: relation.role (u=unit p=parent s=sibling c=child)",
        ]
        lines.append(pad("", width) + " " + callers.map { pad($0.column, 7) }.joined())
        for row in table { lines.append(pad(row.label, width) + " " + row.cells.map { pad($0, 7) }.joined()) }
        return lines.joined(separator: "\n")
    }
}

// MARK: - The matrix's vocabulary

extension AccessMatrixTests {
    struct Subject: Sendable {
        let unit: String
        let parent: String
        let sibling: String
        let child: String?
    }

    enum Relation: String, Sendable {
        case unit, parent, sibling, child
    }

    /// A user calling bac-ninh: its unit's relation to the subject, its role, and the node that hosts its account.
    struct Caller: Sendable, CustomStringConvertible {
        let relation: Relation
        let unit: String
        let role: Role
        let home: String

        static func username(_ unit: String, _ role: Role) -> String {
            "\(unit.lowercased()).\(role == .dataEntry ? "entry" : role.rawValue)"
        }

        var username: String { Self.username(unit, role) }
        /// Its account lives on another node: its token means nothing at bac-ninh.
        var foreign: Bool { home != AccessMatrixTests.node }
        /// The subject is its unit or below it.
        var seesSubject: Bool { relation == .unit || relation == .parent }
        func holds(_ permission: Permission) -> Bool { role.permissions.contains(permission) }
        var description: String { "\(relation.rawValue) \(role.rawValue) \(username)@\(home)" }
        var column: String {
            "\(relation.rawValue.prefix(1)).\(role == .dataEntry ? "ent" : String(role.rawValue.prefix(3)))"
        }
    }

    enum Outcome: CustomStringConvertible {
        /// 2xx.
        case ok
        /// Allowed: the access check passed and a business rule refused (the status, and why).
        case passes(Int, String)
        /// 403, or 404 where the product hides what lies outside the caller's reach.
        case denied
        /// Denied, answered with another status (and why).
        case deniedAs(Int, String)
        /// 401: no session on this node.
        case unauthenticated

        func accepts(_ status: Int) -> Bool {
            switch self {
            case .ok: (200..<300).contains(status)
            case .passes(let expected, _), .deniedAs(let expected, _): status == expected
            case .denied: status == 403 || status == 404
            case .unauthenticated: status == 401
            }
        }

        var allows: Bool {
            switch self {
            case .ok, .passes: true
            case .denied, .deniedAs, .unauthenticated: false
            }
        }

        var description: String {
            switch self {
            case .ok: "allowed (2xx)"
            case .passes(let status, let why): "allowed, then refused \(status) (\(why))"
            case .denied: "denied (403/404)"
            case .deniedAs(let status, let why): "denied as \(status) (\(why))"
            case .unauthenticated: "401 (no session on this node)"
            }
        }
    }

    /// One way of calling a route, with the expected outcome for each caller.
    struct Case {
        let name: String
        let expect: (Caller) -> Outcome
        let check: ((Matrix, Caller, APIClient.Reply) -> String?)?
        let run: (Matrix, Caller) async throws -> APIClient.Reply

        init(
            _ name: String,
            expect: @escaping (Caller) -> Outcome,
            check: ((Matrix, Caller, APIClient.Reply) -> String?)? = nil,
            run: @escaping (Matrix, Caller) async throws -> APIClient.Reply
        ) {
            self.name = name
            self.expect = expect
            self.check = check
            self.run = run
        }
    }

    /// A registered route ("METHOD path" as the router describes it) and how it is driven.
    struct Entry {
        let route: String
        let isPublic: Bool
        let cases: [Case]

        /// An HTML page rather than API (`WebPages.isPage`).
        var isPage: Bool { WebPages.isPage(String(route.split(separator: " ", maxSplits: 1).last ?? "")) }

        init(_ route: String, public isPublic: Bool = false, _ cases: Case...) {
            self.init(route, public: isPublic, cases: cases)
        }

        init(_ route: String, public isPublic: Bool = false, cases: [Case]) {
            self.route = route
            self.isPublic = isPublic
            self.cases = cases
        }
    }
}

extension APIClient.Reply {
    var isSuccess: Bool { (200..<300).contains(status) }
}

// MARK: - Sessions and fixtures, made through the API as real users would

extension AccessMatrixTests {
    /// The state of one matrix run: callers, their sessions, and the fixtures the calls name.
    final class Matrix: @unchecked Sendable {
        enum Stage: String { case draft, submitted, approved }
        enum Target { case subjectAdmin, subjectEntry, siblingAdmin }

        static let viewerPassword = "Chỉ xem báo cáo thôi 2026"
        /// Monthly assignments made for fixtures: the first is viewed, the second opened by callers, the rest used up.
        static let assignmentCount = 45

        let f: TestFederation
        let subject: Subject
        let callers: [Caller]
        let tree: UnitTree

        private var passwords: [String: String] = [:]
        private var factors: [String: SecondFactor] = [:]
        private var lastStep: [String: Int64] = [:]
        /// One session per account, on the node that hosts it.
        private var sessions: [String: APIClient] = [:]
        private var counter = 0

        private(set) var viewAssignment = ""
        private(set) var viewReport = ""
        private(set) var viewEvidence = ""
        private(set) var rollupReport = ""
        private var createAssignment = ""
        private var spare: [String] = []
        private var reports: [Stage: String] = [:]
        private var evidenceOnDraft: (report: String, evidence: String)?
        private var targets: [Target: String] = [:]
        /// Task and alert fixtures (TaskMatrixFixtures.swift).
        var tasks = TaskFixtures()
        /// The fixture report (and evidence file) the current call acts on, as it was just before:
        /// a denied call must leave it as it was.
        var touched: (report: String, version: Int, evidence: Int)?

        init(_ f: TestFederation, _ subject: Subject) {
            self.f = f
            self.subject = subject
            let deployment = f.federation.deployment
            tree = deployment.tree
            let units: [(Relation, String)] =
                [(.unit, subject.unit), (.parent, subject.parent), (.sibling, subject.sibling)]
                + (subject.child.map { [(.child, $0)] } ?? [])
            callers = units.flatMap { relation, unit in
                Role.allCases.map {
                    Caller(relation: relation, unit: unit, role: $0, home: deployment.hostingNode(of: unit)!.name)
                }
            }
            for account in f.manifest.accounts {
                passwords[account.username] = account.password
                factors[account.username] = SecondFactor(secret: account.totpSecret)
            }
        }

        func next() -> Int {
            counter += 1
            return counter
        }

        /// A month nobody has used yet, for new assignments.
        func nextMonth() -> String {
            let index = next()
            return "\(2040 + index / 12)-\(String(format: "%02d", index % 12 + 1))"
        }

        func home(of unit: String) -> String { f.federation.deployment.hostingNode(of: unit)!.name }

        // Sessions.

        var anonymous: APIClient { APIClient(baseURL: f.node(AccessMatrixTests.node).webURL, caPath: f.manifest.ca) }

        func password(_ username: String) -> String { passwords[username] ?? "" }
        func hasFactor(_ username: String) -> Bool { factors[username] != nil }
        func passwordChanged(_ username: String, to password: String) { passwords[username] = password }
        func sessionsEnded(_ username: String) { sessions[username] = nil }

        func enrolled(_ username: String, _ factor: SecondFactor) {
            factors[username] = factor
            lastStep[username] = nil
        }

        /// The caller's session token, presented at bac-ninh (a foreign caller's comes from its own node).
        func web(_ caller: Caller) async throws -> APIClient {
            anonymous.with(token: try await session(caller.username, at: caller.home).token!)
        }

        /// A complete session of a unit's account on the node that hosts it.
        func client(_ unit: String, _ role: Role) async throws -> APIClient {
            try await session(Caller.username(unit, role), at: home(of: unit))
        }

        func subjectClient(_ role: Role) async throws -> APIClient { try await client(subject.unit, role) }

        private func session(_ username: String, at node: String) async throws -> APIClient {
            if let session = sessions[username] { return session }
            let session = try await login(username, at: node, complete: true)
            sessions[username] = session
            return session
        }

        private func login(_ username: String, at node: String, complete: Bool) async throws -> APIClient {
            let client = APIClient(baseURL: f.node(node).webURL, caPath: f.manifest.ca)
            let grant = try await client.call(
                .POST,
                "/api/v1/session",
                body: ["username": username, "password": password(username)]
            )
            guard grant.status == 200, let token = grant.json["token"] as? String else {
                throw TestFailure("login \(username) at \(node): \(grant.status) \(grant.text)")
            }
            let session = client.with(token: token)
            if complete, grant.json["next"] as? String == "mfa_code" {
                let step = try await session.call(
                    .POST,
                    "/api/v1/session/mfa",
                    body: ["code": try await nextCode(username)]
                )
                guard step.status == 200, let completed = step.json["token"] as? String else {
                    throw TestFailure("MFA for \(username) at \(node): \(step.status) \(step.text)")
                }
                // The token from before the code is replaced by a new one.
                return client.with(token: completed)
            }
            return session
        }

        /// A new login that has given only its password (its second step pending), presented at bac-ninh.
        func passwordOnlySession(_ caller: Caller) async throws -> APIClient {
            anonymous.with(token: try await login(caller.username, at: caller.home, complete: false).token!)
        }

        /// A TOTP code the node has not seen yet (a code works once; neighbouring steps are accepted).
        func nextCode(_ username: String) async throws -> String {
            guard let factor = factors[username] else { throw TestFailure("\(username) has no second factor") }
            while true {
                let now = Int64(f.clock.now().timeIntervalSince1970 / 30)
                let step = max((lastStep[username] ?? now - 1) + 1, now)
                if step <= now + 1 {
                    lastStep[username] = step
                    return factor.code(at: Date(timeIntervalSince1970: Double(step) * 30))
                }
                try await Task.sleep(for: .seconds(1))
            }
        }

        // Checks of what lists show.

        func inReach(_ units: [String], of caller: Caller) -> String? {
            let outside = units.filter { !tree.isInSubtree($0, of: caller.unit) }
            return outside.isEmpty ? nil : "shows \(Set(outside).sorted()), outside \(caller.unit) and the units below"
        }

        func subjectShown(_ shown: Bool, to caller: Caller) -> String? {
            shown == caller.seesSubject
                ? nil
                : (shown
                    ? "shows the subject \(subject.unit), which it must not see"
                    : "does not show the subject \(subject.unit), below it")
        }

        // Fixtures.

        static func form(_ code: String, frequency: String = "monthly", rollupOf: String? = nil) -> [String: Any] {
            var form: [String: Any] = [
                "code": code, "title": "Biểu \(code)", "frequency": frequency,
                "groups": [
                    [
                        "id": "g1", "title": "Chuyển đổi số",
                        "questions": [
                            [
                                "id": "staff", "text": "Số cán bộ chuyên trách", "kind": "integer", "required": true,
                                "minimum": 0,
                            ]
                        ],
                    ]
                ],
            ]
            if let rollupOf { form["rollupOf"] = rollupOf }
            return form
        }

        @discardableResult
        func must(_ reply: APIClient.Reply, _ status: Int, _ what: String) throws -> [String: Any] {
            guard reply.status == status else { throw TestFailure("fixture: \(what): \(reply.status) \(reply.text)") }
            return reply.json
        }

        /// Viewers for every unit, forms and assignments from the centre, the subject's own form,
        /// a form of each local unit to assign, and a report of the subject with evidence, approved.
        func prepare() async throws {
            for unit in Set(callers.map(\.unit)) {
                let username = Caller.username(unit, .viewer)
                try await f.local(home(of: unit)).accounts.seed(
                    username: username,
                    fullName: "Người xem \(unit)",
                    unit: unit,
                    role: .viewer,
                    password: Self.viewerPassword
                )
                passwords[username] = Self.viewerPassword
            }
            let centre = try await client(formOwner, .admin)
            try await must(centre.call(.POST, "/api/v1/forms", body: Self.form("AM-THANG")), 201, "the monthly form")
            try await must(
                centre.call(
                    .POST,
                    "/api/v1/forms",
                    body: Self.form("AM-QUY", frequency: "quarterly", rollupOf: "AM-THANG")
                ),
                201,
                "the quarterly form"
            )
            var ids: [String] = []
            for index in 0..<Self.assignmentCount {
                let period = "\(2027 + index / 12)-\(String(format: "%02d", index % 12 + 1))"
                let made = try await must(
                    centre.call(
                        .POST,
                        "/api/v1/assignments",
                        body: ["form": "AM-THANG", "period": period, "units": [subject.unit]]
                    ),
                    201,
                    "assign \(period)"
                )
                ids.append(try #require(made["id"] as? String))
            }
            let quarter = try #require(
                try await must(
                    centre.call(
                        .POST,
                        "/api/v1/assignments",
                        body: ["form": "AM-QUY", "period": "2027-Q1", "units": [subject.unit]]
                    ),
                    201,
                    "assign the quarter"
                )["id"] as? String
            )
            try await must(
                subjectClient(.admin).call(.POST, "/api/v1/forms", body: Self.form("AM-RIENG")),
                201,
                "the subject's own form"
            )
            try await must(
                client(AccessMatrixTests.nodeUnit, .admin).call(
                    .POST,
                    "/api/v1/indicator-definitions",
                    body: IndicatorCatalogueTests.entered("AM-CHI-SO")
                ),
                201,
                "the province's indicator"
            )
            try await must(
                client(AccessMatrixTests.nodeUnit, .admin).call(
                    .POST,
                    "/api/v1/indicator-definitions",
                    body: IndicatorCatalogueTests.delivered("AM-GIAO-DICH")
                ),
                201,
                "the province's delivered indicator"
            )
            for unit in Set(callers.filter { !$0.foreign }.map(\.unit)) {
                try await must(
                    client(unit, .admin).call(.POST, "/api/v1/forms", body: Self.form("AM-GIAO")),
                    201,
                    "a form of \(unit) to assign"
                )
            }

            let entry = try await subjectClient(.dataEntry)
            let expected = Set(ids + [quarter])
            try await f.eventually("the assignments reach \(AccessMatrixTests.node)") {
                expected.isSubset(
                    of: try await entry.call(.GET, "/api/v1/assignments").items.compactMap { $0["id"] as? String }
                )
            }
            viewAssignment = ids[0]
            createAssignment = ids[1]
            spare = Array(ids.dropFirst(2))

            viewReport = try #require(
                try await must(
                    entry.call(.POST, "/api/v1/reports", body: ["assignment": viewAssignment]),
                    201,
                    "open the viewed report"
                )["id"] as? String
            )
            try await must(
                entry.call(.PUT, "/api/v1/reports/\(viewReport)", body: ["answers": ["staff": 4], "version": 1]),
                200,
                "fill it"
            )
            viewEvidence = try #require(
                try await must(
                    entry.call(
                        .POST,
                        "/api/v1/reports/\(viewReport)/evidence?name=bien-ban.txt",
                        body: Data("Biên bản họp".utf8)
                    ),
                    201,
                    "attach evidence"
                )["id"] as? String
            )
            try await must(
                entry.call(.POST, "/api/v1/reports/\(viewReport)/submit", body: ["message": "Kính trình"]),
                200,
                "submit it"
            )
            try await must(
                subjectClient(.approver).call(
                    .POST,
                    "/api/v1/reports/\(viewReport)/approve",
                    body: ["message": "Đồng ý"]
                ),
                200,
                "approve it"
            )
            rollupReport = try #require(
                try await must(
                    entry.call(.POST, "/api/v1/reports", body: ["assignment": quarter]),
                    201,
                    "open the quarterly report"
                )["id"] as? String
            )
            try await prepareTasks()
        }

        private func read(_ id: String) async throws -> [String: Any]? {
            let reply = try await subjectClient(.dataEntry).call(.GET, "/api/v1/reports/\(id)")
            return reply.status == 200 ? reply.json : nil
        }

        /// A report of the subject in `stage`: the one made before if it is still so, else a new one.
        func report(in stage: Stage) async throws -> (id: String, version: Int) {
            if let id = reports[stage], let held = try await read(id), held["state"] as? String == stage.rawValue,
                let version = held["version"] as? Int
            {
                touched = (id, version, Self.evidenceCount(held))
                return (id, version)
            }
            guard !spare.isEmpty else { throw TestFailure("fixture: no assignment left for a new report") }
            let entry = try await subjectClient(.dataEntry)
            let id = try #require(
                try await must(
                    entry.call(.POST, "/api/v1/reports", body: ["assignment": spare.removeFirst()]),
                    201,
                    "open a report"
                )["id"] as? String
            )
            try await must(
                entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": ["staff": 5], "version": 1]),
                200,
                "fill it"
            )
            if stage != .draft {
                try await must(
                    entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"]),
                    200,
                    "submit it"
                )
            }
            if stage == .approved {
                try await must(
                    subjectClient(.approver).call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]),
                    200,
                    "approve it"
                )
            }
            reports[stage] = id
            let held = try #require(try await read(id))
            let version = try #require(held["version"] as? Int)
            touched = (id, version, Self.evidenceCount(held))
            return (id, version)
        }

        /// What a call changed in the report it acted on, if anything.
        func changeToTouchedReport() async throws -> String? {
            guard let touched else { return nil }
            guard let held = try await read(touched.report) else { return "report \(touched.report) is gone" }
            if let version = held["version"] as? Int, version != touched.version {
                return "report \(touched.report) changed (version \(touched.version) → \(version))"
            }
            if Self.evidenceCount(held) != touched.evidence {
                return
                    "report \(touched.report) has \(Self.evidenceCount(held)) evidence files, not \(touched.evidence)"
            }
            return nil
        }

        static func evidenceCount(_ report: [String: Any]) -> Int {
            (report["evidence"] as? [[String: Any]] ?? []).count
        }

        /// An evidence file of the subject's draft, attached by its data entry.
        func draftEvidence() async throws -> (report: String, evidence: String) {
            let draft = try await report(in: .draft)
            if let known = evidenceOnDraft, known.report == draft.id,
                let held = try await read(draft.id),
                (held["evidence"] as? [[String: Any]] ?? []).contains(where: { $0["id"] as? String == known.evidence })
            {
                touched = (draft.id, draft.version, Self.evidenceCount(held))
                return known
            }
            let attached = try await must(
                subjectClient(.dataEntry).call(
                    .POST,
                    "/api/v1/reports/\(draft.id)/evidence?name=danh-sach.txt",
                    body: Data("Danh sách".utf8)
                ),
                201,
                "attach evidence"
            )
            let file = (draft.id, try #require(attached["id"] as? String))
            evidenceOnDraft = file
            touched = (draft.id, draft.version, Self.evidenceCount(try #require(try await read(draft.id))))
            return file
        }

        /// The assignment callers open a report for, with no report of the subject yet.
        func createSlot() async throws -> String {
            let entry = try await subjectClient(.dataEntry)
            for item in try await entry.call(
                .GET,
                "/api/v1/reports?assignment=\(createAssignment)&unit=\(subject.unit)"
            ).items {
                try await must(
                    entry.call(.DELETE, "/api/v1/reports/\(item["id"] as? String ?? "")"),
                    204,
                    "delete the opened report"
                )
            }
            return createAssignment
        }

        func newAccountBody(unit: String, role: Role) -> [String: Any] {
            let username = "am.\(role.rawValue).\(next())"
            return ["username": username, "fullName": "Người thử \(username)", "unit": unit, "role": role.rawValue]
        }

        /// Creates an account (waiting for activation on the node that hosts it); its username and one-time code.
        func newAccount(unit: String, role: Role, by admin: APIClient) async throws -> (username: String, code: String)
        {
            let body = newAccountBody(unit: unit, role: role)
            let created = try await must(
                admin.call(.POST, "/api/v1/accounts", body: body),
                201,
                "create an account of \(unit)"
            )
            return (body["username"] as! String, try #require(created["activationCode"] as? String))
        }

        /// An account to disable, reset or sign out, kept until a call succeeds on it.
        func target(_ kind: Target) async throws -> String {
            if let username = targets[kind] { return username }
            let username: String
            switch kind {
            case .subjectAdmin:
                username = try await newAccount(unit: subject.unit, role: .admin, by: subjectClient(.admin)).username
            case .subjectEntry:
                username = try await newAccount(unit: subject.unit, role: .dataEntry, by: subjectClient(.admin))
                    .username
            case .siblingAdmin:
                if home(of: subject.parent) == AccessMatrixTests.node {
                    // The parent appoints the sibling's admin from here; this node keeps the account.
                    username = try await newAccount(
                        unit: subject.sibling,
                        role: .admin,
                        by: client(subject.parent, .admin)
                    ).username
                } else {
                    // Appointed from another node: this node never holds it.
                    username = Caller.username(subject.sibling, .admin)
                }
            }
            targets[kind] = username
            return username
        }

        func used(_ kind: Target) { targets[kind] = nil }
    }
}

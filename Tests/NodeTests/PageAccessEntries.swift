import Auth
import Foundation

@testable import Node
@testable import NodeHTTP

/// The access matrix's entries for the HTML pages (issue D). Pages apply the API's rules through
/// the same use cases, and answer like the API with two differences written into the rules here:
/// a post that succeeds leads to the next page (303 See Other), and a caller without a session on
/// this node is sent to the login page (303) rather than answered 401. Callers use their bearer
/// token, which pages accept as the API does (a browser's cookie session must also send the form's
/// CSRF token: `WebPageTests`).
extension AccessMatrixTests {
    static func form(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map {
            "\(WebPageTests.Browser.encode($0.key))=\(WebPageTests.Browser.encode($0.value))"
        }.joined(separator: "&")
    }

    static func post(
        _ m: Matrix,
        _ a: Caller,
        _ path: String,
        _ fields: [String: String] = [:]
    ) async throws -> APIClient.Reply {
        try await m.web(a).call(.POST, path, body: form(fields), contentType: "application/x-www-form-urlencoded")
    }

    /// The pages people read and work in.
    static func pageEntries() -> [Entry] {
        [
            Entry(
                "GET /",
                public: true,
                Case("sends to the pages", expect: { _ in .passes(302, "the start page is under /app") }) { m, a in
                    try await m.web(a).call(.GET, "/")
                }
            ),
            Entry(
                "GET /app/assets/site.css",
                public: true,
                Case("the stylesheet", expect: Rule.everyone) { m, _ in
                    try await m.anonymous.call(.GET, "/app/assets/site.css")
                }
            ),
            Entry(
                "GET /app/assets/site.js",
                public: true,
                Case("the script", expect: Rule.everyone) { m, _ in
                    try await m.anonymous.call(.GET, "/app/assets/site.js")
                }
            ),
            Entry(
                "GET /app/language",
                public: true,
                Case("chooses English", expect: { _ in .passes(303, "back to the page, with the choice in a cookie") })
                { m, _ in
                    try await m.anonymous.call(.GET, "/app/language?to=en&back=/app/entry")
                }
            ),
            Entry(
                "GET /app/login",
                public: true,
                Case("the login form", expect: Rule.everyone) { m, _ in try await m.anonymous.call(.GET, "/app/login") }
            ),
            Entry(
                "POST /app/login",
                public: true,
                Case(
                    "a login post without the form's pre-session token",
                    expect: { _ in .deniedAs(403, "a cross-site login post carries no token") }
                ) { m, a in
                    try await m.anonymous.call(
                        .POST,
                        "/app/login",
                        body: form(["username": a.username, "password": m.password(a.username)]),
                        contentType: "application/x-www-form-urlencoded"
                    )
                }
            ),
            Entry(
                "GET /app/login/mfa",
                Case("the code form of a new login", expect: Rule.everyone) { m, a in
                    try await m.passwordOnlySession(a).call(.GET, "/app/login/mfa")
                }
            ),
            Entry(
                "POST /app/login/mfa",
                Case("gives the code of a new login", expect: redirects(Rule.givesSecondFactor)) { m, a in
                    let session = try await m.passwordOnlySession(a)
                    var code = "000000"
                    if !a.foreign && m.hasFactor(a.username) { code = try await m.nextCode(a.username) }
                    return try await session.call(
                        .POST,
                        "/app/login/mfa",
                        body: form(["code": code]),
                        contentType: "application/x-www-form-urlencoded"
                    )
                }
            ),
            Entry(
                "POST /app/logout",
                Case("logs out a session it just opened", expect: redirects(Rule.everyone)) { m, a in
                    try await m.passwordOnlySession(a).call(
                        .POST,
                        "/app/logout",
                        body: "",
                        contentType: "application/x-www-form-urlencoded"
                    )
                }
            ),
            Entry(
                "GET /app/password",
                Case("the password form", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/app/password")
                }
            ),
            Entry(
                "GET /app/mfa",
                Case("the enrolment page", expect: Rule.everyone) { m, a in try await m.web(a).call(.GET, "/app/mfa") }
            ),
            Entry(
                "GET /app/profile",
                Case("its own account", expect: Rule.everyone) { m, a in try await m.web(a).call(.GET, "/app/profile") }
            ),

            Entry(
                "GET /app",
                Case("its own dashboard", expect: Rule.everyone) { m, a in try await m.web(a).call(.GET, "/app") },
                Case("the subject's dashboard", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/app?assignment=\(m.viewAssignment)&unit=\(m.subject.unit)")
                }
            ),
            Entry(
                "GET /app/entry",
                Case(
                    "its unit's assigned forms",
                    expect: { a in a.holds(.enterData) || a.holds(.approveReports) ? .ok : .denied }
                ) { m, a in
                    try await m.web(a).call(.GET, "/app/entry")
                }
            ),
            Entry(
                "POST /app/entry/{assignment}",
                Case(
                    "opens the subject's report (an assignment of the subject only)",
                    expect: redirects(Rule.opensSubjectReport)
                ) { m, a in
                    let assignment = try await m.createSlot()
                    return try await post(m, a, "/app/entry/\(assignment)")
                }
            ),
            Entry(
                "GET /app/reports",
                Case("its own list", expect: Rule.everyone) { m, a in try await m.web(a).call(.GET, "/app/reports") },
                Case("the subject's reports", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/app/reports?unit=\(m.subject.unit)")
                }
            ),
            Entry(
                "GET /app/reports/{id}",
                Case("the subject's report", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/app/reports/\(m.viewReport)")
                }
            ),
            Entry(
                "GET /app/reports/{id}/edit",
                Case("the subject's draft to fill", expect: Rule.entersForSubject) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await m.web(a).call(.GET, "/app/reports/\(report.id)/edit")
                }
            ),
            Entry(
                "POST /app/reports/{id}/edit",
                Case("saves the subject's draft", expect: redirects(Rule.entersForSubject)) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await post(
                        m,
                        a,
                        "/app/reports/\(report.id)/edit",
                        ["version": "\(report.version)", "q:staff": "\(m.next())"]
                    )
                },
                Case("corrects the subject's submitted report", expect: redirects(Rule.leadsSubject)) { m, a in
                    let report = try await m.report(in: .submitted)
                    return try await post(
                        m,
                        a,
                        "/app/reports/\(report.id)/edit",
                        ["version": "\(report.version)", "q:staff": "\(m.next())"]
                    )
                }
            ),
            Entry(
                "POST /app/reports/{id}/submit",
                Case("submits the subject's draft", expect: redirects(Rule.entersForSubject)) { m, a in
                    let report = try await m.report(in: .draft)
                    return try await post(m, a, "/app/reports/\(report.id)/submit", ["message": "Kính trình"])
                }
            ),
            Entry(
                "POST /app/reports/{id}/approve",
                Case("approves the subject's submitted report", expect: redirects(Rule.leadsSubject)) { m, a in
                    let report = try await m.report(in: .submitted)
                    return try await post(m, a, "/app/reports/\(report.id)/approve", ["message": "Đồng ý"])
                }
            ),
            Entry(
                "POST /app/reports/{id}/evidence",
                Case("attaches evidence to the subject's draft", expect: redirects(Rule.entersForSubject)) { m, a in
                    let report = try await m.report(in: .draft)
                    let body = ReturnEvidenceTests.multipart([], files: [("minh-chung.txt", Data("Minh chứng".utf8))])
                    return try await m.web(a).call(
                        .POST,
                        "/app/reports/\(report.id)/evidence",
                        body: body.body,
                        contentType: body.type
                    )
                }
            ),
            Entry(
                "POST /app/reports/{id}/return",
                Case("returns the subject's submitted report", expect: redirects(Rule.leadsSubject)) { m, a in
                    let report = try await m.report(in: .submitted)
                    return try await post(m, a, "/app/reports/\(report.id)/return", ["message": "Cần bổ sung số liệu"])
                },
                Case("returns the subject's approved report", expect: redirects(Rule.reviewsSubject)) { m, a in
                    let report = try await m.report(in: .approved)
                    return try await post(m, a, "/app/reports/\(report.id)/return", ["message": "Số liệu chưa khớp"])
                }
            ),
            Entry(
                "GET /app/units",
                Case("the units it sees", expect: Rule.everyone) { m, a in try await m.web(a).call(.GET, "/app/units") }
            ),
            Entry(
                "GET /app/users",
                Case("the accounts it administers", expect: Rule.administers) { m, a in
                    try await m.web(a).call(.GET, "/app/users")
                }
            ),
            Entry(
                "POST /app/users",
                Case("creates an admin of the subject", expect: Rule.managesSubjectAdmins) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/users",
                        m.newAccountBody(unit: m.subject.unit, role: .admin).compactMapValues { $0 as? String }
                    )
                },
                Case("creates a viewer of the subject", expect: Rule.managesSubjectAccounts) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/users",
                        m.newAccountBody(unit: m.subject.unit, role: .viewer).compactMapValues { $0 as? String }
                    )
                }
            ),
            Entry("POST /app/users/{username}/disable", cases: pageAccountCases("disable", success: 303)),
            Entry("POST /app/users/{username}/reset", cases: pageAccountCases("reset", success: 200)),
            Entry("POST /app/users/{username}/enable", cases: pageAccountCases("enable", success: 303)),
            Entry(
                "POST /app/users/{username}",
                cases: pageAccountCases(nil, success: 303, fields: ["fullName": "Nguyễn Thị Đã Sửa"])
            ),
            Entry("GET /app/users/{username}", cases: pageAccountCases(nil, success: 200, get: true)),
            Entry(
                "GET /app/audit",
                Case("the audit trail of its unit and below", expect: Rule.administers) { m, a in
                    try await m.web(a).call(.GET, "/app/audit")
                }
            ),
            Entry(
                "GET /app/usage",
                Case("usage of its unit and below", expect: Rule.administers) { m, a in
                    try await m.web(a).call(.GET, "/app/usage?period=2026")
                }
            ),
            Entry(
                "GET /app/forms",
                Case("the forms it may use and the assignments that concern it", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/app/forms")
                }
            ),
            Entry(
                "POST /app/forms",
                Case("publishes a form of its own unit", expect: redirects(Rule.definesForms)) { m, a in
                    let file = try JSONSerialization.data(withJSONObject: Matrix.form("AM-TRANG-\(m.next())"))
                    return try await post(
                        m,
                        a,
                        "/app/forms",
                        ["action": "publish", "yaml": String(decoding: file, as: UTF8.self)]
                    )
                }
            ),
            Entry(
                "POST /app/assignments",
                Case("assigns a form of its own unit to the subject", expect: redirects(Rule.assignsToSubject)) {
                    m,
                    a in
                    try await post(
                        m,
                        a,
                        "/app/assignments",
                        ["form": "AM-GIAO", "period": m.nextMonth(), "units": m.subject.unit]
                    )
                }
            ),
            Entry(
                "GET /app/indicators",
                Case(
                    "the indicator set of its unit and the levels above",
                    expect: { a in a.holds(.viewReports) ? .ok : .denied }
                ) { m, a in
                    try await m.web(a).call(.GET, "/app/indicators")
                }
            ),
            Entry(
                "GET /app/indicators/entry",
                Case(
                    "the indicator values its units owe",
                    expect: { a in a.holds(.enterData) || a.holds(.approveReports) ? .ok : .denied }
                ) { m, a in
                    try await m.web(a).call(.GET, "/app/indicators/entry")
                }
            ),
            Entry(
                "POST /app/indicators/entry",
                Case(
                    "enters a value of the province's entered indicator for the subject",
                    expect: redirects(Rule.entersIndicator)
                ) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/indicators/entry",
                        ["v|AM-CHI-SO|\(m.subject.unit)|2026-09": "\(m.next())"]
                    )
                }
            ),
            Entry(
                "GET /app/indicators/assignments",
                Case("the indicator assignments and the form to make one", expect: Rule.definesForms) { m, a in
                    try await m.web(a).call(.GET, "/app/indicators/assignments")
                }
            ),
            Entry(
                "POST /app/indicators/assignments",
                Case("assigns the province's indicator to the subject", expect: redirects(Rule.assignsToSubject)) {
                    m,
                    a in
                    let month = m.nextMonth()
                    return try await post(
                        m,
                        a,
                        "/app/indicators/assignments",
                        ["indicator": "AM-CHI-SO", "units": m.subject.unit, "from": month, "until": month]
                    )
                }
            ),
            Entry(
                "POST /app/indicators/assignments/{id}/withdraw",
                Case(
                    "withdraws the province's assignment to Tiên Du",
                    expect: redirects(Rule.withdrawsProvinceAssignment)
                ) { m, a in
                    let month = m.nextMonth()
                    let made = try await m.client(AccessMatrixTests.nodeUnit, .admin).call(
                        .POST,
                        "/api/v1/indicator-assignments",
                        body: ["indicator": "AM-CHI-SO", "units": ["BNI-TD"], "from": month, "until": month]
                    )
                    return try await post(
                        m,
                        a,
                        "/app/indicators/assignments/\(made.json["id"] as? String ?? "none")/withdraw"
                    )
                }
            ),
        ]
    }

    /// One's own password and second factor through the pages (run where the API's are).
    static func pageOwnAccountEntries() -> [Entry] {
        [
            Entry(
                "POST /app/password",
                Case("changes its own password", expect: redirects(Rule.everyone)) { m, a in
                    let new = "Mật khẩu trang web số \(m.next()) năm 2026"
                    let reply = try await post(m, a, "/app/password", ["current": m.password(a.username), "new": new])
                    if reply.status == 303 { m.passwordChanged(a.username, to: new) }
                    return reply
                }
            ),
            // Run after the API's enrolment entries: every caller has a second factor by then (the
            // demo's, or the viewer's enrolled through the API just before).
            Entry(
                "POST /app/mfa",
                Case("starts enrolling a second factor", expect: { _ in .passes(409, "MFA is already on") }) { m, a in
                    try await post(m, a, "/app/mfa")
                }
            ),
            Entry(
                "POST /app/mfa/confirm",
                Case("confirms an enrolment", expect: { _ in .passes(409, "MFA is already on") }) { m, a in
                    try await post(m, a, "/app/mfa/confirm", ["code": "000000"])
                }
            ),
        ]
    }

    /// A rule for a page post: where the API answers 2xx, the page leads on with 303 See Other.
    static func redirects(_ rule: @escaping (Caller) -> Outcome) -> (Caller) -> Outcome {
        { caller in
            switch rule(caller) {
            case .ok: .passes(303, "a post that succeeds leads to the next page")
            case let other: other
            }
        }
    }

    static func pageAccountCases(
        _ action: String?,
        success: Int,
        fields: [String: String] = [:],
        get: Bool = false
    ) -> [Case] {
        let targets: [(Matrix.Target, String, (Caller) -> Outcome)] = [
            (.subjectAdmin, "an admin of the subject", Rule.managesSubjectAdmins),
            (.subjectEntry, "a data-entry account of the subject", Rule.managesSubjectAccounts),
            (.siblingAdmin, "an admin of the subject's sibling", Rule.managesSiblingAdmins),
        ]
        return targets.map { target, name, rule in
            Case(
                name,
                expect: { caller in
                    if case .ok = rule(caller), success != 200 { return .passes(success, "leads back to the list") }
                    return rule(caller)
                }
            ) { m, a in
                let username = try await m.target(target)
                let path = "/app/users/\(username)" + (action.map { "/\($0)" } ?? "")
                let reply = get ? try await m.web(a).call(.GET, path) : try await post(m, a, path, fields)
                if reply.status == success && !get { m.used(target) }
                return reply
            }
        }
    }
}

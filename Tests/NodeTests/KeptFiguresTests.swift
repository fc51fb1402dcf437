import Auth
import FaultProxy
import Federation
import Foundation
import GRDB
import Hierarchy
import Logging
import Reporting
import Testing

@testable import Node
@testable import NodeCommands

/// Issue K.1 on a real database through the real services: one node hosting a small country runs
/// a randomised sequence of submissions, approvals, returns (of submitted and of approved
/// reports), re-approvals with other answers, amendments and closures; after every step the kept
/// figures match a count from scratch (`KeptFigures.check`), and the oversight views read from
/// them equal the figures computed from every report, as they were before they were kept.
@Suite struct KeptFiguresTests {
    static let topology = """
        name: kept-figures
        units:
          - { code: TW,   name: "Trung ương", level: central }
          - { code: P1,   name: "Tỉnh Một",   level: province, parent: TW }
          - { code: P1-A, name: "Xã A",       level: commune,  parent: P1 }
          - { code: P1-B, name: "Xã B",       level: commune,  parent: P1 }
          - { code: P1-C, name: "Xã C",       level: commune,  parent: P1 }
          - { code: P2,   name: "Tỉnh Hai",   level: province, parent: TW }
          - { code: P2-A, name: "Xã D",       level: commune,  parent: P2 }
          - { code: P2-B, name: "Xã E",       level: commune,  parent: P2 }
        nodes:
          - { name: centre, unit: TW, hosts: [TW, P1, P1-A, P1-B, P1-C, P2, P2-A, P2-B], web: "127.0.0.1:8441", federation: "127.0.0.1:9441" }
        """

    /// Every way a number combines, a choice and a table whose columns sum and take the maximum.
    static let form = Form(
        code: "KF",
        title: "Số liệu giữ sẵn",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g",
                title: "Nhóm",
                questions: [
                    Question(id: "sum", text: "Tổng", kind: .integer, aggregation: .sum),
                    Question(id: "avg", text: "Trung bình", kind: .decimal, aggregation: .average),
                    Question(id: "min", text: "Nhỏ nhất", kind: .integer, aggregation: .min),
                    Question(id: "max", text: "Lớn nhất", kind: .integer, aggregation: .max),
                    Question(id: "last", text: "Cuối", kind: .integer, aggregation: .last),
                    Question(id: "pick", text: "Chọn", kind: .singleChoice, options: ["x", "y", "z"]),
                    Question(
                        id: "tab",
                        text: "Bảng",
                        kind: .table,
                        table: TableLayout(
                            rows: [TableRow(id: "r1", label: "Dòng 1"), TableRow(id: "r2", label: "Dòng 2")],
                            columns: [
                                TableColumn(id: "n", label: "Số"),
                                TableColumn(id: "top", label: "Cao nhất", aggregation: .max),
                            ]
                        )
                    ),
                ]
            )
        ]
    )

    static let communes = ["P1-A", "P1-B", "P1-C", "P2-A", "P2-B"]
    static let admin = Actor(username: "tw.admin", unit: "TW", role: .admin)

    static func answers(_ random: inout SeededGenerator) -> Answers {
        var values: [String: Answer] = [:]
        for id in ["sum", "min", "max", "last"] where Int.random(in: 0..<5, using: &random) > 0 {
            values[id] = .number(Double(Int.random(in: 0...40, using: &random)))
        }
        if Bool.random(using: &random) { values["avg"] = .number(Double(Int.random(in: 0...80, using: &random)) / 2) }
        if Bool.random(using: &random) { values["pick"] = .choice(["x", "y", "z"].randomElement(using: &random)!) }
        if Bool.random(using: &random) {
            values["tab"] = .table([
                "r1": [
                    "n": Double(Int.random(in: 0...9, using: &random)),
                    "top": Double(Int.random(in: 0...9, using: &random)),
                ],
                "r2": ["n": Double(Int.random(in: 0...9, using: &random))],
            ])
        }
        return Answers(values)
    }

    @Test(arguments: 0..<3) func randomSequencesKeepTheFiguresACountFromScratchGives(_ run: Int) async throws {
        let seed =
            ProcessInfo.processInfo.environment["REPORTNET_FIGURES_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("kept figures, run \(run): seed \(seed) (replay with REPORTNET_FIGURES_SEED=\(seed))")
        var random = SeededGenerator(seed: seed)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("reportnet-kept-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let deployment = try TopologyFile.parse(Self.topology, source: "test")
        try NodeCertificates.issue(for: deployment, into: directory + "/certs")
        let files = NodeCertificates.paths(in: directory + "/certs", node: "centre")
        var logger = Logger(label: "test.kept")
        logger.logLevel = .critical
        let local = try LocalNode(
            node: deployment.node(named: "centre")!,
            deployment: deployment,
            database: try NodeDatabase.open(path: "\(directory)/centre.sqlite"),
            credentials: try NodeCredentials.load(
                certificate: files.certificate,
                key: files.key,
                trustRoot: NodeCertificates.caPaths(in: directory + "/certs").certificate
            ),
            passwordCost: 4,
            clock: AnchoredClock(startingAt: TestDay.start),
            logger: logger
        )
        _ = try await local.forms.define(Self.form, by: Self.admin)
        // One period long past (every approval late), one far ahead (every approval on time);
        // the past one expects a province itself too.
        let past = try await local.formAssignments.assign(
            NewAssignment(form: "KF", period: "2025-09", units: Self.communes + ["P1"]),
            by: Self.admin
        ).id
        let future = try await local.formAssignments.assign(
            NewAssignment(form: "KF", period: "2099-12", level: .commune),
            by: Self.admin
        ).id
        var closed: Set<String> = []
        var steps: [String] = []
        for _ in 0..<150 {
            let assignment = Bool.random(using: &random) ? past : future
            let step = try await Self.step(
                Int.random(in: 0..<10, using: &random),
                assignment: assignment,
                closed: &closed,
                local,
                &random
            )
            steps.append(step)
            let check = try await local.keptFigures.check()
            #expect(check.differences.isEmpty, "seed \(seed), after \(steps): \(check.differences)")
            if !check.differences.isEmpty { return }
        }
        print("kept figures, run \(run): \(steps.joined(separator: "; "))")
        for assignment in [past, future] {
            for unit in ["TW", "P1", "P2", "P1-A"] {
                try await Self.expectSameAsCountedFromEveryReport(local, assignment, unit, "seed \(seed)")
            }
        }
        // Filled from scratch (as the first start after the upgrade does), the figures are the same.
        try await local.database.pool.write { db in try local.keptFigures.fill(db) }
        #expect(try await local.keptFigures.check().differences.isEmpty)
    }

    /// The placement written directly is what the JSON encoder writes, and reads back the same;
    /// anything that is not a plain unit code still goes through the encoder.
    @Test func placementsReadAndWriteAsJSON() throws {
        for ancestors in [[], ["TW"], ["BNI", "TW"], ["a.b-c_9", "TW"], ["Tỉnh \"x\"", "a/b"]] {
            let unit = ExpectedUnit(code: "X", level: .commune, ancestors: ancestors)
            #expect(unit.ancestorsJSON == String(decoding: try JSONEncoder().encode(ancestors), as: UTF8.self))
            #expect(ExpectedUnit.ancestors(fromJSON: unit.ancestorsJSON) == ancestors)
        }
        #expect(ExpectedUnit.ancestors(fromJSON: "[\"a\",\"b\\u0041\"]") == ["a", "bA"])
    }

    /// One random step on a report in the state it needs (or a unit): what it did, or why it was
    /// refused (a refusal changes nothing).
    static func step(
        _ kind: Int,
        assignment: String,
        closed: inout Set<String>,
        _ local: LocalNode,
        _ random: inout SeededGenerator
    ) async throws -> String {
        let reports = try await local.database.pool.read { db in
            try ReportRecord.filter(Column("assignment_id") == assignment).fetchAll(db)
        }
        func one(_ states: [ReportState]) -> ReportRecord? {
            reports.filter { states.contains($0.state) }.randomElement(using: &random)
        }
        let answers = Self.answers(&random)
        var unit = (Self.communes + ["P1"]).randomElement(using: &random)!
        do {
            switch kind {
            case 0...2:
                let entry = Actor(username: "\(unit.lowercased()).entry", unit: unit, role: .dataEntry)
                var report = reports.first { $0.unit == unit }
                if report == nil {
                    let view = try await local.reports.create(NewReport(assignment: assignment), by: entry)
                    report = try await local.database.pool.read { db in try ReportRecord.fetchOne(db, key: view.id) }
                }
                guard let report else { return "no report" }
                let saved = try await local.reports.update(
                    report.id,
                    ReportUpdate(answers: answers, version: report.version),
                    by: entry
                )
                _ = try await local.reports.submit(saved.id, ReportTransition(message: nil), by: entry)
                return "submit \(unit)"
            case 3...5:
                guard let held = one([.submitted]) else { return "nothing to approve" }
                let approver = Actor(username: "\(held.unit.lowercased()).approver", unit: held.unit, role: .approver)
                _ = try await local.reports.approve(held.id, ReportTransition(message: "Đồng ý"), by: approver)
                return "approve \(held.unit)"
            case 6:
                guard let held = one([.submitted, .approved]) else { return "nothing to return" }
                let parent = local.tree.parent(of: held.unit)?.code ?? "TW"
                let by =
                    held.state == .approved
                    ? Actor(username: "\(parent.lowercased()).approver", unit: parent, role: .approver)
                    : Actor(username: "\(held.unit.lowercased()).approver", unit: held.unit, role: .approver)
                _ = try await local.reports.return(held.id, ReportTransition(message: "Sửa lại"), by: by)
                return "return \(held.state.rawValue) \(held.unit)"
            case 7:
                let expected = try await local.database.pool.read { db in
                    try local.expectations.expectation(of: assignment, db).expected.map(\.code)
                }
                let withdraw = expected.contains(unit)
                _ = try await local.expectations.amend(
                    assignment: assignment,
                    AmendmentRequest(
                        add: withdraw ? nil : [unit],
                        withdraw: withdraw ? [unit] : nil,
                        reason: "Điều chỉnh"
                    ),
                    by: Self.admin
                )
                return "\(withdraw ? "withdraw" : "add") \(unit)"
            case 8 where closed.count < 2:
                unit = Self.communes.randomElement(using: &random)!
                _ = try await local.unitClosures.close(
                    unit,
                    ClosureRequest(closedOn: "2026-01-01", reason: "Sáp nhập"),
                    by: Self.admin
                )
                closed.insert(unit)
                return "close \(unit)"
            default:
                return "nothing"
            }
        } catch let refusal as DomainError {
            return "refused \(kind) \(unit): \(refusal.reason)"
        }
    }

    /// The oversight summary equals progress and answers computed from the units expected and every
    /// report held, as `Oversight` computed them before the figures were kept.
    static func expectSameAsCountedFromEveryReport(
        _ local: LocalNode,
        _ assignment: String,
        _ unit: String,
        _ note: String
    ) async throws {
        let summary = try await local.oversight.summary(assignment: assignment, unit: unit, for: admin)
        let (progress, aggregate) = try await local.database.pool.read { db in
            let record = try #require(try AssignmentRecord.fetchOne(db, key: assignment))
            let form = try #require(try local.forms.form(owner: "TW", code: "KF", version: 1, db))
            let expectation = try local.expectations.expectation(of: assignment, db)
            var statuses: [String: UnitReportStatus] = [:]
            var approved: [String: Answers] = [:]
            let rows = try ReportStore.figuresColumns(of: assignment, db)
            while let row = try rows.next() {
                let state = ReportState(rawValue: row[1])
                let approvedAt: Date? = row[3]
                statuses[row[0]] = UnitReportStatus(
                    submitted: state == .submitted || state == .approved,
                    approved: state == .approved,
                    approvedOn: approvedAt.map { CalendarDate($0) }
                )
                if state == .approved {
                    approved[row[0]] = try JSONDecoder().decode(Answers.self, from: Data((row[2] as String).utf8))
                }
            }
            let deadline = try #require(CalendarDate(record.deadline))
            return (
                SubtreeFigures(
                    tree: local.tree,
                    unit: unit,
                    expectation: expectation,
                    reports: statuses,
                    deadline: deadline
                ),
                AggregatedAnswers(
                    form: form,
                    answers: expectation.expected.filter { $0.isInSubtree(of: unit) }.compactMap { approved[$0.code] }
                )
            )
        }
        #expect(summary.progress == progress, "\(note): progress of \(unit)")
        #expect(summary.aggregate == aggregate, "\(note): answers of \(unit)")
    }
}

import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting
import Testing

@testable import Node

/// The receiving side of the protocol on a real database: exactly once, and a bad message never
/// blocks the ones behind it.
@Suite struct InboxTests {
    /// The centre's assignment of form F (one integer question) to Kinh Bắc for November 2026.
    static let notice = AssignmentNotice(
        id: "A1",
        form: Form(
            code: "F",
            title: "T",
            frequency: .monthly,
            groups: [CriteriaGroup(id: "g", title: "G", questions: [Question(id: "q", text: "Q", kind: .integer)])]
        ),
        period: .month(2026, 11),
        assignedBy: "TW",
        deadline: Period.month(2026, 11).deadline(),
        units: ["BNI-KB"]
    )

    func approvedReport(
        unit: String,
        signedBy node: String,
        in nodes: LocalNodes,
        assignment: String = "A1",
        period: Period = .month(2026, 11),
        answers: Answers = Answers(["q": .number(3)])
    ) throws -> Data {
        let report = ApprovedReport(
            reportId: UUID().uuidString,
            assignmentId: assignment,
            formOwner: "TW",
            formCode: "F",
            formVersion: 1,
            period: period,
            unit: unit,
            answers: answers,
            approvedBy: "\(unit.lowercased()).approver",
            approvedAt: TestDay.start,
            message: nil,
            approvalCount: 1
        )
        let credentials = try nodes.credentials(node)
        let signer = try PayloadSigner(
            certificatePEM: credentials.certificatePEM,
            privateKeyPEM: credentials.privateKeyPEM
        )
        return try JSONEncoder.federation.encode(try signer.sign(try JSONEncoder.federation.encode(report)))
    }

    @Test func parksABadMessageAndAppliesTheNextOnce() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let forged = try approvedReport(unit: "BNI-KB", signedBy: "yen-phong", in: nodes)
        let good = try approvedReport(unit: "BNI-KB", signedBy: "kinh-bac", in: nodes)
        let batch = [
            Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: forged),
            Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: Data("not json".utf8)),
            Envelope(origin: "BNI-KB", kind: .assignmentCreated, unit: "BNI-KB", body: Data("{}".utf8)),
            Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: good),
        ]
        let results = try await province.inbox.receive(batch, direction: .fromChild)
        #expect(results.map(\.status) == [.parked, .parked, .parked, .applied])
        #expect(results[0].detail.contains("does not host"), "\(results[0].detail)")
        #expect(results[2].detail.contains("not accepted from a child"), "\(results[2].detail)")

        let replay = try await province.inbox.receive(batch, direction: .fromChild)
        #expect(replay.allSatisfy { $0.replayed })
        #expect(replay.map(\.detail) == results.map(\.detail), "a replay returns the original results")
        let (reports, relayed) = try await province.database.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox")!
            )
        }
        #expect(reports == 1)
        #expect(relayed == 1, "relayed up once (the assignment is unknown here, so toward the centre)")
    }

    /// A closure is carried out only as decided by a unit above the closed one, for which the
    /// sender speaks (from a child) or which lies above this node (from the parent); kept once.
    @Test func closuresComeOnlyFromThoseWhoDecideThem() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        func notice(_ unit: String, by decider: String) throws -> Data {
            try JSONEncoder.federation.encode(
                UnitClosureNotice(
                    unit: unit,
                    closedOn: "2099-11-01",
                    mergedInto: nil,
                    reason: "Sáp nhập",
                    decidedBy: "\(decider.lowercased()).admin",
                    decidedByUnit: decider,
                    decidedAt: TestDay.start
                )
            )
        }
        let results = try await centre.inbox.receive(
            [
                Envelope(origin: "LCA", kind: .unitClosed, unit: "LCA", body: try notice("BNI-KB", by: "BNI")),
                Envelope(origin: "BNI", kind: .unitClosed, unit: "BNI", body: try notice("BNI", by: "BNI")),
                Envelope(origin: "BNI", kind: .unitClosed, unit: "BNI", body: try notice("BNI-KB", by: "BNI")),
                Envelope(origin: "BNI", kind: .unitClosed, unit: "BNI", body: try notice("BNI-KB", by: "BNI")),
            ],
            direction: .fromChild
        )
        #expect(results.map(\.status) == [.parked, .parked, .applied, .applied])
        #expect(results[0].detail.contains("may not speak for unit BNI"), "\(results[0].detail)")
        #expect(results[1].detail.contains("not below it"), "\(results[1].detail)")
        #expect(results[3].detail.contains("already held"), "\(results[3].detail)")

        let commune = try nodes.open("kinh-bac")
        let down = try await commune.inbox.receive(
            [
                Envelope(origin: "BNI", kind: .unitClosed, unit: "BNI-YP", body: try notice("BNI-YP", by: "BNI")),
                Envelope(origin: "BNI", kind: .unitClosed, unit: "BNI-KB", body: try notice("BNI-KB", by: "BNI")),
            ],
            direction: .fromParent
        )
        #expect(
            down.map(\.status) == [.parked, .applied],
            "a closure comes down only to the closed unit's node: \(down.map(\.detail))"
        )
    }

    @Test func feedEntriesOnlyFromTheParent() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let commune = try nodes.open("kinh-bac")
        let notice = Self.notice
        let body = try JSONEncoder.federation.encode(notice)
        let results = try await commune.inbox.receive(
            [
                Envelope(origin: "TW", kind: .assignmentCreated, unit: "TW", body: body),
                Envelope(origin: "BNI", kind: .assignmentCreated, unit: "TW", body: body),
            ],
            direction: .fromParent,
            cursor: ("BNI", 7)
        )
        #expect(results.map(\.status) == [.parked, .applied], "an entry must come from the parent itself")
        #expect(try await commune.syncLinks.cursor(of: "BNI") == 7, "the cursor moves in the same transaction")
        let units = try await commune.database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT unit FROM assignment_units")
        }
        #expect(units == ["BNI-KB"])
    }

    @Test func receivedReportsMustFitTheirAssignment() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let notice = Self.notice
        _ = try await province.inbox.receive(
            [
                Envelope(
                    origin: "TW",
                    kind: .assignmentCreated,
                    unit: "TW",
                    body: try JSONEncoder.federation.encode(notice)
                )
            ],
            direction: .fromParent
        )

        let results = try await province.inbox.receive(
            [
                Envelope(
                    origin: "BNI-KB",
                    kind: .reportApproved,
                    unit: "BNI-YP",
                    body: try approvedReport(unit: "BNI-YP", signedBy: "yen-phong", in: nodes)
                ),
                Envelope(
                    origin: "BNI-KB",
                    kind: .reportApproved,
                    unit: "BNI-KB",
                    body: try approvedReport(
                        unit: "BNI-KB",
                        signedBy: "kinh-bac",
                        in: nodes,
                        answers: Answers(["q": .text("many")])
                    )
                ),
                Envelope(
                    origin: "BNI-KB",
                    kind: .reportApproved,
                    unit: "BNI-KB",
                    body: try approvedReport(unit: "BNI-KB", signedBy: "kinh-bac", in: nodes, period: .month(2026, 10))
                ),
                Envelope(
                    origin: "BNI-KB",
                    kind: .reportApproved,
                    unit: "BNI-KB",
                    body: try approvedReport(unit: "BNI-KB", signedBy: "kinh-bac", in: nodes)
                ),
            ],
            direction: .fromChild
        )
        #expect(results.map(\.status) == [.parked, .parked, .parked, .applied], "\(results.map(\.detail))")
        #expect(results[0].detail.contains("not assigned"))
        #expect(results[1].detail.contains("do not fit"))
        #expect(results[2].detail.contains("does not match"))
    }

    @Test func aChildVouchesOnlyForItsOwnSubtree() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        _ = try await province.inbox.receive(
            [
                Envelope(
                    origin: "TW",
                    kind: .assignmentCreated,
                    unit: "TW",
                    body: try JSONEncoder.federation.encode(Self.notice)
                )
            ],
            direction: .fromParent
        )
        let history = [
            HistoryEntry(
                action: "approve",
                actor: "bni-kb.approver",
                unit: "BNI-KB",
                from: .submitted,
                to: .approved,
                message: nil,
                at: TestDay.start
            ),
            HistoryEntry(
                action: "approve",
                actor: "tw.approver",
                unit: "TW",
                from: .submitted,
                to: .approved,
                message: "forged",
                at: TestDay.start
            ),
        ]
        let credentials = try nodes.credentials("kinh-bac")
        let signer = try PayloadSigner(
            certificatePEM: credentials.certificatePEM,
            privateKeyPEM: credentials.privateKeyPEM
        )
        let report = ApprovedReport(
            reportId: "R1",
            assignmentId: "A1",
            formOwner: "TW",
            formCode: "F",
            formVersion: 1,
            period: .month(2026, 11),
            unit: "BNI-KB",
            answers: Answers(["q": .number(1)]),
            approvedBy: "bni-kb.approver",
            approvedAt: TestDay.start,
            message: nil,
            approvalCount: 1,
            history: history
        )
        let body = try JSONEncoder.federation.encode(try signer.sign(try JSONEncoder.federation.encode(report)))
        let results = try await province.inbox.receive(
            [Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: body)],
            direction: .fromChild
        )
        #expect(results[0].status == .applied, "\(results[0].detail)")
        let kept = try await province.database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT unit FROM report_events WHERE report_id = 'R1' ORDER BY id")
        }
        #expect(kept == ["BNI-KB", "BNI"], "the forged centre entry is dropped; the province adds its own 'received'")
    }

    @Test func reportsFromOlderNodesStillRead() throws {
        let old =
            #"{"reportId":"R","assignmentId":"A","formOwner":"TW","formCode":"F","formVersion":1,"period":"2026-11","unit":"BNI-KB","answers":{"q":1},"approvedBy":"x","approvedAt":"2026-11-20T10:00:00Z","approvalCount":1}"#
        let report = try JSONDecoder.federation.decode(ApprovedReport.self, from: Data(old.utf8))
        #expect(report.history.isEmpty && report.evidence.isEmpty)
    }
}

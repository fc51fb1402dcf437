import Federation
import Foundation
import GRDB
import Hierarchy
import Testing

@testable import Node
@testable import NodeCommands

/// The receiving side of the figures messages on a real database: amendments from the parent,
/// congress dates and self-reported figures from children — kept once, the highest number
/// winning, and parked with a reason when they can never apply.
@Suite struct FiguresInboxTests {
    static func amendment(
        _ id: String,
        assignment: String = "A1",
        unit: String,
        kind: ExpectationChange.Kind,
        sequence: Int
    ) -> AssignmentAmendment {
        let tree = (try! TopologyFile.demo).tree
        return AssignmentAmendment(
            id: id,
            assignment: assignment,
            assignedBy: "TW",
            change: ExpectationChange(
                sequence: sequence,
                kind: kind,
                unit: ExpectedUnit(code: unit, in: tree)!,
                reason: "Điều chỉnh"
            ),
            decidedBy: "tw.admin",
            decidedAt: TestDay.start
        )
    }

    static func envelope(
        _ kind: MessageKind,
        from origin: String,
        unit: String,
        _ body: some Encodable
    ) throws -> Envelope {
        Envelope(origin: origin, kind: kind, unit: unit, body: try JSONEncoder.federation.encode(body))
    }

    @Test func amendmentsApplyOnceAndTravelTowardTheUnit() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        var notice = InboxTests.notice
        notice = AssignmentNotice(
            id: notice.id,
            form: notice.form,
            period: notice.period,
            assignedBy: "TW",
            deadline: notice.deadline,
            units: ["BNI-KB", "BNI-TD"]
        )
        _ = try await province.inbox.receive(
            [try Self.envelope(.assignmentCreated, from: "TW", unit: "TW", notice)],
            direction: .fromParent
        )
        let batch = [
            try Self.envelope(
                .assignmentAmended,
                from: "TW",
                unit: "TW",
                Self.amendment("M1", unit: "BNI-KB", kind: .withdrawn, sequence: 1)
            ),
            try Self.envelope(
                .assignmentAmended,
                from: "TW",
                unit: "TW",
                Self.amendment("M2", assignment: "nope", unit: "BNI-KB", kind: .withdrawn, sequence: 2)
            ),
            try Self.envelope(
                .assignmentAmended,
                from: "TW",
                unit: "TW",
                Self.amendment("M3", unit: "LCA-SP", kind: .withdrawn, sequence: 3)
            ),
            try Self.envelope(
                .assignmentAmended,
                from: "BNI-KB",
                unit: "TW",
                Self.amendment("M4", unit: "BNI-TD", kind: .withdrawn, sequence: 4)
            ),
        ]
        let results = try await province.inbox.receive(batch, direction: .fromParent)
        #expect(results.map(\.status) == [.applied, .parked, .parked, .parked], "\(results.map(\.detail))")
        #expect(results[1].detail.contains("unknown") && results[2].detail.contains("not hosted here or below"))
        let (expected, forwarded) = try await province.database.pool.read { db in
            (
                try province.expectations.expectation(of: "A1", db).expected.map(\.code),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM feed WHERE audience = 'BNI-KB'")!
            )
        }
        #expect(expected == ["BNI-TD"], "Kinh Bắc withdrawn, Tiên Du still expected")
        #expect(forwarded == 2, "the assignment and then its amendment, toward Kinh Bắc's node")
        let replay = try await province.inbox.receive([batch[0]], direction: .fromParent)
        #expect(replay[0].replayed)
        // The same amendment in a new envelope (a re-sent feed page) is held already.
        let again = try await province.inbox.receive(
            [
                try Self.envelope(
                    .assignmentAmended,
                    from: "TW",
                    unit: "TW",
                    Self.amendment("M1", unit: "BNI-KB", kind: .withdrawn, sequence: 1)
                )
            ],
            direction: .fromParent
        )
        #expect(again[0].status == .applied && again[0].detail.contains("already held"))
    }

    @Test func congressDatesKeepTheHighestSequence() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        func notice(_ unit: String, _ day: Int, _ sequence: Int) -> CongressNotice {
            CongressNotice(
                date: CongressDate(unit: unit, date: CalendarDate(year: 2026, month: 5, day: day), sequence: sequence),
                decidedBy: "x",
                decidedAt: TestDay.start
            )
        }
        let results = try await province.inbox.receive(
            [
                try Self.envelope(.congressScheduled, from: "BNI-KB", unit: "BNI-KB", notice("BNI-KB", 20, 2)),
                try Self.envelope(.congressScheduled, from: "BNI-KB", unit: "BNI-KB", notice("BNI-KB", 10, 1)),
                try Self.envelope(.congressScheduled, from: "BNI-KB", unit: "BNI-YP", notice("BNI-YP", 10, 1)),
                try Self.envelope(.congressScheduled, from: "BNI-KB", unit: "BNI-KB", notice("BNI-YP", 11, 1)),
            ],
            direction: .fromChild
        )
        #expect(results.map(\.status) == [.applied, .applied, .parked, .parked], "\(results.map(\.detail))")
        #expect(results[1].detail.contains("not newer"))
        let (held, relayed) = try await province.database.pool.read { db in
            (
                try province.congresses.date(of: "BNI-KB", db),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE kind = 'congress.scheduled'")!
            )
        }
        #expect(held?.date.day == 20 && held?.sequence == 2, "the older change arriving second changes nothing")
        #expect(relayed == 1, "only the kept date is relayed up")
    }

    @Test func selfReportedFiguresGoOnlyToTheScorer() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        func report(_ unit: String, _ values: [String: Double], _ sequence: Int) -> IndicatorReport {
            IndicatorReport(
                unit: unit,
                month: "2026-11",
                values: values,
                sequence: sequence,
                reportedBy: "x",
                reportedAt: TestDay.start
            )
        }
        let results = try await province.inbox.receive(
            [
                try Self.envelope(
                    .indicatorsReported,
                    from: "BNI-KB",
                    unit: "BNI-KB",
                    report("BNI-KB", ["recordsDigitised": 120], 2)
                ),
                try Self.envelope(
                    .indicatorsReported,
                    from: "BNI-KB",
                    unit: "BNI-KB",
                    report("BNI-KB", ["recordsDigitised": 90], 1)
                ),
                try Self.envelope(
                    .indicatorsReported,
                    from: "BNI-KB",
                    unit: "BNI-KB",
                    report("BNI-KB", ["bonus": 5], 3)
                ),
                try Self.envelope(
                    .indicatorsReported,
                    from: "BNI-KB",
                    unit: "BNI-KB",
                    report("BNI-KB", ["disbursementPercent": 140], 4)
                ),
            ],
            direction: .fromChild
        )
        #expect(results.map(\.status) == [.applied, .applied, .parked, .parked], "\(results.map(\.detail))")
        #expect(results[1].detail.contains("0 kept") && results[2].detail.contains("not a figure a unit reports"))
        let value = try await province.database.pool.read { db in
            try Double.fetchOne(
                db,
                sql: "SELECT value FROM indicator_values WHERE unit = 'BNI-KB' AND indicator = 'recordsDigitised'"
            )
        }
        #expect(value == 120)
        let centre = try nodes.open("centre")
        let misrouted = try await centre.inbox.receive(
            [
                try Self.envelope(
                    .indicatorsReported,
                    from: "BNI",
                    unit: "BNI-KB",
                    report("BNI-KB", ["recordsDigitised": 1], 9)
                )
            ],
            direction: .fromChild
        )
        #expect(
            misrouted[0].status == .parked && misrouted[0].detail.contains("not hosted here"),
            "the centre does not score communes"
        )
    }
}

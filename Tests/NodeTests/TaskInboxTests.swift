import Federation
import Foundation
import GRDB
import Hierarchy
import Tasks
import Testing

@testable import Node

/// Task messages on a real node database, in any order: an update that arrives before its task
/// is kept and relayed, a late one never moves the task backwards, a second copy with other
/// content and a sender speaking for others are parked.
@Suite struct TaskInboxTests {
    static let deadline = CalendarDate(year: 2026, month: 11, day: 25)

    static func notice(_ id: String, units: [String], by unit: String = "TW") -> TaskNotice {
        TaskNotice(
            id: id,
            assignedBy: unit,
            title: "Số hoá hồ sơ",
            description: "",
            deadline: deadline,
            expectedResult: "",
            indicator: nil,
            units: units
        )
    }

    static func update(
        _ task: String,
        unit: String = "BNI-KB",
        seq: Int,
        _ kind: TaskUpdate.Kind = .progress,
        percent: Int,
        note: String? = nil
    ) -> TaskUpdate {
        TaskUpdate(
            taskId: task,
            assignedBy: "TW",
            unit: unit,
            seq: seq,
            kind: kind,
            percent: percent,
            note: note,
            evidence: [],
            by: "\(unit.lowercased()).entry",
            at: Date(timeIntervalSince1970: 1_790_000_000),
            day: CalendarDate(year: 2026, month: 11, day: 20)
        )
    }

    static func envelope(_ body: some Encodable, kind: MessageKind, origin: String, unit: String) throws -> Envelope {
        Envelope(origin: origin, kind: kind, unit: unit, body: try JSONEncoder.federation.encode(body))
    }

    func status(_ local: LocalNode, _ task: String, _ unit: String) async throws -> AssigneeStatus? {
        try await local.database.pool.read { db in
            guard let record = try TaskRecord.fetchOne(db, key: task) else { return nil }
            return try local.assignedTasks.facts(record, unit: unit, db).status(
                today: CalendarDate(year: 2026, month: 11, day: 21)
            )
        }
    }

    @Test func anUpdateBeforeItsTaskIsKeptAndALateOneChangesNothing() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let completion = try Self.envelope(
            Self.update("T9", seq: 2, .completed, percent: 100),
            kind: .taskProgress,
            origin: "BNI-KB",
            unit: "BNI-KB"
        )
        let early = try await province.inbox.receive([completion], direction: .fromChild)
        #expect(early.map(\.status) == [.applied], "\(early)")
        #expect(early[0].detail.contains("relayed up"))

        let task = try Self.envelope(
            Self.notice("T9", units: ["BNI-KB", "BNI-TD"]),
            kind: .taskAssigned,
            origin: "TW",
            unit: "TW"
        )
        #expect(try await province.inbox.receive([task], direction: .fromParent).map(\.status) == [.applied])
        let held = try #require(try await status(province, "T9", "BNI-KB"))
        #expect(held.state == .doneOnTime, "the completion that came first counts once the task is here")
        #expect(held.seq == 2)

        let late = try Self.envelope(
            Self.update("T9", seq: 1, percent: 40),
            kind: .taskProgress,
            origin: "BNI-KB",
            unit: "BNI-KB"
        )
        #expect(try await province.inbox.receive([late], direction: .fromChild).map(\.status) == [.applied])
        let after = try #require(try await status(province, "T9", "BNI-KB"))
        #expect(after.state == .doneOnTime && after.seq == 2, "an older update never moves the task backwards")

        let replay = try await province.inbox.receive([late], direction: .fromChild)
        #expect(replay[0].replayed)
        let sameAgain = try Self.envelope(
            Self.update("T9", seq: 1, percent: 40),
            kind: .taskProgress,
            origin: "BNI-KB",
            unit: "BNI-KB"
        )
        #expect(try await province.inbox.receive([sameAgain], direction: .fromChild)[0].detail.contains("already held"))
        let conflicting = try Self.envelope(
            Self.update("T9", seq: 1, percent: 55),
            kind: .taskProgress,
            origin: "BNI-KB",
            unit: "BNI-KB"
        )
        let refused = try await province.inbox.receive([conflicting], direction: .fromChild)
        #expect(refused[0].status == .parked && refused[0].detail.contains("other content"), "\(refused)")

        let (outbox, feed) = try await province.database.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT kind FROM outbox ORDER BY seq"),
                // Receipts (what became of each update here) go back down too; the task's entries are counted.
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT audience FROM feed WHERE CAST(envelope AS TEXT) NOT LIKE '%\"kind\":\"message.receipt\"%'"
                )
            )
        }
        #expect(outbox == ["task.progress", "task.progress"], "each distinct update relayed up once")
        #expect(feed == ["BNI-KB"], "the task goes on to Kinh Bắc's node only; Tiên Du is hosted here")
    }

    @Test func sendersSpeakOnlyForTheirOwnPart() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let centre = try nodes.open("centre")
        _ = try await province.inbox.receive(
            [try Self.envelope(Self.notice("T1", units: ["BNI-KB"]), kind: .taskAssigned, origin: "TW", unit: "TW")],
            direction: .fromParent
        )
        let results = try await province.inbox.receive(
            [
                // Yên Phong is not assigned T1.
                try Self.envelope(
                    Self.update("T1", unit: "BNI-YP", seq: 1, percent: 10),
                    kind: .taskProgress,
                    origin: "BNI-YP",
                    unit: "BNI-YP"
                ),
                // The body names another unit than the envelope.
                try Self.envelope(
                    Self.update("T1", unit: "BNI-KB", seq: 1, percent: 10),
                    kind: .taskProgress,
                    origin: "BNI-YP",
                    unit: "BNI-YP"
                ),
                // A completion must be 100 %.
                try Self.envelope(
                    Self.update("T1", seq: 1, .completed, percent: 80),
                    kind: .taskProgress,
                    origin: "BNI-KB",
                    unit: "BNI-KB"
                ),
                // A task from a child, a progress update from the parent.
                try Self.envelope(
                    Self.notice("T2", units: ["BNI-TD"]),
                    kind: .taskAssigned,
                    origin: "BNI-KB",
                    unit: "BNI-KB"
                ),
            ],
            direction: .fromChild
        )
        #expect(results.map(\.status) == [.parked, .parked, .parked, .parked], "\(results.map(\.detail))")
        #expect(results[0].detail.contains("not assigned"))
        #expect(results[2].detail.contains("100"))

        let fromAbove = try await province.inbox.receive(
            [
                // The parent may not assign in the name of a unit hosted here.
                try Self.envelope(
                    Self.notice("T3", units: ["BNI-TD"], by: "BNI"),
                    kind: .taskAssigned,
                    origin: "TW",
                    unit: "BNI"
                ),
                // A return needs its reason.
                try Self.envelope(
                    TaskReview(
                        taskId: "T1",
                        assignedBy: "TW",
                        unit: "BNI-KB",
                        completionSeq: 1,
                        decision: .returned,
                        reason: nil,
                        by: "tw.approver",
                        at: TestDay.start
                    ),
                    kind: .taskReviewed,
                    origin: "TW",
                    unit: "TW"
                ),
                // A task with no assignee on this node's side.
                try Self.envelope(Self.notice("T4", units: ["LCA-SP"]), kind: .taskAssigned, origin: "TW", unit: "TW"),
            ],
            direction: .fromParent
        )
        #expect(fromAbove.map(\.status) == [.parked, .parked, .parked], "\(fromAbove.map(\.detail))")

        // Where the assigning unit is hosted, an update for a task it never made is refused.
        let unknown = try await centre.inbox.receive(
            [
                try Self.envelope(
                    Self.update("T-none", unit: "BNI", seq: 1, percent: 5),
                    kind: .taskProgress,
                    origin: "BNI",
                    unit: "BNI"
                )
            ],
            direction: .fromChild
        )
        #expect(unknown[0].status == .parked && unknown[0].detail.contains("unknown here"), "\(unknown)")
    }
}

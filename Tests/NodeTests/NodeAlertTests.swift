import Alerts
import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting
import Tasks
import Testing

@testable import Node

/// Alerts on a real node database: raised once per key, cleared when the cause is gone, raised
/// again (unacknowledged) when it comes back; the calendar alone moves due-soon to overdue.
@Suite struct NodeAlertTests {
    static let leader = Actor(username: "tw.approver", unit: "TW", role: .approver)
    static let officer = Actor(username: "tw.entry", unit: "TW", role: .dataEntry)
    static let form = Form(
        code: "F",
        title: "Số liệu",
        frequency: .monthly,
        groups: [CriteriaGroup(id: "g", title: "G", questions: [Question(id: "q", text: "Số hồ sơ", kind: .integer)])]
    )

    static func approved(_ unit: String, month: Int, value: Double) -> ReportRecord {
        let now = TestDay.start
        return ReportRecord(
            id: "\(unit)-\(month)",
            assignmentId: "A\(month)",
            formOwner: "TW",
            formCode: "F",
            formVersion: 1,
            period: Period.month(2026, month).description,
            unit: unit,
            state: .approved,
            answers: Answers(["q": .number(value)]),
            version: 1,
            hostedHere: false,
            createdBy: "node:BNI",
            createdAt: now,
            updatedAt: now,
            submittedAt: now,
            approvedAt: now,
            approvedBy: "\(unit.lowercased()).approver",
            approvalCount: 1,
            signed: nil
        )
    }

    /// Abnormal numbers are operational: for officers.
    func open(_ local: LocalNode) async throws -> [AlertView] {
        try await local.alerts.visible(to: Self.officer, includeCleared: false)
    }

    @Test func anAbnormalNumberIsRaisedOnceClearedAndRaisedAgain() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        try await centre.database.pool.write { db in
            try FormRecord(ownerUnit: "TW", code: "F", version: 1, definition: Self.form, createdAt: TestDay.start)
                .insert(db)
            for (month, value) in [(8, 10.0), (9, 12), (10, 11), (11, 40)] {
                try Self.approved("BNI-KB", month: month, value: value).insert(db)
            }
        }
        _ = try await centre.alerts.createRule(
            NewAlertRule(
                kind: .abnormalValue,
                formOwner: "TW",
                formCode: "F",
                question: "q",
                factor: 3,
                basis: .history
            ),
            by: Self.leader
        )
        await #expect(throws: DomainError.self) {
            try await centre.alerts.createRule(
                NewAlertRule(
                    kind: .abnormalValue,
                    formOwner: "TW",
                    formCode: "F",
                    question: "nope",
                    factor: 3,
                    basis: .history
                ),
                by: Self.leader
            )
        }
        let raised = try await open(centre)
        #expect(raised.map(\.ref) == ["BNI-KB-11"], "\(raised.map(\.message))")
        #expect(raised.first?.audience == .operational)
        // Not for a leader of another province, nor raised twice.
        #expect(
            try await centre.alerts.visible(
                to: Actor(username: "lca.entry", unit: "LCA", role: .dataEntry),
                includeCleared: true
            ).isEmpty
        )
        #expect(try await centre.alerts.visible(to: Self.leader, includeCleared: true).isEmpty, "not for leaders")
        try await centre.alerts.refresh()
        #expect(try await centre.alerts.visible(to: Self.officer, includeCleared: true).count == 1)
        _ = try await centre.alerts.acknowledge(raised[0].id, by: Self.officer)

        // The number is corrected (a revised report approved again): the alert clears…
        try await centre.database.pool.write { db in
            try db.execute(sql: "UPDATE reports SET answers = ? WHERE id = 'BNI-KB-11'", arguments: ["{\"q\":12}"])
        }
        try await centre.alerts.refresh()
        #expect(try await open(centre).isEmpty)
        #expect(try await centre.alerts.visible(to: Self.officer, includeCleared: true).first?.clearedAt != nil)
        // …and if it comes back, the same alert stands again, unacknowledged.
        try await centre.database.pool.write { db in
            try db.execute(sql: "UPDATE reports SET answers = ? WHERE id = 'BNI-KB-11'", arguments: ["{\"q\":40}"])
        }
        try await centre.alerts.refresh()
        let again = try await open(centre)
        #expect(again.map(\.id) == [raised[0].id])
        #expect(again.first?.acknowledgedBy == nil)
    }

    @Test func theCalendarTurnsDueSoonIntoOverdue() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let deadline = nodes.clock.today().adding(days: 10)
        _ = try await centre.assignedTasks.create(
            NewTask(title: "Kế hoạch số hoá", deadline: deadline.description, units: ["BNI", "LCA"]),
            by: Self.leader
        )
        _ = try await centre.alerts.createRule(NewAlertRule(kind: .dueSoon, days: 3), by: Self.leader)
        _ = try await centre.alerts.createRule(NewAlertRule(kind: .overdue), by: Self.leader)
        _ = try await centre.alerts.createRule(
            NewAlertRule(kind: .lowCompletion, percent: 50, date: deadline.adding(days: -5).description),
            by: Self.leader
        )
        #expect(
            try await centre.alerts.visible(to: Self.leader, includeCleared: true).isEmpty,
            "ten days ahead, nothing yet"
        )

        let entry = Self.officer
        try await centre.alerts.refresh(today: deadline.adding(days: -2))
        #expect(
            try await centre.alerts.visible(to: entry, includeCleared: false).map(\.kind) == [.dueSoon, .dueSoon],
            "officers: due soon for both provinces"
        )
        #expect(
            try await centre.alerts.visible(to: Self.leader, includeCleared: false).map(\.kind) == [
                .lowCompletion, .lowCompletion,
            ],
            "leaders: low completion"
        )

        try await centre.alerts.refresh(today: deadline.adding(days: 1))
        #expect(try await centre.alerts.visible(to: entry, includeCleared: false).isEmpty, "due soon is over")
        #expect(
            Set(try await centre.alerts.visible(to: Self.leader, includeCleared: false).map(\.kind)) == [
                .overdue, .lowCompletion,
            ]
        )
    }
}

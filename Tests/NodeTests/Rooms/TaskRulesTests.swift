import Auth
import Federation
import Foundation
import Hierarchy
import Tasks
import Testing

@testable import Node

/// The tasks room on its own: Bắc Ninh's node (which hosts Xã Tiên Du) over a temporary SQLite
/// file, no listener. A task assigned below, progress and completion, the leader's review, and the
/// states derived from the node's calendar.
@Suite struct TaskRulesTests {
    let nodes: LocalNodes
    let province: LocalNode

    static let provinceLeader = Actor(username: "bni.lanhdao", unit: "BNI", role: .approver)
    static let clerk = Actor(username: "td.nhaplieu", unit: "BNI-TD", role: .dataEntry)

    init() throws {
        nodes = try LocalNodes()
        province = try nodes.open("bac-ninh")
    }

    func assignee(_ task: TaskView, _ unit: String = "BNI-TD") -> AssigneeView? {
        task.assignees.first { $0.unit == unit }
    }

    /// A task due in ten days of the node's calendar, for Tiên Du.
    func assign() async throws -> TaskView {
        try await province.assignedTasks.create(
            NewTask(
                title: "Số hoá hồ sơ hộ tịch",
                deadline: TestDay.today.adding(days: 10).description,
                units: ["BNI-TD"]
            ),
            by: Self.provinceLeader
        )
    }

    @Test func progressCompletionAndConfirmationOnTime() async throws {
        defer { nodes.remove() }
        let task = try await assign()
        #expect(assignee(task)?.state == .notStarted)

        var view = try await province.assignedTasks.report(
            task.id,
            kind: .progress,
            TaskReportRequest(percent: 40),
            by: Self.clerk
        )
        #expect(assignee(view)?.state == .inProgress && assignee(view)?.percent == 40)

        nodes.clock.advance(by: 5 * 86_400)
        view = try await province.assignedTasks.report(
            task.id,
            kind: .completed,
            TaskReportRequest(note: "Đã số hoá 1.200 hồ sơ"),
            by: Self.clerk
        )
        #expect(assignee(view)?.percent == 100)
        view = try await province.assignedTasks.review(
            task.id,
            decision: .confirmed,
            TaskDecisionRequest(unit: "BNI-TD"),
            by: Self.provinceLeader
        )
        #expect(assignee(view)?.state == .doneOnTime)
        #expect(assignee(view)?.completedOn == TestDay.today.adding(days: 5).description)
    }

    @Test func aTaskPastItsDeadlineIsOverdueAndAReturnedCompletionNeedsWorkAgain() async throws {
        defer { nodes.remove() }
        let task = try await assign()
        nodes.clock.advance(by: 11 * 86_400)
        #expect(assignee(try await province.assignedTasks.task(task.id, for: Self.provinceLeader))?.state == .overdue)

        _ = try await province.assignedTasks.report(task.id, kind: .completed, TaskReportRequest(), by: Self.clerk)
        let returned = try await province.assignedTasks.review(
            task.id,
            decision: .returned,
            TaskDecisionRequest(unit: "BNI-TD", reason: "Thiếu biên bản nghiệm thu"),
            by: Self.provinceLeader
        )
        #expect(assignee(returned)?.returnReason == "Thiếu biên bản nghiệm thu")
        #expect(assignee(returned)?.state != .doneLate && assignee(returned)?.state != .doneOnTime)

        _ = try await province.assignedTasks.report(task.id, kind: .completed, TaskReportRequest(), by: Self.clerk)
        let confirmed = try await province.assignedTasks.review(
            task.id,
            decision: .confirmed,
            TaskDecisionRequest(unit: "BNI-TD"),
            by: Self.provinceLeader
        )
        #expect(assignee(confirmed)?.state == .doneLate)
    }

    @Test func onlyLeadersAssignOnlyBelowAndOnlyTheAssignerReviews() async throws {
        defer { nodes.remove() }
        let byClerk = await refusal {
            _ = try await province.assignedTasks.create(
                NewTask(title: "T", deadline: TestDay.today.adding(days: 3).description, units: ["BNI-TD"]),
                by: Actor(username: "bni.nhaplieu", unit: "BNI", role: .dataEntry)
            )
        }
        guard case .tasksOnlyLeadersAssign = byClerk else {
            Issue.record("expected tasksOnlyLeadersAssign, got \(String(describing: byClerk))")
            return
        }
        let sideways = await refusal {
            _ = try await province.assignedTasks.create(
                NewTask(title: "T", deadline: TestDay.today.adding(days: 3).description, units: ["LCA-SP"]),
                by: Self.provinceLeader
            )
        }
        guard case .assignTasksOnlyBelow = sideways else {
            Issue.record("expected assignTasksOnlyBelow, got \(String(describing: sideways))")
            return
        }
        let badDate = await refusal {
            _ = try await province.assignedTasks.create(
                NewTask(title: "T", deadline: "31/02/2026", units: ["BNI-TD"]),
                by: Self.provinceLeader
            )
        }
        guard case .taskDeadlineInvalid = badDate else {
            Issue.record("expected taskDeadlineInvalid, got \(String(describing: badDate))")
            return
        }

        let task = try await assign()
        _ = try await province.assignedTasks.report(task.id, kind: .completed, TaskReportRequest(), by: Self.clerk)
        let tienDuLeader = Actor(username: "td.lanhdao", unit: "BNI-TD", role: .approver)
        let selfReview = await refusal {
            _ = try await province.assignedTasks.review(
                task.id,
                decision: .confirmed,
                TaskDecisionRequest(unit: "BNI-TD"),
                by: tienDuLeader
            )
        }
        #expect(selfReview != nil, "an assignee does not confirm its own completion")
        #expect(assignee(try await province.assignedTasks.task(task.id, for: Self.provinceLeader))?.review == .pending)
    }
}

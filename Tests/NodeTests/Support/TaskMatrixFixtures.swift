import Foundation
import Hierarchy
import Tasks
import Testing

@testable import Node

extension AccessMatrixTests {
    /// The tasks, evidence, alert and rule the task and alert routes of the matrix act on.
    struct TaskFixtures {
        /// A task of the subject with an evidence file, viewed by callers.
        var view = ""
        var evidence = ""
        /// A strategic alert about the subject, raised at bac-ninh.
        var alert = ""
        /// A task of the subject still open for progress (replaced once completed).
        var open: String?
        /// A task whose completion awaits review (replaced once reviewed).
        var completed: String?
        /// A rule set by the subject (replaced once removed).
        var rule: String?
    }
}

extension AccessMatrixTests.Matrix {
    var taskDeadline: String { TestDay.today.adding(days: 30).description }

    /// Assigns a task from the subject's parent to the subject; returns once bac-ninh holds it.
    func assignTaskToSubject(deadline: CalendarDate = TestDay.today.adding(days: 30)) async throws -> String {
        let leader = try await client(subject.parent, .approver)
        let made = try must(
            await leader.call(
                .POST,
                "/api/v1/tasks",
                body: ["title": "Nhiệm vụ thử \(next())", "deadline": deadline.description, "units": [subject.unit]]
            ),
            201,
            "assign a task to the subject"
        )
        let id = try #require(made["id"] as? String)
        let entry = try await subjectClient(.dataEntry)
        try await f.eventually("the task reaches \(AccessMatrixTests.node)") {
            try await entry.call(.GET, "/api/v1/tasks/\(id)").status == 200
        }
        return id
    }

    /// The subject's view of its assignee row on a task.
    private func review(of id: String) async throws -> String? {
        let task = try await subjectClient(.dataEntry).call(.GET, "/api/v1/tasks/\(id)").json
        let row = (task["assignees"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == subject.unit }
        return row?["review"] as? String
    }

    func prepareTasks() async throws {
        let entry = try await subjectClient(.dataEntry)
        tasks.view = try await assignTaskToSubject()
        let uploaded = try must(
            await entry.call(
                .POST,
                "/api/v1/tasks/\(tasks.view)/evidence?name=bien-ban.txt",
                body: Data("Biên bản".utf8)
            ),
            201,
            "task evidence"
        )
        tasks.evidence = try #require(uploaded["id"] as? String)
        try must(
            await entry.call(
                .POST,
                "/api/v1/tasks/\(tasks.view)/progress",
                body: ["percent": 20, "evidence": [tasks.evidence]]
            ),
            200,
            "task progress"
        )

        // An overdue task and the province's rule: a strategic alert about the subject at bac-ninh.
        let overdue = try await assignTaskToSubject(deadline: TestDay.today.adding(days: -2))
        let leader = try await client(AccessMatrixTests.nodeUnit, .admin)
        try must(
            await leader.call(.POST, "/api/v1/alerts/rules", body: ["kind": "overdue", "taskId": overdue]),
            201,
            "an overdue rule"
        )
        let alerts = try await leader.call(.GET, "/api/v1/alerts").items
        tasks.alert = try #require(
            alerts.first { $0["ref"] as? String == overdue && $0["unit"] as? String == subject.unit }?["id"] as? String
        )
    }

    /// A task the subject may still report on.
    func openTask() async throws -> String {
        if let id = tasks.open, try await review(of: id) == nil { return id }
        let id = try await assignTaskToSubject()
        tasks.open = id
        return id
    }

    /// A task whose completion by the subject awaits its parent's review.
    func completedTask() async throws -> String {
        if let id = tasks.completed, try await review(of: id) == "pending" { return id }
        let id = try await assignTaskToSubject()
        try must(
            await subjectClient(.dataEntry).call(.POST, "/api/v1/tasks/\(id)/complete", body: ["note": "Đã xong"]),
            200,
            "complete a task"
        )
        tasks.completed = id
        return id
    }

    /// A rule of the subject's own unit.
    func subjectRule() async throws -> String {
        let admin = try await subjectClient(.admin)
        if let id = tasks.rule,
            try await admin.call(.GET, "/api/v1/alerts/rules").items.contains(where: {
                ($0["rule"] as? [String: Any])?["id"] as? String == id
            })
        {
            return id
        }
        let made = try must(
            await admin.call(.POST, "/api/v1/alerts/rules", body: ["kind": "overdue"]),
            201,
            "a rule of the subject"
        )
        let id = try #require((made["rule"] as? [String: Any])?["id"] as? String)
        tasks.rule = id
        return id
    }
}

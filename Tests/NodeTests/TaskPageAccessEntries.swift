import Auth
import Foundation

@testable import Node

/// The access matrix's entries for the tasks ("Nhiệm vụ") and alerts ("Cảnh báo") pages. They
/// answer as the API's task and alert routes they stand on, with the pages' two differences (see
/// `PageAccessEntries`): success of a post is 303, no session is 303 to login.
extension AccessMatrixTests {
    static func taskPageEntries() -> [Entry] {
        [
            Entry(
                "GET /app/tasks",
                Case("tasks of its unit and below", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/app/tasks")
                }
            ),
            Entry(
                "POST /app/tasks",
                Case("assigns a task to the subject", expect: redirects(Rule.assignsTaskToSubject)) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/tasks",
                        ["title": "Nhiệm vụ \(m.next())", "deadline": m.taskDeadline, "units": m.subject.unit]
                    )
                }
            ),
            Entry(
                "GET /app/tasks/{id}",
                Case("the subject's task", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/app/tasks/\(m.tasks.view)")
                }
            ),
            Entry(
                "POST /app/tasks/{id}/report",
                Case("reports progress on the subject's task", expect: redirects(Rule.reportsForSubject)) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/tasks/\(try await m.openTask())/report",
                        ["kind": "progress", "percent": "\(m.next() % 100)"]
                    )
                }
            ),
            Entry(
                "POST /app/tasks/{id}/review",
                Case("confirms the subject's completion", expect: redirects(Rule.reviewsSubjectTask)) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/tasks/\(try await m.completedTask())/review",
                        ["unit": m.subject.unit, "decision": "confirmed"]
                    )
                }
            ),
            Entry(
                "GET /app/alerts",
                Case("alerts of its unit and below", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/app/alerts?state=all")
                }
            ),
            Entry(
                "POST /app/alerts/{id}/acknowledge",
                Case("acknowledges a strategic alert about the subject", expect: redirects(Rule.leadsOverSubject)) {
                    m,
                    a in
                    try await post(m, a, "/app/alerts/\(m.tasks.alert)/acknowledge")
                }
            ),
            Entry(
                "POST /app/alerts/rules",
                Case("sets a rule for its unit's subtree", expect: redirects(Rule.setsRules)) { m, a in
                    try await post(m, a, "/app/alerts/rules", ["kind": "due_soon", "days": "\(1 + m.next() % 30)"])
                }
            ),
            Entry(
                "POST /app/alerts/rules/{id}/delete",
                Case("removes a rule the subject set", expect: redirects(Rule.removesSubjectRule)) { m, a in
                    try await post(m, a, "/app/alerts/rules/\(try await m.subjectRule())/delete")
                }
            ),
        ]
    }
}

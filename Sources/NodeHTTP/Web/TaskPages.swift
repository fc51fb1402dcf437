import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Tasks

/// "Nhiệm vụ": the tasks of the visitor's unit and below (assigned by it, or to it and the units
/// below), the assigning form for leaders, and a task's page where an assignee reports progress or
/// completion (with evidence files) and the assigning unit confirms or returns. Every decision is
/// the API's use case (`createTask`, `reportOnTask`, `reviewTask`).
struct TaskPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/tasks"

    /// What a leader typed in the assigning form, and the refusal with the field it belongs to.
    struct TypedTask {
        var title = ""
        var description = ""
        var deadline = ""
        var expectedResult = ""
        var indicator = ""
        var units: [String] = []
        var error: (field: String, message: String)?
    }

    /// What was typed on a task's page (progress, note, return reason).
    struct TypedReport {
        var percent = ""
        var note = ""
        var reason = ""
        var unit = ""
        var error: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/tasks") { request, context in
            try await kit.run(request, context) {
                try await list(
                    try kit.visitor(request, context),
                    typed: TypedTask(),
                    created: request.uri.queryParameters["created"] != nil
                )
            }
        }
        pages.post("/tasks") { request, context in
            try await kit.run(request, context) {
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                var typed = TypedTask(
                    title: form["title"] ?? "",
                    description: form["description"] ?? "",
                    deadline: form["deadline"] ?? "",
                    expectedResult: form["expected_result"] ?? "",
                    indicator: form["indicator"] ?? "",
                    units: form.all("units")
                )
                do {
                    var indicator: IndicatorLink?
                    if !typed.indicator.isEmpty {
                        guard let link = IndicatorChoice.link(from: typed.indicator) else {
                            throw APIError.invalid(
                                "Hãy chọn chỉ số liên kết trong danh sách",
                                "Choose a linked indicator from the list",
                                details: ["indicator": "invalid"]
                            )
                        }
                        indicator = link
                    }
                    let new = NewTask(
                        title: typed.title,
                        description: typed.description,
                        deadline: Self.isoDay(typed.deadline),
                        expectedResult: typed.expectedResult,
                        indicator: indicator,
                        units: typed.units
                    )
                    let view = try await local.createTask(new, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.path)/\(view.id)?done=created")
                } catch let error as Refused where error.status == .unprocessableContent {
                    let field =
                        ["title", "deadline", "units", "description", "expectedResult", "indicator"].first {
                            error.details[$0] != nil
                        } ?? "title"
                    typed.error = (field, visitor.pick(error.message, error.messageEN))
                    return try await list(visitor, typed: typed, created: false, status: error.status)
                }
            }
        }
        pages.get("/tasks/{id}") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let done = request.uri.queryParameters["done"].map(String.init)
                return try await detail(try context.parameters.require("id"), visitor, typed: TypedReport(), done: done)
            }
        }
        pages.post("/tasks/{id}/report") { request, context in
            try await kit.run(request, context) {
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                let id = try context.parameters.require("id")
                let complete = form["kind"] == "completed"
                var typed = TypedReport(percent: form["percent"] ?? "", note: form["note"] ?? "")
                do {
                    var percent: Int?
                    if !complete {
                        guard case .success(let given) = NumberFormat(visitor.language).readWhole(typed.percent) else {
                            throw APIError.invalid(
                                "Hãy nhập tiến độ là một số từ 0 đến 100",
                                "Give the progress as a number from 0 to 100",
                                details: ["percent": "invalid"]
                            )
                        }
                        percent = given
                    }
                    var evidence: [String] = []
                    for file in form.files
                    where file.field == "evidence" && !file.fileName.isEmpty && file.data.readableBytes > 0 {
                        evidence.append(
                            try await local.attachTaskEvidence(
                                to: id,
                                fileName: file.fileName,
                                body: [file.data].asyncSequence,
                                by: visitor.actor
                            ).id
                        )
                    }
                    let note = typed.note.trimmingCharacters(in: .whitespacesAndNewlines)
                    _ = try await local.reportOnTask(
                        id,
                        kind: complete ? .completed : .progress,
                        TaskReportRequest(percent: percent, note: note.isEmpty ? nil : note, evidence: evidence),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)/\(id)?done=\(complete ? "completed" : "progress")")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    typed.error = (
                        error.details["note"] != nil ? "note" : "percent", visitor.pick(error.message, error.messageEN)
                    )
                    return try await detail(id, visitor, typed: typed, done: nil, status: error.status)
                }
            }
        }
        pages.post("/tasks/{id}/review") { request, context in
            try await kit.run(request, context) {
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                let id = try context.parameters.require("id")
                let returning = form["decision"] == "returned"
                var typed = TypedReport(reason: form["reason"] ?? "", unit: form["unit"] ?? "")
                do {
                    let reason = typed.reason.trimmingCharacters(in: .whitespacesAndNewlines)
                    _ = try await local.reviewTask(
                        id,
                        decision: returning ? .returned : .confirmed,
                        TaskDecisionRequest(unit: typed.unit, reason: reason.isEmpty ? nil : reason),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)/\(id)?done=\(returning ? "returned" : "confirmed")")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    typed.error = ("reason", visitor.pick(error.message, error.messageEN))
                    return try await detail(id, visitor, typed: typed, done: nil, status: error.status)
                }
            }
        }
    }

    /// A day typed as dd/MM/yyyy (as Vietnamese write it) becomes yyyy-mm-dd; anything else is
    /// passed on as typed, for the use case to accept (an ISO date input) or refuse.
    static func isoDay(_ text: String) -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "/")
        guard parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
            parts[2].count == 4
        else { return text }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    func assigneeValues(_ assignee: AssigneeView, _ visitor: PageVisitor) -> [String: Any] {
        [
            "unit": assignee.unit, "name": assignee.unitName,
            "state": visitor.pick(assignee.state.vietnameseName, assignee.state.englishName),
            "state_key": assignee.state.rawValue, "percent": assignee.percent,
            "review": assignee.review.map { visitor.pick($0.vietnameseName, $0.englishName) } ?? "—",
            "return_reason": assignee.returnReason ?? "",
        ]
    }

    func list(
        _ visitor: PageVisitor,
        typed: TypedTask,
        created: Bool,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = visitor.actor
        let tasks = try await local.tasks(visibleTo: actor, filter: TaskFilter())
        var values: [String: Any] = ["unit_name": kit.unitName(actor.unit), "created": created]
        values["tasks"] = tasks.map { task -> [String: Any] in
            [
                "id": task.id, "title": task.title, "deadline": PageDate.isoDay(task.deadline),
                "assigned_by": kit.unitName(task.assignedBy),
                "mine": task.assignedBy == actor.unit, "assignees": task.assignees.map { assigneeValues($0, visitor) },
            ]
        }
        values["has_tasks"] = !tasks.isEmpty
        if actor.holds(.assignTasks) {
            values["may_assign"] = true
            let below = local.tree.subtree(of: actor.unit).filter { $0.code != actor.unit }
            values["units"] = below.map {
                ["code": $0.code, "name": $0.name, "checked": typed.units.contains($0.code)]
            }
            values["indicators"] = try await local.indicatorChoices(for: actor).map {
                [
                    "value": $0.value, "name": "\($0.formTitle) — \($0.questionText)",
                    "selected": $0.value == typed.indicator,
                ]
            }
            values["typed"] = [
                "title": typed.title, "description": typed.description, "deadline": typed.deadline,
                "expected_result": typed.expectedResult,
            ]
            if let error = typed.error {
                values["error_\(error.field == "expectedResult" ? "expected" : error.field)"] = error.message
            }
        }
        return kit.page(
            "tasks",
            values,
            title: visitor.pick("Nhiệm vụ", "Tasks"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }

    func detail(
        _ id: String,
        _ visitor: PageVisitor,
        typed: TypedReport,
        done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = visitor.actor
        let task = try await local.task(id, for: actor)
        let assigner = task.assignedBy == actor.unit && actor.holds(.assignTasks)
        let own = task.assignees.first { $0.unit == actor.unit }
        var values: [String: Any] = [
            "id": task.id, "title": task.title, "description": task.description,
            "deadline": PageDate.isoDay(task.deadline),
            "expected_result": task.expectedResult, "assigned_by": kit.unitName(task.assignedBy),
            "action_report": "\(Self.path)/\(task.id)/report", "action_review": "\(Self.path)/\(task.id)/review",
        ]
        if let link = task.indicator {
            values["indicator"] = try await local.indicatorLabel(link) ?? "\(link.formCode) / \(link.question)"
        }
        values["assignees"] = task.assignees.map { assignee -> [String: Any] in
            var row = assigneeValues(assignee, visitor)
            row["reviewable"] = assigner && assignee.review == .pending
            return row
        }
        values["history"] = (task.history ?? []).map { event -> [String: Any] in
            let kinds = [
                "progress": ("Báo cáo tiến độ", "Progress"), "completed": ("Hoàn thành", "Completed"),
                "confirmed": ("Xác nhận", "Confirmed"), "returned": ("Trả lại", "Returned"),
            ]
            let kind = kinds[event.kind] ?? (event.kind, event.kind)
            return [
                "unit": kit.unitName(event.unit), "kind": visitor.pick(kind.0, kind.1),
                "percent": event.percent.map { "\($0) %" } ?? "",
                "note": event.note ?? "", "by": event.by, "at": PageDate.minute(event.at),
                "evidence": event.evidence.map {
                    ["name": $0.fileName, "href": "/api/v1/tasks/\(task.id)/evidence/\($0.id)"]
                },
            ]
        }
        values["has_history"] = !(task.history ?? []).isEmpty
        if let own, !(own.state.isDone && own.review != .returned),
            actor.holds(.enterData) || actor.holds(.approveReports)
        {
            values["may_report"] = true
            values["own_percent"] = typed.percent.isEmpty ? String(own.percent) : typed.percent
            values["own_note"] = typed.note
        }
        if assigner {
            values["may_review"] = task.assignees.contains { $0.review == .pending }
            values["typed_reason"] = typed.reason
        }
        if let error = typed.error { values["error_\(error.field)"] = error.message }
        if let done {
            let words = [
                "progress": ("Đã ghi nhận tiến độ.", "Progress recorded."),
                "completed": ("Đã báo cáo hoàn thành, chờ xác nhận.", "Completion reported, awaiting confirmation."),
                "confirmed": ("Đã xác nhận hoàn thành.", "Completion confirmed."),
                "returned": ("Đã trả lại nhiệm vụ.", "Task returned."),
                "created": ("Đã giao nhiệm vụ.", "Task assigned."),
            ]
            if let word = words[done] { values["done"] = visitor.pick(word.0, word.1) }
        }
        return kit.page(
            "task",
            values,
            title: visitor.pick("Nhiệm vụ", "Task"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

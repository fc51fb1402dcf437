import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Tasks

/// "Nhiệm vụ": the tasks of the visitor's unit and below (assigned by it, or to it and the units
/// below), the assigning form for leaders, and a task's page where an assignee reports progress or
/// completion (with evidence files) and the assigning unit confirms or returns. Every decision is
/// the API's use case (`assignedTasks.create`, `.report`, `.review`).
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
                let (form, visitor) = try await kit.post(request, context)
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
                            throw EdgeRefusal(.linkedIndicatorRequired, details: ["indicator": "invalid"])
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
                    let view = try await local.assignedTasks.create(new, by: visitor.actor)
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
                let id = try context.parameters.require("id")
                let form: PageForm
                let visitor: PageVisitor
                do {
                    (form, visitor) = try await kit.post(request, context, evidence: local.evidencePolicy)
                } catch let tooLarge as PageFormTooLarge {
                    // Over the evidence limit: the page again, what was typed kept, the refusal at the file field.
                    let visitor = try kit.visitor(request, context, form: tooLarge.partial)
                    var typed = TypedReport(
                        percent: tooLarge.partial["percent"] ?? "",
                        note: tooLarge.partial["note"] ?? ""
                    )
                    typed.error = ("evidence", visitor.pick(tooLarge.message, tooLarge.messageEN))
                    return try await detail(id, visitor, typed: typed, done: nil, status: tooLarge.status)
                }
                let complete = form["kind"] == "completed"
                var typed = TypedReport(percent: form["percent"] ?? "", note: form["note"] ?? "")
                do {
                    var percent: Int?
                    if !complete {
                        guard case .success(let given) = NumberFormat(visitor.language).readWhole(typed.percent) else {
                            throw EdgeRefusal(.progressPercentInvalid, details: ["percent": "invalid"])
                        }
                        percent = given
                    }
                    // The files are recorded with the report, all or none: a refused report keeps none.
                    let files = form.files.filter {
                        $0.field == "evidence" && !$0.fileName.isEmpty && $0.data.readableBytes > 0
                    }.map { ($0.fileName, $0.data) }
                    let note = typed.note.trimmingCharacters(in: .whitespacesAndNewlines)
                    _ = try await local.assignedTasks.report(
                        id,
                        kind: complete ? .completed : .progress,
                        TaskReportRequest(percent: percent, note: note.isEmpty ? nil : note),
                        files: files,
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)/\(id)?done=\(complete ? "completed" : "progress")")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    let field =
                        error.details["name"] != nil || error.details["body"] != nil
                        ? "evidence" : error.details["note"] != nil ? "note" : "percent"
                    typed.error = (field, visitor.pick(error.message, error.messageEN))
                    return try await detail(id, visitor, typed: typed, done: nil, status: error.status)
                }
            }
        }
        pages.post("/tasks/{id}/review") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let id = try context.parameters.require("id")
                let returning = form["decision"] == "returned"
                var typed = TypedReport(reason: form["reason"] ?? "", unit: form["unit"] ?? "")
                do {
                    let reason = typed.reason.trimmingCharacters(in: .whitespacesAndNewlines)
                    _ = try await local.assignedTasks.review(
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

    func assigneeValues(_ assignee: AssigneeView, _ visitor: PageVisitor) -> TaskAssigneeValues {
        TaskAssigneeValues(
            unit: assignee.unit,
            name: assignee.unitName,
            state: visitor.pick(assignee.state.vietnameseName, assignee.state.englishName),
            stateKey: assignee.state.rawValue,
            percent: assignee.percent,
            review: assignee.review.map { visitor.pick($0.vietnameseName, $0.englishName) } ?? "—",
            returnReason: assignee.returnReason ?? ""
        )
    }

    func list(
        _ visitor: PageVisitor,
        typed: TypedTask,
        created: Bool,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = visitor.actor
        let tasks = try await local.assignedTasks.visible(to: actor, filter: TaskFilter())
        var page = TaskListPage(
            unitName: kit.unitName(actor.unit),
            created: created,
            tasks: tasks.map { task in
                TaskListPage.Task(
                    id: task.id,
                    title: task.title,
                    deadline: PageDate.isoDay(task.deadline),
                    assignedBy: kit.unitName(task.assignedBy),
                    mine: task.assignedBy == actor.unit,
                    assignees: task.assignees.map { assigneeValues($0, visitor) }
                )
            },
            hasTasks: !tasks.isEmpty
        )
        if actor.holds(.assignTasks) {
            page.mayAssign = true
            let below = local.tree.subtree(of: actor.unit).filter { $0.code != actor.unit }
            page.units = below.map {
                TaskListPage.Unit(code: $0.code, name: $0.name, checked: typed.units.contains($0.code))
            }
            page.indicators = try await local.assignedTasks.indicatorChoices(for: actor).map {
                TaskListPage.Indicator(
                    value: $0.value,
                    name: "\($0.formTitle) — \($0.questionText)",
                    selected: $0.value == typed.indicator
                )
            }
            page.typed = TaskListPage.Typed(
                title: typed.title,
                description: typed.description,
                deadline: typed.deadline,
                expectedResult: typed.expectedResult
            )
            if let error = typed.error {
                switch error.field {
                case "title": page.errorTitle = error.message
                case "description": page.errorDescription = error.message
                case "deadline": page.errorDeadline = error.message
                case "expectedResult": page.errorExpected = error.message
                case "indicator": page.errorIndicator = error.message
                case "units": page.errorUnits = error.message
                default: break
                }
            }
        }
        return kit.page(
            page,
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
        let task = try await local.assignedTasks.task(id, for: actor)
        let assigner = task.assignedBy == actor.unit && actor.holds(.assignTasks)
        let own = task.assignees.first { $0.unit == actor.unit }
        var page = TaskPage(
            id: task.id,
            title: task.title,
            description: task.description,
            deadline: PageDate.isoDay(task.deadline),
            expectedResult: task.expectedResult,
            assignedBy: kit.unitName(task.assignedBy),
            actionReport: "\(Self.path)/\(task.id)/report",
            actionReview: "\(Self.path)/\(task.id)/review",
            assignees: task.assignees.map { assignee in
                var row = assigneeValues(assignee, visitor)
                row.reviewable = assigner && assignee.review == .pending
                return row
            },
            history: (task.history ?? []).map { event in
                let kinds = [
                    "progress": ("Báo cáo tiến độ", "Progress"), "completed": ("Hoàn thành", "Completed"),
                    "confirmed": ("Xác nhận", "Confirmed"), "returned": ("Trả lại", "Returned"),
                ]
                let kind = kinds[event.kind] ?? (event.kind, event.kind)
                return TaskPage.Event(
                    unit: kit.unitName(event.unit),
                    kind: visitor.pick(kind.0, kind.1),
                    percent: event.percent.map { "\($0) %" } ?? "",
                    note: event.note ?? "",
                    by: event.by,
                    at: PageDate.minute(event.at),
                    evidence: event.evidence.map {
                        TaskPage.File(name: $0.fileName, href: "/api/v1/tasks/\(task.id)/evidence/\($0.id)")
                    }
                )
            },
            hasHistory: !(task.history ?? []).isEmpty
        )
        if let link = task.indicator {
            page.indicator = try await local.assignedTasks.indicatorLabel(link) ?? "\(link.formCode) / \(link.question)"
        }
        if let own, !(own.state.isDone && own.review != .returned),
            actor.holds(.enterData) || actor.holds(.approveReports)
        {
            page.mayReport = true
            page.ownPercent = typed.percent.isEmpty ? String(own.percent) : typed.percent
            page.ownNote = typed.note
            page.evidenceRules = EvidenceRules(local.evidencePolicy, visitor.language)
            page.progressEvidence = EvidenceDialog(
                inputId: "p-evidence",
                label: visitor.pick("Tệp minh chứng", "Evidence files"),
                open: true,
                message: "",
                fileError: typed.error?.field == "evidence" ? typed.error?.message : nil
            )
        }
        if assigner {
            page.mayReview = task.assignees.contains { $0.review == .pending }
            page.typedReason = typed.reason
        }
        if let error = typed.error {
            switch error.field {
            case "note": page.errorNote = error.message
            case "percent": page.errorPercent = error.message
            case "reason": page.errorReason = error.message
            default: break
            }
        }
        if let done {
            let words = [
                "progress": ("Đã ghi nhận tiến độ.", "Progress recorded."),
                "completed": ("Đã báo cáo hoàn thành, chờ xác nhận.", "Completion reported, awaiting confirmation."),
                "confirmed": ("Đã xác nhận hoàn thành.", "Completion confirmed."),
                "returned": ("Đã trả lại nhiệm vụ.", "Task returned."),
                "created": ("Đã giao nhiệm vụ.", "Task assigned."),
            ]
            page.done = words[done].map { visitor.pick($0.0, $0.1) }
        }
        return kit.page(
            page,
            title: visitor.pick("Nhiệm vụ", "Task"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

/// A unit a task is assigned to: its state, progress and review.
struct TaskAssigneeValues: Sendable {
    let unit: String
    let name: String
    let state: String
    let stateKey: String
    let percent: Int
    let review: String
    let returnReason: String
    /// On the task's page: whether the assigner may confirm or return it now.
    var reviewable: Bool?
}

/// "Nhiệm vụ": the tasks the visitor sees with each assignee's state and, for those who assign
/// tasks, the assigning form (what was typed, and the refused field).
struct TaskListPage: PageModel {
    static let template = "tasks"

    /// One task as a table row.
    struct Task: Sendable {
        let id: String
        let title: String
        let deadline: String
        let assignedBy: String
        let mine: Bool
        let assignees: [TaskAssigneeValues]
    }

    /// A unit below to assign to.
    struct Unit: Sendable {
        let code: String
        let name: String
        let checked: Bool
    }

    /// A numeric question a task may be linked to.
    struct Indicator: Sendable {
        let value: String
        let name: String
        let selected: Bool
    }

    /// What was typed in the assigning form.
    struct Typed: Sendable {
        let title: String
        let description: String
        let deadline: String
        let expectedResult: String
    }

    let unitName: String
    let created: Bool
    let tasks: [Task]
    let hasTasks: Bool
    var mayAssign: Bool?
    var units: [Unit]?
    var indicators: [Indicator]?
    var typed: Typed?
    var errorTitle: String?
    var errorDescription: String?
    var errorDeadline: String?
    var errorExpected: String?
    var errorIndicator: String?
    var errorUnits: String?
}

/// A task's page: what is asked, its assignees, its history with evidence, the assignee's
/// progress form and the assigner's review form.
struct TaskPage: PageModel {
    static let template = "task"

    /// An evidence file of a history step.
    struct File: Sendable {
        let name: String
        let href: String
    }

    /// One step of the history.
    struct Event: Sendable {
        let unit: String
        let kind: String
        let percent: String
        let note: String
        let by: String
        let at: String
        let evidence: [File]
    }

    let id: String
    let title: String
    let description: String
    let deadline: String
    let expectedResult: String
    let assignedBy: String
    let actionReport: String
    let actionReview: String
    let assignees: [TaskAssigneeValues]
    let history: [Event]
    let hasHistory: Bool
    var indicator: String?
    var mayReport: Bool?
    var ownPercent: String?
    var ownNote: String?
    var mayReview: Bool?
    var typedReason: String?
    var errorNote: String?
    var errorPercent: String?
    var errorReason: String?
    var done: String?
    /// The evidence field of the progress form: the node's types and limit, and a refusal about the files.
    var evidenceRules: EvidenceRules?
    var progressEvidence: EvidenceDialog?
}

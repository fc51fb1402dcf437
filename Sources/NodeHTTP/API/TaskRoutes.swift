import Foundation
import Hummingbird
import Node
import Tasks

/// Tasks (nhiệm vụ): assigned by a unit to units below, reported on by the assignees (progress,
/// completion, evidence), confirmed or returned by the assigning unit.
struct TaskRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/tasks") { request, context -> Items<TaskView> in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            var filter = TaskFilter()
            filter.unit = query["unit"].map(String.init)
            filter.assignedBy = query["assignedBy"].map(String.init)
            if let text = query["state"] {
                guard let state = TaskState(rawValue: String(text)) else {
                    throw EdgeRefusal(.taskStateUnknown(String(text)))
                }
                filter.state = state
            }
            return Items(items: try await local.assignedTasks.visible(to: actor, filter: filter))
        }
        api.post("/tasks") { request, context -> EditedResponse<TaskView> in
            let actor = try context.actor()
            let new = try await request.decodeJSON(as: NewTask.self, context: context)
            return EditedResponse(status: .created, response: try await local.assignedTasks.create(new, by: actor))
        }
        api.get("/tasks/{id}") { _, context -> TaskView in
            try await local.assignedTasks.task(try context.parameters.require("id"), for: try context.actor())
        }
        api.post("/tasks/{id}/progress") { request, context -> TaskView in
            let actor = try context.actor()
            let report = try await request.decodeJSON(as: TaskReportRequest.self, context: context)
            return try await local.assignedTasks.report(
                try context.parameters.require("id"),
                kind: .progress,
                report,
                by: actor
            )
        }
        api.post("/tasks/{id}/complete") { request, context -> TaskView in
            let actor = try context.actor()
            let report = try await request.decodeJSON(as: TaskReportRequest.self, context: context)
            return try await local.assignedTasks.report(
                try context.parameters.require("id"),
                kind: .completed,
                report,
                by: actor
            )
        }
        api.post("/tasks/{id}/confirm") { request, context -> TaskView in
            let actor = try context.actor()
            let decision = try await request.decodeJSON(as: TaskDecisionRequest.self, context: context)
            return try await local.assignedTasks.review(
                try context.parameters.require("id"),
                decision: .confirmed,
                decision,
                by: actor
            )
        }
        api.post("/tasks/{id}/return") { request, context -> TaskView in
            let actor = try context.actor()
            let decision = try await request.decodeJSON(as: TaskDecisionRequest.self, context: context)
            return try await local.assignedTasks.review(
                try context.parameters.require("id"),
                decision: .returned,
                decision,
                by: actor
            )
        }
        api.post("/tasks/{id}/evidence") { request, context -> EditedResponse<TaskEvidence> in
            let actor = try context.actor()
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                throw EdgeRefusal(.fileNameRequired)
            }
            let evidence = try await local.assignedTasks.attachEvidence(
                to: try context.parameters.require("id"),
                fileName: name,
                body: request.body,
                by: actor
            )
            return EditedResponse(status: .created, response: evidence)
        }
        api.get("/tasks/{id}/evidence/{evidence}") { _, context -> Response in
            let actor = try context.actor()
            let file = try await local.assignedTasks.evidenceFile(
                try context.parameters.require("evidence"),
                of: try context.parameters.require("id"),
                for: actor
            )
            let body = try await FileIO().loadFile(path: file.path, context: context)
            return Response(
                status: .ok,
                headers: [
                    .contentType: file.contentType,
                    .contentLength: String(file.evidence.size),
                    .contentDisposition: Download.disposition(file.evidence.fileName),
                    .contentSHA256: file.evidence.sha256,
                    .xContentTypeOptions: "nosniff",
                ],
                body: body
            )
        }
    }
}

extension TaskView: ResponseEncodable {}
extension TaskEvidence: ResponseEncodable {}

import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Reporting
import Spreadsheet

/// Reports through their life (create, save, submit, correct, approve, return, delete), their
/// evidence files, roll-ups and downloads.
struct ReportRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/reports") { request, context -> Items<ReportView> in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            var filter = ReportFilter()
            filter.assignment = query["assignment"].map(String.init)
            filter.owner = query["owner"].map(String.init)
            filter.form = query["form"].map(String.init)
            filter.unit = query["unit"].map(String.init)
            if let text = query["period"] {
                guard let period = Period(String(text)) else {
                    throw EdgeRefusal(.reportPeriodInvalid(String(text)))
                }
                filter.period = period.description
            }
            if let text = query["limit"] {
                guard let limit = Int(String(text)), (1...1000).contains(limit) else {
                    throw EdgeRefusal(.limitOutOfRange)
                }
                filter.limit = limit
            }
            if let text = query["offset"] {
                guard let offset = Int(String(text)), offset >= 0 else {
                    throw EdgeRefusal(.offsetNegative)
                }
                filter.offset = offset
            }
            if let text = query["state"] {
                guard let state = ReportState(rawValue: String(text)) else {
                    throw EdgeRefusal(.reportStateUnknown(String(text)))
                }
                filter.state = state
            }
            return Items(items: try await local.reports.list(visibleTo: actor, filter: filter))
        }
        api.post("/reports") { request, context -> EditedResponse<ReportView> in
            let actor = try context.actor()
            let new = try await request.decodeJSON(as: NewReport.self, context: context)
            return EditedResponse(status: .created, response: try await local.reports.create(new, by: actor))
        }
        api.get("/reports/{id}") { _, context -> ReportView in
            try await local.reports.report(try context.parameters.require("id"), for: try context.actor())
        }
        api.put("/reports/{id}") { request, context -> ReportView in
            let actor = try context.actor()
            let update = try await request.decodeJSON(as: ReportUpdate.self, context: context)
            return try await local.reports.update(try context.parameters.require("id"), update, by: actor)
        }
        api.post("/reports/{id}/submit") { request, context -> ReportView in
            let actor = try context.actor()
            let transition = try await request.decodeJSON(as: ReportTransition.self, context: context)
            return try await local.reports.submit(try context.parameters.require("id"), transition, by: actor)
        }
        api.post("/reports/{id}/approve") { request, context -> ReportView in
            let actor = try context.actor()
            let transition = try await request.decodeJSON(as: ReportTransition.self, context: context)
            return try await local.reports.approve(try context.parameters.require("id"), transition, by: actor)
        }
        // JSON with the reason, or multipart/form-data with `message` and `evidence` files.
        api.post("/reports/{id}/return") { request, context -> ReportView in
            let actor = try context.actor()
            let id = try context.parameters.require("id")
            if request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
                let form = try await PageForm.read(request, context: context, evidence: local.evidencePolicy)
                let files = form.files.filter { $0.field == "evidence" && $0.data.readableBytes > 0 }.map {
                    ($0.fileName, $0.data)
                }
                return try await local.reports.return(
                    id,
                    ReportTransition(message: form["message"]),
                    files: files,
                    by: actor
                )
            }
            let transition = try await request.decodeJSON(as: ReportTransition.self, context: context)
            return try await local.reports.return(id, transition, by: actor)
        }
        api.post("/reports/{id}/evidence") { request, context -> EditedResponse<Evidence> in
            let actor = try context.actor()
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                throw EdgeRefusal(.fileNameRequired)
            }
            let evidence = try await local.reportEvidence.attach(
                to: try context.parameters.require("id"),
                fileName: name,
                body: request.body,
                by: actor
            )
            return EditedResponse(status: .created, response: evidence)
        }
        api.get("/reports/{id}/evidence/{evidence}") { _, context -> Response in
            let actor = try context.actor()
            let file = try await local.reportEvidence.file(
                try context.parameters.require("evidence"),
                of: try context.parameters.require("id"),
                for: actor
            )
            let body = try await FileIO().loadFile(path: file.path, context: context)
            return Response(
                status: .ok,
                headers: [
                    .contentType: file.evidence.contentType,
                    .contentLength: String(file.evidence.size),
                    .contentDisposition: Download.disposition(file.evidence.fileName),
                    .contentSHA256: file.evidence.sha256,
                    .xContentTypeOptions: "nosniff",
                ],
                body: body
            )
        }
        api.delete("/reports/{id}/evidence/{evidence}") { _, context -> Response in
            try await local.reportEvidence.remove(
                try context.parameters.require("evidence"),
                of: try context.parameters.require("id"),
                by: try context.actor()
            )
            return Response(status: .noContent)
        }
        api.get("/reports/{id}/rollup") { _, context -> RollupView in
            try await local.reports.rollup(of: try context.parameters.require("id"), for: try context.actor())
        }
        api.get("/reports/{id}/export") { request, context -> Response in
            let actor = try context.actor()
            let format = try ExportFormat(query: request.uri.queryParameters["format"])
            return try await local.reportExports.report(
                try context.parameters.require("id"),
                format: format,
                for: actor
            )
            .response
        }
        // The signed approval as a ZIP that verifies with OpenSSL alone (see ReportProofs).
        api.get("/reports/{id}/proof") { _, context -> Response in
            try await local.reportProofs.proof(try context.parameters.require("id"), for: try context.actor()).response
        }
        api.get("/assignments/{id}/summary") { request, context -> Response in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            let format = try ExportFormat(query: query["format"])
            return try await local.reportExports.summary(
                assignment: try context.parameters.require("id"),
                unit: query["unit"].map(String.init),
                format: format,
                for: actor
            ).response
        }
        api.delete("/reports/{id}") { _, context -> Response in
            try await local.reports.delete(try context.parameters.require("id"), by: try context.actor())
            return Response(status: .noContent)
        }
    }
}

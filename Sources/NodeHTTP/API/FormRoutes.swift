import Auth
import Foundation
import Hierarchy
import Hummingbird
import NIOCore
import Node
import Reporting

/// Units, forms (authored as JSON or YAML) and their assignment to the units below, with the
/// oversight of each assignment.
struct FormRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/units") { _, context -> Items<Hierarchy.Unit> in
            let actor = try context.actor()
            return Items(items: local.tree.subtree(of: actor.unit))
        }
        api.get("/forms") { _, context -> Items<FormView> in
            Items(items: try await local.forms.visible(to: try context.actor()))
        }
        api.post("/forms") { request, context -> EditedResponse<Form> in
            let actor = try context.actor()
            guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
            let form: Form
            if request.headers[.contentType]?.contains("yaml") == true {
                // A form file as authored (YAML); JSON bodies take the usual path.
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: 1_048_576) } catch is NIOTooManyBytesError {
                    throw EdgeRefusal(.formFileTooLarge)
                }
                do { form = try FormFile.parse(String(buffer: body), source: "the uploaded form") } catch let error
                    as ConfigurationError
                {
                    throw EdgeRefusal(.formFileInvalid(error.description))
                }
            } else {
                form = try await request.decodeJSON(as: Form.self, context: context)
            }
            return EditedResponse(status: .created, response: try await local.forms.define(form, by: actor))
        }
        api.get("/forms/{code}") { request, context -> Response in
            let actor = try context.actor()
            let code = try context.parameters.require("code")
            let owner = request.uri.queryParameters["owner"].map(String.init) ?? actor.unit
            guard owner == actor.unit || local.tree.isBelow(actor.unit, owner),
                let form = try await local.forms.form(owner: owner, code: code)
            else {
                throw DomainError(.notFound(.form))
            }
            switch request.uri.queryParameters["format"] {
            case nil, "json":
                return try FormView(owner: owner, form: form).response(from: request, context: context)
            case "yaml":
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/yaml; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: try FormFile.export(form, json: false)))
                )
            default:
                throw EdgeRefusal(.formFormatUnknown)
            }
        }
        api.get("/assignments") { _, context -> Items<AssignmentView> in
            Items(items: try await local.formAssignments.visible(to: try context.actor()))
        }
        api.post("/assignments") { request, context -> EditedResponse<AssignmentView> in
            let actor = try context.actor()
            let assignment = try await request.decodeJSON(as: NewAssignment.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.formAssignments.assign(assignment, by: actor)
            )
        }
        api.get("/assignments/{id}/oversight") { request, context -> OversightView in
            let actor = try context.actor()
            return try await local.oversight.summary(
                assignment: try context.parameters.require("id"),
                unit: request.uri.queryParameters["unit"].map(String.init),
                for: actor
            )
        }
    }
}

import Hummingbird
import Node

/// Unit administration (issue D): an admin adds a unit directly below its own unit and renames
/// the units directly below it. Listing is `GET /units` (FormRoutes), closing is
/// `POST /units/{code}/closure` (FiguresRoutes).
struct UnitRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.post("/units") { request, context -> EditedResponse<UnitView> in
            let actor = try context.actor()
            let unit = try await request.decodeJSON(as: NewUnit.self, context: context)
            return EditedResponse(status: .created, response: try await local.unitChanges.add(unit, by: actor))
        }
        api.patch("/units/{code}") { request, context -> UnitView in
            let actor = try context.actor()
            let rename = try await request.decodeJSON(as: UnitRename.self, context: context)
            return try await local.unitChanges.rename(try context.parameters.require("code"), rename, by: actor)
        }
        // Issue I.5: the node of a unit directly below is retired; its units' life comes back here.
        api.post("/units/{code}/retire-node") { _, context -> EditedResponse<UnitHandovers.View> in
            let actor = try context.actor()
            return EditedResponse(
                status: .accepted,
                response: try await local.handovers.requestRetirement(
                    of: try context.parameters.require("code"),
                    by: actor
                )
            )
        }
        // The node asked to retire is lost: its units come back with what this node holds of them.
        api.post("/units/{code}/retire-lost-node") { _, context -> UnitHandovers.View in
            let actor = try context.actor()
            return try await local.pki.retireLostNode(of: try context.parameters.require("code"), by: actor)
        }
        // Issue I.5: a unit of this node's subtree moves below another parent, with its life.
        api.post("/units/{code}/move") { request, context -> EditedResponse<UnitMoveView> in
            let actor = try context.actor()
            let move = try await request.decodeJSON(as: UnitMoveRequest.self, context: context)
            return EditedResponse(
                status: .accepted,
                response: try await local.handovers.move(try context.parameters.require("code"), move, by: actor)
            )
        }
    }
}

extension UnitView: ResponseEncodable {}

extension UnitMoveView: ResponseEncodable {}

extension UnitHandovers.View: ResponseEncodable {}

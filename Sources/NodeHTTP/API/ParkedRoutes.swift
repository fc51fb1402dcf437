import Foundation
import Hummingbird
import Node

/// Messages parked on this node (refused for now, with a reason): listed for its admins, who may
/// retry one or set it aside with a reason.
struct ParkedRoutes {
    let local: LocalNode

    struct SetAside: Decodable {
        let reason: String
    }

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/sync/parked") { _, context -> Items<ParkedMessageView> in
            Items(items: try await local.parked.visible(to: try context.actor()))
        }
        api.post("/sync/parked/{origin}/{id}/retry") { _, context -> ParkedMessageView in
            try await local.parked.retry(
                origin: try context.parameters.require("origin"),
                id: try context.parameters.require("id"),
                by: try context.actor()
            )
        }
        api.post("/sync/parked/{origin}/{id}/set-aside") { request, context -> ParkedMessageView in
            let actor = try context.actor()
            let body = try await request.decodeJSON(as: SetAside.self, context: context)
            return try await local.parked.setAside(
                origin: try context.parameters.require("origin"),
                id: try context.parameters.require("id"),
                reason: body.reason,
                by: actor
            )
        }
    }
}

extension ParkedMessageView: ResponseEncodable {}

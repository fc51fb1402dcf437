import Foundation
import Hummingbird
import Node

/// The nodes of the caller's subtree at a glance (issue J), and the silence threshold.
struct NodeRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/nodes") { _, context -> NodesOverview in
            try await local.nodesAtAGlance.overview(for: try context.actor())
        }
        api.get("/nodes/settings") { _, context -> SilenceSetting in
            try await local.nodesAtAGlance.silenceSetting(for: try context.actor())
        }
        api.put("/nodes/settings") { request, context -> SilenceSetting in
            let actor = try context.actor()
            let setting = try await request.decodeJSON(as: SilenceSetting.self, context: context)
            return try await local.nodesAtAGlance.setSilenceThreshold(setting, by: actor)
        }
    }
}

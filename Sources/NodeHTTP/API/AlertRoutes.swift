import Alerts
import Foundation
import Hummingbird
import Node

/// Alert rules (set by a unit's admins and leaders for its subtree) and the alerts they raise,
/// each shown to the roles it is for.
struct AlertRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/alerts") { request, context -> Items<AlertView> in
            let actor = try context.actor()
            let state = request.uri.queryParameters["state"].map(String.init) ?? "open"
            guard state == "open" || state == "all" else {
                throw EdgeRefusal(.alertStateUnknown)
            }
            return Items(items: try await local.alerts.visible(to: actor, includeCleared: state == "all"))
        }
        api.post("/alerts/{id}/acknowledge") { _, context -> AlertView in
            try await local.alerts.acknowledge(try context.parameters.require("id"), by: try context.actor())
        }
        api.get("/alerts/rules") { _, context -> Items<AlertRuleView> in
            Items(items: try await local.alerts.rules(for: try context.actor()))
        }
        api.post("/alerts/rules") { request, context -> EditedResponse<AlertRuleView> in
            let actor = try context.actor()
            let rule = try await request.decodeJSON(as: NewAlertRule.self, context: context)
            return EditedResponse(status: .created, response: try await local.alerts.createRule(rule, by: actor))
        }
        api.delete("/alerts/rules/{id}") { _, context -> Response in
            try await local.alerts.removeRule(try context.parameters.require("id"), by: try context.actor())
            return Response(status: .noContent)
        }
    }
}

extension AlertView: ResponseEncodable {}
extension AlertRuleView: ResponseEncodable {}

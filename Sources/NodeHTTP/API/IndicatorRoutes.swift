import Hummingbird
import Indicators
import Node

/// The indicator catalogue (issue M), at `/indicator-definitions` (`/indicators` is Decision 4587's
/// scoring figures): a level defines indicators for its subtree, checked when
/// defined; every level sees its own and those of the levels above, and their values per unit.
struct IndicatorRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/indicator-definitions") { _, context -> Items<IndicatorView> in
            Items(items: try await local.indicators(visibleTo: try context.actor()))
        }
        api.post("/indicator-definitions") { request, context -> EditedResponse<IndicatorView> in
            let actor = try context.actor()
            let definition = try await request.decodeJSON(as: IndicatorDefinition.self, context: context)
            return EditedResponse(status: .created, response: try await local.defineIndicator(definition, by: actor))
        }
        api.get("/indicator-definitions/{code}/values") { request, context -> IndicatorValuesView in
            let query = request.uri.queryParameters
            guard let period = query["period"].map(String.init) else {
                throw EdgeRefusal(.periodRequired)
            }
            return try await local.indicatorValues(
                code: try context.parameters.require("code"),
                period: period,
                unit: query["unit"].map(String.init),
                for: try context.actor()
            )
        }
    }
}

extension IndicatorValuesView: ResponseEncodable {}

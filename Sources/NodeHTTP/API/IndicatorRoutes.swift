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
            Items(items: try await local.indicatorDefinitions.visible(to: try context.actor()))
        }
        api.post("/indicator-definitions") { request, context -> EditedResponse<IndicatorView> in
            let actor = try context.actor()
            let definition = try await request.decodeJSON(as: IndicatorDefinition.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.indicatorDefinitions.define(definition, by: actor)
            )
        }
        api.get("/indicator-definitions/{code}/values") { request, context -> IndicatorValuesView in
            let query = request.uri.queryParameters
            guard let period = query["period"].map(String.init) else {
                throw EdgeRefusal(.periodRequired)
            }
            return try await local.indicatorValues.table(
                code: try context.parameters.require("code"),
                period: period,
                unit: query["unit"].map(String.init),
                for: try context.actor()
            )
        }
        // The values table as a spreadsheet, and the trend over periods (issue M.5).
        api.get("/indicator-definitions/{code}/values/export") { request, context -> Response in
            let query = request.uri.queryParameters
            let actor = try context.actor()
            guard let period = query["period"].map(String.init) else {
                throw EdgeRefusal(.periodRequired)
            }
            return try await local.indicatorFigures.export(
                code: try context.parameters.require("code"),
                period: period,
                unit: query["unit"].map(String.init),
                format: try ExportFormat(query: query["format"]),
                for: actor
            ).response
        }
        api.get("/indicator-definitions/{code}/trend") { request, context -> IndicatorTrendView in
            let query = request.uri.queryParameters
            let actor = try context.actor()
            var count: Int?
            if let text = query["count"].map(String.init) {
                guard let number = Int(text) else { throw DomainError(.indicatorTrendCountInvalid(text)) }
                count = number
            }
            return try await local.indicatorFigures.trend(
                code: try context.parameters.require("code"),
                unit: query["unit"].map(String.init),
                to: query["to"].map(String.init),
                count: count,
                for: actor
            )
        }
        // Values entered by a person (issue M.4).
        api.put("/indicator-values/{code}/{unit}/{period}") { request, context -> SuppliedValueView in
            let actor = try context.actor()
            let entry = try await request.decodeJSON(as: IndicatorValueEntry.self, context: context)
            return try await local.suppliedValues.enter(
                code: try context.parameters.require("code"),
                unit: try context.parameters.require("unit"),
                period: try context.parameters.require("period"),
                value: entry.value,
                by: actor
            )
        }
        // Indicators assigned to units below (issue M.3).
        api.get("/indicator-assignments") { _, context -> Items<IndicatorAssignmentView> in
            Items(items: try await local.indicatorAssignments.visible(to: try context.actor()))
        }
        api.post("/indicator-assignments") { request, context -> EditedResponse<IndicatorAssignmentView> in
            let actor = try context.actor()
            let assignment = try await request.decodeJSON(as: NewIndicatorAssignment.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.indicatorAssignments.assign(assignment, by: actor)
            )
        }
        api.delete("/indicator-assignments/{id}") { _, context -> IndicatorAssignmentView in
            try await local.indicatorAssignments.withdraw(
                try context.parameters.require("id"),
                by: try context.actor()
            )
        }
        // Machine clients (another system) and their deliveries.
        api.get("/indicator-clients") { _, context -> Items<IndicatorClientView> in
            Items(items: try await local.indicatorClients.list(for: try context.actor()))
        }
        api.post("/indicator-clients") { request, context -> EditedResponse<IndicatorClientView> in
            let actor = try context.actor()
            let client = try await request.decodeJSON(as: NewIndicatorClient.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.indicatorClients.create(client, by: actor)
            )
        }
        api.delete("/indicator-clients/{id}") { _, context -> IndicatorClientView in
            try await local.indicatorClients.revoke(try context.parameters.require("id"), by: try context.actor())
        }
        // The client's token is the authority here, not a session: an unknown or revoked one is 401.
        api.post("/indicator-deliveries") { request, context -> DeliveryReceipt in
            let token = request.bearerToken
            try await local.indicatorClients.authenticate(token: token)
            let delivery = try await request.decodeJSON(as: IndicatorDelivery.self, context: context)
            return try await local.suppliedValues.deliver(delivery, token: token, from: context.clientAddress)
        }
    }
}

extension IndicatorValuesView: ResponseEncodable {}
extension IndicatorTrendView: ResponseEncodable {}
extension SuppliedValueView: ResponseEncodable {}
extension IndicatorClientView: ResponseEncodable {}
extension DeliveryReceipt: ResponseEncodable {}
extension IndicatorAssignmentView: ResponseEncodable {}

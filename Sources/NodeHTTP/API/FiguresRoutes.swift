import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Reporting
import Scoring

/// Oversight figures (progress with history, drill-down, comparison, trend), assignment
/// amendments and unit closures.
struct FiguresRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/assignments/{id}/figures") { request, context -> AssignmentFigures in
            try await local.oversight.figures(
                assignment: try context.parameters.require("id"),
                unit: request.uri.queryParameters["unit"].map(String.init),
                for: try context.actor()
            )
        }
        api.get("/assignments/{id}/compare") { request, context -> UnitComparison in
            let units = (request.uri.queryParameters["units"].map(String.init) ?? "").split(separator: ",").map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
            return try await local.oversight.compare(
                assignment: try context.parameters.require("id"),
                units: units,
                for: try context.actor()
            )
        }
        api.get("/figures/trend") { request, context -> FormTrend in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            guard let form = query["form"].map(String.init), !form.isEmpty else {
                throw EdgeRefusal(.formCodeRequired)
            }
            return try await local.oversight.trend(
                owner: query["owner"].map(String.init) ?? actor.unit,
                form: form,
                unit: query["unit"].map(String.init),
                for: actor
            )
        }
        api.post("/assignments/{id}/amendments") { request, context -> EditedResponse<Items<AmendmentView>> in
            let actor = try context.actor()
            let amendment = try await request.decodeJSON(as: AmendmentRequest.self, context: context)
            return EditedResponse(
                status: .created,
                response: Items(
                    items: try await local.expectations.amend(
                        assignment: try context.parameters.require("id"),
                        amendment,
                        by: actor
                    )
                )
            )
        }
        api.post("/units/{code}/closure") { request, context -> EditedResponse<ClosureView> in
            let actor = try context.actor()
            let closure = try await request.decodeJSON(as: ClosureRequest.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.unitClosures.close(try context.parameters.require("code"), closure, by: actor)
            )
        }
    }
}

extension AssignmentFigures: ResponseEncodable {}
extension UnitComparison: ResponseEncodable {}
extension FormTrend: ResponseEncodable {}
extension ClosureView: ResponseEncodable {}
extension AmendmentView: ResponseEncodable {}

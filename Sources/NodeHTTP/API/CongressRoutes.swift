import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node

/// The congress schedule (seed 004 §2.6): a unit sets its date; upper levels list and export
/// their subordinate units' dates with filters.
struct CongressRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.put("/congress") { request, context -> CongressSchedule.Row in
            let actor = try context.actor()
            return try await local.congresses.schedule(
                try await request.decodeJSON(as: CongressUpdate.self, context: context),
                by: actor
            )
        }
        api.get("/congress") { request, context -> CongressSchedule in
            let actor = try context.actor()
            return try await local.congresses.overview(
                try CongressFilter(query: Self.query(request), defaultArea: actor.unit),
                for: actor
            )
        }
        api.get("/congress/export") { request, context -> Response in
            let actor = try context.actor()
            let format = try ExportFormat(query: request.uri.queryParameters["format"])
            return try await local.congresses.export(
                try CongressFilter(query: Self.query(request), defaultArea: actor.unit),
                format: format,
                for: actor
            ).response
        }
    }

    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }
}

extension CongressSchedule: ResponseEncodable {}
extension CongressSchedule.Row: ResponseEncodable {}

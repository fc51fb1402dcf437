import Auth
import Foundation
import Hummingbird
import Node
import Spreadsheet

/// Accounts under delegated administration: list, create, edit, disable, enable, reset, end sessions.
struct AccountRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/accounts") { _, context -> Items<AccountView> in
            Items(items: try await local.accounts.visible(to: try context.actor()))
        }
        api.post("/accounts") { request, context -> EditedResponse<CreatedAccount> in
            let actor = try context.actor()
            let new = try await request.decodeJSON(as: NewAccount.self, context: context)
            return EditedResponse(status: .created, response: try await local.accounts.create(new, by: actor))
        }
        api.post("/accounts/{username}/disable") { _, context -> AccountView in
            try await local.accounts.disable(try context.parameters.require("username"), by: try context.actor())
        }
        api.patch("/accounts/{username}") { request, context -> AccountView in
            let actor = try context.actor()
            let edit = try await request.decodeJSON(as: AccountEdit.self, context: context)
            return try await local.accounts.edit(try context.parameters.require("username"), edit, by: actor)
        }
        api.post("/accounts/{username}/enable") { _, context -> AccountView in
            try await local.accounts.enable(try context.parameters.require("username"), by: try context.actor())
        }
        api.post("/accounts/{username}/reset") { _, context -> CreatedAccount in
            try await local.accounts.reset(try context.parameters.require("username"), by: try context.actor())
        }
        api.get("/usage") { request, context -> Response in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            let report = try await local.usage.report(period: String(query["period"] ?? ""), for: actor)
            switch query["format"] {
            case nil, "json": return try report.response(from: request, context: context)
            default:
                let format = try ExportFormat(query: query["format"])
                return try format.download(
                    Workbook(sheets: [report.sheet]),
                    named: "su-dung-\(report.unit)-\(report.period)"
                ).response
            }
        }
        api.delete("/accounts/{username}/sessions") { _, context -> Response in
            try await local.accounts.endSessions(
                of: try context.parameters.require("username"),
                by: try context.actor()
            )
            return Response(status: .noContent)
        }
    }
}

extension UsageReport: ResponseEncodable {}

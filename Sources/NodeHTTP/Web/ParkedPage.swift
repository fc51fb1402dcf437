import Auth
import Foundation
import Hummingbird
import Node

/// "Tin bị giữ lại": the messages parked on this node, for its own unit's admins, each with a
/// reason a person understands and what would fix it; "Thử lại" retries one, "Gác lại" sets it
/// aside with a reason. The API's use cases decide who sees and changes what.
struct ParkedPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/sync/parked"

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/sync/parked") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                return try await page(visitor, done: request.uri.queryParameters["done"].map(String.init))
            }
        }
        pages.post("/sync/parked/{origin}/{id}/retry") { request, context in
            try await kit.run(request, context) {
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                let view = try await local.retryParkedMessage(
                    origin: try context.parameters.require("origin"),
                    id: try context.parameters.require("id"),
                    by: visitor.actor
                )
                throw PageRedirect(location: "\(Self.path)?done=\(view.state == "applied" ? "applied" : "retried")")
            }
        }
        pages.post("/sync/parked/{origin}/{id}/set-aside") { request, context in
            try await kit.run(request, context) {
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                do {
                    _ = try await local.setAsideParkedMessage(
                        origin: try context.parameters.require("origin"),
                        id: try context.parameters.require("id"),
                        reason: form["reason"] ?? "",
                        by: visitor.actor
                    )
                } catch let error as Refused where error.status == .badRequest || error.status == .conflict {
                    return try await page(
                        visitor,
                        done: nil,
                        error: visitor.pick(error.message, error.messageEN),
                        status: error.status
                    )
                }
                throw PageRedirect(location: "\(Self.path)?done=set-aside")
            }
        }
    }

    func page(
        _ visitor: PageVisitor,
        done: String?,
        error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let parked = try await local.parkedMessages(for: visitor.actor)
        var values: [String: Any] = [:]
        values["messages"] = parked.map { message -> [String: Any] in
            let base = "\(Self.path)/\(message.origin)/\(message.id)"
            return [
                "sender": kit.unitName(message.origin), "kind": message.kind, "unit": kit.unitName(message.unit),
                "subject": message.subject ?? "", "reason": visitor.pick(message.reason, message.reasonEN),
                "parked_at": PageDate.minute(message.parkedAt), "retries": message.retries,
                "state": Self.stateName(message.state, visitor), "open": message.state == "parked",
                "settled": [message.settledBy, message.settledReason].compactMap { $0 }.joined(separator: ": "),
                "retry": "\(base)/retry", "set_aside": "\(base)/set-aside", "id": message.id,
            ]
        }
        values["has_messages"] = !parked.isEmpty
        if let error { values["error"] = error }
        if let done {
            let words = [
                "applied": ("Đã thử lại: tin đã được áp dụng.", "Retried: the message applied."),
                "retried": ("Đã thử lại: tin vẫn bị giữ lại (xem lý do).", "Retried: still parked (see the reason)."),
                "set-aside": ("Đã gác lại tin; nơi gửi sẽ được báo.", "Set aside; its origin will be told."),
            ]
            if let word = words[done] { values["done"] = visitor.pick(word.0, word.1) }
        }
        return kit.page(
            "parked",
            values,
            title: visitor.pick("Tin bị giữ lại", "Parked messages"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }

    static func stateName(_ state: String, _ visitor: PageVisitor) -> String {
        switch state {
        case "parked": visitor.pick("Đang bị giữ lại", "Parked")
        case "applied": visitor.pick("Đã áp dụng khi thử lại", "Applied on a retry")
        default: visitor.pick("Đã gác lại", "Set aside")
        }
    }
}

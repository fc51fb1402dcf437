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
                let (_, visitor) = try await kit.post(request, context)
                let view = try await local.parked.retry(
                    origin: try context.parameters.require("origin"),
                    id: try context.parameters.require("id"),
                    by: visitor.actor
                )
                throw PageRedirect(location: "\(Self.path)?done=\(view.state == "applied" ? "applied" : "retried")")
            }
        }
        pages.post("/sync/parked/{origin}/{id}/set-aside") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                do {
                    _ = try await local.parked.setAside(
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
        let parked = try await local.parked.visible(to: visitor.actor)
        let done = done.flatMap { done -> String? in
            let words = [
                "applied": ("Đã thử lại: tin đã được áp dụng.", "Retried: the message applied."),
                "retried": ("Đã thử lại: tin vẫn bị giữ lại (xem lý do).", "Retried: still parked (see the reason)."),
                "set-aside": ("Đã gác lại tin; nơi gửi sẽ được báo.", "Set aside; its origin will be told."),
            ]
            return words[done].map { visitor.pick($0.0, $0.1) }
        }
        let page = ParkedMessagesPage(
            messages: parked.map { message in
                let base = "\(Self.path)/\(message.origin)/\(message.id)"
                return ParkedMessagesPage.Message(
                    sender: kit.unitName(message.origin),
                    kind: message.kind,
                    unit: kit.unitName(message.unit),
                    subject: message.subject ?? "",
                    reason: visitor.pick(message.reason, message.reasonEN),
                    parkedAt: PageDate.minute(message.parkedAt),
                    retries: message.retries,
                    state: Self.stateName(message.state, visitor),
                    open: message.state == "parked",
                    settled: [message.settledBy, message.settledReason].compactMap { $0 }.joined(separator: ": "),
                    retry: "\(base)/retry",
                    setAside: "\(base)/set-aside",
                    id: message.id
                )
            },
            hasMessages: !parked.isEmpty,
            error: error,
            done: done
        )
        return kit.page(
            page,
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

/// The parked messages page's values: each message with its reason and the two actions.
struct ParkedMessagesPage: PageModel {
    static let template = "parked"

    /// One parked message as a table row.
    struct Message: Sendable {
        let sender: String
        let kind: String
        let unit: String
        let subject: String
        let reason: String
        let parkedAt: String
        let retries: Int
        let state: String
        let open: Bool
        let settled: String
        let retry: String
        let setAside: String
        let id: String
    }

    let messages: [Message]
    let hasMessages: Bool
    let error: String?
    let done: String?
}

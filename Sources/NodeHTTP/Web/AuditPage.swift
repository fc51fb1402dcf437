import Auth
import Foundation
import Hummingbird
import Node

/// The audit trail for admins (Regulation 02 Art. 20–22): the latest entries of their unit and the
/// units below, filterable by account, with whether the hash chain is whole.
struct AuditPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/audit") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let account =
                    request.uri.queryParameters["actor"].map(String.init)?.trimmingCharacters(in: .whitespaces)
                    .lowercased() ?? ""
                let trail = try await local.auditReading.trail(
                    visibleTo: visitor.actor,
                    account: account.isEmpty ? nil : account
                )
                let page = AuditTrailPage(trail, account: account, kit: kit)
                return kit.page(
                    page,
                    title: visitor.pick("Nhật ký hệ thống", "Audit trail"),
                    visitor: visitor,
                    language: visitor.language,
                    current: "\(WebPages.prefix)/audit"
                )
            }
        }
    }
}

/// The audit trail page's values: the entries shown, the account filtered on, the chain's state.
struct AuditTrailPage: PageModel {
    static let template = "audit"

    /// One audit entry as a table row.
    struct Entry: Sendable {
        let at: String
        let actor: String
        let unit: String
        let action: String
        let target: String
        let detail: String
    }

    let entries: [Entry]
    let account: String
    let whole: Bool
    let broken: String?

    init(_ trail: AuditTrailView, account: String, kit: PageKit) {
        entries = trail.entries.map {
            Entry(
                at: PageDate.minute($0.at),
                actor: $0.actor,
                unit: kit.unitName($0.unit),
                action: $0.action,
                target: $0.target,
                detail: $0.detail
            )
        }
        self.account = account
        whole = trail.broken == nil
        broken = trail.broken
    }
}

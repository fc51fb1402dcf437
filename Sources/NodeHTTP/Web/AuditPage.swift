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
                let trail = try await local.auditTrail(
                    visibleTo: visitor.actor,
                    account: account.isEmpty ? nil : account
                )
                let rows: [[String: Any]] = trail.entries.map {
                    [
                        "at": PageDate.minute($0.at), "actor": $0.actor, "unit": kit.unitName($0.unit),
                        "action": $0.action, "target": $0.target, "detail": $0.detail,
                    ]
                }
                var values: [String: Any] = ["entries": rows, "account": account, "whole": trail.broken == nil]
                if let broken = trail.broken { values["broken"] = broken }
                return kit.page(
                    "audit",
                    values,
                    title: visitor.pick("Nhật ký hệ thống", "Audit trail"),
                    visitor: visitor,
                    language: visitor.language,
                    current: "\(WebPages.prefix)/audit"
                )
            }
        }
    }
}

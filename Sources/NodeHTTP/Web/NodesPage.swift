import Auth
import Foundation
import Hummingbird
import Node

/// "Các nút trong mạng": every node of the admin's subtree at a glance (issue J) — version,
/// last contact, lag both ways, parked messages, certificate expiry, database size —, silent
/// nodes first and marked. The use case decides who sees what.
struct NodesPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/nodes"

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/nodes") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let overview = try await local.nodesAtAGlance.overview(for: visitor.actor)
                let ordered = overview.items.sorted { ($0.silent ? 0 : 1, $0.unit) < ($1.silent ? 0 : 1, $1.unit) }
                let page = NodesOverviewPage(
                    nodes: ordered.map { node in
                        NodesOverviewPage.Row(
                            unit: node.unitName,
                            code: node.unit,
                            node: node.node,
                            parent: node.parentUnit.map(kit.unitName) ?? "—",
                            version: node.softwareVersion,
                            protocol: node.protocolVersion,
                            contact: node.isSelf
                                ? visitor.pick("nút này", "this node")
                                : node.lastContact.map(PageDate.minute) ?? visitor.pick("chưa từng", "never"),
                            silent: node.silent,
                            silence: node.silentSeconds.map { Self.duration($0, visitor.language) } ?? "",
                            up: Self.lag(node.upLagMessages, node.upLagSeconds, visitor.language),
                            down: node.downLagMessages.map { Self.lag($0, node.downLagSeconds, visitor.language) }
                                ?? "—",
                            parked: NumberFormat(visitor.language).text(node.parked),
                            certificate: node.certificateExpiry.map(PageDate.day) ?? "—",
                            database: node.databaseBytes.map { Self.size($0, visitor.language) } ?? "—",
                            reported: PageDate.minute(node.reportedAt),
                            hasAuditCut: node.auditCut != nil,
                            auditCut: node.auditCut.map {
                                visitor.pick(
                                    "Nhật ký kiểm toán bị cắt: đã thấy mục \($0.witnessedSeq), nay mục \($0.reportedSeq)",
                                    "Audit trail cut: entry \($0.witnessedSeq) was seen, now entry \($0.reportedSeq)"
                                )
                            } ?? ""
                        )
                    },
                    hasNodes: !overview.items.isEmpty,
                    silentCount: overview.silent,
                    hasSilent: overview.silent > 0,
                    threshold: Self.duration(Double(overview.silenceThresholdSeconds), visitor.language)
                )
                return kit.page(
                    page,
                    title: visitor.pick("Các nút trong mạng", "Nodes of the network"),
                    visitor: visitor,
                    language: visitor.language,
                    current: Self.path
                )
            }
        }
    }

    /// Messages waiting and for how long: "1.234 tin, 5 phút" in Vietnamese.
    static func lag(_ messages: Int, _ seconds: Double?, _ language: Language) -> String {
        let number = NumberFormat(language).text(messages)
        let count = language.pick("\(number) tin", "\(number) messages")
        return seconds.map { "\(count), \(duration($0, language))" } ?? count
    }

    static func duration(_ seconds: Double, _ language: Language) -> String {
        let s = Int(seconds)
        if s < 120 { return language.pick("\(s) giây", "\(s) s") }
        if s < 7200 { return language.pick("\(s / 60) phút", "\(s / 60) min") }
        if s < 172_800 { return language.pick("\(s / 3600) giờ", "\(s / 3600) h") }
        let days = NumberFormat(language).text(s / 86400)
        return language.pick("\(days) ngày", "\(days) days")
    }

    /// A database's size in the page's language: "1.234,5 MiB" in Vietnamese, "1,234.5 MiB" in English.
    static func size(_ bytes: Int64, _ language: Language) -> String {
        let numbers = NumberFormat(language)
        let mib = Double(bytes) / 1_048_576
        return mib >= 1 ? "\(numbers.text(mib, fractionDigits: 1)) MiB" : "\(numbers.text(Int(bytes / 1024))) KiB"
    }
}

/// The nodes page's values: one row per node of the subtree, silent ones first.
struct NodesOverviewPage: PageModel {
    static let template = "nodes"

    /// One node as a table row.
    struct Row: Sendable {
        let unit: String
        let code: String
        let node: String
        let parent: String
        let version: String
        let `protocol`: Int
        let contact: String
        let silent: Bool
        let silence: String
        let up: String
        let down: String
        let parked: String
        let certificate: String
        let database: String
        let reported: String
        /// The latest cut found in the node's audit trail (issue J.8), in words.
        let hasAuditCut: Bool
        let auditCut: String
    }

    let nodes: [Row]
    let hasNodes: Bool
    let silentCount: Int
    let hasSilent: Bool
    let threshold: String
}

import Federation
import Foundation
import GRDB
import Reporting

/// A report's journey as this node knows it from the receipts that came back: each node on the
/// way, what became of the report there, and when.
package struct Journey: Codable, Sendable {
    package struct Hop: Codable, Sendable {
        /// The unit of the node.
        let node: String
        let name: String
        /// `kept`, `relayed`, `parked`, `set-aside`, or `pending` (no receipt back yet).
        let fate: String
        /// Why it was parked or set aside, as a sentence a person understands (Vietnamese, English).
        let reason: String?
        let reasonEN: String?
        let at: Date?
    }

    /// `delivered` (kept where the form's owner is hosted: counted there), `kept` (kept on the way
    /// and not sent further), `parked`, `set-aside` or `pending`.
    let status: String
    /// True once the node hosting the unit that assigned the form (its owner) has kept it.
    let countedAtOwner: Bool
    package let summary: String
    package let summaryEN: String
    let hops: [Hop]
}

extension Reports {
    /// Where this node's latest approval of a report went, up to the node of the form's owner;
    /// nil when the owner is hosted here (the report ends here) or it is not approved.
    func approvalJourney(of record: ReportRecord, _ db: Database) throws -> Journey? {
        guard record.state == .approved, !hosts(record.formOwner), parent != nil else { return nil }
        let trace = "report.approved:\(record.id):\(record.approvalCount)"
        var path: [NodeDescription] = []
        var current = node
        while let next = deployment.parent(of: current) {
            path.append(next)
            if next.hosts.contains(record.formOwner) { break }
            current = next
        }
        return try journey(trace: trace, subject: record.id, path: path, ownerNode: path.last?.unit, db)
    }

    /// Where the latest return decided here went down, to the node hosting the reporting unit.
    func returnJourney(of record: ReportRecord, _ db: Database) throws -> Journey? {
        guard
            let trace = try ReceiptStore.latestSentTrace(
                subject: MessageTrace.subject(report: record.id),
                node: unit,
                kind: .reportReturned,
                db
            ),
            let host = deployment.hostingNode(of: record.unit), host.unit != unit
        else { return nil }
        var path: [NodeDescription] = []
        var current = host
        while current.unit != unit {
            path.insert(current, at: 0)
            guard let up = deployment.parent(of: current) else { return nil }
            current = up
        }
        return try journey(trace: trace, subject: record.id, path: path, ownerNode: nil, db)
    }

    private func journey(
        trace: String,
        subject: String,
        path: [NodeDescription],
        ownerNode: String?,
        _ db: Database
    ) throws -> Journey {
        let held = Dictionary(
            try ReceiptStore.receipts(subject: MessageTrace.subject(report: subject), db).filter { $0.trace == trace }
                .map { ($0.node, $0) },
            uniquingKeysWith: { _, last in last }
        )
        var hops: [Journey.Hop] = []
        var status = "pending"
        for step in path {
            let name = tree[step.unit]?.name ?? step.unit
            guard let receipt = held[step.unit], receipt.fate != .sent else {
                hops.append(
                    Journey.Hop(node: step.unit, name: name, fate: "pending", reason: nil, reasonEN: nil, at: nil)
                )
                break
            }
            let explained = receipt.fate == .parked ? receipt.reason.map { ParkedReason(detail: $0) } : nil
            hops.append(
                Journey.Hop(
                    node: step.unit,
                    name: name,
                    fate: receipt.fate.rawValue,
                    reason: explained?.vietnamese ?? receipt.reason,
                    reasonEN: explained?.english ?? receipt.reason,
                    at: receipt.at
                )
            )
            if receipt.fate == .parked || receipt.fate == .setAside {
                status = receipt.fate.rawValue
                break
            }
            if step.unit == path.last?.unit {
                status = "delivered"
            } else if receipt.fate == .kept {
                // Kept on the way and not sent further (e.g. an approval already held there).
                status = "kept"
                break
            }
        }
        let counted = status == "delivered" && ownerNode != nil
        var parts: [String] = []
        var partsEN: [String] = []
        for hop in hops {
            let time = hop.at.map { " " + Self.journeyTime($0) } ?? ""
            switch hop.fate {
            case "kept", "relayed":
                parts.append("đã đến \(hop.name)\(time)")
                partsEN.append("reached \(hop.name)\(time)")
            case "parked":
                parts.append("bị giữ lại tại \(hop.name)\(time): \(hop.reason ?? "")")
                partsEN.append("parked at \(hop.name)\(time): \(hop.reasonEN ?? "")")
            case "set-aside":
                parts.append("bị gác lại tại \(hop.name)\(time): \(hop.reason ?? "")")
                partsEN.append("set aside at \(hop.name)\(time): \(hop.reasonEN ?? "")")
            default:
                parts.append("đang chờ \(hop.name)")
                partsEN.append("waiting for \(hop.name)")
            }
        }
        if counted {
            parts.append("đã được tính tại đơn vị giao biểu mẫu")
            partsEN.append("counted at the unit that assigned the form")
        } else if status == "kept" {
            parts.append("được giữ tại đó, chưa đến đơn vị giao biểu mẫu")
            partsEN.append("kept there, not at the unit that assigned the form")
        }
        return Journey(
            status: status,
            countedAtOwner: counted,
            summary: parts.joined(separator: " · "),
            summaryEN: partsEN.joined(separator: " · "),
            hops: hops
        )
    }

    /// "10:04 20/11", Vietnam time.
    static func journeyTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.hour, .minute, .day, .month], from: date)
        return String(
            format: "%02d:%02d %02d/%02d",
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.day ?? 0,
            parts.month ?? 0
        )
    }
}

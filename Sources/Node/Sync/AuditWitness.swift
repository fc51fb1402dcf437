import Alerts
import Federation
import Foundation
import GRDB

/// The last entry of a node's audit trail, which its status carries up (issue J.8): entries cut
/// off the end of a trail leave a shorter chain that is whole, so the parent keeps the heads it saw.
package struct AuditHead: Codable, Sendable, Equatable {
    package let seq: Int64
    /// The entry's hash (SHA-256, hex), which chains every entry before it.
    package let hash: String

    package init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// A head of a node's trail its parent saw, and when it first saw it.
package struct WitnessedHead: Codable, Sendable, Equatable {
    package let seq: Int64
    package let hash: String
    package let seenAt: Date
}

/// A head that went back on what the parent had seen (a lower entry than the highest seen, or a
/// seen entry with another hash): entries were cut off the end of the node's trail, or cut and
/// written again (a restore from a backup does it too).
package struct AuditCut: Codable, Sendable, Equatable {
    package let unit: String
    package let witnessedSeq: Int64
    package let witnessedHash: String
    package let witnessedAt: Date
    package let reportedSeq: Int64
    package let reportedHash: String
    package let foundAt: Date
}

/// What a parent witnessed of one child's trail, as the child reads it on
/// `GET /federation/v1/audit-witness`: the heads it kept (highest first) and the cuts it found.
package struct AuditWitness: Codable, Sendable, Equatable {
    package let unit: String
    package let heads: [WitnessedHead]
    package let cuts: [AuditCut]
}

/// A parent witnessing its children's audit trails (issue J.8): the heads their statuses carry
/// are kept, a head that goes back on what was seen is a cut (audited, alerted), and each child
/// reads what was witnessed of its own trail. Its own service: it needs only the shared context.
package struct AuditWitnessing: NodeService {
    let context: NodeContext

    /// What this node witnessed of `caller`'s trail. The caller is a direct child (the route
    /// checks it): a node reads only its own heads.
    package func witnessed(_ caller: String) async throws -> AuditWitness {
        try await database.pool.read { db in try AuditWitnessStore.witnessed(caller, db) }
    }

    /// Witnesses the audit head of a status just kept, in its transaction. A head that goes back on
    /// what was seen is kept as a cut, audited, and raises an alert (kind `audit_cut`, strategic:
    /// leaders and admins of this level) that stands until acknowledged.
    func witnessHead(of status: NodeStatus, from caller: String, at now: Date, _ db: Database) throws {
        guard let head = status.auditHead,
            let found = try AuditWitnessStore.witness(head, of: status.unit, at: now, db)
        else { return }
        let (id, cut) = found
        let node = deployment.node(forUnit: status.unit)?.name ?? status.node
        let unitName = tree[status.unit]?.name ?? status.unit
        let detail =
            "witnessed entry \(cut.witnessedSeq) (\(cut.witnessedHash.prefix(16))…) at \(NodesAtAGlance.englishTime(cut.witnessedAt)), now entry \(cut.reportedSeq) (\(cut.reportedHash.prefix(16))…)"
        logger.error(
            "audit trail cut below",
            metadata: ["peer": "\(caller)", "unit": "\(status.unit)", "detail": "\(detail)"]
        )
        try audit.record(
            db,
            actor: "node:\(caller)",
            unit: status.unit,
            action: "audit.witness-cut",
            target: status.unit,
            detail: detail
        )
        try AuditWitnessStore.raiseAlert(
            key: "audit-cut:\(status.unit):\(id)",
            unit: status.unit,
            message:
                "Nhật ký kiểm toán của nút \(node) (\(unitName)) bị cắt: nút cấp trên đã thấy mục \(cut.witnessedSeq) lúc \(NodesAtAGlance.vietnameseTime(cut.witnessedAt)), nay nút chỉ báo đến mục \(cut.reportedSeq)",
            messageEN:
                "The audit trail of node \(node) (\(unitName)) was cut: entry \(cut.witnessedSeq) was witnessed at \(NodesAtAGlance.englishTime(cut.witnessedAt)), the node now reports entry \(cut.reportedSeq)",
            at: now,
            db
        )
    }
}

import Foundation
import GRDB

/// The state of this node's links: what waits to go up, what was parked, when peers were last seen.
package struct SyncStatus: Encodable, Sendable {
    struct Parked: Codable, Sendable {
        let message: String
        let kind: String
        let unit: String
        let reason: String
    }

    /// A message received from a peer and set aside, with why.
    struct Refused: Codable, Sendable {
        let origin: String
        let message: String
        let kind: String
        let reason: String
        let receivedAt: Date
    }

    struct Peer: Codable, Sendable {
        let unit: String
        let relation: String
        let cursor: Int64
        let lastContact: Date?
        let lastError: String?
    }

    let node: String
    let parent: String?
    let outboxPending: Int
    let parked: [Parked]
    /// The latest messages this node received and parked (newest first, at most 100).
    let parkedReceived: [Refused]
    let peers: [Peer]
}

extension LocalNode {
    /// What waits in the outbox, what was parked either way, and the peers' cursors and last contact.
    package func syncStatus() async throws -> SyncStatus {
        try await database.pool.read { db in
            let pending = try OutboxStore.pendingCount(db)
            let parked = try OutboxStore.parked(db).map {
                SyncStatus.Parked(message: $0.messageID, kind: $0.kind, unit: $0.unit, reason: $0.reason ?? "")
            }
            let refused = try InboxStore.parked(limit: 100, db).map {
                SyncStatus.Refused(
                    origin: $0.origin,
                    message: $0.messageID,
                    kind: $0.kind,
                    reason: $0.detail,
                    receivedAt: $0.receivedAt
                )
            }
            let peers = try PeerStore.all(db).map {
                SyncStatus.Peer(
                    unit: $0.unit,
                    relation: deployment.relation(of: $0.unit, to: node).rawValue,
                    cursor: $0.cursor,
                    lastContact: $0.lastContact,
                    lastError: $0.lastError
                )
            }
            return SyncStatus(
                node: node.name,
                parent: parent?.name,
                outboxPending: pending,
                parked: parked,
                parkedReceived: refused,
                peers: peers
            )
        }
    }
}

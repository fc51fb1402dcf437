import Foundation
import GRDB

/// This node's links to its parent and children: when each peer last answered or called (or why
/// the last try failed), how far it has read, and the links as a whole (`SyncStatus`). Its own
/// service so that it needs only the shared context and the process's metrics, which remember
/// each contact too.
package struct SyncLinks: NodeService {
    let context: NodeContext
    /// What `/metrics` shows; a contact is noted there as well.
    let metrics: NodeMetrics

    /// Records when a peer last answered or called (or, with `error`, why the last try failed).
    /// A child's feed request also records the position it asked from (what it has applied),
    /// which the sync-lag metric counts from. A contact is written only when it changes something
    /// or the one written has aged (`PeerContacts`): a long-polling child calls every few seconds,
    /// and again after each entry it reads; the position is written with the contact.
    package func touch(_ peer: String, error: String? = nil, confirmed: Int64? = nil) async {
        let now = clock.now()
        let cursor: Int64?
        if error == nil {
            metrics.contact(peer: peer, at: now)
            guard let due = contacts.heard(peer, at: now, cursor: confirmed) else { return }
            cursor = due.cursor
        } else {
            contacts.failed(peer)
            cursor = nil
        }
        do {
            try await database.pool.write { db in
                if let error {
                    try PeerStore.noteError(peer, error: error, db)
                } else {
                    try PeerStore.noteContact(peer, cursor: cursor, at: now, db)
                }
            }
        } catch {
            contacts.failed(peer)
            logger.warning("could not record peer contact", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// A peer's call whose contact was written in the transaction of what it brought
    /// (`Inbox.receive(_:direction:cursor:contact:retrying:alongside:)`): only the metrics remain to be told.
    package func heard(from peer: String) {
        metrics.contact(peer: peer, at: clock.now())
    }

    /// How far this node has read its parent's feed.
    func cursor(of peer: String) async throws -> Int64 {
        try await database.pool.read { db in
            try PeerStore.cursor(of: peer, db) ?? 0
        }
    }

    /// What waits in the outbox, what was parked either way, and the peers' cursors and last contact.
    package func status() async throws -> SyncStatus {
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
                    cursor: contacts.confirmed($0.unit, stored: $0.cursor),
                    lastContact: contacts.latest($0.unit, stored: $0.lastContact),
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

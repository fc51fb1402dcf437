import Federation
import Foundation
import GRDB
import X509

/// Node status reporting (issue J): this node's own figures, the report it sends its parent (its
/// own status and its subtree's news), the statuses its children send (with its view of each
/// link, re-based onto its clock, their audit heads witnessed), kept and relayed further up. Its
/// own service so that it needs the shared context, the node's certificate (for its expiry), the
/// metrics, the nodes at a glance (silence) and the audit witnessing.
package struct StatusReports: NodeService {
    let context: NodeContext
    /// The node's certificate and key, swapped in place on renewal.
    let identity: NodeTLSIdentity
    /// What `/metrics` shows; a child's report is a contact there as well.
    let metrics: NodeMetrics
    /// Re-judges the silence of the nodes just heard of.
    let nodesAtAGlance: NodesAtAGlance
    /// Witnesses the audit heads the statuses carry.
    let auditWitnessing: AuditWitnessing

    /// This node's own figures now.
    package func ownStatus() async throws -> NodeStatus {
        let bytes = databaseBytes
        return try await database.pool.read { db in try ownStatus(databaseBytes: bytes, db) }
    }

    private func ownStatus(databaseBytes: Int64?, _ db: Database) throws -> NodeStatus {
        let pending = try OutboxStore.pendingCount(db)
        let parked = try OutboxStore.parkedCount(db) + ParkedStore.count(db)
        let oldest = try OutboxStore.oldestPending(db)
        let contact = try parent.flatMap {
            contacts.latest($0.unit, stored: try PeerStore.lastContact(of: $0.unit, db))
        }
        return NodeStatus(
            unit: unit,
            node: node.name,
            softwareVersion: SoftwareVersion.current,
            protocolVersion: ProtocolVersion.current,
            reportedAt: clock.now(),
            parked: parked,
            certificateExpiry: certificateExpiry,
            databaseBytes: databaseBytes,
            upPending: pending,
            upCurrentAt: oldest ?? contact,
            lastContact: nil,
            downPending: nil,
            downCurrentAt: nil,
            auditHead: try AuditTrail.head(db)
        )
    }

    /// When this node's own certificate expires.
    var certificateExpiry: Date? {
        identity.current.validity?.notAfter
    }

    /// The database file with its write-ahead log.
    var databaseBytes: Int64? {
        let sizes = ["", "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: database.path + $0))?[.size] as? NSNumber
        }
        return sizes.isEmpty ? nil : sizes.reduce(0) { $0 + $1.int64Value }
    }

    /// What to send the parent: this node's own status and the subtree's that changed since sent.
    package func report() async throws -> StatusReport {
        // One read for both: a commune reports every minute, with nothing below it to relay.
        let bytes = databaseBytes
        let statuses = try await database.pool.read { db in
            [try ownStatus(databaseBytes: bytes, db)] + (try NodeStatusStore.unsent(db))
        }
        return StatusReport(statuses: statuses, sentAt: clock.now())
    }

    /// The parent took `report`: what it carried needs no sending again until it changes.
    package func reportSent(_ report: StatusReport) async throws {
        let relayed = report.statuses.filter { $0.unit != unit }
        // A node with nothing below relays nothing: no transaction to say so.
        guard !relayed.isEmpty else { return }
        try await database.pool.write { db in
            for status in relayed { try NodeStatusStore.markSent(status, db) }
        }
    }

    /// Statuses from a direct child (checked by the caller: the caller is a direct child). Each
    /// must be about a node the child speaks for; otherwise the whole report is refused. The
    /// child's own status gets this node's view of the link; the latest status per node is kept
    /// and marked to be relayed further up.
    package func receive(_ report: StatusReport, from caller: String) async throws -> Int {
        guard let sender = deployment.node(forUnit: caller) else {
            throw StatusRefused(reason: "\(caller) is not a node of the federation")
        }
        for status in report.statuses {
            guard deployment.node(forUnit: status.unit) != nil, deployment.node(sender, speaksFor: status.unit) else {
                throw StatusRefused(reason: "node \(caller) may not report the status of \(status.unit)")
            }
        }
        let now = clock.now()
        // The instants in a status were stamped by other nodes' clocks: each hop re-bases them onto
        // its own by the sender's offset (its `sentAt` against this node's now; transit time is
        // small against a silence threshold), so that a skewed clock makes no node look silent.
        let offset = report.sentAt.map { now.timeIntervalSince($0) } ?? 0
        // Written with the pushes and status reports of other children that arrive meanwhile:
        // each leaf reports every minute, thousands of them at a province or the centre.
        let kept = try await context.inboxGroup.write(database.pool) { db -> Int in
            try PeerStore.noteContact(caller, cursor: contacts.confirmed(caller), at: now, db)
            var kept: [NodeStatus] = []
            for var status in report.statuses {
                if abs(offset) >= 2 {
                    status.upCurrentAt = status.upCurrentAt?.addingTimeInterval(offset)
                    status.lastContact = status.lastContact?.addingTimeInterval(offset)
                    status.downCurrentAt = status.downCurrentAt?.addingTimeInterval(offset)
                }
                if status.unit == caller {
                    let link = try downLink(to: caller, now: now, db)
                    status.lastContact = now
                    status.downPending = link.pending
                    status.downCurrentAt = link.currentAt
                }
                if try NodeStatusStore.keep(status, from: caller, at: now, db) {
                    kept.append(status)
                    // Only news is witnessed: an older status relayed late says nothing of the trail now.
                    try auditWitnessing.witnessHead(of: status, from: caller, at: now, db)
                }
            }
            // The nodes just heard of, judged on what was just kept of them (the watch looks at
            // every node each cycle); the caller, just heard from, is not silent in any case.
            try nodesAtAGlance.refreshSilence(of: kept, heard: caller, now: now, db)
            return kept.count
        }
        contacts.written(caller, at: now)
        metrics.contact(peer: caller, at: now)
        if kept > 0, parent != nil { statusSignal.notify() }
        return kept
    }

    /// The feed toward a direct child: unread entries, and the instant up to which it read all.
    func downLink(to child: String, now: Date, _ db: Database) throws -> (pending: Int, currentAt: Date?) {
        let peer = try PeerStore.link(of: child, db)
        let unread = try FeedStore.unread(for: child, after: contacts.confirmed(child, stored: peer.cursor), db)
        return (unread.count, unread.oldest ?? contacts.latest(child, stored: peer.lastContact))
    }
}

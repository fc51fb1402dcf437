import Federation
import Foundation
import GRDB
import X509

/// One node's figures as it reported them (issue J: the country at a glance), with its parent's
/// view of the link to it. Sent up at start and then periodically (`StatusReport`), kept by every
/// ancestor (latest only) and relayed further up, so each level sees its whole subtree.
package struct NodeStatus: Codable, Sendable, Equatable {
    /// The node's own unit (the unit its certificate names).
    package let unit: String
    /// The node's name in the topology.
    package let node: String
    package let softwareVersion: String
    package let protocolVersion: Int
    /// When the node built this status, by its own clock.
    package let reportedAt: Date
    /// Messages parked at the node: in its outbox, and received and not yet applied or set aside.
    package let parked: Int
    package let certificateExpiry: Date?
    package let databaseBytes: Int64?
    /// Upward link, as the node sees it: messages waiting in its outbox, and the instant up to
    /// which its parent holds everything it sent (the oldest waiting message, or its last
    /// successful exchange with the parent when nothing waits).
    package let upPending: Int
    package var upCurrentAt: Date?
    /// Downward link, as the node's parent sees it (filled in by the parent): its last contact
    /// with the node, the feed entries the node has not read yet, and the instant up to which it
    /// has read everything (the oldest unread entry, or its last contact when none waits).
    package var lastContact: Date?
    package var downPending: Int?
    package var downCurrentAt: Date?
    /// The last entry of the node's audit trail (issue J.8), witnessed by every node above it.
    /// Absent from an older node's status.
    package var auditHead: AuditHead? = nil
}

/// What a child sends its parent on `POST /federation/v1/status`: its own status and those of
/// its subtree that changed since it last sent them. Latest only: nothing queues up while a link
/// is down, so a status report never grows the inbox or the outbox.
package struct StatusReport: Codable, Sendable {
    package let statuses: [NodeStatus]
    /// When the sender sent it, by its clock: the receiver re-bases the instants in it onto its own.
    package let sentAt: Date?
    package init(statuses: [NodeStatus], sentAt: Date? = nil) {
        self.statuses = statuses
        self.sentAt = sentAt
    }
    /// A report is refused beyond this many statuses (a province relays its communes').
    package static let maximumStatuses = 5000
}

/// A status report the sender may not make (a node outside its subtree): refused whole.
package struct StatusRefused: Error, CustomStringConvertible {
    package let reason: String
    package var description: String { reason }
}

extension LocalNode {
    /// This node's own figures now.
    package func ownStatus() async throws -> NodeStatus {
        let parentUnit = parent?.unit
        let figures = try await database.pool.read { db -> (Int, Int, Date?, Date?, AuditHead?) in
            let pending = try OutboxStore.pendingCount(db)
            let parked = try OutboxStore.parkedCount(db) + ParkedStore.count(db)
            let oldest = try OutboxStore.oldestPending(db)
            let contact = try parentUnit.flatMap { try PeerStore.lastContact(of: $0, db) }
            return (pending, parked, oldest, contact, try AuditTrail.head(db))
        }
        return NodeStatus(
            unit: unit,
            node: node.name,
            softwareVersion: SoftwareVersion.current,
            protocolVersion: ProtocolVersion.current,
            reportedAt: clock.now(),
            parked: figures.1,
            certificateExpiry: certificateExpiry,
            databaseBytes: databaseBytes,
            upPending: figures.0,
            upCurrentAt: figures.2 ?? figures.3,
            lastContact: nil,
            downPending: nil,
            downCurrentAt: nil,
            auditHead: figures.4
        )
    }

    /// When this node's own certificate expires.
    var certificateExpiry: Date? {
        (try? parseCertificateChain(pem: identity.credentials.certificatePEM).first)?.notValidAfter
    }

    /// The database file with its write-ahead log.
    var databaseBytes: Int64? {
        let sizes = ["", "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: database.path + $0))?[.size] as? NSNumber
        }
        return sizes.isEmpty ? nil : sizes.reduce(0) { $0 + $1.int64Value }
    }

    /// What to send the parent: this node's own status and the subtree's that changed since sent.
    package func statusReport() async throws -> StatusReport {
        let own = try await ownStatus()
        let relayed = try await database.pool.read { db in try NodeStatusStore.unsent(db) }
        return StatusReport(statuses: [own] + relayed, sentAt: clock.now())
    }

    /// The parent took `report`: what it carried needs no sending again until it changes.
    package func statusReportSent(_ report: StatusReport) async throws {
        try await database.pool.write { db in
            for status in report.statuses where status.unit != unit {
                try NodeStatusStore.markSent(status, db)
            }
        }
    }

    /// Statuses from a direct child (checked by the caller: the caller is a direct child). Each
    /// must be about a node the child speaks for; otherwise the whole report is refused. The
    /// child's own status gets this node's view of the link; the latest status per node is kept
    /// and marked to be relayed further up.
    package func receiveStatuses(_ report: StatusReport, from caller: String) async throws -> Int {
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
        let kept = try await database.pool.write { db -> Int in
            try PeerStore.noteContact(caller, at: now, db)
            var kept = 0
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
                    kept += 1
                    // Only news is witnessed: an older status relayed late says nothing of the trail now.
                    try witnessAuditHead(of: status, from: caller, at: now, db)
                }
            }
            // The nodes just heard of (the watch looks at every node each cycle).
            try nodesAtAGlance.refreshSilence(now: now, only: Set(report.statuses.map(\.unit)), db)
            return kept
        }
        metrics.contact(peer: caller, at: now)
        if kept > 0, parent != nil { statusSignal.notify() }
        return kept
    }

    /// The feed toward a direct child: unread entries, and the instant up to which it read all.
    func downLink(to child: String, now: Date, _ db: Database) throws -> (pending: Int, currentAt: Date?) {
        let peer = try PeerStore.link(of: child, db)
        let unread = try FeedStore.unread(for: child, after: peer.cursor, db)
        return (unread.count, unread.oldest ?? peer.lastContact)
    }
}

/// The parent's answer to a status report: how many statuses it kept as new.
package struct StatusAnswer: Codable, Sendable {
    package let kept: Int
    package init(kept: Int) { self.kept = kept }
}

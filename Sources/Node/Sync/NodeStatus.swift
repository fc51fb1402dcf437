import Federation
import Foundation

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

/// The parent's answer to a status report: how many statuses it kept as new.
package struct StatusAnswer: Codable, Sendable {
    package let kept: Int
    package init(kept: Int) { self.kept = kept }
}

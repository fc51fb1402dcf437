import Foundation
import Reporting

/// The wire protocol version. A receiver accepts every version in `accepted` and says so in
/// each answer; a sender refuses nothing newer than itself without telling the operator.
///
/// Compatibility rule: a new version only adds optional fields (which an older reader ignores
/// and a newer reader finds missing from an older peer) and new message kinds; a node accepts
/// its own version and the one before it. Version 2 added `epoch` to feed pages and push answers;
/// version 3 added `indicator.defined`, the audit head in a node's status and the parent's audit
/// witness (`/federation/v1/audit-witness`); version 4 added `receipts` to push answers.
public enum ProtocolVersion {
    public static let current = 4
    public static let accepted: ClosedRange<Int> = 3...4
    /// The versions a message itself may carry inside an accepted push: every one released.
    /// A message is stamped when written and may wait in an outbox (or be sent again after a
    /// parent's restore) across upgrades; versions only add optional fields, so it still reads.
    public static let messages: ClosedRange<Int> = 1...current
    /// The first version whose push answers carry the receiver's receipts for the pushed messages.
    public static let receiptsInPushAnswers = 4
}

/// What a message carries; the receiver dispatches on it.
public struct MessageKind: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Upward: a report approved by the unit leader, signed by the approving node.
    public static let reportApproved = MessageKind(rawValue: "report.approved")
    /// Both ways: an approved report returned for revision by an upper level; it travels down to
    /// the reporting unit's node and up to the form's owner.
    public static let reportReturned = MessageKind(rawValue: "report.returned")
    /// Downward: a form assigned to units for a period.
    public static let assignmentCreated = MessageKind(rawValue: "assignment.created")
    /// Downward: an account created from above for a unit hosted below, to be activated there.
    public static let accountProvisioned = MessageKind(rawValue: "account.provisioned")
    /// Downward: an account disabled or reset from above; its node ends its sessions.
    public static let accountChanged = MessageKind(rawValue: "account.changed")
    /// Upward: an admin made where its unit is hosted (a node's first admin), told to the parent
    /// unit so that it can manage it like the admins it appointed.
    public static let accountRegistered = MessageKind(rawValue: "account.registered")
    /// Both ways: a node certificate revoked by an ancestor of its unit (a signed `Revocation`);
    /// it travels up to the centre and down to every node.
    public static let pkiRevoked = MessageKind(rawValue: "pki.revoked")
    /// Downward: a unit added to or withdrawn from an assignment's expected units.
    public static let assignmentAmended = MessageKind(rawValue: "assignment.amended")
    /// Upward: a unit's congress date, relayed to the centre; the higher per-unit sequence wins.
    public static let congressScheduled = MessageKind(rawValue: "congress.scheduled")
    /// Upward: figures a unit reports about itself, for the unit directly above it that scores it.
    public static let indicatorsReported = MessageKind(rawValue: "indicators.reported")
    /// Downward: an indicator version defined by a unit above, for every node of its subtree (the
    /// catalogue of Letter 3158 flows down like forms).
    public static let indicatorDefined = MessageKind(rawValue: "indicator.defined")
    /// Downward: an indicator assigned by a unit above to units below (who updates it, from which
    /// period), or its withdrawal; relayed toward each assigned unit's node, which owes the values.
    public static let indicatorAssigned = MessageKind(rawValue: "indicator.assigned")
    /// Upward: an indicator value supplied (entered by a person or delivered by another system)
    /// for a unit, as its node holds it; relayed up to the node of the indicator's owner. The
    /// newer value wins (see `docs/sync-protocol.md`).
    public static let indicatorValue = MessageKind(rawValue: "indicator.value")
    /// Downward: a task assigned to units below, relayed toward each assignee's node.
    public static let taskAssigned = MessageKind(rawValue: "task.assigned")
    /// Upward: an assignee's progress or completion, relayed up to the assigning unit's node.
    public static let taskProgress = MessageKind(rawValue: "task.progress")
    /// Downward: the assigning unit confirms or returns a completion.
    public static let taskReviewed = MessageKind(rawValue: "task.reviewed")
    /// Both ways: a unit added below, or renamed, by an admin of its parent (a `UnitChange`). It
    /// travels up to every ancestor's node and down to the nodes inside a renamed unit's subtree.
    public static let unitChanged = MessageKind(rawValue: "unit.changed")
    /// Both ways: a unit below closed (dissolved or merged) on a day, decided by an admin of a unit
    /// above it (a `UnitClosureNotice`). Up to every ancestor's node and down to the unit's own,
    /// each withdrawing it from its own assignments due after that day.
    public static let unitClosed = MessageKind(rawValue: "unit.closed")
    /// Down, to a child node: its parent's admin retires it (a `NodeRetirement`); the child hands
    /// its unit's life back (`POST /federation/v1/handback`) and stops.
    public static let nodeRetiring = MessageKind(rawValue: "node.retiring")
    /// Down, to the child node that hosted a unit moved to another parent (a `UnitMoveHandover`):
    /// it hands the unit's life up (`POST /federation/v1/handback`) to be relayed to its new host.
    public static let unitLeaving = MessageKind(rawValue: "unit.leaving")
    /// Down, to the child node that hosts a unit moved in (a `UnitMoveHandover`): the unit's life
    /// waits for it here (`GET /federation/v1/handover?id=`).
    public static let unitArriving = MessageKind(rawValue: "unit.arriving")

    public var description: String { rawValue }
}

/// One message between nodes. `(origin, id)` names it forever: a receiver applies it at most once.
public struct Envelope: Codable, Sendable, Hashable {
    public let protocolVersion: Int
    /// Unique per origin; a UUID.
    public let id: String
    /// Unit code of the node that created the message (for pushes, the caller itself).
    public let origin: String
    public let kind: MessageKind
    /// The unit the data belongs to; authorisation checks that the sender may speak for it.
    public let unit: String
    /// The kind-specific body, JSON.
    public let body: Data

    public init(
        protocolVersion: Int = ProtocolVersion.current,
        id: String = RandomUUID.string(),
        origin: String,
        kind: MessageKind,
        unit: String,
        body: Data
    ) {
        self.protocolVersion = protocolVersion
        self.id = id
        self.origin = origin
        self.kind = kind
        self.unit = unit
        self.body = body
    }
}

/// A batch pushed up to the parent.
public struct PushRequest: Codable, Sendable {
    public let protocolVersion: Int
    public let messages: [Envelope]

    public init(protocolVersion: Int = ProtocolVersion.current, messages: [Envelope]) {
        self.protocolVersion = protocolVersion
        self.messages = messages
    }

    public static let maximumBatch = 200
    /// A sender keeps a batch under this many bytes of envelopes; a receiver accepts bodies up to
    /// `maximumBody`, so one large message still fits alone.
    public static let targetBytes = 4 * 1024 * 1024
    public static let maximumBody = 16 * 1024 * 1024
}

/// The receiver's verdict on one message.
public struct MessageResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        /// Applied now, or earlier (then `replayed` is true and nothing changed).
        case applied
        /// Refused for a reason that retrying will not fix; kept aside and reported.
        case parked
    }

    public let id: String
    public let status: Status
    /// Why a message was parked, or what applying it did.
    public let detail: String
    /// True when this message had been received before and this is its original result.
    public var replayed: Bool

    public init(id: String, status: Status, detail: String, replayed: Bool = false) {
        self.id = id
        self.status = status
        self.detail = detail
        self.replayed = replayed
    }
}

/// The answer to a push: one result per message, in order. The sender forgets a message only
/// once it has its result.
public struct PushResponse: Codable, Sendable {
    public let protocolVersion: Int
    public let accepted: ClosedRange<Int>
    public let results: [MessageResult]
    /// The receiver's database epoch (protocol 2): it changes when the receiver was restored
    /// from a backup, and then the sender sends again what it had delivered.
    public let epoch: String?
    /// The receiver's own receipts (`message.receipt` envelopes) for pushed messages it kept or
    /// relayed, to a sender of protocol 4 or later, which applies them like feed entries; they
    /// no longer go down its feed. A replayed message is answered with its receipt again.
    /// Parked fates, and receipts from further up, still travel down the feed, in order.
    public let receipts: [Envelope]?

    public init(results: [MessageResult], epoch: String? = nil, receipts: [Envelope]? = nil) {
        self.protocolVersion = ProtocolVersion.current
        self.accepted = ProtocolVersion.accepted
        self.results = results
        self.epoch = epoch
        self.receipts = receipts
    }
}

/// One entry of a parent's downward feed for one child.
public struct FeedEntry: Codable, Sendable, Hashable {
    /// Position in the parent's feed; strictly increasing, the child's cursor.
    public let seq: Int64
    public let envelope: Envelope

    public init(seq: Int64, envelope: Envelope) {
        self.seq = seq
        self.envelope = envelope
    }
}

/// A page of the downward feed after a cursor.
public struct FeedPage: Codable, Sendable {
    public let protocolVersion: Int
    public let accepted: ClosedRange<Int>
    public let entries: [FeedEntry]
    /// The cursor to ask from next time.
    public let cursor: Int64
    /// True when more entries wait beyond this page.
    public let more: Bool
    /// The parent's database epoch (protocol 2): when it changes, the parent was restored from a
    /// backup and its positions are no longer the ones the child's cursor counts in.
    public let epoch: String?

    public init(entries: [FeedEntry], cursor: Int64, more: Bool, epoch: String? = nil) {
        self.protocolVersion = ProtocolVersion.current
        self.accepted = ProtocolVersion.accepted
        self.entries = entries
        self.cursor = cursor
        self.more = more
        self.epoch = epoch
    }

    public static let maximumPage = 500
}

/// The JSON error body every federation refusal carries.
public struct ProtocolError: Codable, Sendable, Error, CustomStringConvertible {
    public let error: String
    public let message: String
    public let accepted: ClosedRange<Int>

    public init(error: String, message: String) {
        self.error = error
        self.message = message
        self.accepted = ProtocolVersion.accepted
    }

    public var description: String { "\(error): \(message)" }
}

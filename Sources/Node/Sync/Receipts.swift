import Crypto
import Federation
import Foundation
import GRDB
import Reporting

extension MessageKind {
    /// Against a message's travel (down the feed for what went up, up the outbox for a return
    /// that went down): what became of it at one node — kept, relayed, parked or set aside (a
    /// `Receipt`). Each node on the way keeps it and passes it on toward the message's origin.
    /// A node older than this kind parks it (its reason names the kind), which stops nothing.
    static let receipt = MessageKind(rawValue: "message.receipt")
}

/// What became of one message at one node.
struct Receipt: Codable, Sendable, Hashable {
    enum Fate: String, Codable, Sendable {
        /// Written by the node that sent it (its origin, or a relay before its own fate is known).
        case sent
        /// Kept here and not sent further: its journey ends here.
        case kept
        /// Kept here and sent further.
        case relayed
        /// Refused here for now (the reason says why); retried when what it lacked may have changed.
        case parked
        /// Parked, then set aside by an admin with a reason: it will not be applied.
        case setAside = "set-aside"
    }

    /// Names the message whatever hop it is at (relays send it under new envelope ids).
    let trace: String
    let kind: MessageKind
    /// The unit the message concerns.
    let unit: String
    /// What it is about, for the pages: `report:<id>` for reports and returns.
    let subject: String?
    /// The unit of the node where this fate happened.
    let node: String
    let fate: Fate
    let reason: String?
    let at: Date
}

extension Receipt: FederationJSONBody {
    /// As `JSONEncoder.federation` encodes it, written directly when it can be: one is written
    /// to the feed for every report a node receives.
    func federationJSON() throws -> Data {
        try plainJSON() ?? JSONEncoder.federation.encode(self)
    }

    /// Written directly; nil when some text needs the encoder.
    func plainJSON() -> Data? {
        var text = FederationJSONText()
        text.add("at", at)
        text.add("fate", fate.rawValue)
        text.add("kind", kind.rawValue)
        text.add("node", node)
        text.add("reason", reason)
        text.add("subject", subject)
        text.add("trace", trace)
        text.add("unit", unit)
        return text.finish()
    }
}

/// How a message is recognised at every hop.
struct MessageTrace: Sendable, Hashable {
    let key: String
    let subject: String?

    /// Reports by id and approval, returns by their history entry; any other message by the
    /// digest of what it says (relays pass bodies on unchanged, or re-encode them identically:
    /// sorted keys, whole seconds).
    init(kind: MessageKind, unit: String, body: Data) {
        switch kind {
        case .reportApproved:
            // Only the two fields the key needs: the answers and history are not decoded again.
            if let signed = try? JSONDecoder.federation.decode(SignedPayload.self, from: body),
                let report = try? JSONDecoder.federation.decode(ReportKey.self, from: signed.payload)
            {
                key = "report.approved:\(report.reportId):\(report.approvalCount)"
                subject = Self.subject(report: report.reportId)
                return
            }
        case .reportReturned:
            if let decision = try? JSONDecoder.federation.decode(ReviewDecision.self, from: body) {
                key = "report.returned:\(decision.reportId):\(decision.entry.id)"
                subject = Self.subject(report: decision.reportId)
                return
            }
        default: break
        }
        let digest = SHA256.hash(data: Data("\(kind.rawValue)\n\(unit)\n".utf8) + body)
        key = "\(kind.rawValue):" + digest.map { String(format: "%02x", $0) }.joined()
        subject = nil
    }

    /// An approved report's trace from the report already decoded (as `init(kind:unit:body:)`
    /// finds it in the body).
    init(report id: String, approval: Int) {
        key = "report.approved:\(id):\(approval)"
        subject = Self.subject(report: id)
    }

    static func subject(report id: String) -> String { "report:\(id)" }

    /// What names an approved report's message: its id and which approval it carries.
    private struct ReportKey: Decodable {
        let reportId: String
        let approvalCount: Int
    }

    /// Messages whose fate is traced: everything that travels up, and returns going down.
    static func traced(_ kind: MessageKind, upward: Bool) -> Bool {
        guard kind != .receipt else { return false }
        return upward || kind == .reportReturned
    }
}

/// What became of the messages this node received, and of those it sent, as receipts travel
/// back toward each message's origin: kept, passed on, and raising or clearing the alert about a
/// parked message. (That this node sent a message is noted by `NodeContext.noteSent` as it is
/// sent.) Its own service: it needs only the shared context.
struct Receipts: NodeService {
    let context: NodeContext

    /// Where a receipt went back: down the feed, up the outbox, or into the answer to the push
    /// that brought the message.
    struct SentBack {
        var feed = false
        var outbox = false
        var answer: Envelope?
    }

    /// Records what became of a message received here and sends that receipt back the way it
    /// came. A message pushed by `answering` (a child of protocol 4 or later) that is kept or
    /// relayed here has its receipt returned for the push's answer instead of the child's feed;
    /// a parked one's still goes down the feed, in order with the fate a retry gives it later.
    func recordFate(
        of message: Envelope,
        direction: Inbox.Direction,
        result: MessageResult,
        setAside: Bool = false,
        trace known: MessageTrace? = nil,
        answering: String? = nil,
        _ db: Database
    ) throws -> SentBack {
        guard MessageTrace.traced(message.kind, upward: direction == .fromChild) else { return SentBack() }
        let trace = known ?? MessageTrace(kind: message.kind, unit: message.unit, body: message.body)
        let fate: Receipt.Fate
        if setAside {
            fate = .setAside
        } else if result.status == .parked {
            fate = .parked
        } else {
            let own = try ReceiptStore.own(trace: trace.key, node: unit, db)
            fate = own?.fate == .sent || own?.fate == .relayed ? .relayed : .kept
        }
        let receipt = Receipt(
            trace: trace.key,
            kind: message.kind,
            unit: message.unit,
            subject: trace.subject,
            node: unit,
            fate: fate,
            reason: fate == .parked || fate == .setAside ? result.detail : nil,
            at: clock.now()
        )
        guard try ReceiptStore.keep(receipt, fromPeer: message.origin, db) else { return SentBack() }
        try alert(about: receipt, key: "parked:\(message.origin)/\(message.id)", unit: unit, db)
        if let answer = try answer(receipt, to: message, answering: answering) { return SentBack(answer: answer) }
        return try sendBack(receipt, to: message.origin, db)
    }

    /// The receipt of a message `answering` pushed again (its answer was lost): applied here
    /// from that child and kept or relayed, it is answered once more; otherwise nil (a parked
    /// fate went down the feed, and a fate reached from another peer is not this child's).
    func answerAgain(for message: Envelope, answering: String, _ db: Database) throws -> Envelope? {
        guard MessageTrace.traced(message.kind, upward: true) else { return nil }
        let trace = MessageTrace(kind: message.kind, unit: message.unit, body: message.body)
        guard let receipt = try ReceiptStore.one(trace: trace.key, node: unit, fromPeer: answering, db) else {
            return nil
        }
        return try answer(receipt, to: message, answering: answering)
    }

    /// The receipt as an envelope for the answer to `answering`'s push, when it goes there.
    private func answer(_ receipt: Receipt, to message: Envelope, answering: String?) throws -> Envelope? {
        guard let answering, message.origin == answering, receipt.fate == .kept || receipt.fate == .relayed
        else { return nil }
        return Envelope(origin: unit, kind: .receipt, unit: receipt.unit, body: try receipt.federationJSON())
    }

    /// Raises (parked; set aside too where the message started, since someone there must act)
    /// or clears (any other fate) the alert about a message's fate at a node.
    private func alert(
        about receipt: Receipt,
        key: String,
        unit alertUnit: String,
        atOrigin: Bool = false,
        _ db: Database
    ) throws {
        guard receipt.fate == .parked || (atOrigin && receipt.fate == .setAside) else {
            try ParkedAlertStore.clear(key: key, at: clock.now(), db)
            return
        }
        let place = tree[receipt.node]?.name ?? receipt.node
        let what = receipt.subject.map { " (\($0))" } ?? ""
        let message: String
        let messageEN: String
        if receipt.fate == .setAside {
            message =
                "Tin \(receipt.kind.rawValue) của đơn vị \(receipt.unit)\(what) bị gác lại tại \(place): \(receipt.reason ?? "")"
            messageEN =
                "Message \(receipt.kind.rawValue) of \(receipt.unit)\(what) was set aside at \(place): \(receipt.reason ?? "")"
        } else {
            let reason = ParkedReason(detail: receipt.reason ?? "")
            message =
                "Tin \(receipt.kind.rawValue) của đơn vị \(receipt.unit)\(what) bị giữ lại tại \(place): \(reason.vietnamese)"
            messageEN =
                "Message \(receipt.kind.rawValue) of \(receipt.unit)\(what) is parked at \(place): \(reason.english)"
        }
        try ParkedAlertStore.raise(
            key: key,
            unit: alertUnit,
            ref: receipt.subject ?? receipt.trace,
            message: message,
            messageEN: messageEN,
            at: clock.now(),
            db
        )
    }

    /// A receipt from a peer: kept, and passed on toward the message's origin (whoever sent this
    /// node the message). A child vouches only for nodes it speaks for; a parent never for this
    /// node's subtree.
    func receive(_ message: Envelope, direction: Inbox.Direction, _ db: Database) throws -> Inbox.Effect {
        let receipt = try JSONDecoder.federation.decode(Receipt.self, from: message.body)
        switch direction {
        case .fromChild:
            guard let sender = deployment.node(forUnit: message.origin),
                deployment.node(sender, speaksFor: receipt.node)
            else {
                throw Refusal("node \(message.origin) may not report what happened at \(receipt.node)")
            }
        case .fromParent:
            guard !deployment.node(node, speaksFor: receipt.node) else {
                throw Refusal("a parent may not report what happened at \(receipt.node), which is this node or below")
            }
        }
        guard receipt.fate != .sent else {
            throw Refusal("a receipt says what became of a message, not that it was sent")
        }
        guard try ReceiptStore.keep(receipt, fromPeer: message.origin, db) else {
            return Inbox.Effect(detail: "receipt of \(receipt.trace) at \(receipt.node) already held")
        }
        try settleOutbox(after: receipt, db)
        guard let back = try ReceiptStore.own(trace: receipt.trace, node: unit, db)?.fromPeer, back != message.origin
        else {
            // The message started here: its own admins and leaders hear of a park above.
            try alert(
                about: receipt,
                key: "parked-above:\(receipt.trace)@\(receipt.node)",
                unit: hosts(receipt.unit) ? receipt.unit : unit,
                atOrigin: true,
                db
            )
            return Inbox.Effect(
                detail: "receipt of \(receipt.trace) at \(receipt.node) kept (the message started here)"
            )
        }
        let sent = try sendBack(receipt, to: back, db)
        return Inbox.Effect(
            detail: "receipt of \(receipt.trace) at \(receipt.node) passed on to \(back)",
            feed: sent.feed,
            outbox: sent.outbox
        )
    }

    /// The parent applied at last a message it had parked (on a retry): it leaves this node's
    /// outbox as delivered, like any message the parent took. One the parent set aside stays
    /// parked here, with the admin's reason.
    private func settleOutbox(after receipt: Receipt, _ db: Database) throws {
        guard receipt.node == parent?.unit, [.kept, .relayed, .setAside].contains(receipt.fate) else { return }
        // Nearly always none parked: a count (a prepared statement) before reading envelopes.
        guard try OutboxStore.parkedCount(db) > 0 else { return }
        for envelope in try OutboxStore.parkedEnvelopes(db) {
            guard MessageTrace(kind: envelope.kind, unit: envelope.unit, body: envelope.body).key == receipt.trace
            else { continue }
            if receipt.fate == .setAside {
                try OutboxStore.setReason(
                    "set aside by the parent: \(receipt.reason ?? "")",
                    messageID: envelope.id,
                    db
                )
                continue
            }
            try OutboxStore.markDelivered(messageID: envelope.id, at: clock.now(), db)
        }
    }

    /// Sends a receipt to `peer`: up the outbox to the parent, or down the feed to a child.
    private func sendBack(_ receipt: Receipt, to peer: String, _ db: Database) throws -> SentBack {
        if peer == parent?.unit {
            try enqueueUp(db, kind: .receipt, unit: receipt.unit, body: receipt)
            return SentBack(outbox: true)
        }
        guard deployment.children(of: node).contains(where: { $0.unit == peer }) else { return SentBack() }
        try appendToFeed(db, audience: peer, kind: .receipt, unit: receipt.unit, body: receipt)
        return SentBack(feed: true)
    }
}

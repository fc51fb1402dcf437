import Auth
import Federation
import Foundation
import GRDB
import ServiceLifecycle

/// A parked message as people see it.
package struct ParkedMessageView: Codable, Sendable {
    package let origin: String
    package let id: String
    /// `child` (it came up from `origin`) or `parent` (down the feed).
    package let from: String
    package let kind: String
    package let unit: String
    /// What it is about, for reports `report:<id>`.
    package let subject: String?
    /// The reason, a sentence saying what would fix it (Vietnamese, then English), with the
    /// technical detail at the end.
    package let reason: String
    package let reasonEN: String
    package let detail: String
    package let parkedAt: Date
    package let retries: Int
    package let retriedAt: Date?
    /// `parked`, `applied` (applied at last on a retry) or `set-aside`.
    package let state: String
    package let settledBy: String?
    package let settledReason: String?
    package let settledAt: Date?

    init(_ parked: ParkedStore.Parked) {
        let envelope = parked.envelope
        origin = envelope.origin
        id = envelope.id
        from = parked.fromChild ? "child" : "parent"
        kind = envelope.kind.rawValue
        unit = envelope.unit
        subject = MessageTrace(kind: envelope.kind, unit: envelope.unit, body: envelope.body).subject
        let explained = ParkedReason(detail: parked.reason)
        reason = explained.vietnamese
        reasonEN = explained.english
        detail = parked.reason
        parkedAt = parked.parkedAt
        retries = parked.retries
        retriedAt = parked.retriedAt
        state = parked.state
        settledBy = parked.settledBy
        settledReason = parked.settledReason
        settledAt = parked.settledAt
    }
}

/// Messages this node could not apply (parked with their reason): applied again when what they
/// lacked may have arrived, on a schedule (`ParkedRetry`), or by an admin, who may instead set
/// one aside. Its own service so that parking reaches only the shared context, the receipts, and
/// the inbox through a closure.
package struct ParkedMessages: NodeService {
    let context: NodeContext
    /// Applies messages again through the inbox (`Inbox.receive(_:direction:cursor:contact:retrying:alongside:)`,
    /// retrying). A closure because `Inbox` holds this service (it retries what is parked after a
    /// batch): holding the inbox here too would build each from the other without end.
    let receiveAgain: @Sendable ([Envelope], Inbox.Direction) async throws -> [MessageResult]
    /// What became of a message set aside, sent back the way it came.
    let receipts: Receipts

    /// Kinds whose arrival may supply what a parked message lacked (a unit, a registration, a
    /// certificate, a form or assignment, a report a return is about).
    static let prerequisiteKinds: Set<MessageKind> = [
        .unitChanged, .unitClosed, .accountRegistered, .accountProvisioned, .assignmentCreated, .assignmentAmended,
        .pkiRevoked, .taskAssigned, .reportApproved,
    ]

    static func mayUnpark(_ messages: [Envelope], _ results: [MessageResult]) -> Bool {
        zip(messages, results).contains { message, result in
            result.status == .applied && !result.replayed && prerequisiteKinds.contains(message.kind)
        }
    }

    /// Applies parked messages again, one at a time (one that fails for the moment does not hold
    /// back the others). `due` leaves out those retried too recently. Idempotent: the inbox still
    /// applies each message at most once. Returns how many applied now.
    @discardableResult
    func retryAll(due: Bool = false) async -> Int {
        var applied = 0
        do {
            let now = clock.now()
            let parked = try await database.pool.read { db in try ParkedStore.parked(due: due ? now : nil, db) }
            for message in parked {
                do {
                    let results = try await receiveAgain(
                        [message.envelope],
                        message.fromChild ? .fromChild : .fromParent
                    )
                    if results.first?.status == .applied, results.first?.replayed == false {
                        applied += 1
                        logger.notice(
                            "parked message applied on retry",
                            metadata: [
                                "peer": "\(message.envelope.origin)", "message": "\(message.envelope.id)",
                                "kind": "\(message.envelope.kind)",
                            ]
                        )
                    }
                } catch {
                    logger.warning(
                        "retrying a parked message failed for the moment",
                        metadata: ["message": "\(message.envelope.id)", "error": "\(error)"]
                    )
                }
            }
        } catch {
            logger.warning("could not read parked messages", metadata: ["error": "\(error)"])
        }
        return applied
    }

    /// Parked messages are this node's: its own unit's admins see and settle them.
    private func requireParkingAdmin(_ actor: Actor) throws {
        guard actor.holds(.manageUsers), actor.unit == unit else {
            throw DomainError(.parkedOnlyOwnAdmins)
        }
    }

    package func visible(to actor: Actor) async throws -> [ParkedMessageView] {
        try requireParkingAdmin(actor)
        return try await database.pool.read { db in try ParkedStore.all(db).map(ParkedMessageView.init) }
    }

    /// An admin retries one parked message now (audited).
    package func retry(origin: String, id: String, by actor: Actor) async throws -> ParkedMessageView {
        try requireParkingAdmin(actor)
        let parked = try await database.pool.write { db in
            guard let parked = try ParkedStore.one(origin: origin, id: id, db) else {
                throw DomainError(.notFound(.parkedMessage))
            }
            try audit.record(db, actor, action: "parked.retry", target: "\(origin)/\(id)", detail: parked.state)
            return parked
        }
        if parked.state == "parked" {
            _ = try await receiveAgain(
                [parked.envelope],
                parked.fromChild ? .fromChild : .fromParent
            )
        }
        return try await database.pool.read { db in ParkedMessageView(try ParkedStore.one(origin: origin, id: id, db)!)
        }
    }

    /// An admin sets a parked message aside with a reason (audited): it will not be applied, and
    /// the receipt tells its origin.
    package func setAside(
        origin: String,
        id: String,
        reason: String,
        by actor: Actor
    ) async throws
        -> ParkedMessageView
    {
        try requireParkingAdmin(actor)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw DomainError(.setAsideReasonRequired, details: ["reason": "required"])
        }
        let (view, _, outbox) = try await database.pool.write { db in
            guard let parked = try ParkedStore.one(origin: origin, id: id, db) else {
                throw DomainError(.notFound(.parkedMessage))
            }
            guard parked.state == "parked" else {
                throw DomainError(.noLongerParked(state: parked.state))
            }
            try ParkedStore.setAside(origin: origin, id: id, by: actor.username, reason: reason, at: clock.now(), db)
            let sent = try receipts.recordFate(
                of: parked.envelope,
                direction: parked.fromChild ? .fromChild : .fromParent,
                result: MessageResult(id: id, status: .parked, detail: reason),
                setAside: true,
                db
            )
            try audit.record(db, actor, action: "parked.set-aside", target: "\(origin)/\(id)", detail: reason)
            return (ParkedMessageView(try ParkedStore.one(origin: origin, id: id, db)!), sent.feed, sent.outbox)
        }
        if outbox { outboxSignal.notify() }
        return view
    }
}

/// Retries parked messages on a schedule, with backoff per message, for what changes without a
/// message arriving (a configuration corrected, a unit added here).
package struct ParkedRetry: Service {
    let local: LocalNode
    var interval: Duration = .seconds(60)

    package init(local: LocalNode, interval: Duration = .seconds(60)) {
        self.local = local
        self.interval = interval
    }

    /// Receipts and delivered upward messages are kept for `Outbox.deliveredRetention` (400 days):
    /// looking for old ones once an hour is plenty, where every cycle cost each node a write
    /// transaction a minute (and every push a scan of the delivered messages).
    static let pruneEvery: TimeInterval = 3600

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var pruned: Date?
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await local.parked.retryAll(due: true)
                let now = local.clock.now()
                guard pruned.map({ now.timeIntervalSince($0) >= Self.pruneEvery }) ?? true else { continue }
                do {
                    let cutoff = now.addingTimeInterval(-Outbox.deliveredRetention)
                    try await local.database.pool.write { db in
                        try ReceiptStore.prune(before: cutoff, db)
                        try OutboxStore.forgetDelivered(before: cutoff, db)
                    }
                    pruned = now
                } catch {
                    local.logger.warning(
                        "could not prune receipts and delivered messages",
                        metadata: ["error": "\(error)"]
                    )
                }
            }
        }
    }
}

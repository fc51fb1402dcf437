import Federation
import Foundation
import GRDB

/// One batch applied in the writer's transaction: each message once, in its own savepoint, its
/// result recorded, parked or answered from the inbox.
extension Inbox {
    /// What a batch written did: each message's result, the receipts for the push's answer,
    /// whether it queued anything up, when the peer's contact was written, and whether anything
    /// waits parked here after it.
    struct BatchOutcome: Sendable {
        let results: [MessageResult]
        let answer: [Envelope]
        let outbox: Bool
        let contactAt: Date
        let parkedHere: Bool
    }

    /// The kinds a child's push may carry to be written in a group transaction with other
    /// children's pushes (`InboxGroupCommit`): none of them swaps the live deployment or changes
    /// whom this node trusts, so one batch's savepoint undone never leaves the next batch of the
    /// group judged by a change that was not kept.
    static let groupedKinds: Set<MessageKind> = [
        .reportApproved, .receipt, .indicatorValue, .indicatorsReported, .taskProgress, .congressScheduled,
    ]

    /// Applies `messages` in the caller's transaction. Transient database failures throw (the
    /// whole batch is undone, the sender retries); refusals park one message. The peer's contact
    /// (`cursor` for a feed page, `contact` for a child's push) and the alerts the batch moves
    /// are written in the same transaction: a node's writer is its bottleneck at national scale,
    /// and each extra trip through it queues behind every other child's batch. With `answering`
    /// (the pushing child reads receipts in the answer), this node's receipts for that child's
    /// messages kept or relayed here, replayed ones included, are returned instead of fed.
    func applyBatch(
        _ messages: [Envelope],
        direction: Direction,
        signers verifiedSigners: [String: Result<SignedArrival, any Error>],
        cursor: (peer: String, position: Int64)? = nil,
        contact: String? = nil,
        answering: String? = nil,
        retrying: Bool = false,
        _ db: Database
    ) throws -> BatchOutcome {
        var results: [MessageResult] = []
        var answer: [Envelope] = []
        var outboxChanged = false
        var parkedNow = false
        for message in messages {
            let held = try InboxStore.held(origin: message.origin, id: message.id, db)
            // A retry applies again only what is still parked (and not set aside).
            var again = false
            if retrying, held?.status == MessageResult.Status.parked.rawValue {
                again = try ParkedStore.one(origin: message.origin, id: message.id, db)?.state == "parked"
            }
            if let held, !again {
                let status = MessageResult.Status(rawValue: held.status) ?? .parked
                results.append(MessageResult(id: message.id, status: status, detail: held.detail, replayed: true))
                if let answering, status == .applied,
                    let receipt = try receipts.answerAgain(for: message, answering: answering, db)
                {
                    answer.append(receipt)
                }
                continue
            }
            var result: MessageResult
            do {
                let effect = try InboxStore.inSavepoint(db) {
                    try apply(message, direction: direction, signer: verifiedSigners[message.id], db)
                }
                outboxChanged = outboxChanged || effect.outbox
                result = MessageResult(id: message.id, status: .applied, detail: effect.detail)
            } catch let error where !Self.parks(error) {
                // Not a refusal of the message itself: the whole batch fails, nothing is
                // applied or recorded, and the sender retries.
                throw error
            } catch {
                result = MessageResult(id: message.id, status: .parked, detail: Self.reason(error))
            }
            if again {
                try InboxStore.update(
                    origin: message.origin,
                    id: message.id,
                    status: result.status.rawValue,
                    detail: result.detail,
                    db
                )
            } else {
                try InboxStore.record(
                    origin: message.origin,
                    id: message.id,
                    kind: message.kind.rawValue,
                    status: result.status.rawValue,
                    detail: result.detail,
                    at: clock.now(),
                    db
                )
            }
            switch (result.status, again) {
            case (.parked, false):
                parkedNow = true
                try ParkedStore.park(
                    message,
                    fromChild: direction == .fromChild,
                    reason: result.detail,
                    at: clock.now(),
                    db
                )
            case (.parked, true):
                try ParkedStore.stillParked(
                    origin: message.origin,
                    id: message.id,
                    reason: result.detail,
                    at: clock.now(),
                    db
                )
            case (.applied, true):
                try ParkedStore.applied(origin: message.origin, id: message.id, at: clock.now(), db)
            case (.applied, false): break
            }
            let sent = try receipts.recordFate(
                of: message,
                direction: direction,
                result: result,
                trace: try? verifiedSigners[message.id]?.get().report?.get().trace,
                answering: answering,
                db
            )
            outboxChanged = outboxChanged || sent.outbox
            if let receipt = sent.answer { answer.append(receipt) }
            results.append(result)
        }
        let now = clock.now()
        if let cursor {
            try PeerStore.noteContact(cursor.peer, cursor: cursor.position, at: now, db)
        } else if let contact {
            // With the feed position the child confirmed last, if it polled since the node started.
            try PeerStore.noteContact(contact, cursor: contacts.confirmed(contact), at: now, db)
        }
        alerts.refresh(after: messages, results: results, db)
        // Whether a retry of parked messages could find any (a read of its own otherwise, after
        // every batch of reports): asked only when this batch applied something that may unpark.
        var parkedHere = false
        if !retrying, ParkedMessages.mayUnpark(messages, results) {
            parkedHere = try parkedNow || ParkedStore.count(db) > 0
        }
        return BatchOutcome(
            results: results,
            answer: answer,
            outbox: outboxChanged,
            contactAt: now,
            parkedHere: parkedHere
        )
    }
}

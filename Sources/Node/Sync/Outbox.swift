import Federation
import Foundation
import GRDB

/// What a node sends up, written in the same transaction as the change that causes it; forgotten
/// only once the parent has answered for it.
extension LocalNode {
    /// Queues a message for the parent inside the caller's transaction; no-op at the centre.
    /// Call `outboxSignal.notify()` after the transaction commits.
    func enqueueUp(_ db: Database, kind: MessageKind, unit: String, body: some Encodable) throws {
        try context.enqueueUp(db, kind: kind, unit: unit, body: body)
    }

    /// The oldest pending messages, in the order they were written: at most `limit` of them and,
    /// beyond the first, no more than `maxBytes` of envelopes.
    func pendingOutbox(limit: Int, maxBytes: Int = PushRequest.targetBytes) async throws -> [Envelope] {
        try await database.pool.read { db in
            try OutboxStore.pending(limit: limit, maxBytes: maxBytes, db)
        }
    }

    /// Sets a message aside here, with the reason, when the parent can never take it as it is.
    func parkLocally(_ message: Envelope, reason: String) async throws {
        try await database.pool.write { db in
            try OutboxStore.park(messageID: message.id, reason: reason, db)
        }
        logger.error(
            "message parked before sending",
            metadata: ["peer": "\(parent?.unit ?? "-")", "message": "\(message.id)", "reason": "\(reason)"]
        )
    }

    /// Applies the parent's answer: applied messages leave the outbox, parked ones stay with the
    /// reason (and no longer block the ones behind them).
    func acknowledge(_ results: [MessageResult]) async throws {
        try await database.pool.write { db in
            try OutboxStore.forgetDelivered(before: clock.now().addingTimeInterval(-Self.deliveredRetention), db)
            for result in results {
                switch result.status {
                case .applied:
                    // Kept as delivered: a parent restored from an older backup gets it again.
                    try OutboxStore.markDelivered(messageID: result.id, at: clock.now(), db)
                case .parked:
                    try OutboxStore.park(messageID: result.id, reason: result.detail, db)
                }
            }
        }
        for result in results where result.status == .parked {
            logger.error(
                "parent parked a message",
                metadata: ["peer": "\(parent?.unit ?? "-")", "message": "\(result.id)", "reason": "\(result.detail)"]
            )
        }
    }

    func recordAttempt(_ messages: [Envelope]) async throws {
        try await database.pool.write { db in
            for message in messages {
                try OutboxStore.countAttempt(messageID: message.id, db)
            }
        }
    }
}

import Federation
import Foundation
import GRDB

/// What a node sends up, written in the same transaction as the change that causes it
/// (`NodeContext.enqueueUp`); forgotten only once the parent has answered for it. This service is
/// the push loop's side: what to send next, the parent's answers, what can never be sent. It needs
/// only the shared context.
struct Outbox: NodeService {
    let context: NodeContext

    /// How long delivered upward messages are kept for a parent restored from a backup.
    static let deliveredRetention: TimeInterval = 400 * 86_400

    /// The oldest pending messages, in the order they were written: at most `limit` of them and,
    /// beyond the first, no more than `maxBytes` of envelopes.
    func pending(limit: Int, maxBytes: Int = PushRequest.targetBytes) async throws -> [Envelope] {
        try await database.pool.read { db in
            try OutboxStore.pending(limit: limit, maxBytes: maxBytes, db)
        }
    }

    /// Sets a message aside here, with the reason, when the parent can never take it as it is.
    func park(_ message: Envelope, reason: String) async throws {
        try await database.pool.write { db in
            try OutboxStore.park(messageID: message.id, reason: reason, db)
        }
        logger.error(
            "message parked before sending",
            metadata: ["peer": "\(parent?.unit ?? "-")", "message": "\(message.id)", "reason": "\(reason)"]
        )
    }

    /// Applies the parent's answer: applied messages leave the outbox, parked ones stay with the
    /// reason (and no longer block the ones behind them). Delivered messages past their retention
    /// are forgotten by `ParkedRetry`'s hourly pruning, not on every push (a scan of `delivered`).
    func acknowledge(_ results: [MessageResult]) async throws {
        try await database.pool.write { db in try settle(results, db) }
        logParked(results)
    }

    /// `acknowledge`'s writes, in the caller's transaction (the one that keeps the receipts the
    /// parent's answer carried); call `logParked` once it commits.
    func settle(_ results: [MessageResult], _ db: Database) throws {
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

    func logParked(_ results: [MessageResult]) {
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

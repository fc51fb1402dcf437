import Federation
import Foundation
import GRDB

/// What a node sends up, written in the same transaction as the change that causes it; forgotten
/// only once the parent has answered for it.
extension LocalNode {
    /// Queues a message for the parent inside the caller's transaction; no-op at the centre.
    /// Call `outboxSignal.notify()` after the transaction commits.
    func enqueueUp(_ db: Database, kind: MessageKind, unit: String, body: some Encodable) throws {
        guard parent != nil else { return }
        let envelope = Envelope(
            origin: self.unit,
            kind: kind,
            unit: unit,
            body: try JSONEncoder.federation.encode(body)
        )
        try db.execute(
            sql: "INSERT INTO outbox (message_id, kind, unit, envelope, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [envelope.id, kind.rawValue, unit, try JSONEncoder.federation.encode(envelope), clock.now()]
        )
        try noteSent(envelope, upward: true, db)
    }

    /// The oldest pending messages, in the order they were written: at most `limit` of them and,
    /// beyond the first, no more than `maxBytes` of envelopes.
    func pendingOutbox(limit: Int, maxBytes: Int = PushRequest.targetBytes) async throws -> [Envelope] {
        try await database.pool.read { db in
            var batch: [Envelope] = []
            var bytes = 0
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT envelope FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?",
                arguments: [limit]
            )
            while let row = try rows.next() {
                let data: Data = row["envelope"]
                if !batch.isEmpty && bytes + data.count > maxBytes { break }
                bytes += data.count
                batch.append(try JSONDecoder.federation.decode(Envelope.self, from: data))
            }
            return batch
        }
    }

    /// Sets a message aside here, with the reason, when the parent can never take it as it is.
    func parkLocally(_ message: Envelope, reason: String) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'parked', reason = ? WHERE message_id = ?",
                arguments: [reason, message.id]
            )
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
            try db.execute(
                sql: "DELETE FROM delivered WHERE delivered_at < ?",
                arguments: [clock.now().addingTimeInterval(-Self.deliveredRetention)]
            )
            for result in results {
                switch result.status {
                case .applied:
                    // Kept as delivered: a parent restored from an older backup gets it again.
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO delivered (seq, message_id, kind, unit, envelope, created_at, delivered_at)
                            SELECT seq, message_id, kind, unit, envelope, created_at, ? FROM outbox WHERE message_id = ?
                            """,
                        arguments: [clock.now(), result.id]
                    )
                    try db.execute(sql: "DELETE FROM outbox WHERE message_id = ?", arguments: [result.id])
                case .parked:
                    try db.execute(
                        sql: "UPDATE outbox SET state = 'parked', reason = ? WHERE message_id = ?",
                        arguments: [result.detail, result.id]
                    )
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
                try db.execute(
                    sql: "UPDATE outbox SET attempts = attempts + 1 WHERE message_id = ?",
                    arguments: [message.id]
                )
            }
        }
    }
}

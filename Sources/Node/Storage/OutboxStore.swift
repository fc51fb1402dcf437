import Federation
import Foundation
import GRDB

/// The `outbox` and `delivered` tables: what this node sends up, in order, and what its parent
/// already took (kept to send again to a parent restored from a backup). Every function runs in
/// the caller's transaction.
enum OutboxStore {
    /// A message the parent (or this node) parked, with why.
    struct Parked: Sendable {
        let messageID: String
        let kind: String
        let unit: String
        let reason: String?
    }

    static func enqueue(_ envelope: Envelope, at: Date, _ db: Database) throws {
        // Cached and written directly: a relay queues one per report it passes on.
        try db.cachedStatement(
            sql: "INSERT INTO outbox (message_id, kind, unit, envelope, created_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            envelope.id, envelope.kind.rawValue, envelope.unit, try envelope.federationJSON(), at.stored,
        ])
    }

    /// The oldest pending messages, in the order they were written: at most `limit` of them and,
    /// beyond the first, no more than `maxBytes` of envelopes.
    static func pending(limit: Int, maxBytes: Int, _ db: Database) throws -> [Envelope] {
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

    static func park(messageID: String, reason: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE outbox SET state = 'parked', reason = ? WHERE message_id = ?",
            arguments: [reason, messageID]
        )
    }

    /// Changes the reason a parked message shows, leaving it parked.
    static func setReason(_ reason: String, messageID: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE outbox SET reason = ? WHERE message_id = ?", arguments: [reason, messageID])
    }

    static func countAttempt(messageID: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE message_id = ?", arguments: [messageID])
    }

    /// The parent took the message: it leaves the outbox and is kept as delivered.
    static func markDelivered(messageID: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO delivered (seq, message_id, kind, unit, envelope, created_at, delivered_at)
                SELECT seq, message_id, kind, unit, envelope, created_at, ? FROM outbox WHERE message_id = ?
                """,
            arguments: [at.stored, messageID]
        )
        try db.execute(sql: "DELETE FROM outbox WHERE message_id = ?", arguments: [messageID])
    }

    static func forgetDelivered(before cutoff: Date, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM delivered WHERE delivered_at < ?", arguments: [cutoff.stored])
    }

    /// Every delivered message is pending again, at its original outbox position (same ids, same
    /// order); returns how many came back.
    static func requeueDelivered(_ db: Database) throws -> Int {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO outbox (seq, message_id, kind, unit, envelope, created_at)
                SELECT seq, message_id, kind, unit, envelope, created_at FROM delivered ORDER BY seq
                """
        )
        let requeued = db.changesCount
        try db.execute(sql: "DELETE FROM delivered")
        return requeued
    }

    /// The envelopes of the parked messages, in outbox order.
    static func parkedEnvelopes(_ db: Database) throws -> [Envelope] {
        try Row.fetchAll(db, sql: "SELECT message_id, envelope FROM outbox WHERE state = 'parked'").map { row in
            try JSONDecoder.federation.decode(Envelope.self, from: row["envelope"] as Data)
        }
    }

    static func parked(_ db: Database) throws -> [Parked] {
        try Row.fetchAll(
            db,
            sql: "SELECT message_id, kind, unit, reason FROM outbox WHERE state = 'parked' ORDER BY seq"
        ).map {
            Parked(messageID: $0["message_id"], kind: $0["kind"], unit: $0["unit"], reason: $0["reason"])
        }
    }

    static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")) ?? 0
    }

    static func parkedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE state = 'parked'")) ?? 0
    }

    /// When the oldest pending message was written.
    static func oldestPending(_ db: Database) throws -> Date? {
        try Date.fetchOne(try db.cachedStatement(sql: "SELECT MIN(created_at) FROM outbox WHERE state = 'pending'"))
    }
}

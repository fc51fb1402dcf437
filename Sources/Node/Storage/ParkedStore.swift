import Federation
import Foundation
import GRDB

/// The `parked_messages` table: every message parked on arrival, kept whole so that it can be
/// applied again, with its state (still parked, applied at last, or set aside by an admin).
enum ParkedStore {
    struct Parked: Sendable {
        let envelope: Envelope
        let fromChild: Bool
        let reason: String
        let parkedAt: Date
        let retries: Int
        let retriedAt: Date?
        let state: String
        let settledBy: String?
        let settledReason: String?
        let settledAt: Date?
    }

    static func park(_ envelope: Envelope, fromChild: Bool, reason: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO parked_messages (origin, message_id, direction, kind, unit, envelope, reason, parked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (origin, message_id) DO UPDATE SET reason = excluded.reason
                """,
            arguments: [
                envelope.origin, envelope.id, fromChild ? "child" : "parent", envelope.kind.rawValue, envelope.unit,
                try JSONEncoder.federation.encode(envelope), reason, at.stored,
            ]
        )
    }

    /// A retry that parked it again, perhaps for another reason.
    static func stillParked(origin: String, id: String, reason: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE parked_messages SET reason = ?, retries = retries + 1, retried_at = ?
                WHERE origin = ? AND message_id = ?
                """,
            arguments: [reason, at.stored, origin, id]
        )
    }

    static func applied(origin: String, id: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE parked_messages SET state = 'applied', retries = retries + 1, retried_at = ?, settled_at = ?
                WHERE origin = ? AND message_id = ?
                """,
            arguments: [at.stored, at.stored, origin, id]
        )
    }

    static func setAside(origin: String, id: String, by actor: String, reason: String, at: Date, _ db: Database) throws
    {
        try db.execute(
            sql: """
                UPDATE parked_messages SET state = 'set-aside', settled_by = ?, settled_reason = ?, settled_at = ?
                WHERE origin = ? AND message_id = ? AND state = 'parked'
                """,
            arguments: [actor, reason, at.stored, origin, id]
        )
    }

    /// Parked messages in the order they were parked; `due` leaves out those retried too recently
    /// (backoff: a minute, doubling per retry, at most an hour).
    static func parked(due now: Date? = nil, limit: Int = 200, _ db: Database) throws -> [Parked] {
        try fetch(
            db,
            sql: """
                SELECT * FROM parked_messages WHERE state = 'parked'
                ORDER BY parked_at, rowid LIMIT ?
                """,
            arguments: [limit]
        ).filter { parked in
            guard let now, let last = parked.retriedAt else { return true }
            let wait = min(60 * pow(2, Double(min(parked.retries, 10))), 3600)
            return now.timeIntervalSince(last) >= wait
        }
    }

    static func all(limit: Int = 500, _ db: Database) throws -> [Parked] {
        try fetch(
            db,
            sql: """
                SELECT * FROM parked_messages
                ORDER BY state = 'parked' DESC, COALESCE(settled_at, parked_at) DESC, rowid DESC LIMIT ?
                """,
            arguments: [limit]
        )
    }

    static func one(origin: String, id: String, _ db: Database) throws -> Parked? {
        try fetch(
            db,
            sql: "SELECT * FROM parked_messages WHERE origin = ? AND message_id = ?",
            arguments: [origin, id]
        ).first
    }

    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM parked_messages WHERE state = 'parked'"))
            ?? 0
    }

    private static func fetch(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Parked] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            Parked(
                envelope: try JSONDecoder.federation.decode(Envelope.self, from: row["envelope"] as Data),
                fromChild: (row["direction"] as String) == "child",
                reason: row["reason"],
                parkedAt: row["parked_at"],
                retries: row["retries"],
                retriedAt: row["retried_at"],
                state: row["state"],
                settledBy: row["settled_by"],
                settledReason: row["settled_reason"],
                settledAt: row["settled_at"]
            )
        }
    }
}

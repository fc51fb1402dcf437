import Foundation
import GRDB

/// The `inbox` table, never pruned: every message received, by (origin, message id), with the
/// result it had, so that a replay is answered the same and applies nothing. Every function runs
/// in the caller's transaction.
enum InboxStore {
    /// What a message received before came to.
    struct Held: Sendable {
        let status: String
        let detail: String
    }

    /// A message received and parked, for the sync status.
    struct Parked: Sendable {
        let origin: String
        let messageID: String
        let kind: String
        let detail: String
        let receivedAt: Date
    }

    /// Whether the message was received before; with `exceptParked`, one parked then does not count.
    static func contains(origin: String, id: String, exceptParked: Bool, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            try db.cachedStatement(
                sql: "SELECT 1 FROM inbox WHERE origin = ? AND message_id = ? AND (status != 'parked' OR NOT ?)"
            ),
            arguments: [origin, id, exceptParked]
        ) == true
    }

    static func held(origin: String, id: String, _ db: Database) throws -> Held? {
        try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT status, detail FROM inbox WHERE origin = ? AND message_id = ?"),
            arguments: [origin, id]
        ).map { Held(status: $0["status"], detail: $0["detail"]) }
    }

    static func record(
        origin: String,
        id: String,
        kind: String,
        status: String,
        detail: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: "INSERT INTO inbox (origin, message_id, kind, status, detail, received_at) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [origin, id, kind, status, detail, at.stored])
    }

    /// A message applied again (a retry of a parked one): its new result.
    static func update(origin: String, id: String, status: String, detail: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE inbox SET status = ?, detail = ? WHERE origin = ? AND message_id = ?",
            arguments: [status, detail, origin, id]
        )
    }

    /// The latest messages received and parked, newest first.
    /// How many received messages are parked and not set aside by an admin (still waiting).
    static func parkedNotSetAsideCount(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM inbox i WHERE status = 'parked' AND NOT EXISTS (
                    SELECT 1 FROM parked_messages p
                    WHERE p.origin = i.origin AND p.message_id = i.message_id AND p.state = 'set-aside')
                """
        ) ?? 0
    }

    static func parked(limit: Int, _ db: Database) throws -> [Parked] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT origin, message_id, kind, detail, received_at FROM inbox WHERE status = 'parked' ORDER BY received_at DESC LIMIT ?",
            arguments: [limit]
        ).map {
            Parked(
                origin: $0["origin"],
                messageID: $0["message_id"],
                kind: $0["kind"],
                detail: $0["detail"],
                receivedAt: $0["received_at"]
            )
        }
    }

    /// Runs `body` in a savepoint of the caller's transaction (one per message of a batch), undone
    /// alone when it throws; the first error is thrown, as GRDB's `inSavepoint` does. Its two
    /// statements are prepared once per connection (`inSavepoint` compiles them at every call).
    static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT inbox_message").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // Undone, then left (rolling back alone keeps the savepoint on SQLite's stack). If it
            // cannot be undone, that error ends the whole transaction: nothing half-applied.
            do {
                try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT inbox_message").execute()
                try db.cachedStatement(sql: "RELEASE SAVEPOINT inbox_message").execute()
            } catch {
                throw SavepointNotClosed(error: error)
            }
            throw error
        }
        do {
            try db.cachedStatement(sql: "RELEASE SAVEPOINT inbox_message").execute()
        } catch {
            throw SavepointNotClosed(error: error)
        }
        return value
    }
}

/// A savepoint could be neither undone nor released: what ran in it is still in the transaction,
/// which must then not commit (a group transaction fails whole, `InboxGroupCommit`).
struct SavepointNotClosed: Error {
    let error: any Error
}

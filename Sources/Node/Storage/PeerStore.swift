import Foundation
import GRDB

/// The `peers` table: for each parent or child node, the feed cursor, the epoch last seen, and
/// the last contact or error. Every function runs in the caller's transaction.
enum PeerStore {
    /// The peer answered or called.
    static func noteContact(_ peer: String, at: Date, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO peers (unit, cursor, last_contact) VALUES (?, 0, ?)
                ON CONFLICT (unit) DO UPDATE SET last_contact = excluded.last_contact, last_error = NULL
                """
        ).execute(arguments: [peer, at.stored]
        )
    }

    /// The peer answered or called, at feed position `cursor` (when nil, the position stays).
    static func noteContact(_ peer: String, cursor: Int64?, at: Date, _ db: Database) throws {
        guard let cursor else { return try noteContact(peer, at: at, db) }
        try db.cachedStatement(
            sql: """
                INSERT INTO peers (unit, cursor, last_contact) VALUES (?, ?, ?)
                ON CONFLICT (unit) DO UPDATE SET cursor = excluded.cursor, last_contact = excluded.last_contact, last_error = NULL
                """
        ).execute(arguments: [peer, cursor, at.stored]
        )
    }

    /// Why the last try to reach the peer failed.
    static func noteError(_ peer: String, error: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO peers (unit, cursor, last_error) VALUES (?, 0, ?)
                ON CONFLICT (unit) DO UPDATE SET last_error = excluded.last_error
                """
        ).execute(arguments: [peer, error]
        )
    }

    static func cursor(of peer: String, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(try db.cachedStatement(sql: "SELECT cursor FROM peers WHERE unit = ?"), arguments: [peer])
    }

    static func cursorAndEpoch(of peer: String, _ db: Database) throws -> (cursor: Int64, epoch: String?) {
        let row = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT cursor, epoch FROM peers WHERE unit = ?"),
            arguments: [peer]
        )
        return (row?["cursor"] ?? 0, row?["epoch"])
    }

    /// The feed cursor and the last contact (0 and nil for an unknown peer).
    static func link(of peer: String, _ db: Database) throws -> (cursor: Int64, lastContact: Date?) {
        let row = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT cursor, last_contact FROM peers WHERE unit = ?"),
            arguments: [peer]
        )
        return (row?["cursor"] ?? 0, row?["last_contact"])
    }

    static func lastContact(of peer: String, _ db: Database) throws -> Date? {
        try Date.fetchOne(
            try db.cachedStatement(sql: "SELECT last_contact FROM peers WHERE unit = ?"),
            arguments: [peer]
        )
    }

    static func epoch(of peer: String, _ db: Database) throws -> String? {
        try String.fetchOne(try db.cachedStatement(sql: "SELECT epoch FROM peers WHERE unit = ?"), arguments: [peer])
    }

    static func setEpoch(_ epoch: String, of peer: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO peers (unit, cursor, epoch) VALUES (?, 0, ?)
                ON CONFLICT (unit) DO UPDATE SET epoch = excluded.epoch
                """
        ).execute(arguments: [peer, epoch]
        )
    }

    static func resetCursor(of peer: String, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE peers SET cursor = 0 WHERE unit = ?").execute(arguments: [peer])
    }

    /// The cursor goes back to 0 if the peer's epoch is known and is not `epoch`.
    static func resetCursor(of peer: String, unlessEpoch epoch: String, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE peers SET cursor = 0 WHERE unit = ? AND epoch IS NOT NULL AND epoch <> ?")
            .execute(arguments: [peer, epoch]
            )
    }

    /// Every peer, by unit.
    static func all(_ db: Database) throws -> [PeerRecord] {
        try PeerRecord.order(Column("unit")).fetchAll(db)
    }

    /// The last contact and the last error (both nil for an unknown peer).
    static func contactAndError(of peer: String, _ db: Database) throws -> (lastContact: Date?, lastError: String?) {
        let row = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT last_contact, last_error FROM peers WHERE unit = ?"),
            arguments: [peer]
        )
        return (row?["last_contact"], row?["last_error"])
    }
}

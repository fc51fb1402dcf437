import Federation
import Foundation
import GRDB

/// The `feed` table: the ordered log of entries a parent keeps for each child node (its
/// audience), read by the child with a cursor. Every function runs in the caller's transaction.
enum FeedStore {
    static func append(_ envelope: Envelope, audience: String, at: Date, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO feed (audience, message_id, envelope, created_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [audience, envelope.id, try envelope.federationJSON(), at.stored])
    }

    /// At most `limit` entries for `audience` after `cursor`, and whether more follow.
    static func entries(
        for audience: String,
        after cursor: Int64,
        limit: Int,
        _ db: Database
    ) throws -> (entries: [FeedEntry], more: Bool) {
        let rows = try Row.fetchAll(
            try db.cachedStatement(
                sql: "SELECT seq, envelope FROM feed WHERE audience = ? AND seq > ? ORDER BY seq LIMIT ?"
            ),
            arguments: [audience, cursor, limit + 1]
        )
        let entries = try rows.prefix(limit).map { row in
            FeedEntry(
                seq: row["seq"],
                envelope: try JSONDecoder.federation.decode(Envelope.self, from: row["envelope"] as Data)
            )
        }
        return (entries, rows.count > limit)
    }

    /// The entries for `audience` after `cursor`: how many, and when the oldest was written.
    static func unread(for audience: String, after cursor: Int64, _ db: Database) throws -> (count: Int, oldest: Date?)
    {
        let row = try Row.fetchOne(
            try db.cachedStatement(
                sql: "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM feed WHERE audience = ? AND seq > ?"
            ),
            arguments: [audience, cursor]
        )
        return (row?["n"] ?? 0, row?["oldest"])
    }

    /// Whether an entry for `audience` of this kind, about one of `units`, has an envelope that
    /// `matches`; reads in order and stops at the first.
    static func contains(
        audience: String,
        kind: MessageKind,
        units: [String],
        _ db: Database,
        where matches: (Data) throws -> Bool
    ) throws -> Bool {
        let sent = try Data.fetchCursor(
            db,
            sql: """
                SELECT envelope FROM feed WHERE audience = ? AND json_extract(CAST(envelope AS TEXT), '$.kind') = ?
                    AND json_extract(CAST(envelope AS TEXT), '$.unit') IN (SELECT value FROM json_each(?))
                """,
            arguments: [
                audience, kind.rawValue,
                String(decoding: try JSONEncoder().encode(units), as: UTF8.self),
            ]
        )
        while let envelope = try sent.next() {
            if try matches(envelope) { return true }
        }
        return false
    }
}

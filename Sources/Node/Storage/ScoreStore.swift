import Foundation
import GRDB

/// The `score_publications` table: each scorer's published monthly ranking, kept as its public
/// JSON body, so the figures code holds no SQL. Every function runs in the caller's transaction.
enum ScoreStore {
    /// When the scorer published the month's ranking, if it did.
    static func publishedAt(scorer: String, month: String, _ db: Database) throws -> Date? {
        try Date.fetchOne(
            db,
            sql: "SELECT published_at FROM score_publications WHERE scorer = ? AND month = ?",
            arguments: [scorer, month]
        )
    }

    /// Keeps the month's ranking, replacing an earlier publication of the same month.
    static func publish(
        scorer: String,
        month: String,
        body: String,
        publishedBy: String,
        publishedAt: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO score_publications (scorer, month, body, published_by, published_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (scorer, month) DO UPDATE SET body = excluded.body, published_by = excluded.published_by, published_at = excluded.published_at
                """,
            arguments: [scorer, month, body, publishedBy, publishedAt.stored]
        )
    }

    /// The published body of the scorer's ranking of the month, if any.
    static func body(scorer: String, month: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT body FROM score_publications WHERE scorer = ? AND month = ?",
            arguments: [scorer, month]
        )
    }

    /// The published body of the scorer's latest ranking, if any.
    static func latestBody(scorer: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT body FROM score_publications WHERE scorer = ? ORDER BY month DESC LIMIT 1",
            arguments: [scorer]
        )
    }

    /// The months the scorer published a ranking for, newest first (at most 36).
    static func months(scorer: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT month FROM score_publications WHERE scorer = ? ORDER BY month DESC LIMIT 36",
            arguments: [scorer]
        )
    }
}

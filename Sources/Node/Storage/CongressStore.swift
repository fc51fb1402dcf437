import Foundation
import GRDB

/// The `congress_dates` table: each unit's latest congress date, so the figures code holds no SQL.
/// Every function runs in the caller's transaction.
enum CongressStore {
    /// The date, sequence and note held for the unit, if any.
    static func date(of unit: String, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: "SELECT date, sequence, note FROM congress_dates WHERE unit = ?",
            arguments: [unit]
        )
    }

    /// Keeps the unit's date, replacing the one held.
    static func keep(
        unit: String,
        date: String,
        sequence: Int,
        note: String?,
        decidedBy: String,
        decidedAt: Date,
        receivedAt: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO congress_dates (unit, date, sequence, note, decided_by, decided_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (unit) DO UPDATE SET date = excluded.date, sequence = excluded.sequence, note = excluded.note,
                    decided_by = excluded.decided_by, decided_at = excluded.decided_at, received_at = excluded.received_at
                """,
            arguments: [unit, date, sequence, note, decidedBy, decidedAt.stored, receivedAt.stored]
        )
    }

    /// The unit, date, sequence and note held for each of `units` that has one.
    static func dates(of units: [String], _ db: Database) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT unit, date, sequence, note FROM congress_dates WHERE unit IN (SELECT value FROM json_each(?))",
            arguments: [String(decoding: try JSONEncoder().encode(units), as: UTF8.self)]
        )
    }
}

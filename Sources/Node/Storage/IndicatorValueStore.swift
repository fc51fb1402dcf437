import Foundation
import GRDB

/// The `indicator_values` table: the monthly figures each unit is scored on, set by the scorer or
/// reported by the unit, so the figures code holds no SQL. Every function runs in the caller's
/// transaction.
enum IndicatorValueStore {
    /// The unit, indicator and value of every figure of the month.
    static func values(month: String, _ db: Database) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql: "SELECT unit, indicator, value FROM indicator_values WHERE month = ?",
            arguments: [month]
        )
    }

    /// The unit, indicator and value of the month's figures of the given indicators.
    static func values(month: String, indicators: [String], _ db: Database) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT unit, indicator, value FROM indicator_values WHERE month = ? AND indicator IN (SELECT value FROM json_each(?))",
            arguments: [month, String(decoding: try JSONEncoder().encode(indicators), as: UTF8.self)]
        )
    }

    /// Every column of every figure of the month, by unit then indicator.
    static func rows(month: String, _ db: Database) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM indicator_values WHERE month = ? ORDER BY unit, indicator",
            arguments: [month]
        )
    }

    /// Whether any figure of the month is held.
    static func hasAny(month: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM indicator_values WHERE month = ? LIMIT 1",
            arguments: [month]
        ) == true
    }

    /// The value and source of one figure, if held.
    static func held(unit: String, month: String, indicator: String, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: "SELECT value, source FROM indicator_values WHERE unit = ? AND month = ? AND indicator = ?",
            arguments: [unit, month, indicator]
        )
    }

    /// Sets one figure as the scorer's (sequence 0), replacing the one held.
    static func set(
        unit: String,
        month: String,
        indicator: String,
        value: Double,
        source: String,
        enteredBy: String,
        enteredAt: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO indicator_values (unit, month, indicator, value, source, sequence, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)
                ON CONFLICT (unit, month, indicator) DO UPDATE SET value = excluded.value, source = excluded.source, sequence = 0,
                    entered_by = excluded.entered_by, entered_at = excluded.entered_at
                """,
            arguments: [unit, month, indicator, value, source, enteredBy, enteredAt.stored]
        )
    }

    /// The highest sequence of the figures the unit reported about itself, if any.
    static func lastReportedSequence(of unit: String, _ db: Database) throws -> Int? {
        try Int.fetchOne(
            db,
            sql: "SELECT MAX(sequence) FROM indicator_values WHERE unit = ? AND source = 'reported'",
            arguments: [unit]
        )
    }

    /// The value, source and sequence of one figure, if held.
    static func heldWithSequence(unit: String, month: String, indicator: String, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db,
            sql:
                "SELECT value, source, sequence FROM indicator_values WHERE unit = ? AND month = ? AND indicator = ?",
            arguments: [unit, month, indicator]
        )
    }

    /// Keeps one figure as reported by the unit, replacing the one held.
    static func keepReported(
        unit: String,
        month: String,
        indicator: String,
        value: Double,
        sequence: Int,
        reportedBy: String,
        reportedAt: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO indicator_values (unit, month, indicator, value, source, sequence, entered_by, entered_at) VALUES (?, ?, ?, ?, 'reported', ?, ?, ?)
                ON CONFLICT (unit, month, indicator) DO UPDATE SET value = excluded.value, source = 'reported', sequence = excluded.sequence,
                    entered_by = excluded.entered_by, entered_at = excluded.entered_at
                """,
            arguments: [unit, month, indicator, value, sequence, reportedBy, reportedAt.stored]
        )
    }
}

import Foundation
import GRDB

/// The `unit_closures` table: the units recorded as closed (dissolved or merged), as the figures
/// and the units page read them. Every function runs in the caller's transaction.
enum ClosureStore {
    /// Every unit recorded as closed.
    static func closedUnits(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT unit FROM unit_closures"))
    }

    /// Every closure held, by unit.
    static func all(_ db: Database) throws -> [String: UnitClosure] {
        var result: [String: UnitClosure] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT unit, closed_on, merged_into FROM unit_closures") {
            result[row["unit"]] = UnitClosure(closedOn: row["closed_on"], mergedInto: row["merged_into"])
        }
        return result
    }

    /// Whether a closure of the unit is held.
    static func isClosed(_ unit: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM unit_closures WHERE unit = ?", arguments: [unit]) == true
    }

    /// Records the unit's closure.
    static func record(
        unit: String,
        closedOn: String,
        mergedInto: String?,
        reason: String,
        recordedBy: String,
        recordedAt: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql:
                "INSERT INTO unit_closures (unit, closed_on, merged_into, reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [unit, closedOn, mergedInto, reason, recordedBy, recordedAt.stored]
        )
    }
}

import GRDB

/// The `assignment_units` table as the sync uses it: which units an assignment targets, with
/// their placement in the tree. Every function runs in the caller's transaction.
enum AssignmentStore {
    static func isAssigned(_ unit: String, to assignmentID: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM assignment_units WHERE assignment_id = ? AND unit = ?",
            arguments: [assignmentID, unit]
        ) == true
    }

    /// Adds a target unit unless it is held already.
    static func addUnit(
        _ unit: String,
        to assignmentID: String,
        level: String?,
        ancestors: String?,
        _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO assignment_units (assignment_id, unit, level, ancestors) VALUES (?, ?, ?, ?)",
            arguments: [assignmentID, unit, level, ancestors]
        )
    }
}

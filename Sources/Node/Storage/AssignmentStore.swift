import GRDB

/// The `assignment_units` table as the sync and the figures use it: which units an assignment
/// targets, with their placement in the tree; and the numbering of its `assignment_amendments`.
/// Every function runs in the caller's transaction.
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

    /// The unit, level and ancestors (JSON) of each unit the assignment was made for.
    static func placements(of assignmentID: String, _ db: Database) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql: "SELECT unit, level, ancestors FROM assignment_units WHERE assignment_id = ?",
            arguments: [assignmentID]
        )
    }

    /// The highest amendment number held for the assignment, if any.
    static func lastAmendmentSeq(of assignmentID: String, _ db: Database) throws -> Int? {
        try Int.fetchOne(
            db,
            sql: "SELECT MAX(seq) FROM assignment_amendments WHERE assignment_id = ?",
            arguments: [assignmentID]
        )
    }
}

import Foundation
import GRDB

/// The indicators a level assigned to units below it (issue M.3): which indicator, which units,
/// from which period (and until which, if set), who updates the values (the unit enters them, or
/// a system delivers them), and whether it was withdrawn. Held on the assigning node and on every
/// node below that hosts one of its units (each holding only the units of its own subtree), so
/// each node can tell which values its units owe and which are overdue.
enum IndicatorAssignmentStore {
    static let v17 = """
        CREATE TABLE indicator_assignments (
            id TEXT PRIMARY KEY,
            owner_unit TEXT NOT NULL,
            code TEXT NOT NULL,
            from_period TEXT NOT NULL,
            until_period TEXT,
            updated_by TEXT NOT NULL CHECK (updated_by IN ('unit', 'system')),
            units TEXT NOT NULL,
            assigned_by TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            withdrawn_by TEXT,
            withdrawn_at TEXT
        ) STRICT;
        CREATE INDEX indicator_assignments_code ON indicator_assignments(owner_unit, code);
        """

    /// One assignment as held.
    struct Assignment: Sendable, Equatable {
        let id: String
        let owner: String
        let code: String
        let from: String
        let until: String?
        /// `unit` (entered by the unit) or `system` (delivered by another system).
        let updatedBy: String
        let units: [String]
        let assignedBy: String
        let assignedAt: Date
        let withdrawnBy: String?
        let withdrawnAt: Date?

        init(
            id: String,
            owner: String,
            code: String,
            from: String,
            until: String?,
            updatedBy: String,
            units: [String],
            assignedBy: String,
            assignedAt: Date,
            withdrawnBy: String?,
            withdrawnAt: Date?
        ) {
            self.id = id
            self.owner = owner
            self.code = code
            self.from = from
            self.until = until
            self.updatedBy = updatedBy
            self.units = units
            self.assignedBy = assignedBy
            self.assignedAt = assignedAt
            self.withdrawnBy = withdrawnBy
            self.withdrawnAt = withdrawnAt
        }

        init(row: GRDB.Row) throws {
            id = row["id"]
            owner = row["owner_unit"]
            code = row["code"]
            from = row["from_period"]
            until = row["until_period"]
            updatedBy = row["updated_by"]
            units = try JSONDecoder().decode([String].self, from: Data((row["units"] as String).utf8))
            assignedBy = row["assigned_by"]
            assignedAt = row["assigned_at"]
            withdrawnBy = row["withdrawn_by"]
            withdrawnAt = row["withdrawn_at"]
        }
    }

    /// Keeps the assignment as given: a new one is inserted, a held one takes the given state
    /// (its withdrawal, as it arrives from above).
    static func save(_ assignment: Assignment, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO indicator_assignments
                    (id, owner_unit, code, from_period, until_period, updated_by, units, assigned_by, assigned_at,
                     withdrawn_by, withdrawn_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    until_period = excluded.until_period, units = excluded.units,
                    withdrawn_by = excluded.withdrawn_by, withdrawn_at = excluded.withdrawn_at
                """,
            arguments: [
                assignment.id, assignment.owner, assignment.code, assignment.from, assignment.until,
                assignment.updatedBy, String(decoding: try JSONEncoder().encode(assignment.units), as: UTF8.self),
                assignment.assignedBy, assignment.assignedAt.stored, assignment.withdrawnBy,
                assignment.withdrawnAt?.stored,
            ]
        )
    }

    static func assignment(id: String, _ db: Database) throws -> Assignment? {
        try GRDB.Row.fetchOne(db, sql: "SELECT * FROM indicator_assignments WHERE id = ?", arguments: [id])
            .map(Assignment.init(row:))
    }

    /// Every assignment held, withdrawn ones too, oldest first.
    static func all(_ db: Database) throws -> [Assignment] {
        try GRDB.Row.fetchAll(db, sql: "SELECT * FROM indicator_assignments ORDER BY assigned_at, id")
            .map(Assignment.init(row:))
    }

    /// The assignments standing (not withdrawn), oldest first.
    static func standing(_ db: Database) throws -> [Assignment] {
        try GRDB.Row.fetchAll(
            db,
            sql: "SELECT * FROM indicator_assignments WHERE withdrawn_at IS NULL ORDER BY assigned_at, id"
        ).map(Assignment.init(row:))
    }

    /// The standing assignments of one owner's indicator.
    static func standing(owner: String, code: String, _ db: Database) throws -> [Assignment] {
        try GRDB.Row.fetchAll(
            db,
            sql: """
                SELECT * FROM indicator_assignments
                WHERE owner_unit = ? AND code = ? AND withdrawn_at IS NULL ORDER BY assigned_at, id
                """,
            arguments: [owner, code]
        ).map(Assignment.init(row:))
    }
}

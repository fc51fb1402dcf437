import GRDB

/// The `assignments` table read beyond one record by id (a unit's assignments, each with its
/// form, each target's report state), `assignment_units` (which units an assignment targets, with
/// their placement in the tree) and its `assignment_amendments`. Every function runs in the
/// caller's transaction.
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

    /// One unit an assignment targets, with the state of its report (nil before it has one).
    struct TargetReport: Sendable {
        let assignment: String
        let assignedBy: String
        let formCode: String
        let deadline: String
        let unit: String
        let state: String?
    }

    /// Every target unit of every assignment, with its report's state.
    static func reportStates(_ db: Database) throws -> [TargetReport] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.assigned_by, a.form_code, a.deadline, u.unit, r.state FROM assignments a
                JOIN assignment_units u ON u.assignment_id = a.id
                LEFT JOIN reports r ON r.assignment_id = a.id AND r.unit = u.unit
                """
        ).map {
            TargetReport(
                assignment: $0["id"],
                assignedBy: $0["assigned_by"],
                formCode: $0["form_code"],
                deadline: $0["deadline"],
                unit: $0["unit"],
                state: $0["state"]
            )
        }
    }

    /// An assignment with the definition (JSON) of the form version it asks for.
    struct WithForm: Sendable {
        let id: String
        let assignedBy: String
        let formCode: String
        let formVersion: Int
        let period: String
        let deadline: String
        let definition: String
    }

    /// The id of the assignment of this form for this period made by the unit, if any.
    static func assignment(formCode: String, period: String, assignedBy: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT id FROM assignments WHERE form_code = ? AND period = ? AND assigned_by = ?",
            arguments: [formCode, period, assignedBy]
        )
    }

    /// Every assignment with its form's definition, latest period first, then by form code.
    static func withForms(_ db: Database) throws -> [WithForm] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT a.*, f.definition FROM assignments a
                JOIN forms f ON f.owner_unit = a.assigned_by AND f.code = a.form_code AND f.version = a.form_version
                ORDER BY a.period DESC, a.form_code
                """
        ).map {
            WithForm(
                id: $0["id"],
                assignedBy: $0["assigned_by"],
                formCode: $0["form_code"],
                formVersion: $0["form_version"],
                period: $0["period"],
                deadline: $0["deadline"],
                definition: $0["definition"]
            )
        }
    }

    /// Every (assignment, target unit) pair, by unit.
    static func targets(_ db: Database) throws -> [(assignment: String, unit: String)] {
        try Row.fetchAll(db, sql: "SELECT assignment_id, unit FROM assignment_units ORDER BY unit")
            .map { ($0["assignment_id"], $0["unit"]) }
    }

    /// The assignments the unit made, by period.
    static func assignments(by assigning: String, _ db: Database) throws -> [AssignmentRecord] {
        try AssignmentRecord.filter(Column("assigned_by") == assigning).order(Column("period")).fetchAll(db)
    }

    /// The assignments of the owner's form with this code.
    static func assignments(by owner: String, formCode: String, _ db: Database) throws -> [AssignmentRecord] {
        try AssignmentRecord.filter(Column("assigned_by") == owner && Column("form_code") == formCode).fetchAll(db)
    }

    /// The amendments held for the assignment, as they come.
    static func amendments(of assignmentID: String, _ db: Database) throws -> [AmendmentRecord] {
        try AmendmentRecord.filter(Column("assignment_id") == assignmentID).fetchAll(db)
    }

    /// The amendments held for the assignment, by number.
    static func amendmentsInOrder(of assignmentID: String, _ db: Database) throws -> [AmendmentRecord] {
        try AmendmentRecord.filter(Column("assignment_id") == assignmentID).order(Column("seq")).fetchAll(db)
    }
}

import Foundation
import GRDB
import Reporting

/// What the sync and the figures read and write of a report besides its record: the `reports`
/// clash check, the few columns figures need, the ids of its `report_events`, and its
/// `attachments` list. Every function runs in the caller's transaction.
enum ReportStore {
    /// The report already held for this unit, form and period, if any.
    static func report(
        unit: String,
        formOwner: String,
        formCode: String,
        period: String,
        _ db: Database
    ) throws -> ReportRecord? {
        try ReportRecord.filter(
            sql: "unit = ? AND form_owner = ? AND form_code = ? AND period = ?",
            arguments: [unit, formOwner, formCode, period]
        ).fetchOne(db)
    }

    /// The federation-wide ids of the history entries held for the report.
    static func eventIDs(of reportID: String, _ db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db,
                sql: "SELECT event_id FROM report_events WHERE report_id = ? AND event_id IS NOT NULL",
                arguments: [reportID]
            )
        )
    }

    /// Drops the report's evidence rows whose id is not in `ids`.
    static func keepOnlyEvidence(_ ids: [String], of reportID: String, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM attachments WHERE report_id = ? AND id NOT IN (SELECT value FROM json_each(?))",
            arguments: [reportID, String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)]
        )
    }

    /// The report an evidence id belongs to, if any.
    static func evidenceOwner(_ evidenceID: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT report_id FROM attachments WHERE id = ?", arguments: [evidenceID])
    }

    /// The unit, state, answers and approval time of each report for the assignment, in that
    /// column order: only the four columns figures need, without decoding whole records.
    static func figuresColumns(of assignmentID: String, _ db: Database) throws -> RowCursor {
        try Row.fetchCursor(
            db,
            sql: "SELECT unit, state, answers, approved_at FROM reports WHERE assignment_id = ?",
            arguments: [assignmentID]
        )
    }

    /// Whether the unit has submitted (or had approved) its report for the assignment.
    static func hasReported(_ unit: String, for assignmentID: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql:
                "SELECT 1 FROM reports WHERE assignment_id = ? AND unit = ? AND state IN ('submitted', 'approved')",
            arguments: [assignmentID, unit]
        ) == true
    }

    /// Every report in the state.
    static func reports(in state: ReportState, _ db: Database) throws -> [ReportRecord] {
        try ReportRecord.filter(Column("state") == state.rawValue).fetchAll(db)
    }

    /// The report's latest history entry.
    static func lastEvent(of reportID: String, _ db: Database) throws -> ReportEventRecord? {
        try ReportEventRecord.filter(Column("report_id") == reportID).order(Column("id").desc).fetchOne(db)
    }

    /// The history entry now happened at `at`.
    static func moveEvent(_ eventID: Int64?, to at: Date, _ db: Database) throws {
        try db.execute(sql: "UPDATE report_events SET at = ? WHERE id = ?", arguments: [at, eventID])
    }

    /// Deletes the report's history, corrections and evidence rows (a draft going away).
    static func deleteHistory(of reportID: String, _ db: Database) throws {
        for table in ["report_events", "report_corrections", "attachments"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE report_id = ?", arguments: [reportID])
        }
    }

    /// The unit, state and approval time of each report for the assignment.
    static func progressColumns(
        of assignmentID: String,
        _ db: Database
    ) throws
        -> [(unit: String, state: String, approvedAt: Date?)]
    {
        var columns: [(unit: String, state: String, approvedAt: Date?)] = []
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT unit, state, approved_at FROM reports WHERE assignment_id = ?",
            arguments: [assignmentID]
        )
        while let row = try rows.next() {
            columns.append((row[0], row[1], row[2]))
        }
        return columns
    }
}

import Foundation
import GRDB
import Reporting

/// What is read and written of reports: one by id, the `reports` clash check, pages and
/// selections of reports, the few columns figures and progress need, its history in
/// `report_events`, its `report_corrections`, and its `attachments` list as the sync keeps it.
/// Every function runs in the caller's transaction. What every action on a report reads (the
/// report, its history) goes through cached statements: compiling SQL was a fifth of a
/// commune's CPU while it entered, submitted and approved its report.
enum ReportStore {
    /// The report with this id, if held.
    static func report(id: String, _ db: Database) throws -> ReportRecord? {
        try ReportRecord.fetchOne(try db.cachedStatement(sql: "SELECT * FROM reports WHERE id = ?"), arguments: [id])
    }

    /// The report already held for this unit, form and period, if any.
    static func report(
        unit: String,
        formOwner: String,
        formCode: String,
        period: String,
        _ db: Database
    ) throws -> ReportRecord? {
        try ReportRecord.fetchOne(
            try db.cachedStatement(
                sql: "SELECT * FROM reports WHERE unit = ? AND form_owner = ? AND form_code = ? AND period = ?"
            ),
            arguments: [unit, formOwner, formCode, period]
        )
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
        try ReportEventRecord.fetchOne(
            try db.cachedStatement(sql: "SELECT * FROM report_events WHERE report_id = ? ORDER BY id DESC LIMIT 1"),
            arguments: [reportID]
        )
    }

    /// The history entry now happened at `at`.
    static func moveEvent(_ eventID: Int64?, to at: Date, _ db: Database) throws {
        try db.execute(sql: "UPDATE report_events SET at = ? WHERE id = ?", arguments: [at.stored, eventID])
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

    /// The reports of the unit.
    static func reports(of unit: String, _ db: Database) throws -> [ReportRecord] {
        try ReportRecord.filter(Column("unit") == unit).fetchAll(db)
    }

    /// A page of the reports that match the filter (of the units listed, or of all when nil):
    /// latest period first, then by form code, unit and id.
    static func page(units: [String]?, _ filter: ReportFilter, _ db: Database) throws -> [ReportRecord] {
        var request = ReportRecord.order(Column("period").desc, Column("form_code"), Column("unit"), Column("id"))
        if let units { request = request.filter(units.contains(Column("unit"))) }
        if let assignment = filter.assignment { request = request.filter(Column("assignment_id") == assignment) }
        if let owner = filter.owner { request = request.filter(Column("form_owner") == owner) }
        if let form = filter.form { request = request.filter(Column("form_code") == form) }
        if let period = filter.period { request = request.filter(Column("period") == period) }
        if let state = filter.state { request = request.filter(Column("state") == state.rawValue) }
        return try request.limit(filter.limit, offset: filter.offset).fetchAll(db)
    }

    /// The unit's approved reports of the monthly form for these months, by period.
    static func approvedMonthlies(
        unit: String,
        formOwner: String,
        formCode: String,
        months: [String],
        _ db: Database
    ) throws -> [ReportRecord] {
        try ReportRecord.filter(
            Column("unit") == unit && Column("form_owner") == formOwner && Column("form_code") == formCode
                && months.contains(Column("period")) && Column("state") == ReportState.approved.rawValue
        )
        .order(Column("period")).fetchAll(db)
    }

    /// The report's history, in order.
    static func events(of reportID: String, _ db: Database) throws -> [ReportEventRecord] {
        try ReportEventRecord.fetchAll(
            try db.cachedStatement(sql: "SELECT * FROM report_events WHERE report_id = ? ORDER BY at, id"),
            arguments: [reportID]
        )
    }

    /// The corrections made to the report, in order.
    static func corrections(of reportID: String, _ db: Database) throws -> [CorrectionRecord] {
        try CorrectionRecord.filter(Column("report_id") == reportID).order(Column("id")).fetchAll(db)
    }

    /// The approved answers of a form (owner and code) for one period, by unit.
    static func approvedAnswers(
        formOwner: String,
        formCode: String,
        period: String,
        _ db: Database
    ) throws -> [String: Answers] {
        let reports = try ReportRecord.filter(
            Column("form_owner") == formOwner && Column("form_code") == formCode && Column("period") == period
                && Column("state") == ReportState.approved.rawValue
        ).fetchAll(db)
        return Dictionary(reports.map { ($0.unit, $0.answers) }) { first, _ in first }
    }
}

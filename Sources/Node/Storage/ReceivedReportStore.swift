import Federation
import Foundation
import GRDB
import Reporting

/// The rows a node writes and reads for each approved report received from below, on the path a
/// whole batch takes in one write transaction: with statements prepared once per connection
/// (compiling SQL and GRDB's record encoding cost more than the writes themselves), and with the
/// same columns and encodings `ReportRecord` and `ReportEventRecord` write. Every function runs in
/// the caller's transaction.
enum ReceivedReportStore {
    /// What a received report is compared with when a report of the same id is held.
    struct Held {
        let unit: String
        let formOwner: String
        let formCode: String
        let period: String
        let approvalCount: Int
    }

    static func held(_ id: String, _ db: Database) throws -> Held? {
        try Row.fetchOne(
            try db.cachedStatement(
                sql: "SELECT unit, form_owner, form_code, period, approval_count FROM reports WHERE id = ?"
            ),
            arguments: [id]
        ).map {
            Held(
                unit: $0["unit"],
                formOwner: $0["form_owner"],
                formCode: $0["form_code"],
                period: $0["period"],
                approvalCount: $0["approval_count"]
            )
        }
    }

    /// The id of the report held for this unit, form and period, if any.
    static func id(unit: String, formOwner: String, formCode: String, period: String, _ db: Database) throws -> String?
    {
        try String.fetchOne(
            try db.cachedStatement(
                sql: "SELECT id FROM reports WHERE unit = ? AND form_owner = ? AND form_code = ? AND period = ?"
            ),
            arguments: [unit, formOwner, formCode, period]
        )
    }

    /// The answers as the `answers` column holds them (what `ReportRecord` writes: GRDB's JSON
    /// encoding, keys sorted). Pure: computed before the write transaction.
    static func answersColumn(_ answers: Answers) throws -> String {
        String(decoding: try ReportRecord.databaseJSONEncoder(for: "answers").encode(answers), as: UTF8.self)
    }

    /// Keeps the report as approved below and received now: a new row, or the held one
    /// (`replacing`) overwritten with this approval — the row `ReportRecord.save` would write.
    static func keep(
        _ report: ApprovedReport,
        answers: String,
        signed: String,
        at now: Date,
        replacing: Bool,
        _ db: Database
    ) throws {
        let columns: StatementArguments = [
            report.assignmentId, report.formOwner, report.formCode, report.formVersion,
            report.period.description, report.unit, ReportState.approved.rawValue, answers,
            report.approvalCount, false, report.approvedBy, now.stored, now.stored, report.approvedAt.stored,
            report.approvedAt.stored,
            report.approvedBy, report.approvalCount, signed, report.reportId,
        ]
        let sql =
            replacing
            ? """
            UPDATE reports SET assignment_id = ?, form_owner = ?, form_code = ?, form_version = ?, period = ?,
                unit = ?, state = ?, answers = ?, version = ?, hosted_here = ?, created_by = ?, created_at = ?,
                updated_at = ?, submitted_at = ?, approved_at = ?, approved_by = ?, approval_count = ?, signed = ?
            WHERE id = ?
            """
            : """
            INSERT INTO reports (assignment_id, form_owner, form_code, form_version, period, unit, state,
                answers, version, hosted_here, created_by, created_at, updated_at, submitted_at, approved_at,
                approved_by, approval_count, signed, id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        try db.cachedStatement(sql: sql).execute(arguments: columns)
    }

    /// Keeps history entries once each (by their federation-wide id), as `ReportEventRecord.keep`
    /// does, in their order: one statement (prepared once per number of entries).
    static func keepEvents(_ entries: [HistoryEntry], of reportID: String, _ db: Database) throws {
        guard !entries.isEmpty else { return }
        var arguments = StatementArguments()
        for entry in entries {
            arguments += [
                reportID, entry.action, entry.actor, entry.from?.rawValue, entry.to?.rawValue, entry.message,
                entry.at.stored, entry.id, entry.unit,
            ]
        }
        let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: entries.count)
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO report_events (report_id, action, actor, from_state, to_state, message, at, event_id, unit)
                VALUES \(rows.joined(separator: ", "))
                """
        ).execute(arguments: arguments)
    }

    /// The federation-wide ids of the history entries held for the report.
    static func eventIDs(of reportID: String, _ db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT event_id FROM report_events WHERE report_id = ? AND event_id IS NOT NULL"
                ),
                arguments: [reportID]
            )
        )
    }

    /// Drops the report's evidence rows whose id is not in `ids`.
    static func keepOnlyEvidence(_ ids: [String], of reportID: String, _ db: Database) throws {
        if ids.isEmpty {
            try db.cachedStatement(sql: "DELETE FROM attachments WHERE report_id = ?").execute(arguments: [reportID])
            return
        }
        try ReportStore.keepOnlyEvidence(ids, of: reportID, db)
    }

    /// Keeps a verified signer certificate, once by fingerprint (as `PKIStore.rememberSigner`).
    static func rememberSigner(fingerprint: String, unit: String, der: Data, firstSeen: Date, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO signer_certificates (fingerprint, unit, der, first_seen) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [fingerprint, unit, der, firstSeen.stored])
    }
}

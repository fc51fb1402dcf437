import Federation
import Foundation
import GRDB
import Reporting

/// Rows written in bulk with prepared statements, past the domain's checks: what the network
/// benchmarks load into a node database (forms, assignments, their units, approved reports as a
/// parent receives them, their history and inbox entries). Every function runs in the caller's
/// transaction; the statements are prepared once per connection.
package enum BulkLoadStore {
    package static func addForm(
        owner: String,
        code: String,
        version: Int,
        definition: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO forms (owner_unit, code, version, definition, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [owner, code, version, definition, at.stored]
        )
    }

    /// An assignment of version 1 of the form.
    package static func addAssignment(
        id: String,
        formCode: String,
        period: String,
        assignedBy: String,
        deadline: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql:
                "INSERT INTO assignments (id, form_code, form_version, period, assigned_by, deadline, created_at) VALUES (?, ?, 1, ?, ?, ?, ?)",
            arguments: [id, formCode, period, assignedBy, deadline, at.stored]
        )
    }

    package static func addAssignmentUnit(_ unit: String, to assignmentID: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO assignment_units (assignment_id, unit) VALUES (?, ?)"
        ).execute(arguments: [assignmentID, unit])
    }

    /// A report approved once by `approver` (version 1 of the form and of the report), submitted,
    /// approved and written at `at`.
    package static func addApprovedReport(
        id: String,
        assignment: String,
        formOwner: String,
        formCode: String,
        period: String,
        unit: String,
        answers: String,
        approver: String,
        at: Date,
        signed: String,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO reports (id, assignment_id, form_owner, form_code, form_version, period, unit, state, answers, version, hosted_here,
                    created_by, created_at, updated_at, submitted_at, approved_at, approved_by, approval_count, signed)
                VALUES (?, ?, ?, ?, 1, ?, ?, 'approved', ?, 1, 0, ?, ?, ?, ?, ?, ?, 1, ?)
                """
        ).execute(arguments: [
            id, assignment, formOwner, formCode, period, unit,
            answers,
            approver, at.stored, at.stored, at.stored, at.stored, approver, signed,
        ])
    }

    /// An approved report as a parent keeps it when it arrives from below.
    package static func addReceivedReport(
        _ r: ApprovedReport,
        answers: String,
        signed: String,
        at now: Date,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO reports (id, assignment_id, form_owner, form_code, form_version, period, unit, state, answers, version, hosted_here,
                    created_by, created_at, updated_at, submitted_at, approved_at, approved_by, approval_count, signed)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'approved', ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            r.reportId, r.assignmentId, r.formOwner, r.formCode, r.formVersion, r.period.description,
            r.unit, answers,
            r.approvalCount, r.approvedBy, now.stored, now.stored, r.approvedAt.stored, r.approvedAt.stored,
            r.approvedBy,
            r.approvalCount, signed,
        ])
    }

    package static func addEvent(_ entry: HistoryEntry, of reportID: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO report_events (report_id, action, actor, from_state, to_state, message, at, event_id, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            reportID, entry.action, entry.actor, entry.from?.rawValue, entry.to?.rawValue,
            entry.message, entry.at.stored, entry.id, entry.unit,
        ])
    }

    /// A `report.approved` message from `origin`, applied.
    package static func addAppliedReport(
        origin: String,
        messageID: String,
        detail: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO inbox (origin, message_id, kind, status, detail, received_at) VALUES (?, ?, 'report.approved', 'applied', ?, ?)"
        ).execute(arguments: [origin, messageID, detail, at.stored])
    }
}

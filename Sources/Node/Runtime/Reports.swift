import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// A report as the API shows it.
struct ReportView: Codable, Sendable {
    let id: String
    let assignment: String
    let form: String
    let formVersion: Int
    let period: String
    let unit: String
    let state: ReportState
    let stateName: String
    let answers: Answers
    let version: Int
    let updatedAt: Date
    let approvedBy: String?
    let approvedAt: Date?
    /// True when the report came from a node below (signed by the approving node).
    let received: Bool
    var history: [ReportEventView]?

    init(_ record: ReportRecord, history: [ReportEventView]? = nil) {
        id = record.id
        assignment = record.assignmentId
        form = record.formCode
        formVersion = record.formVersion
        period = record.period
        unit = record.unit
        state = record.state
        stateName = record.state.vietnameseName
        answers = record.answers
        version = record.version
        updatedAt = record.updatedAt
        approvedBy = record.approvedBy
        approvedAt = record.approvedAt
        received = !record.hostedHere
        self.history = history
    }
}

/// One step of a report's history.
struct ReportEventView: Codable, Sendable {
    let action: String
    let actor: String
    let from: String?
    let to: String?
    let message: String?
    let at: Date
}

struct NewReport: Codable, Sendable {
    var assignment: String
}

struct ReportUpdate: Codable, Sendable {
    var answers: Answers
    /// The version the client last read; a stale one is refused.
    var version: Int
}

struct ReportTransition: Codable, Sendable {
    var message: String?
}

extension LocalNode {
    /// Opens the one report of the actor's unit for an assignment (a draft).
    func createReport(_ request: NewReport, by actor: Actor) async throws -> ReportView {
        guard actor.holds(.enterData) else { throw APIError.forbidden() }
        return try await database.pool.write { db in
            guard let assignment = try AssignmentRecord.fetchOne(db, key: request.assignment),
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM assignment_units WHERE assignment_id = ? AND unit = ?", arguments: [assignment.id, actor.unit]) == true else {
                throw APIError.invalid("Đơn vị của bạn không được giao báo cáo này", "Your unit has no such assignment", details: ["assignment": "unknown"])
            }
            if let existing = try ReportRecord.filter(sql: "unit = ? AND form_owner = ? AND form_code = ? AND period = ?",
                                                      arguments: [actor.unit, assignment.assignedBy, assignment.formCode, assignment.period]).fetchOne(db) {
                throw APIError.conflict("Đơn vị của bạn đã tạo loại báo cáo này", "Your unit already created this report", details: ["report": existing.id])
            }
            let now = Date()
            let record = ReportRecord(id: UUID().uuidString, assignmentId: assignment.id, formOwner: assignment.assignedBy, formCode: assignment.formCode, formVersion: assignment.formVersion,
                                      period: assignment.period, unit: actor.unit, state: .draft, answers: Answers(), version: 1, hostedHere: true,
                                      createdBy: actor.username, createdAt: now, updatedAt: now, submittedAt: nil, approvedAt: nil, approvedBy: nil,
                                      approvalCount: 0, signed: nil)
            try record.insert(db)
            try event(db, record.id, "create", actor, from: nil, to: .draft, message: nil)
            return ReportView(record)
        }
    }

    /// A report the actor may read: of its unit or a unit below.
    func report(_ id: String, for actor: Actor) async throws -> ReportView {
        try await database.pool.write { db in
            let record = try readable(id, actor, db)
            let history = try Row.fetchAll(db, sql: "SELECT * FROM report_events WHERE report_id = ? ORDER BY id", arguments: [id]).map {
                ReportEventView(action: $0["action"], actor: $0["actor"], from: $0["from_state"], to: $0["to_state"], message: $0["message"], at: $0["at"])
            }
            try AuditTrail.record(db, actor: actor.username, unit: actor.unit, action: "report.read", target: id)
            return ReportView(record, history: history)
        }
    }

    func reports(visibleTo actor: Actor, assignment: String?, state: ReportState?) async throws -> [ReportView] {
        guard actor.holds(.viewReports) else { throw APIError.forbidden() }
        return try await database.pool.read { db in
            var request = ReportRecord.order(Column("period").desc, Column("unit"))
            if let assignment { request = request.filter(Column("assignment_id") == assignment) }
            if let state { request = request.filter(Column("state") == state.rawValue) }
            return try request.fetchAll(db).filter { tree.isInSubtree($0.unit, of: actor.unit) }.map { ReportView($0) }
        }
    }

    /// Saves answers on a draft or returned report, refusing a stale version.
    func updateReport(_ id: String, _ update: ReportUpdate, by actor: Actor) async throws -> ReportView {
        guard actor.holds(.enterData) else { throw APIError.forbidden() }
        return try await database.pool.write { db in
            var record = try ownUnitReport(id, actor, db)
            try transition(.save, record)
            guard update.version == record.version else {
                throw APIError.conflict("Báo cáo đã được người khác cập nhật; hãy tải lại trước khi lưu", "The report changed since you opened it; reload first",
                                        details: ["version": "\(record.version)"])
            }
            guard let form = try form(owner: record.formOwner, code: record.formCode, version: record.formVersion, db) else { throw APIError.notFound("biểu mẫu", "Form") }
            switch update.answers.validated(against: form) {
            case .success(let answers): record.answers = answers
            case .failure(let problems):
                throw APIError.invalid("Dữ liệu chưa hợp lệ", "Some answers are not valid", details: problems.byQuestion)
            }
            record.version += 1
            record.updatedAt = Date()
            try record.update(db)
            try event(db, id, "save", actor, from: record.state, to: record.state, message: nil)
            return ReportView(record)
        }
    }

    /// Sends the report to the unit leader; refused while required answers are missing.
    func submitReport(_ id: String, _ request: ReportTransition, by actor: Actor) async throws -> ReportView {
        guard actor.holds(.enterData) else { throw APIError.forbidden() }
        return try await database.pool.write { db in
            var record = try ownUnitReport(id, actor, db)
            let next = try transition(.submit, record)
            guard let form = try form(owner: record.formOwner, code: record.formCode, version: record.formVersion, db) else { throw APIError.notFound("biểu mẫu", "Form") }
            let missing = record.answers.missingRequired(in: form)
            guard missing.isEmpty else {
                throw APIError.invalid("Chưa trả lời các câu hỏi bắt buộc: \(missing.map(\.text).joined(separator: "; "))", "Required questions are unanswered",
                                       details: Dictionary(uniqueKeysWithValues: missing.map { ($0.id, "Bắt buộc") }))
            }
            let from = record.state
            record.state = next
            record.submittedAt = Date()
            record.updatedAt = Date()
            record.version += 1
            try record.update(db)
            try event(db, id, "submit", actor, from: from, to: next, message: request.message)
            return ReportView(record)
        }
    }

    /// The unit leader approves: the report is signed by this node and, in the same transaction,
    /// queued to travel up toward the unit that assigned it.
    func approveReport(_ id: String, _ request: ReportTransition, by actor: Actor) async throws -> ReportView {
        guard actor.holds(.approveReports) else { throw APIError.forbidden() }
        let view = try await database.pool.write { db -> ReportView in
            var record = try ownUnitReport(id, actor, db)
            let next = try transition(.approve, record)
            guard let period = Period(record.period) else { throw Refusal("stored period \(record.period) is unreadable") }
            let now = Date()
            let approved = ApprovedReport(reportId: record.id, assignmentId: record.assignmentId, formOwner: record.formOwner, formCode: record.formCode, formVersion: record.formVersion,
                                          period: period, unit: record.unit, answers: record.answers, approvedBy: actor.username, approvedAt: now,
                                          message: request.message, approvalCount: record.approvalCount + 1)
            let signed = try signer.sign(try JSONEncoder.federation.encode(approved))
            let from = record.state
            record.state = next
            record.approvedAt = now
            record.approvedBy = actor.username
            record.approvalCount += 1
            record.updatedAt = now
            record.version += 1
            record.signed = String(decoding: try JSONEncoder.federation.encode(signed), as: UTF8.self)
            try record.update(db)
            try event(db, id, "approve", actor, from: from, to: next, message: request.message)
            // Up toward the unit that assigned (and owns) the form, unless it is hosted here.
            if !hosts(record.formOwner) {
                try enqueueUp(db, kind: .reportApproved, unit: record.unit, body: signed)
            }
            return ReportView(record)
        }
        outboxSignal.notify()
        return view
    }

    @discardableResult
    private func transition(_ action: ReportAction, _ record: ReportRecord) throws -> ReportState {
        switch ReportWorkflow.next(after: action, from: record.state) {
        case .success(let next): return next ?? record.state
        case .failure(let error): throw APIError.conflict(error.description, "Not allowed in state \(record.state.rawValue)", details: ["state": record.state.rawValue])
        }
    }

    private func readable(_ id: String, _ actor: Actor, _ db: Database) throws -> ReportRecord {
        guard actor.holds(.viewReports) || actor.holds(.enterData), let record = try ReportRecord.fetchOne(db, key: id),
              tree.isInSubtree(record.unit, of: actor.unit) else { throw APIError.notFound("báo cáo", "Report") }
        return record
    }

    private func ownUnitReport(_ id: String, _ actor: Actor, _ db: Database) throws -> ReportRecord {
        let record = try readable(id, actor, db)
        guard record.unit == actor.unit, record.hostedHere else {
            throw APIError.forbidden("Chỉ đơn vị lập báo cáo mới được thao tác trên báo cáo này", "Only the reporting unit may do this")
        }
        return record
    }

    private func event(_ db: Database, _ id: String, _ action: String, _ actor: Actor, from: ReportState?, to: ReportState?, message: String?) throws {
        try ReportEventRecord(id: nil, reportId: id, action: action, actor: actor.username, fromState: from?.rawValue, toState: to?.rawValue,
                              message: message, at: Date()).insert(db)
        try AuditTrail.record(db, actor: actor.username, unit: actor.unit, action: "report.\(action)", target: id)
    }
}

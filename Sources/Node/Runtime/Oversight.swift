import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Progress and aggregated values of a unit's subtree for one assignment.
struct OversightView: Codable, Sendable {
    let assignment: String
    let form: String
    let period: String
    let unit: String
    let progress: SubtreeProgress
    let aggregate: AggregatedAnswers
    /// When each child node last reached this node (or this node its parent).
    let lastContact: [String: Date]
}

/// What oversight is computed from, read in one transaction so that its parts agree.
struct OversightData {
    /// The answers of one approved report, and its unit.
    struct Approved {
        let unit: String
        let answers: Answers
    }

    let view: OversightView
    let form: Form
    /// Approved reports of assigned units in the subtree.
    let approved: [Approved]
}

extension LocalNode {
    /// Counts and sums for the actor's unit (or a unit below it), computed from what this node holds.
    func oversight(assignment id: String, unit requested: String?, for actor: Actor) async throws -> OversightView {
        let unit = try oversightUnit(requested, for: actor)
        return try await database.pool.read { db in try oversightData(assignment: id, unit: unit, db).view }
    }

    func oversightUnit(_ requested: String?, for actor: Actor) throws -> String {
        guard actor.holds(.viewReports) else { throw APIError.forbidden() }
        let unit = requested ?? actor.unit
        guard tree.isInSubtree(unit, of: actor.unit) else { throw APIError.forbidden("Bạn chỉ xem được đơn vị mình và cấp dưới", "Only your unit and below") }
        return unit
    }

    func oversightData(assignment id: String, unit: String, _ db: Database) throws -> OversightData {
        guard let assignment = try AssignmentRecord.fetchOne(db, key: id),
              let form = try form(owner: assignment.assignedBy, code: assignment.formCode, version: assignment.formVersion, db) else {
            throw APIError.notFound("đợt giao báo cáo", "Assignment")
        }
        // The units expected now, after the assignment's recorded amendments.
        let assigned = Set(try expectation(of: id, db).expected.map(\.code))
        // Only the three columns progress and aggregates need: at the centre an assignment holds
        // a report per commune, and decoding whole records (with their signed copies) costs far more.
        var status: [String: UnitStatus] = [:]
        var approved: [OversightData.Approved] = []
        let decoder = JSONDecoder()
        let rows = try Row.fetchCursor(db, sql: "SELECT unit, state, answers FROM reports WHERE assignment_id = ?", arguments: [id])
        while let row = try rows.next() {
            let reportUnit: String = row[0]
            guard tree.isInSubtree(reportUnit, of: unit) else { continue }
            let state = ReportState(rawValue: row[1])
            status[reportUnit] = UnitStatus(submitted: state == .submitted || state == .approved, approved: state == .approved)
            if state == .approved && assigned.contains(reportUnit) {
                approved.append(.init(unit: reportUnit, answers: try decoder.decode(Answers.self, from: Data((row[2] as String).utf8))))
            }
        }
        let contacts = try PeerRecord.fetchAll(db).reduce(into: [String: Date]()) { $0[$1.unit] = $1.lastContact }
        let view = OversightView(assignment: id, form: form.code, period: assignment.period, unit: unit,
                                 progress: SubtreeProgress(tree: tree, unit: unit, assigned: assigned, status: status),
                                 aggregate: AggregatedAnswers(form: form, answers: approved.map(\.answers)), lastContact: contacts)
        return OversightData(view: view, form: form, approved: approved)
    }
}

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
    let view: OversightView
    let form: Form
    /// Approved reports of assigned units in the subtree.
    let approved: [ReportRecord]
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
        let reports = try ReportRecord.filter(Column("assignment_id") == id).fetchAll(db).filter { tree.isInSubtree($0.unit, of: unit) }
        var status: [String: UnitStatus] = [:]
        for report in reports {
            status[report.unit] = UnitStatus(submitted: report.state == .submitted || report.state == .approved, approved: report.state == .approved)
        }
        let approved = reports.filter { $0.state == .approved && assigned.contains($0.unit) }
        let contacts = try PeerRecord.fetchAll(db).reduce(into: [String: Date]()) { $0[$1.unit] = $1.lastContact }
        let view = OversightView(assignment: id, form: form.code, period: assignment.period, unit: unit,
                                 progress: SubtreeProgress(tree: tree, unit: unit, assigned: assigned, status: status),
                                 aggregate: AggregatedAnswers(form: form, answers: approved.map(\.answers)), lastContact: contacts)
        return OversightData(view: view, form: form, approved: approved)
    }
}

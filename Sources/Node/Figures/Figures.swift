import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting

/// When a child's data last reached this node: live when the child is hosted here, else the
/// last contact with the child node that speaks for it.
package struct SyncMark: Codable, Sendable {
    package let hostedHere: Bool
    let node: String?
    package let lastContact: Date?
}

/// One child of the unit viewed: its progress, the combined answers of its subtree, and when its
/// data last arrived (drill down by asking for the child's own figures).
package struct ChildFigures: Codable, Sendable {
    package let unit: String
    package let name: String
    package let figures: ProgressFigures
    package let aggregate: AggregatedAnswers
    package let sync: SyncMark
}

/// The oversight figures of one assignment for a unit's subtree: progress per level and per
/// child (with approvals on time, by the assignment's deadline), combined answers in total and
/// per child, and the assignment's amendments. Read from the figures kept as reports arrive.
package struct AssignmentFigures: Codable, Sendable {
    let assignment: String
    let form: String
    let title: String
    let period: String
    let deadline: String
    let assignedBy: String
    let unit: String
    let computedAt: Date
    package let total: ProgressFigures
    package let levels: [SubtreeFigures.LevelRow]
    package let children: [ChildFigures]
    package let aggregate: AggregatedAnswers
    let amendments: [AmendmentView]
}

/// Units side by side for one assignment: each one's progress and combined answers (the unit and below).
package struct UnitComparison: Codable, Sendable {
    struct Row: Codable, Sendable {
        let unit: String
        let name: String
        let figures: ProgressFigures
        let aggregate: AggregatedAnswers
    }

    let assignment: String
    let period: String
    let rows: [Row]
}

/// A form's figures across the periods it was assigned for, for a unit and below.
package struct FormTrend: Codable, Sendable {
    package struct PeriodRow: Codable, Sendable {
        package let period: String
        let assignment: String
        let deadline: String
        package let figures: ProgressFigures
    }

    let owner: String
    let form: String
    let unit: String
    package let periods: [PeriodRow]
    package let trend: Trend
}

extension Oversight {
    func syncMark(of child: String, contacts: [String: Date]) -> SyncMark {
        if let peer = deployment.childNode(of: node, toward: child) {
            return SyncMark(hostedHere: false, node: peer.name, lastContact: contacts[peer.unit])
        }
        return SyncMark(hostedHere: true, node: node.name, lastContact: nil)
    }

    package func figures(
        assignment id: String,
        unit requested: String?,
        for actor: Actor
    ) async throws -> AssignmentFigures {
        let unit = try overseenUnit(requested, for: actor)
        return try await database.pool.read { db in
            let held = try forms.keptFigures.subtree(assignment: id, under: unit, db)
            let contacts = try PeerStore.all(db).reduce(into: [String: Date]()) {
                $0[$1.unit] = self.contacts.latest($1.unit, stored: $1.lastContact)
            }
            let children = held.subtree.children.map { row in
                ChildFigures(
                    unit: row.unit,
                    name: row.name,
                    figures: row.figures,
                    aggregate: held.aggregate(child: row.unit),
                    sync: syncMark(of: row.unit, contacts: contacts)
                )
            }
            return AssignmentFigures(
                assignment: id,
                form: held.form.code,
                title: held.form.title,
                period: held.assignment.period,
                deadline: held.assignment.deadline,
                assignedBy: held.assignment.assignedBy,
                unit: unit,
                computedAt: clock.now(),
                total: held.subtree.total,
                levels: held.subtree.levels,
                children: children,
                aggregate: held.aggregate(includingUnit: false),
                amendments: try expectations.amendments(of: id, db)
            )
        }
    }

    package func compare(assignment id: String, units: [String], for actor: Actor) async throws -> UnitComparison {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let units = units.filter { !$0.isEmpty }
        guard !units.isEmpty, units.count <= 100 else {
            throw DomainError(.unitCountOutOfRange)
        }
        for unit in units where !tree.isInSubtree(unit, of: actor.unit) {
            throw DomainError(.unitOutsideYourSubtree(unit))
        }
        return try await database.pool.read { db in
            var period = ""
            let rows = try units.map { unit in
                let held = try forms.keptFigures.subtree(assignment: id, under: unit, db)
                period = held.assignment.period
                return UnitComparison.Row(
                    unit: unit,
                    name: tree[unit]?.name ?? unit,
                    figures: held.progress(includingUnit: true),
                    aggregate: held.aggregate(includingUnit: true)
                )
            }
            return UnitComparison(assignment: id, period: period, rows: rows)
        }
    }

    /// The form's figures across the periods it was assigned for; with `latest`, only the latest
    /// that many periods are computed (a dashboard's chart, not the form's whole history).
    package func trend(
        owner: String,
        form code: String,
        unit requested: String?,
        latest: Int? = nil,
        for actor: Actor
    ) async throws -> FormTrend {
        let unit = try overseenUnit(requested, for: actor)
        return try await database.pool.read { db in
            var assignments = try AssignmentStore.assignments(by: owner, formCode: code, db)
            if let latest {
                assignments = Array(
                    assignments.filter { Period($0.period) != nil }.sorted { Period($0.period)! < Period($1.period)! }
                        .suffix(latest)
                )
            }
            guard let latest = try forms.form(owner: owner, code: code, db), !assignments.isEmpty else {
                throw DomainError(.notFound(.assignedForm))
            }
            var rows: [FormTrend.PeriodRow] = []
            var aggregates: [(period: Period, aggregate: AggregatedAnswers)] = []
            for assignment in assignments {
                guard let period = Period(assignment.period) else { continue }
                let held = try forms.keptFigures.subtree(assignment: assignment.id, under: unit, db)
                rows.append(
                    FormTrend.PeriodRow(
                        period: assignment.period,
                        assignment: assignment.id,
                        deadline: assignment.deadline,
                        figures: held.progress(includingUnit: true)
                    )
                )
                aggregates.append((period, held.aggregate(includingUnit: true)))
            }
            // Only parsable periods were kept above.
            rows.sort { Period($0.period)! < Period($1.period)! }
            return FormTrend(
                owner: owner,
                form: code,
                unit: unit,
                periods: rows,
                trend: Trend(form: latest, aggregates: aggregates)
            )
        }
    }

    /// Progress per child of `unit` for one assignment: counts only, as kept.
    func progressBelow(_ unit: String, assignment id: String, _ db: Database) throws -> [SubtreeFigures.ChildRow] {
        guard (try? AssignmentRecord.fetchOne(db, key: id)) != nil else { return [] }
        return (try? forms.keptFigures.subtree(assignment: id, under: unit, answers: false, db))?.subtree.children ?? []
    }
}

import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Progress and aggregated values of a unit's subtree for one assignment.
package struct OversightView: Codable, Sendable {
    let assignment: String
    let form: String
    let period: String
    let unit: String
    let progress: SubtreeFigures
    let aggregate: AggregatedAnswers
    /// When each child node last reached this node (or this node its parent).
    let lastContact: [String: Date]
}

/// What oversight is read from, in one transaction so that its parts agree.
struct OversightData {
    let view: OversightView
    let form: Form
    /// The kept figures the view was read from (each child's combined answers).
    let kept: KeptSubtree
}

/// What an upper level sees of an assignment in its subtree: progress per level and per child,
/// the combined answers, the trend across periods and units side by side (`Figures.swift`), all
/// read from the figures kept as reports and expectations change (`KeptFigures`). Its own
/// service over the context, the assignments' `Expectations` and the stored forms.
package struct Oversight: NodeService {
    let context: NodeContext
    let expectations: Expectations
    /// The stored forms the answers are combined by.
    let forms: Forms

    /// Counts and sums for the actor's unit (or a unit below it), as this node keeps them.
    package func summary(
        assignment id: String,
        unit requested: String?,
        for actor: Actor
    ) async throws -> OversightView {
        let unit = try overseenUnit(requested, for: actor)
        return try await database.pool.read { db in try data(assignment: id, unit: unit, db).view }
    }

    /// The unit whose subtree the actor looks at: the one requested, or the actor's own; refused
    /// outside the actor's subtree or without the right to view reports.
    package func overseenUnit(_ requested: String?, for actor: Actor) throws -> String {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let unit = requested ?? actor.unit
        guard tree.isInSubtree(unit, of: actor.unit) else {
            throw DomainError(.outsideYourSubtree)
        }
        return unit
    }

    /// The same figures as `figures(assignment:)` (the units the assignment expected, placed
    /// where they stood then), with the combined answers of the unit's subtree, the unit included.
    func data(assignment id: String, unit: String, _ db: Database) throws -> OversightData {
        let held = try forms.keptFigures.subtree(assignment: id, under: unit, db)
        let contacts = try PeerStore.all(db).reduce(into: [String: Date]()) {
            $0[$1.unit] = self.contacts.latest($1.unit, stored: $1.lastContact)
        }
        let view = OversightView(
            assignment: id,
            form: held.form.code,
            period: held.assignment.period,
            unit: unit,
            progress: held.subtree,
            aggregate: held.aggregate(includingUnit: true),
            lastContact: contacts
        )
        return OversightData(view: view, form: held.form, kept: held)
    }
}

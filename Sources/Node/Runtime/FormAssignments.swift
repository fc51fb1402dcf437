import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// What a user sends to assign a form: explicit units, or every unit of a level below.
package struct NewAssignment: Codable, Sendable {
    var form: String
    var version: Int?
    var period: String
    var units: [String]?
    var level: Level?

    package init(form: String, version: Int? = nil, period: String, units: [String]? = nil, level: Level? = nil) {
        self.form = form
        self.version = version
        self.period = period
        self.units = units
        self.level = level
    }
}

/// An assignment as the API shows it.
package struct AssignmentView: Codable, Sendable {
    package let id: String
    package let form: String
    package let formVersion: Int
    package let title: String
    package let period: String
    package let assignedBy: String
    package let deadline: String
    /// The units assigned that this node knows of (its own subtree).
    package let units: [String]
}

/// Forms assigned for a period to units below: made here (stored and sent down toward each unit's
/// node in one transaction, as the inbox stores those arriving from above) and listed for the
/// units they concern. Its own service over the context, `Forms`, and the `Expectations` that
/// say which targets are still open.
package struct FormAssignments: NodeService {
    let context: NodeContext
    let forms: Forms
    /// The targets still open (closed units refused when named, skipped when implied by a level).
    let expectations: Expectations

    /// Assigns a form for a period to units below the actor's unit; it travels down to each node.
    package func assign(_ request: NewAssignment, by actor: Actor) async throws -> AssignmentView {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        guard let period = Period(request.period) else {
            throw DomainError(.assignmentPeriodInvalid(request.period), details: ["period": "invalid"])
        }
        let targets: [String]
        if let units = request.units, !units.isEmpty {
            targets = Array(Set(units)).sorted()
        } else if let level = request.level {
            targets = tree.descendants(of: actor.unit, at: level).map(\.code).sorted()
        } else {
            throw DomainError(.assignmentTargetsRequired, details: ["units": "required"])
        }
        if let outside = targets.first(where: { !tree.isBelow($0, actor.unit) }) {
            throw DomainError(.assignOnlyBelow(outside))
        }
        guard !targets.isEmpty else {
            throw DomainError(.noUnitsToAssign, details: ["units": "empty"])
        }
        let view = try await database.pool.write { db -> AssignmentView in
            let targets = try expectations.openUnits(targets, explicit: request.units?.isEmpty == false, db)
            // A unit assigns only its own forms.
            guard let form = try forms.form(owner: actor.unit, code: request.form, version: request.version, db) else {
                throw DomainError(.formNotYours(request.form), details: ["form": "unknown"])
            }
            guard form.frequency == period.frequency else {
                throw DomainError(.periodFrequencyMismatch(period, form.frequency), details: ["period": "frequency"])
            }
            if let existing = try AssignmentStore.assignment(
                formCode: form.code,
                period: period.description,
                assignedBy: actor.unit,
                db
            ) {
                throw DomainError(.alreadyAssigned(period), details: ["assignment": existing])
            }
            let notice = AssignmentNotice(
                id: UUID().uuidString,
                form: form,
                period: period,
                assignedBy: actor.unit,
                deadline: period.deadline(day: form.deadlineDay),
                units: targets
            )
            _ = try distribute(notice, db)
            try audit.record(
                db,
                actor,
                action: "assignment.create",
                target: notice.id,
                detail: "\(form.code) \(period) units=\(targets.count)"
            )
            return AssignmentView(
                id: notice.id,
                form: form.code,
                formVersion: form.version,
                title: form.title,
                period: period.description,
                assignedBy: actor.unit,
                deadline: notice.deadline.description,
                units: targets
            )
        }
        return view
    }

    /// Assignments that concern the actor's unit: made by it, or covering it or units below it.
    package func visible(to actor: Actor) async throws -> [AssignmentView] {
        try await database.pool.read { db in
            let listed = try AssignmentStore.withForms(db)
            // All target units in one read, not one query per assignment.
            var unitsByAssignment: [String: [String]] = [:]
            for (assignment, unit) in try AssignmentStore.targets(db) {
                if tree.isInSubtree(unit, of: actor.unit) {
                    unitsByAssignment[assignment, default: []].append(unit)
                }
            }
            return try listed.compactMap { held -> AssignmentView? in
                let id = held.id
                let units = unitsByAssignment[id] ?? []
                let assignedBy = held.assignedBy
                guard !units.isEmpty || assignedBy == actor.unit else { return nil }
                let form = try JSONDecoder().decode(Form.self, from: Data(held.definition.utf8))
                return AssignmentView(
                    id: id,
                    form: held.formCode,
                    formVersion: held.formVersion,
                    title: form.title,
                    period: held.period,
                    assignedBy: assignedBy,
                    deadline: held.deadline,
                    units: units
                )
            }
        }
    }
}

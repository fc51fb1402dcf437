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

/// A form with the unit that owns it.
package struct FormView: Codable, Sendable {
    package let owner: String
    package let form: Form

    package init(owner: String, form: Form) {
        self.owner = owner
        self.form = form
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

extension LocalNode {
    /// Stores a new form version authored by a unit (defines it; assigning is separate).
    package func defineForm(_ form: Form, by actor: Actor) async throws -> Form {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        let problems = form.problems()
        guard problems.isEmpty else {
            throw DomainError(
                .formInvalid(problems),
                details: Dictionary(uniqueKeysWithValues: problems.enumerated().map { ("\($0.offset)", $0.element) })
            )
        }
        try await database.pool.write { db in
            if try FormRecord.fetchOne(db, key: ["owner_unit": actor.unit, "code": form.code, "version": form.version])
                != nil
            {
                throw DomainError(.formVersionExists(code: form.code, version: form.version))
            }
            try FormRecord(
                ownerUnit: actor.unit,
                code: form.code,
                version: form.version,
                definition: form,
                createdAt: clock.now()
            ).insert(db)
            try audit.record(db, actor, action: "form.define", target: "\(form.code)@\(form.version)")
        }
        return form
    }

    /// Forms owned by the actor's unit or by a unit above it (those it may be assigned).
    package func forms(visibleTo actor: Actor) async throws -> [FormView] {
        let owners = [actor.unit] + tree.ancestors(of: actor.unit).map(\.code)
        return try await database.pool.read { db in
            try FormStore.forms(ofAny: owners, db)
                .map { FormView(owner: $0.ownerUnit, form: $0.definition) }
        }
    }

    /// A form of `owner`; the latest version when `version` is nil. Reads on its own.
    package func form(owner: String, code: String, version: Int? = nil) async throws -> Form? {
        try await database.pool.read { try form(owner: owner, code: code, version: version, $0) }
    }

    /// A form of `owner`; the latest version when `version` is nil.
    func form(owner: String, code: String, version: Int? = nil, _ db: Database) throws -> Form? {
        if let version {
            if let kept = formCache.form(owner: owner, code: code, version: version) { return kept }
            let form = try FormRecord.fetchOne(db, key: ["owner_unit": owner, "code": code, "version": version])?
                .definition
            if let form { formCache.keep(form, owner: owner) }
            return form
        }
        return try FormStore.latest(owner: owner, code: code, db)?.definition
    }

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
            guard let form = try form(owner: actor.unit, code: request.form, version: request.version, db) else {
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
    package func assignments(visibleTo actor: Actor) async throws -> [AssignmentView] {
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

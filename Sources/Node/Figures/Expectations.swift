import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// A stored change to an assignment's expected units (table `assignment_amendments`).
struct AmendmentRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "assignment_amendments"
    var id: String
    var assignmentId: String
    var seq: Int
    var unit: String
    var change: ExpectationChange.Kind
    var level: Level
    var ancestors: String
    var reason: String
    var decidedBy: String
    var decidedAt: Date

    var expectationChange: ExpectationChange {
        ExpectationChange(
            sequence: seq,
            kind: change,
            unit: ExpectedUnit(code: unit, level: level, ancestors: ExpectedUnit.ancestors(fromJSON: ancestors) ?? []),
            reason: reason
        )
    }

    var view: AmendmentView {
        AmendmentView(
            id: id,
            sequence: seq,
            change: change,
            unit: unit,
            reason: reason,
            decidedBy: decidedBy,
            decidedAt: decidedAt
        )
    }
}

/// A change to an assignment's expected units as the API shows it.
package struct AmendmentView: Codable, Sendable {
    let id: String
    let sequence: Int
    let change: ExpectationChange.Kind
    let unit: String
    let reason: String
    let decidedBy: String
    let decidedAt: Date
}

/// What the assigning unit sends to change who an assignment expects.
package struct AmendmentRequest: Codable, Sendable {
    var add: [String]?
    var withdraw: [String]?
    var reason: String
}

extension ExpectedUnit {
    /// The ancestors as stored: a JSON array, parent first. Unit codes (letters, digits, `-`, `_`,
    /// `.`) need no escaping, so they are written directly (the figures write this on every
    /// report received); anything else goes through the JSON encoder.
    var ancestorsJSON: String {
        if ancestors.allSatisfy(Self.isPlain) {
            return "[" + ancestors.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        }
        return String(decoding: (try? JSONEncoder().encode(ancestors)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func ancestors(fromJSON text: String?) -> [String]? {
        guard let text else { return nil }
        if text.hasPrefix("["), text.hasSuffix("]"), !text.utf8.contains(UInt8(ascii: "\\")) {
            let inner = text.dropFirst().dropLast()
            let codes = inner.split(separator: ",", omittingEmptySubsequences: false).map { part -> String? in
                guard part.count >= 2, part.first == "\"", part.last == "\"" else { return nil }
                let code = String(part.dropFirst().dropLast())
                return isPlain(code) ? code : nil
            }
            if inner.isEmpty { return [] }
            if codes.allSatisfy({ $0 != nil }) { return codes.map { $0! } }
        }
        return try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    /// ASCII letters, digits, `-`, `_` and `.` only (read byte by byte: this runs for every report
    /// received).
    private static func isPlain(_ code: String) -> Bool {
        !code.isEmpty
            && code.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    true
                default: false
                }
            }
    }
}

/// The units an assignment expects: those it was made for (placed where they stood then) and
/// the changes since, added or withdrawn by the assigning unit or withdrawn when a unit closed
/// (`UnitClosures`); kept here, passed toward the units' nodes, and the open units a new
/// assignment may target. Its own service over the context, the stored forms and the parked
/// messages; it hands an amended assignment out through a closure.
package struct Expectations: NodeService {
    let context: NodeContext
    /// The stored forms an assignment's expected answers are read by.
    let forms: Forms
    /// Hands an assignment to the units it names, down the feed (`FormAssignments.distribute(_:_:)`).
    /// A closure because `FormAssignments` holds this service (for the open units): holding it
    /// here too would build each from the other without end.
    let distribute: @Sendable (AssignmentNotice, Database) throws -> Inbox.Effect
    /// Retried when units are added to an assignment (a report parked for them may now apply).
    let parked: ParkedMessages

    /// The units an assignment expects, as this node holds it: the units it was made for (placed
    /// where they stood then) and its recorded changes.
    func expectation(of assignment: String, _ db: Database) throws -> Expectation {
        try Self.expectation(of: assignment, tree: tree, db)
    }

    /// The same, with units stored before placements were kept placed by `tree`.
    static func expectation(of assignment: String, tree: UnitTree, _ db: Database) throws -> Expectation {
        let initial = try AssignmentStore.placements(of: assignment, db).compactMap { row -> ExpectedUnit? in
            let code: String = row["unit"]
            if let level = (row["level"] as String?).flatMap(Level.init(rawValue:)),
                let ancestors = ExpectedUnit.ancestors(fromJSON: row["ancestors"])
            {
                return ExpectedUnit(code: code, level: level, ancestors: ancestors)
            }
            // Stored before the placement was kept: placed by today's tree.
            return ExpectedUnit(code: code, in: tree)
        }
        let changes = try AssignmentStore.amendments(of: assignment, db).map(\.expectationChange)
        return Expectation(initial: initial, changes: changes)
    }

    func amendments(of assignment: String, _ db: Database) throws -> [AmendmentView] {
        try AssignmentStore.amendmentsInOrder(of: assignment, db).map(\.view)
    }

    func closedUnits(_ db: Database) throws -> Set<String> {
        try ClosureStore.closedUnits(db)
    }

    /// The targets of a new assignment without closed units: named ones are refused, those
    /// chosen by level are left out.
    func openUnits(_ targets: [String], explicit: Bool, _ db: Database) throws -> [String] {
        let closed = try closedUnits(db)
        if explicit, let unit = targets.first(where: closed.contains) {
            throw DomainError(.unitClosed(unit), details: ["units": unit])
        }
        let open = targets.filter { !closed.contains($0) }
        guard !open.isEmpty else {
            throw DomainError(.noUnitsToAssign, details: ["units": "empty"])
        }
        return open
    }

    /// Adds units to, or withdraws them from, an assignment made by the actor's unit. Past and
    /// other periods keep what they expected: each assignment is one form and one period.
    package func amend(
        assignment id: String,
        _ request: AmendmentRequest,
        by actor: Actor
    ) async throws -> [AmendmentView] {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else {
            throw DomainError(.amendmentReasonRequired, details: ["reason": "required"])
        }
        let adds = Array(Set(request.add ?? [])).sorted()
        let withdrawals = Array(Set(request.withdraw ?? [])).sorted()
        guard !adds.isEmpty || !withdrawals.isEmpty else {
            throw DomainError(.amendmentUnitsRequired, details: ["add": "empty", "withdraw": "empty"])
        }
        guard Set(adds).isDisjoint(with: withdrawals) else {
            throw DomainError(.addedAndWithdrawn)
        }
        let views = try await database.pool.write { db -> [AmendmentView] in
            guard let assignment = try AssignmentRecord.fetchOne(db, key: id) else {
                throw DomainError(.notFound(.assignment))
            }
            guard assignment.assignedBy == actor.unit else {
                throw DomainError(.onlyAssignerAmends)
            }
            let current = try expectation(of: id, db)
            let closed = try closedUnits(db)
            for unit in adds {
                guard tree.isBelow(unit, actor.unit) else {
                    throw DomainError(.assignOnlyBelow(unit))
                }
                guard !closed.contains(unit) else {
                    throw DomainError(.unitClosed(unit), details: ["add": unit])
                }
                guard !current.contains(unit) else {
                    throw DomainError(.unitAlreadyExpected(unit), details: ["add": unit])
                }
            }
            for unit in withdrawals where !current.contains(unit) {
                throw DomainError(.unitNotExpected(unit), details: ["withdraw": unit])
            }
            if !adds.isEmpty {
                guard
                    let form = try forms.form(
                        owner: assignment.assignedBy,
                        code: assignment.formCode,
                        version: assignment.formVersion,
                        db
                    ),
                    let period = Period(assignment.period), let deadline = CalendarDate(assignment.deadline)
                else {
                    throw DomainError(.notFound(.assignmentForm))
                }
                // The added units receive the assignment as any assigned unit does, down the feed.
                _ = try distribute(
                    AssignmentNotice(
                        id: id,
                        form: form,
                        period: period,
                        assignedBy: assignment.assignedBy,
                        deadline: deadline,
                        units: adds
                    ),
                    db
                )
            }
            var views: [AmendmentView] = []
            for unit in adds {
                guard let placed = ExpectedUnit(code: unit, in: tree) else { continue }
                views.append(try appendAmendment(to: assignment, .added, placed, reason: reason, by: actor, db).view)
            }
            for unit in withdrawals {
                let placed = current.expected.first { $0.code == unit }!
                views.append(
                    try appendAmendment(to: assignment, .withdrawn, placed, reason: reason, by: actor, db).view
                )
            }
            return views
        }
        // A unit added may be what a parked report lacked.
        if !adds.isEmpty { _ = await parked.retryAll() }
        return views
    }

    /// Records one change (audited) and passes it toward the unit's node.
    func appendAmendment(
        to assignment: AssignmentRecord,
        _ kind: ExpectationChange.Kind,
        _ unit: ExpectedUnit,
        reason: String,
        by actor: Actor,
        _ db: Database
    ) throws -> AmendmentRecord {
        let seq =
            (try AssignmentStore.lastAmendmentSeq(of: assignment.id, db) ?? 0) + 1
        let record = AmendmentRecord(
            id: UUID().uuidString,
            assignmentId: assignment.id,
            seq: seq,
            unit: unit.code,
            change: kind,
            level: unit.level,
            ancestors: unit.ancestorsJSON,
            reason: reason,
            decidedBy: actor.username,
            decidedAt: clock.now()
        )
        try record.insert(db)
        try forms.keptFigures.refresh(assignment: assignment.id, unit: unit.code, db)
        try forward(
            AssignmentAmendment(
                id: record.id,
                assignment: assignment.id,
                assignedBy: assignment.assignedBy,
                change: record.expectationChange,
                decidedBy: record.decidedBy,
                decidedAt: record.decidedAt
            ),
            db
        )
        try audit.record(
            db,
            actor,
            action: "assignment.amend",
            target: assignment.id,
            detail: "\(kind.rawValue) \(unit.code): \(reason)"
        )
        return record
    }

    private func forward(_ amendment: AssignmentAmendment, _ db: Database) throws {
        if let child = deployment.childNode(of: node, toward: amendment.change.unit.code) {
            try appendToFeed(
                db,
                audience: child.unit,
                kind: .assignmentAmended,
                unit: amendment.assignedBy,
                body: amendment
            )
        }
    }

    /// An amendment from above: kept once, and passed on toward the unit's node.
    func receive(_ amendment: AssignmentAmendment, _ db: Database) throws -> Inbox.Effect {
        guard let assignment = try AssignmentRecord.fetchOne(db, key: amendment.assignment) else {
            throw Refusal("assignment \(amendment.assignment) is unknown here")
        }
        guard assignment.assignedBy == amendment.assignedBy else {
            throw Refusal("amendment names another assigning unit than assignment \(assignment.id)")
        }
        guard deployment.node(node, speaksFor: amendment.change.unit.code) else {
            throw Refusal("unit \(amendment.change.unit.code) is not hosted here or below")
        }
        if try AmendmentRecord.fetchOne(db, key: amendment.id) != nil {
            return Inbox.Effect(detail: "amendment \(amendment.id) already held")
        }
        let change = amendment.change
        try AmendmentRecord(
            id: amendment.id,
            assignmentId: assignment.id,
            seq: change.sequence,
            unit: change.unit.code,
            change: change.kind,
            level: change.unit.level,
            ancestors: change.unit.ancestorsJSON,
            reason: change.reason,
            decidedBy: amendment.decidedBy,
            decidedAt: amendment.decidedAt
        ).insert(db)
        try forms.keptFigures.refresh(assignment: assignment.id, unit: change.unit.code, db)
        try forward(amendment, db)
        let forwarded = deployment.childNode(of: node, toward: change.unit.code) != nil
        return Inbox.Effect(
            detail: "amendment \(change.sequence) of \(assignment.id): \(change.kind.rawValue) \(change.unit.code)",
            feed: forwarded
        )
    }
}

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// What a parent's admin sends when a unit below closes (dissolved, or merged into another).
package struct ClosureRequest: Codable, Sendable {
    var closedOn: String
    var mergedInto: String?
    var reason: String

    package init(closedOn: String, mergedInto: String? = nil, reason: String) {
        self.closedOn = closedOn
        self.mergedInto = mergedInto
        self.reason = reason
    }
}

/// A recorded closure and the assignments it withdrew the unit from.
package struct ClosureView: Codable, Sendable {
    let unit: String
    let closedOn: String
    let mergedInto: String?
    let reason: String
    let withdrawnFrom: [String]
}

/// The closing of units (dissolved, or merged into another), recorded by a parent's admin. A
/// closure travels to every node that counts the unit: up to each ancestor's node and down to
/// the unit's own. Each keeps the first closure it hears of and withdraws the unit from the
/// assignments of the units it hosts above it (those due on or after the day, unless the unit
/// already reported), so the percentages at every level stop expecting it. Its own service over
/// the context and the assignments' `Expectations`, which it amends.
package struct UnitClosures: NodeService {
    let context: NodeContext
    let expectations: Expectations

    /// Records that a unit below closed on a day. Every assignment of the actor's unit due on or
    /// after that day stops expecting it, unless it reported; earlier periods keep it. The closure
    /// travels (`unit.closed`) to the other nodes that count the unit, which do the same for the
    /// assignments of their units.
    package func close(_ code: String, _ request: ClosureRequest, by actor: Actor) async throws -> ClosureView {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        guard tree.isBelow(code, actor.unit) else {
            throw DomainError(.closeOnlyBelow)
        }
        guard let closedOn = CalendarDate(request.closedOn) else {
            throw DomainError(.closingDateInvalid(request.closedOn), details: ["closedOn": "invalid"])
        }
        if let merged = request.mergedInto {
            guard merged != code, tree.isBelow(merged, actor.unit) else {
                throw DomainError(.mergedIntoInvalid(merged), details: ["mergedInto": "invalid"])
            }
        }
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else {
            throw DomainError(.closureReasonRequired, details: ["reason": "required"])
        }
        let notice = UnitClosureNotice(
            unit: code,
            closedOn: closedOn.description,
            mergedInto: request.mergedInto,
            reason: reason,
            decidedBy: actor.username,
            decidedByUnit: actor.unit,
            decidedAt: clock.now()
        )
        let view = try await database.pool.write { db -> ClosureView in
            if try ClosureStore.isClosed(code, db) {
                throw DomainError(.closureAlreadyRecorded(code))
            }
            let withdrawn = try keep(notice, by: actor, db)
            try tellAboutClosure(notice, except: nil, db)
            return ClosureView(
                unit: code,
                closedOn: closedOn.description,
                mergedInto: request.mergedInto,
                reason: reason,
                withdrawnFrom: withdrawn
            )
        }
        outboxSignal.notify()
        return view
    }

    /// Records the closure here and withdraws the unit from the assignments of every unit this
    /// node hosts above it. Returns the assignments it was withdrawn from.
    func keep(_ notice: UnitClosureNotice, by actor: Actor, _ db: Database) throws -> [String] {
        guard let closedOn = CalendarDate(notice.closedOn) else {
            throw Refusal("closing day \(notice.closedOn) is not a day")
        }
        try ClosureStore.record(
            unit: notice.unit,
            closedOn: closedOn.description,
            mergedInto: notice.mergedInto,
            reason: notice.reason,
            recordedBy: actor.username,
            recordedAt: clock.now(),
            db
        )
        try audit.record(
            db,
            actor,
            action: "unit.close",
            target: notice.unit,
            detail: "\(closedOn)\(notice.mergedInto.map { " → \($0)" } ?? ""): \(notice.reason)"
        )
        let why =
            "Đơn vị \(notice.mergedInto.map { "sáp nhập vào \($0)" } ?? "giải thể") từ ngày \(closedOn.vietnameseLabel): \(notice.reason)"
        var withdrawn: [String] = []
        for assigning in node.hosts where tree.isBelow(notice.unit, assigning) {
            for assignment in try AssignmentStore.assignments(by: assigning, db) {
                guard let deadline = CalendarDate(assignment.deadline) else { continue }
                let current = try expectations.expectation(of: assignment.id, db)
                guard let placed = current.expected.first(where: { $0.code == notice.unit }) else { continue }
                let reported = try ReportStore.hasReported(notice.unit, for: assignment.id, db)
                guard Expectation.closureWithdraws(closedOn: closedOn, deadline: deadline, hasReported: reported) else {
                    continue
                }
                _ = try expectations.appendAmendment(to: assignment, .withdrawn, placed, reason: why, by: actor, db)
                withdrawn.append(assignment.id)
            }
        }
        return withdrawn
    }

    /// Sends the closure on: up unless it came from the parent, down toward the unit's node
    /// unless it came from there or the unit lives here.
    func tellAboutClosure(_ notice: UnitClosureNotice, except direction: Inbox.Direction?, _ db: Database) throws {
        if direction != .fromParent, parent != nil {
            try enqueueUp(db, kind: .unitClosed, unit: node.unit, body: notice)
        }
        if direction != .fromChild, let child = deployment.childNode(of: node, toward: notice.unit) {
            try appendToFeed(db, audience: child.unit, kind: .unitClosed, unit: notice.unit, body: notice)
        }
    }

    /// A closure from a child (decided in its subtree, above the closed unit) or from the parent
    /// (decided above this node, about a unit it speaks for). The first one kept wins.
    func receive(
        _ notice: UnitClosureNotice,
        from message: Envelope,
        direction: Inbox.Direction,
        _ db: Database
    ) throws -> Inbox.Effect {
        guard tree.isBelow(notice.unit, notice.decidedByUnit) else {
            throw Refusal("unit \(notice.decidedByUnit) may not close \(notice.unit), which is not below it")
        }
        switch direction {
        case .fromChild:
            guard let sender = deployment.node(forUnit: message.origin),
                deployment.node(sender, speaksFor: notice.decidedByUnit)
            else {
                throw Refusal("node \(message.origin) may not speak for unit \(notice.decidedByUnit)")
            }
        case .fromParent:
            guard !deployment.node(node, speaksFor: notice.decidedByUnit), deployment.node(node, speaksFor: notice.unit)
            else {
                throw Refusal(
                    "a closure of \(notice.unit) decided by \(notice.decidedByUnit) does not come down to this node"
                )
            }
        }
        if try ClosureStore.isClosed(notice.unit, db) {
            return Inbox.Effect(detail: "closure of \(notice.unit) already held")
        }
        // The decision is the deciding admin's, at its unit; this node only carries it out.
        let decider = Actor(
            username: notice.decidedBy,
            unit: notice.decidedByUnit,
            role: .admin,
            address: "node:\(message.origin)"
        )
        let withdrawn = try keep(notice, by: decider, db)
        try tellAboutClosure(notice, except: direction, db)
        let down = direction != .fromChild && deployment.childNode(of: node, toward: notice.unit) != nil
        return Inbox.Effect(
            detail:
                "closure of \(notice.unit) from \(notice.closedOn) kept; withdrawn from \(withdrawn.count) assignment(s)",
            feed: down || !withdrawn.isEmpty,
            outbox: direction != .fromParent && parent != nil
        )
    }
}

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// A closure travels to every node that counts the unit: up to each ancestor's node and down to
/// the unit's own. Each keeps the first closure it hears of and withdraws the unit from the
/// assignments of the units it hosts above it (those due on or after the day, unless the unit
/// already reported), so the percentages at every level stop expecting it.
extension LocalNode {
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
                let current = try expectation(of: assignment.id, db)
                guard let placed = current.expected.first(where: { $0.code == notice.unit }) else { continue }
                let reported = try ReportStore.hasReported(notice.unit, for: assignment.id, db)
                guard Expectation.closureWithdraws(closedOn: closedOn, deadline: deadline, hasReported: reported) else {
                    continue
                }
                _ = try appendAmendment(to: assignment, .withdrawn, placed, reason: why, by: actor, db)
                withdrawn.append(assignment.id)
            }
        }
        return withdrawn
    }

    /// Sends the closure on: up unless it came from the parent, down toward the unit's node
    /// unless it came from there or the unit lives here.
    func tellAboutClosure(_ notice: UnitClosureNotice, except direction: Direction?, _ db: Database) throws {
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
        direction: Direction,
        _ db: Database
    ) throws -> Effect {
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
            return Effect(detail: "closure of \(notice.unit) already held")
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
        return Effect(
            detail:
                "closure of \(notice.unit) from \(notice.closedOn) kept; withdrawn from \(withdrawn.count) assignment(s)",
            feed: down || !withdrawn.isEmpty,
            outbox: direction != .fromParent && parent != nil
        )
    }
}

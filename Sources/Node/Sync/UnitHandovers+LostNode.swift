import Auth
import Federation
import Foundation
import GRDB

/// A child node asked to retire whose machine is lost (a dead disk, a theft, no backup): it will
/// never hand its units' life back, and its users could work nowhere. The admin who asked takes
/// the units back with what this node holds of them, as `kubectl delete node` forgets a dead one:
/// the approved reports it received (hosted here again), and the accounts as records, to be given
/// new activation codes (their secrets were on the lost machine). What the lost node had not sent
/// up is gone. The unit change `retired` goes up, and the lost node's certificates are revoked in
/// the same transaction (`NodePKI.retireLostNode`), so the machine, if found, can never sync again.
extension UnitHandovers {
    /// In the caller's transaction: the retirement asked of `childUnit`'s node completes without its
    /// package, and so does every other handover that waited for that node (a unit moving away
    /// from it moves with what this node holds; one offered to it stays here). Returns the
    /// handover and the deployment to swap in once the transaction commits.
    func retireLost(_ childUnit: String, by actor: Actor, _ db: Database) throws -> (View, Deployment) {
        guard actor.holds(.manageUsers), actor.unit == unit else { throw DomainError(.enrolmentOnlyOwnAdmins) }
        guard let asked = try HandoverStore.latest(.in, unit: childUnit, db), asked.state == .requested,
            asked.change == nil, let child = deployment.node(forUnit: childUnit), asked.node == child.name,
            let unitOfChild = tree[childUnit], let above = unitOfChild.parent
        else { throw DomainError(.retirementNotAsked(childUnit)) }
        var next = deployment
        for waiting in try HandoverStore.unfinished(node: child.name, db) where waiting.id != asked.id {
            if let move = waiting.change {
                // Its life never comes up: the move takes effect with what this node holds of it.
                do { next = try next.applying(move) } catch { throw DomainError(.unitChangeRefused(error.description)) }
                try apply(move, db)
                if let host = next.hostingNode(of: move.code), host.name != node.name {
                    _ = try offerOn(move, units: waiting.units, to: host, decidedBy: waiting.decidedBy, db)
                }
            }
            try HandoverStore.setState(waiting.id, to: .completed, rows: 0, at: clock.now(), db)
            try HandoverStore.noteRefusal(waiting.id, HandoverStore.lostNote, at: clock.now(), db)
        }
        let change = UnitChange(
            kind: .retired,
            code: childUnit,
            name: unitOfChild.name,
            level: unitOfChild.level,
            parent: above,
            decidedBy: actor.username,
            decidedAt: clock.now()
        )
        let units = next.node(forUnit: childUnit)?.hosts ?? child.hosts
        do { next = try next.applying(change) } catch {
            throw DomainError(.unitChangeRefused(error.description))
        }
        let assignments = try HandoverStore.assignments(of: units, db)
        let kept = try HandoverStore.hostAgain(units: units, at: clock.now(), db)
        try refreshFigures(of: units, in: assignments, db)
        try UnitChangeRecord(change, receivedFrom: nil, at: clock.now()).insert(db)
        try enqueueUp(db, kind: .unitChanged, unit: above, body: change)
        try HandoverStore.setState(asked.id, to: .completed, rows: 0, at: clock.now(), db)
        try HandoverStore.noteRefusal(asked.id, HandoverStore.lostNote, at: clock.now(), db)
        try audit.record(
            db,
            actor,
            action: "node.retired_lost",
            target: childUnit,
            detail:
                "node \(child.name)'s machine is lost: its units are hosted here again with \(kept.reports) "
                + "approved reports and \(kept.accounts) accounts to activate again"
        )
        logger.notice(
            "lost node retired",
            metadata: ["unit": "\(childUnit)", "node": "\(child.name)", "reports": "\(kept.reports)"]
        )
        return (View(try HandoverStore.find(asked.id, db)!), next)
    }
}

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// What an admin sends to move a unit below another parent.
package struct UnitMoveRequest: Codable, Sendable {
    var parent: String

    package init(parent: String) {
        self.parent = parent
    }
}

/// A unit moved, as the admin who moved it sees it: where it now lies and where its life is.
package struct UnitMoveView: Codable, Sendable {
    package let unit: String
    package let from: String
    package let parent: String
    /// The node that hosts the unit from now on.
    package let hostedBy: String
    /// The handover that carries the unit's life, when it lives on another node than before.
    package let handover: UnitHandovers.View?
}

/// A unit moved to another parent (administrative reorganisations: in 2025, 63 provinces became
/// 34). The admin of a node's own unit decides it for a unit of its subtree, when the unit and its
/// new parent are hosted here or by a child node. The change `moved` goes up to every ancestor and
/// down to the child nodes concerned; the unit's life moves with it, through this node: the child
/// that hosted it applies the move at once (it stops serving the unit) and hands its life up
/// (`unit.leaving`, then `POST /federation/v1/handback`) once everything it sent before has gone;
/// only then does this node apply the move, so what the old host sent arrives under the tree it
/// was sent in, and offers the life on to the child that hosts the new parent (`unit.arriving`,
/// then `GET /federation/v1/handover`). Each hop is the handover of a join or a retirement: one
/// transaction on each side, idempotent, retried until it goes through. Past periods keep their
/// figures: an assignment keeps each unit's placement at the time it was made.
extension UnitHandovers {
    // MARK: The deciding node's side

    /// `POST /units/{code}/move`: moves `code` (with its subtree) below `request.parent`.
    package func move(_ code: String, _ request: UnitMoveRequest, by actor: Actor) async throws -> UnitMoveView {
        guard actor.holds(.manageUsers), actor.unit == unit else { throw DomainError(.unitMoveOnlyOwnAdmins) }
        guard let moved = tree[code], tree.isInSubtree(code, of: unit) else { throw DomainError(.notFound(.unit)) }
        guard code != unit, let from = moved.parent else {
            throw DomainError(.unitChangeRefused("unit '\(code)' is this node's own: the node above moves it"))
        }
        let target = request.parent.trimmingCharacters(in: .whitespaces)
        guard tree[target] != nil, tree.isInSubtree(target, of: unit) else {
            throw DomainError(.unitChangeRefused("unknown parent unit '\(target)' in this node's subtree"))
        }
        let change = UnitChange(
            kind: .moved,
            code: code,
            name: moved.name,
            level: moved.level,
            parent: target,
            decidedBy: actor.username,
            decidedAt: clock.now(),
            from: from
        )
        let next: Deployment
        do { next = try deployment.applying(change) } catch {
            switch error {
            case .nodeInside(let unit, let node): throw DomainError(.unitHasNodeInside(unit: unit, node: node))
            default: throw DomainError(.unitChangeRefused(error.description))
            }
        }
        guard let leaving = deployment.hostingNode(of: code), let arriving = next.hostingNode(of: code) else {
            throw DomainError(.unitChangeRefused("unit '\(code)' is hosted by no node"))
        }
        for host in [leaving, arriving] where host.name != node.name && deployment.parent(of: host)?.name != node.name {
            let closer = deployment.childNode(of: node, toward: host.unit)?.name ?? host.name
            throw DomainError(.unitMoveDecidedCloser(unit: code, node: closer))
        }
        let units = tree.subtree(of: code).map(\.code)
        let view = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> UnitMoveView in
                // One move of a unit at a time, and none while the node it leaves or joins retires.
                for moving in units where try HandoverStore.underWay(touching: moving, db) != nil {
                    throw DomainError(.handoverUnderWay(moving))
                }
                for host in [leaving, arriving] where host.name != node.name {
                    if try HandoverStore.latest(.in, unit: host.unit, db)?.state == .requested {
                        throw DomainError(.handoverUnderWay(host.name))
                    }
                }
                try audit.record(db, actor, action: "unit.move", target: code, detail: "\(from) → \(target)")
                var handover: String?
                if leaving.name != node.name, leaving.name != arriving.name {
                    // The child that hosts it applies the move and hands its life up; this node
                    // applies it when the life arrives (`relay`).
                    let id = UUID().uuidString.lowercased()
                    try HandoverStore.insert(
                        id: id,
                        direction: .in,
                        unit: code,
                        units: units,
                        node: leaving.name,
                        state: .requested,
                        decidedBy: actor.username,
                        change: change,
                        at: clock.now(),
                        db
                    )
                    try announce(id, of: change, units: units, to: leaving, kind: .unitLeaving, db)
                    handover = id
                } else {
                    // Its life stays where it is, or is here and goes down to the new host now.
                    try apply(change, db)
                    if leaving.name == node.name, arriving.name != node.name {
                        handover = try offerOn(change, units: units, to: arriving, decidedBy: actor.username, db)
                    }
                    context.units.set(next)
                }
                return UnitMoveView(
                    unit: code,
                    from: from,
                    parent: target,
                    hostedBy: arriving.name,
                    handover: try handover.flatMap { try HandoverStore.find($0, db) }.map(View.init)
                )
            }
        }
        outboxSignal.notify()
        logger.notice(
            "unit moved",
            metadata: ["unit": "\(code)", "from": "\(from)", "to": "\(target)", "node": "\(view.hostedBy)"]
        )
        return view
    }

    /// Keeps a move decided here and sends it up and down to the child nodes it concerns.
    func apply(_ change: UnitChange, _ db: Database) throws {
        try UnitChangeRecord(change, receivedFrom: nil, at: clock.now()).insert(db)
        try enqueueUp(db, kind: .unitChanged, unit: change.parent, body: change)
        try UnitChanges(context: context).passDown(change, except: nil, db)
    }

    /// Offers a moved unit's life held here to the child node `child` that hosts it now.
    func offerOn(
        _ change: UnitChange,
        units: [String],
        to child: NodeDescription,
        decidedBy: String,
        _ db: Database
    ) throws -> String? {
        guard let id = try offer(unit: change.code, units: units, node: child.name, decidedBy: decidedBy, db) else {
            return nil
        }
        try announce(id, of: change, units: units, to: child, kind: .unitArriving, db)
        return id
    }

    /// Tells the child node `child` that a moved unit's life leaves it or arrives at it.
    private func announce(
        _ id: String,
        of change: UnitChange,
        units: [String],
        to child: NodeDescription,
        kind: MessageKind,
        _ db: Database
    ) throws {
        let notice = UnitMoveHandover(
            handover: id,
            unit: change.code,
            units: units,
            decidedBy: change.decidedBy,
            decidedAt: change.decidedAt,
            change: kind == .unitLeaving ? change : nil
        )
        // Leaving, the envelope names the parent the unit leaves (the child speaks for it);
        // arriving, the one it joins.
        let parent = kind == .unitLeaving ? change.from ?? change.parent : change.parent
        try appendToFeed(db, audience: child.unit, kind: kind, unit: parent, body: notice)
    }

    /// `POST /federation/v1/handback` from the child that hosted a moved unit: its life is written
    /// here and the move applied, in one transaction; when a child node hosts the unit now, the
    /// life is offered on to it.
    func relay(
        _ package: HandoverPackage,
        asked: HandoverStore.Record,
        from caller: String
    ) async throws
        -> HandoverDone
    {
        guard let change = asked.change else { throw HandoverRefused("handover \(asked.id) records no move") }
        try await checkArrived(package, from: caller)
        let done = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> HandoverDone in
                guard let current = try HandoverStore.find(asked.id, db), current.state == .requested else {
                    return try answerAgain(asked.id, db)
                }
                try checkEvidenceRecords(package)
                let next: Deployment
                do { next = try deployment.applying(change) } catch {
                    throw HandoverRefused("unit \(change.code) cannot move below \(change.parent) now: \(error)")
                }
                if let host = next.hostingNode(of: change.code), host.name != node.name,
                    try HandoverStore.latest(.in, unit: host.unit, db)?.state == .requested
                {
                    throw HandoverRefused("node \(host.name), where unit \(change.code) goes, is retiring: try later")
                }
                try apply(change, db)
                let owners = Set(next.tree.ancestors(of: change.code).map(\.code) + asked.units)
                let sealed = try HandoverStore.forMove(package.tables, owners: owners).map {
                    hostedHere(try secrets($0, with: key.seal))
                }
                let before = try HandoverStore.assignments(of: asked.units, db)
                let written = try HandoverStore.takeBack(sealed, units: asked.units, db)
                let assignments = Array(Set(before + (try HandoverStore.assignments(of: asked.units, db))))
                try refreshFigures(of: asked.units, in: assignments, db)
                try HandoverStore.setState(asked.id, to: .completed, rows: written, at: clock.now(), db)
                var onward = "hosted here"
                if let host = next.hostingNode(of: change.code), host.name != node.name,
                    try offerOn(change, units: asked.units, to: host, decidedBy: asked.decidedBy, db) != nil
                {
                    onward = "offered on to node \(host.name)"
                }
                try audit.record(
                    db,
                    actor: "node:\(caller)",
                    unit: unit,
                    action: "unit.moved",
                    target: change.code,
                    detail:
                        "\(change.from ?? "") → \(change.parent): \(written) rows of "
                        + "\(asked.units.joined(separator: ", ")) from node \(asked.node); \(onward)"
                )
                context.units.set(next)
                return HandoverDone(id: asked.id, rows: written, state: "completed")
            }
        }
        outboxSignal.notify()
        logger.notice("moved unit's life received", metadata: ["unit": "\(asked.unit)", "rows": "\(done.rows)"])
        return done
    }

    // MARK: The child nodes' side

    /// `unit.leaving`: a unit this node hosts moves elsewhere. The move is applied here at once
    /// (nobody here changes the unit's data from now on), its users' sessions end, and the push
    /// loop hands its life up once everything sent before has gone.
    func receiveLeaving(_ notice: UnitMoveHandover, _ db: Database) throws -> Inbox.Effect {
        if try HandoverStore.find(notice.handover, db) != nil {
            return Inbox.Effect(detail: "handover \(notice.handover) already held")
        }
        guard let change = notice.change, change.kind == .moved, change.code == notice.unit,
            let from = change.from
        else { throw Refusal("the notice of unit \(notice.unit) leaving carries no move of it") }
        guard deployment.node(node, speaksFor: from), notice.units.allSatisfy(hosts) else {
            throw Refusal("unit \(notice.unit) is not hosted here")
        }
        let next: Deployment
        do { next = try deployment.applying(change) } catch {
            throw Refusal("unit change \(change.id): \(error.description)")
        }
        if try !UnitChangeStore.holds(change.id, db) {
            try UnitChangeRecord(change, receivedFrom: parent?.unit, at: clock.now()).insert(db)
        }
        try HandoverStore.insert(
            id: notice.handover,
            direction: .out,
            unit: notice.unit,
            units: notice.units,
            node: parent?.name ?? "",
            state: .offered,
            decidedBy: notice.decidedBy,
            at: clock.now(),
            db
        )
        try HandoverStore.endSessions(of: notice.units, db)
        try HandoverStore.markServedBelow(notice.units, db)
        try audit.record(
            db,
            actor: "node:\(parent?.unit ?? "")",
            unit: unit,
            action: "unit.leaving",
            target: notice.unit,
            detail: "\(from) → \(change.parent), decided by \(notice.decidedBy); its life goes up"
        )
        // Last, once nothing more can fail in this message's savepoint.
        context.units.set(next)
        return Inbox.Effect(detail: "unit \(notice.unit) leaving: handover \(notice.handover)", outbox: true)
    }

    /// Hands up the life of units that moved away, once the outbox is empty: the evidence files,
    /// then the package; the parent's answer completes it here (this node keeps what it keeps of a
    /// unit elsewhere: approved reports as received ones, accounts as records without secrets).
    /// True when one was handed up.
    func handUpMoved(using client: FederationClient) async throws -> Bool {
        guard let parent else { return false }
        // Asked whenever the outbox empties: a read only when the table changed since it found none.
        guard
            let offered = try await context.handoverChanges.ask(
                .handUpMoved(to: parent.name),
                { try await database.pool.read { try HandoverStore.offeredUp(to: parent.name, except: unit, $0) } }
            )
        else { return false }
        let package = try await database.pool.read { db in
            // What answers to this node's units stays here (the move is applied: the tree says
            // which units are above the moved one now), and so do their files.
            let tables = try HandoverStore.forMove(
                HandoverStore.rows(of: offered.units, db),
                owners: Set(tree.ancestors(of: offered.unit).map(\.code) + offered.units)
            )
            let named = Set(
                tables.filter { ["attachments", "task_evidence"].contains($0.name) }.flatMap(\.rows).compactMap {
                    row -> String? in
                    if case .text(let sha256) = row["sha256"] { return sha256 }
                    return nil
                }
            )
            return HandoverPackage(
                id: offered.id,
                unit: offered.unit,
                units: offered.units,
                tables: try tables.map { try secrets($0, with: key.open) },
                evidence: try HandoverStore.files(of: offered.units, db).filter { named.contains($0.sha256) },
                feedCursor: try PeerStore.cursorAndEpoch(of: parent.unit, db).cursor
            )
        }
        for file in package.evidence where try await !client.hasEvidence(file.sha256, size: file.size) {
            try await client.sendEvidence(file.sha256, from: evidence.path(file.sha256), size: file.size)
        }
        let done = try await client.handBack(package)
        try await database.pool.write { db in
            guard try HandoverStore.find(offered.id, db)?.state == .offered else { return }
            let assignments = try HandoverStore.assignments(of: offered.units, db)
            let kept = try HandoverStore.keepAsBelow(units: offered.units, at: clock.now(), db)
            try refreshFigures(of: offered.units, in: assignments, db)
            try HandoverStore.setState(offered.id, to: .completed, rows: done.rows, at: clock.now(), db)
            try audit.record(
                db,
                actor: "node:\(parent.unit)",
                unit: unit,
                action: "unit.left",
                target: offered.unit,
                detail:
                    "the parent holds \(done.rows) rows; kept here \(kept.accounts) accounts as records, "
                    + "\(kept.reports) approved reports"
            )
        }
        logger.notice("moved unit's life handed up", metadata: ["unit": "\(offered.unit)", "rows": "\(done.rows)"])
        return true
    }

    /// `unit.arriving`: a unit moved below a unit hosted here; its life waits at the parent, and
    /// the sync loop takes it over before it reads the feed further.
    func receiveArriving(_ notice: UnitMoveHandover, _ db: Database) throws -> Inbox.Effect {
        if try HandoverStore.find(notice.handover, db) != nil {
            return Inbox.Effect(detail: "handover \(notice.handover) already held")
        }
        guard hosts(notice.unit) else {
            throw Refusal("unit \(notice.unit) is not hosted here: its move has not arrived")
        }
        try HandoverStore.insert(
            id: notice.handover,
            direction: .in,
            unit: notice.unit,
            units: notice.units,
            node: parent?.name ?? "",
            state: .expected,
            decidedBy: notice.decidedBy,
            at: clock.now(),
            db
        )
        try audit.record(
            db,
            actor: "node:\(parent?.unit ?? "")",
            unit: unit,
            action: "unit.arriving",
            target: notice.unit,
            detail: "decided by \(notice.decidedBy); its life comes from the parent"
        )
        return Inbox.Effect(detail: "unit \(notice.unit) arriving: handover \(notice.handover)")
    }
}

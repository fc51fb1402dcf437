import Auth
import Federation
import Foundation
import GRDB

/// A child node retired by its parent's admin: it hands its units' life back (the handover the
/// other way) and its parent's node hosts them again. The decision goes down the feed
/// (`node.retiring`); the child stops serving its users at once, sends the evidence files and
/// the package up once its outbox is empty (`POST /federation/v1/handback`), and stops; the
/// parent writes the rows in one transaction with the unit change `retired`, which travels up so
/// that every ancestor accepts the parent's signatures for those units again.
extension UnitHandovers {
    // MARK: The parent's side

    /// `POST /units/{code}/retire-node`: the admin of this node's own unit retires the node of a
    /// unit directly below. Refused for a unit without a node of its own here, or one with nodes
    /// running below it.
    package func requestRetirement(of childUnit: String, by actor: Actor) async throws -> View {
        guard actor.holds(.manageUsers), actor.unit == unit else { throw DomainError(.enrolmentOnlyOwnAdmins) }
        guard let child = deployment.children(of: node).first(where: { $0.unit == childUnit }) else {
            throw DomainError(.noChildNodeToRetire(childUnit), details: ["unit": "no_node"])
        }
        if let below = deployment.children(of: child).first {
            throw DomainError(.nodesRunBelow(unit: childUnit, node: below.name), details: ["unit": "nodes_below"])
        }
        let id = UUID().uuidString.lowercased()
        let now = clock.now()
        let record = try await database.pool.write { db -> HandoverStore.Record in
            if let asked = try HandoverStore.latest(.in, unit: childUnit, db), asked.state == .requested {
                return asked
            }
            try HandoverStore.insert(
                id: id,
                direction: .in,
                unit: childUnit,
                units: child.hosts,
                node: child.name,
                state: .requested,
                decidedBy: actor.username,
                at: now,
                db
            )
            let retirement = NodeRetirement(handover: id, unit: childUnit, decidedBy: actor.username, decidedAt: now)
            try appendToFeed(db, audience: childUnit, kind: .nodeRetiring, unit: childUnit, body: retirement)
            try audit.record(
                db,
                actor,
                action: "node.retire_requested",
                target: childUnit,
                detail: "node \(child.name): its units come back here (\(child.hosts.joined(separator: ", ")))"
            )
            return try HandoverStore.find(id, db)!
        }
        return View(record)
    }

    /// `POST /federation/v1/handback`: the retired child's package. Written in one transaction with
    /// the unit change `retired`; said again, it answers the same. Nil when no retirement of the
    /// caller's node was asked here.
    package func takeBack(_ package: HandoverPackage, from caller: String) async throws -> HandoverDone? {
        let asked = try await database.pool.read { db in try HandoverStore.find(package.id, db) }
        guard let asked, asked.direction == .in, package.unit == asked.unit else { return nil }
        // A retired node hands back its own units; a child that hosted a moved unit hands up its.
        let retiring = asked.unit == caller
        guard retiring || deployment.node(named: asked.node)?.unit == caller else { return nil }
        if asked.state == .completed { return try await database.pool.read { try answerAgain(asked.id, $0) } }
        do {
            return
                try await retiring
                ? writeBack(package, asked: asked, from: caller) : relay(package, asked: asked, from: caller)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Rows that do not fit this database: refused in words (409), not a server error.
            let refused = HandoverRefused("the rows do not fit this node's database: \(error.message ?? "\(error)")")
            try await database.pool.write { db in
                try HandoverStore.noteRefusal(asked.id, refused.description, at: clock.now(), db)
            }
            throw refused
        } catch let refused as HandoverRefused {
            // The child tries again; the admins following the retirement see why it waits.
            try await database.pool.write { db in
                try HandoverStore.noteRefusal(asked.id, refused.description, at: clock.now(), db)
            }
            throw refused
        }
    }

    private func writeBack(
        _ package: HandoverPackage,
        asked: HandoverStore.Record,
        from caller: String
    ) async throws -> HandoverDone {
        try await checkArrived(package, from: caller)
        guard let child = deployment.node(forUnit: caller), let unitOfChild = tree[caller],
            let above = unitOfChild.parent
        else { throw HandoverRefused("unit \(caller) has no node of its own here") }
        // Units moving away from it come up on their own (before the retirement's package).
        let movingUp = Set(
            try await database.pool.read { db in
                try HandoverStore.unfinished(node: child.name, db).filter { $0.direction == .in && $0.change != nil }
            }.flatMap(\.units)
        )
        let units = child.hosts.filter { !movingUp.contains($0) }
        let change = UnitChange(
            kind: .retired,
            code: caller,
            name: unitOfChild.name,
            level: unitOfChild.level,
            parent: above,
            decidedBy: asked.decidedBy,
            decidedAt: clock.now()
        )
        let done = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> HandoverDone in
                guard let current = try HandoverStore.find(asked.id, db), current.state == .requested else {
                    return try answerAgain(asked.id, db)
                }
                try checkEvidenceRecords(package)
                let sealed = try package.tables.map { hostedHere(try secrets($0, with: key.seal)) }
                let before = try HandoverStore.assignments(of: units, db)
                let written = try HandoverStore.takeBack(sealed, units: units, db)
                try refreshFigures(of: units, in: Array(Set(before + HandoverStore.assignments(of: units, db))), db)
                let next: Deployment
                do { next = try deployment.applying(change) } catch {
                    throw HandoverRefused("node \(child.name) cannot retire: \(error)")
                }
                try UnitChangeRecord(change, receivedFrom: nil, at: clock.now()).insert(db)
                try enqueueUp(db, kind: .unitChanged, unit: change.parent, body: change)
                try HandoverStore.setState(asked.id, to: .completed, rows: written, at: clock.now(), db)
                try audit.record(
                    db,
                    actor: "node:\(caller)",
                    unit: unit,
                    action: "node.retired",
                    target: caller,
                    detail: "node \(child.name) handed back \(written) rows of \(units.joined(separator: ", "))"
                )
                context.units.set(next)
                return HandoverDone(id: asked.id, rows: written, state: "completed")
            }
        }
        outboxSignal.notify()
        logger.notice("node retired", metadata: ["unit": "\(caller)", "node": "\(child.name)", "rows": "\(done.rows)"])
        return done
    }

    /// The answer to a package for a handover no longer waiting: "completed" again, or a refusal
    /// when it was closed because its node was lost (that node must not believe it handed back,
    /// nor throw its data away).
    func answerAgain(_ id: String, _ db: Database) throws -> HandoverDone {
        guard let closed = try HandoverStore.find(id, db) else { throw HandoverRefused("no handover \(id) here") }
        guard closed.refusal != HandoverStore.lostNote else { throw HandoverRefused(HandoverStore.lostNote) }
        return HandoverDone(id: id, rows: closed.rows, state: "completed")
    }

    /// A package handed up is taken only once its evidence files have arrived and the child has
    /// read everything this node sent it since (a decision made here would be undone otherwise).
    func checkArrived(_ package: HandoverPackage, from caller: String) async throws {
        for file in package.evidence where !evidence.contains(file.sha256, size: file.size) {
            throw HandoverRefused("evidence file \(file.sha256) has not arrived")
        }
        let unread = try await database.pool.read { db in
            try FeedStore.unread(for: caller, after: package.feedCursor ?? 0, db).count
        }
        guard unread == 0 else {
            throw HandoverRefused("node \(caller) has \(unread) entries of its feed still to read (decided here since)")
        }
    }

    /// Every evidence record of a package handed up names a file sent with it.
    func checkEvidenceRecords(_ package: HandoverPackage) throws {
        let files = Set(package.evidence.map(\.sha256))
        for table in package.tables where ["attachments", "task_evidence"].contains(table.name) {
            for row in table.rows {
                guard case .text(let sha256) = row["sha256"], files.contains(sha256) else {
                    throw HandoverRefused("an evidence record of \(table.name) names a file not sent")
                }
            }
        }
    }

    /// Whether a retirement of the node of `caller` was asked here: such a node may still hand
    /// back (or hear again that it did) after it left the tree.
    package func retirementAsked(of caller: String) async throws -> Bool {
        try await database.pool.read { db in try HandoverStore.latest(.in, unit: caller, db) != nil }
    }

    // MARK: The retired node's side

    /// `node.retiring` from the parent: this node offers its units' life back and ends its users'
    /// sessions; the push loop hands it back once the outbox is empty.
    func receiveRetirement(_ retirement: NodeRetirement, _ db: Database) throws -> Inbox.Effect {
        guard retirement.unit == unit else {
            throw Refusal("the retirement is for unit \(retirement.unit), not this node's \(unit)")
        }
        if try HandoverStore.find(retirement.handover, db) != nil {
            return Inbox.Effect(detail: "retirement \(retirement.handover) already held")
        }
        try HandoverStore.insert(
            id: retirement.handover,
            direction: .out,
            unit: unit,
            units: node.hosts,
            node: parent?.name ?? "",
            state: .offered,
            decidedBy: retirement.decidedBy,
            at: clock.now(),
            db
        )
        try HandoverStore.endSessions(of: node.hosts, db)
        try audit.record(
            db,
            actor: "node:\(parent?.unit ?? "")",
            unit: unit,
            action: "node.retiring",
            target: unit,
            detail: "decided by \(retirement.decidedBy); the units' life goes back to the parent"
        )
        return Inbox.Effect(detail: "node retiring: handover \(retirement.handover)", outbox: true)
    }

    /// Whether this node was retired and handed its life back: it syncs no more.
    package func retired() async throws -> Bool {
        try await database.pool.read { db in try HandoverStore.latest(.out, unit: unit, db)?.state == .completed }
    }

    /// Hands the units' life back to the parent if a retirement asks for it: the evidence files
    /// first, then the package. True when it did (the node is then retired).
    func handBack(using client: FederationClient) async throws -> Bool {
        // Asked whenever the outbox empties: a read only when the table changed since it found none.
        guard
            let offered = try await context.handoverChanges.ask(
                .handBack,
                {
                    try await database.pool.read { try HandoverStore.latest(.out, unit: unit, $0) }
                        .flatMap { $0.state == .offered ? $0 : nil }
                }
            )
        else { return false }
        let package = try await database.pool.read { db in
            HandoverPackage(
                id: offered.id,
                unit: unit,
                units: offered.units,
                tables: try HandoverStore.rows(of: offered.units, db).map { try secrets($0, with: key.open) },
                evidence: try HandoverStore.files(of: offered.units, db),
                feedCursor: try parent.map { try PeerStore.cursorAndEpoch(of: $0.unit, db).cursor }
            )
        }
        for file in package.evidence where try await !client.hasEvidence(file.sha256, size: file.size) {
            try await client.sendEvidence(file.sha256, from: evidence.path(file.sha256), size: file.size)
        }
        let done = try await client.handBack(package)
        try await database.pool.write { db in
            try HandoverStore.setState(offered.id, to: .completed, rows: done.rows, at: clock.now(), db)
            try audit.record(
                db,
                actor: "node:\(parent?.unit ?? "")",
                unit: unit,
                action: "node.retired",
                target: unit,
                detail: "the parent holds \(done.rows) rows; this node syncs no more"
            )
        }
        logger.notice("node retired: its units are hosted by the parent again", metadata: ["rows": "\(done.rows)"])
        return true
    }
}

extension UnitHandovers.View {
    init(_ record: HandoverStore.Record) {
        self.init(
            id: record.id,
            direction: record.direction,
            unit: record.unit,
            units: record.units,
            node: record.node,
            state: record.state,
            rows: record.rows,
            decidedBy: record.decidedBy,
            refusal: record.refusal,
            createdAt: record.createdAt,
            updatedAt: record.updatedAt
        )
    }
}

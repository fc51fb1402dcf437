import Auth
import Federation
import Foundation
import GRDB

/// A unit's life moving to the unit's own new node. When a node joins for a unit its parent
/// hosted, the parent offers the unit's rows (`offer`, in the enrolment's transaction) and stops
/// serving its users; the new node, before it syncs anything else, fetches them and their
/// evidence files, writes them in one transaction and tells the parent (`takeOver`); the parent
/// then keeps only what it keeps of any node below (`complete`). Either side may crash at any
/// point: the package is read from the parent's database each time it is asked for, the import is
/// one transaction recorded with the handover's state, and both ends are idempotent.
package struct UnitHandovers: NodeService {
    let context: NodeContext
    /// Evidence files, next to the database (the new node fetches the package's files into it).
    let evidence: EvidenceStore
    let evidencePolicy: EvidencePolicy
    /// The figures kept of each assignment, brought up to date with the reports a handover moves.
    let keptFigures: KeptFigures
    /// Seals second-factor secrets at rest: each node has its own, so a secret travels open inside
    /// the package (mutual TLS only, never logged) and is sealed again by the node that keeps it.
    let key: NodeKey

    /// One handover as an administrator sees it.
    package struct View: Codable, Sendable {
        package let id: String
        package let direction: HandoverDirection
        package let unit: String
        package let units: [String]
        package let node: String
        package let state: HandoverState
        package let rows: Int
        package let decidedBy: String
        /// Why the last attempt was refused ('' when none was).
        package let refusal: String
        package let createdAt: Date
        package let updatedAt: Date
    }

    // MARK: The parent's side

    /// In the enrolment's transaction: when this node holds rows of `units`' life, offers them to
    /// the node joining for `unit` and ends its users' sessions here. Nil when there is nothing.
    func offer(unit joining: String, units: [String], node: String, decidedBy: String, _ db: Database) throws -> String?
    {
        let rows = try HandoverStore.rowCount(of: units, db)
        guard rows > 0 else { return nil }
        let id = UUID().uuidString.lowercased()
        try HandoverStore.insert(
            id: id,
            direction: .out,
            unit: joining,
            units: units,
            node: node,
            state: .offered,
            decidedBy: decidedBy,
            at: clock.now(),
            db
        )
        try HandoverStore.setState(id, to: .offered, rows: rows, at: clock.now(), db)
        try HandoverStore.endSessions(of: units, db)
        try HandoverStore.markServedBelow(units, db)
        try audit.record(
            db,
            actor: decidedBy,
            unit: unit,
            action: "handover.offered",
            target: joining,
            detail: "node \(node): \(rows) rows of \(units.joined(separator: ", "))"
        )
        return id
    }

    /// The handover offered to the node of `unit` and not yet taken over, if any.
    func stillOffered(to unit: String, _ db: Database) throws -> String? {
        guard let offered = try HandoverStore.latest(.out, unit: unit, db), offered.state == .offered else {
            return nil
        }
        return offered.id
    }

    /// The handover `id` (or, without one, the latest) offered to the node of `caller`.
    private func offered(to caller: String, id: String?, _ db: Database) throws -> HandoverStore.Record? {
        guard let name = deployment.node(forUnit: caller)?.name else { return nil }
        let offered = try HandoverStore.offered(to: name, db)
        return id.map { id in offered.first { $0.id == id } } ?? offered.last
    }

    /// `GET /federation/v1/handover`: the package `id` (or the latest) offered to the node of
    /// `caller`, read now: the life of its own unit when it joined, or of a unit moved below it.
    package func package(for caller: String, id: String?) async throws -> HandoverPackage? {
        try await database.pool.read { db in
            guard let offered = try offered(to: caller, id: id, db) else { return nil }
            let package = HandoverPackage(
                id: offered.id,
                unit: offered.unit,
                units: offered.units,
                tables: try HandoverStore.rows(of: offered.units, db).map { try secrets($0, with: key.open) },
                evidence: try HandoverStore.files(of: offered.units, db)
            )
            logger.notice(
                "unit life sent",
                metadata: [
                    "unit": "\(caller)", "handover": "\(offered.id)", "rows": "\(package.rowCount)",
                    "files": "\(package.evidence.count)",
                ]
            )
            return package
        }
    }

    /// Whether the node of `caller` may fetch evidence file `sha256`: one its offered package names.
    package func mayFetchFile(_ sha256: String, caller: String) async throws -> Bool {
        try await database.pool.read { db in
            guard let name = deployment.node(forUnit: caller)?.name else { return false }
            return try HandoverStore.offered(to: name, db).contains {
                try HandoverStore.names(sha256, units: $0.units, db)
            }
        }
    }

    /// `POST /federation/v1/handover/{id}/done`: the new node holds the rows. This node keeps what
    /// it keeps of any node below (accounts as records without secrets, approved reports as
    /// received ones); said again, it answers the same. Nil for a handover not offered to `caller`.
    package func complete(_ id: String, rows: Int, from caller: String) async throws -> HandoverDone? {
        try await database.pool.write { db in
            guard let offered = try HandoverStore.find(id, db), offered.direction == .out,
                offered.node == deployment.node(forUnit: caller)?.name
            else { return nil }
            if offered.state == .completed { return HandoverDone(id: id, rows: offered.rows, state: "completed") }
            // Read before the reports that leave are gone: their assignments are refreshed too.
            let assignments = try HandoverStore.assignments(of: offered.units, db)
            let kept = try HandoverStore.keepAsBelow(units: offered.units, at: clock.now(), db)
            try refreshFigures(of: offered.units, in: assignments, db)
            try HandoverStore.setState(id, to: .completed, rows: nil, at: clock.now(), db)
            try audit.record(
                db,
                actor: "node:\(caller)",
                unit: unit,
                action: "handover.completed",
                target: caller,
                detail:
                    "node \(offered.node) holds \(rows) rows; kept here \(kept.accounts) accounts as records, "
                    + "\(kept.reports) approved reports"
            )
            logger.notice(
                "unit handed over",
                metadata: ["unit": "\(caller)", "node": "\(offered.node)", "rows": "\(rows)"]
            )
            return HandoverDone(id: id, rows: offered.rows, state: "completed")
        }
    }

    /// `GET /handovers`: the handovers of this node, both ways, for the admin of its own unit.
    package func list(for actor: Actor) async throws -> [View] {
        guard actor.holds(.manageUsers), actor.unit == unit else { throw DomainError(.nodesOnlyOwnAdmins) }
        return try await database.pool.read { db in
            try HandoverStore.all(db).map {
                View(
                    id: $0.id,
                    direction: $0.direction,
                    unit: $0.unit,
                    units: $0.units,
                    node: $0.node,
                    state: $0.state,
                    rows: $0.rows,
                    decidedBy: $0.decidedBy,
                    refusal: $0.refusal,
                    createdAt: $0.createdAt,
                    updatedAt: $0.updatedAt
                )
            }
        }
    }

    /// The kept figures of every assignment `units` take part in, brought up to date (in the
    /// caller's transaction) with the reports just written or removed.
    func refreshFigures(of units: [String], in assignments: [String]? = nil, _ db: Database) throws {
        for id in try assignments ?? HandoverStore.assignments(of: units, db) {
            guard let assignment = try KeptFiguresStore.assignment(id, db) else { continue }
            try keptFigures.refresh(assignment, units: units, db)
        }
    }

    /// The accounts as the node that takes them in keeps them: hosted there.
    func hostedHere(_ table: HandoverTable) -> HandoverTable {
        guard table.name == "accounts" else { return table }
        return HandoverTable(
            name: table.name,
            rows: table.rows.map { row in
                var row = row
                row["hosted_here"] = .integer(1)
                return row
            }
        )
    }

    /// The accounts' second-factor secrets opened (to send) or sealed (to keep) with this node's key.
    func secrets(_ table: HandoverTable, with transform: (Data) throws -> Data) throws -> HandoverTable {
        guard table.name == "accounts" else { return table }
        return HandoverTable(
            name: table.name,
            rows: try table.rows.map { row in
                guard case .blob(let secret) = row["totp_secret"] else { return row }
                var row = row
                row["totp_secret"] = .blob(try transform(secret))
                return row
            }
        )
    }

    // MARK: The new node's side

    /// At enrolment, in the new node's fresh database: the handover its parent announced.
    package static func expect(
        _ id: String,
        unit: String,
        from parent: String,
        in database: NodeDatabase,
        at now: Date
    )
        throws
    {
        try database.pool.write { db in
            try HandoverStore.insert(
                id: id,
                direction: .in,
                unit: unit,
                units: [unit],
                node: parent,
                state: .expected,
                decidedBy: "node:\(parent)",
                at: now,
                db
            )
        }
    }

    /// Takes over the handover the parent announced (this node's own unit's life when it joined, or
    /// a unit's moved below it), if one is pending: fetches the package and its
    /// evidence files, writes the rows in one transaction, and tells the parent. Safe to call again
    /// after any failure or crash; a call with nothing pending does nothing.
    func takeOver(using client: FederationClient) async throws {
        // Asked before every feed page: a read only when the table changed since it found none.
        guard
            let pending = try await context.handoverChanges.ask(
                .takeOver,
                { try await database.pool.read { try HandoverStore.pendingIn($0) } }
            )
        else { return }
        var rows = pending.rows
        if pending.state == .expected {
            let package = try await client.handover(id: pending.id)
            guard package.id == pending.id, package.unit == pending.unit else {
                throw HandoverRefused(
                    "the parent offers handover \(package.id) of \(package.unit); this node expects \(pending.id)"
                )
            }
            for file in package.evidence where !evidence.contains(file.sha256, size: file.size) {
                let stored = try await evidence.store(
                    try await client.evidence(file.sha256),
                    limit: max(evidencePolicy.maximumBytes, file.size),
                    expected: file.sha256
                )
                guard stored.size == file.size else {
                    throw HandoverRefused("evidence file \(file.sha256) is \(stored.size) bytes, not \(file.size)")
                }
            }
            rows = try await database.pool.write { db in
                guard let current = try HandoverStore.find(pending.id, db), current.state == .expected else {
                    return try HandoverStore.find(pending.id, db)?.rows ?? 0
                }
                // A unit moved back to a node that once hosted it: its records here give way.
                let written = try HandoverStore.replace(
                    try package.tables.map { hostedHere(try secrets($0, with: key.seal)) },
                    units: package.units,
                    db
                )
                try refreshFigures(of: package.units, db)
                try HandoverStore.setState(pending.id, to: .imported, rows: written, at: clock.now(), db)
                try HandoverStore.setUnits(pending.id, package.units, db)
                try audit.record(
                    db,
                    actor: "node:\(pending.node)",
                    unit: unit,
                    action: "handover.imported",
                    target: package.unit,
                    detail:
                        "\(written) rows of \(package.units.joined(separator: ", ")), \(package.evidence.count) files"
                )
                return written
            }
            logger.notice("unit life taken over", metadata: ["handover": "\(pending.id)", "rows": "\(rows)"])
        }
        let done = try await client.handoverDone(HandoverDone(id: pending.id, rows: rows, state: "imported"))
        try await database.pool.write { db in
            try HandoverStore.setState(pending.id, to: .completed, rows: nil, at: clock.now(), db)
            try audit.record(
                db,
                actor: "node:\(pending.node)",
                unit: unit,
                action: "handover.completed",
                target: unit,
                detail: "the parent answered \(done.state)"
            )
        }
    }
}

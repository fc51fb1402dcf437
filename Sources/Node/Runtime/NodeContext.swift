import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Logging
import NIOPosix

/// What every use case of a node works with, and nothing more: the database, the clock, the
/// deployment as it now stands, the audit trail, the signals that wake the sync loop, the logger.
/// `LocalNode` owns it and builds every service from it (`Reports`, `Accounts`, `Inbox`, ... —
/// ARCHITECTURE.md lists them by room); what only some services need (the password hasher, the
/// evidence files, the node's certificate, CA and verifier) is passed to those alone.
package struct NodeContext: Sendable {
    package let database: NodeDatabase
    /// The time of day for everything the node decides: deadlines, sessions, audit entries.
    package let clock: any WallClock
    /// The topology with the units added or renamed since (see `LiveDeployment`).
    let units: LiveDeployment
    /// Wakes a long-polling child when a feed entry for it is committed.
    let feedSignal = FeedSignal()
    /// Children's pushes and status reports that arrive at once, written in one transaction.
    let inboxGroup = InboxGroupCommit()
    /// Notified when an upward message is committed (wakes the push loop).
    let outboxSignal = ChangeSignal()
    /// Notified when statuses from below changed (wakes the status report toward the parent).
    let statusSignal = ChangeSignal()
    /// The last contact with each peer, written to the `peers` table only when it changes
    /// something or has aged (`PeerContacts`).
    let contacts = PeerContacts()
    /// Whether the `handovers` table changed since the sync loop last found nothing to do there.
    let handoverChanges = HandoverChanges()
    /// Each parent's epoch as the `peers` table holds it (`Epochs`).
    let peerEpochs = PeerEpochs()
    /// This node's own epoch once read (`Epochs.own()`).
    let ownEpoch = OwnEpoch()
    package let logger: Logger

    init(database: NodeDatabase, clock: any WallClock, units: LiveDeployment, logger: Logger) {
        self.database = database
        self.clock = clock
        self.units = units
        self.logger = logger
        // Wakes the children whose feed entries a transaction of the writer committed.
        database.pool.add(transactionObserver: feedSignal, extent: .observerLifetime)
        database.pool.add(transactionObserver: handoverChanges, extent: .observerLifetime)
    }

    /// Records every change, in the same transaction, at `clock`'s time.
    var audit: AuditTrail { AuditTrail(clock: clock) }
    /// This node as the deployment now describes it.
    var node: NodeDescription { units.node }
    var deployment: Deployment { units.deployment }
    var tree: UnitTree { deployment.tree }
    var parent: NodeDescription? { deployment.parent(of: node) }
    /// This node's own unit.
    var unit: String { node.unit }

    /// True when `unit`'s users and data live on this node.
    func hosts(_ unit: String) -> Bool { node.hosts.contains(unit) }

    /// Appends an entry for `audience` (a child node's unit) inside the caller's transaction; the
    /// child's waiting poll answers when the transaction commits. A body that writes its own JSON
    /// (a receipt, one per report received) is not handed to the encoder.
    func appendToFeed(_ db: Database, audience: String, kind: MessageKind, unit: String, body: some Encodable) throws {
        let encoded = try (body as? any FederationJSONBody)?.federationJSON() ?? JSONEncoder.federation.encode(body)
        let envelope = Envelope(origin: self.unit, kind: kind, unit: unit, body: encoded)
        // Noted first: outside a transaction the append commits at once.
        feedSignal.willAppend(for: audience)
        try FeedStore.append(envelope, audience: audience, at: clock.now(), db)
        try noteSent(envelope, upward: false, db)
    }

    /// Queues a message for the parent inside the caller's transaction; no-op at the centre.
    /// Call `outboxSignal.notify()` after the transaction commits.
    func enqueueUp(_ db: Database, kind: MessageKind, unit: String, body: some Encodable) throws {
        guard parent != nil else { return }
        let envelope = Envelope(
            origin: self.unit,
            kind: kind,
            unit: unit,
            body: try JSONEncoder.federation.encode(body)
        )
        try OutboxStore.enqueue(envelope, at: clock.now(), db)
        try noteSent(envelope, upward: true, db)
    }

    /// Notes, inside the sending transaction, that this node sends `envelope` on (as its origin or
    /// as a relay), so that the fate recorded when it arrived says "relayed" and receipts coming
    /// back know where to go.
    func noteSent(_ envelope: Envelope, upward: Bool, _ db: Database) throws {
        guard MessageTrace.traced(envelope.kind, upward: upward) else { return }
        let trace = MessageTrace(kind: envelope.kind, unit: envelope.unit, body: envelope.body)
        try ReceiptStore.noteSent(
            trace: trace.key,
            kind: envelope.kind.rawValue,
            unit: envelope.unit,
            subject: trace.subject,
            node: unit,
            at: clock.now(),
            db
        )
    }
}

/// A use case of the node, working on the shared `NodeContext`: it reads the context's parts as
/// its own (`database`, `clock`, `audit`, `tree`, `hosts(_:)`, ...), and nothing else of the node.
protocol NodeService: Sendable {
    var context: NodeContext { get }
}

extension NodeService {
    var database: NodeDatabase { context.database }
    var clock: any WallClock { context.clock }
    var audit: AuditTrail { context.audit }
    var logger: Logger { context.logger }
    var node: NodeDescription { context.node }
    var deployment: Deployment { context.deployment }
    var tree: UnitTree { context.tree }
    var parent: NodeDescription? { context.parent }
    var unit: String { context.unit }
    var feedSignal: FeedSignal { context.feedSignal }
    var outboxSignal: ChangeSignal { context.outboxSignal }
    var statusSignal: ChangeSignal { context.statusSignal }
    var contacts: PeerContacts { context.contacts }

    func hosts(_ unit: String) -> Bool { context.hosts(unit) }

    func appendToFeed(_ db: Database, audience: String, kind: MessageKind, unit: String, body: some Encodable) throws {
        try context.appendToFeed(db, audience: audience, kind: kind, unit: unit, body: body)
    }

    func enqueueUp(_ db: Database, kind: MessageKind, unit: String, body: some Encodable) throws {
        try context.enqueueUp(db, kind: kind, unit: unit, body: body)
    }
}

/// Hashes and checks account secrets (passwords, activation and recovery codes) with bcrypt, off
/// the cooperative pool: it is deliberately slow. Given only to the services that handle secrets.
struct SecretHashing: Sendable {
    let hasher: PasswordHasher

    func hash(_ secret: String) async throws -> String {
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.hash(secret) }
    }

    func verify(_ secret: String, hash: String) async throws -> Bool {
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.verify(secret, hash: hash) }
    }
}

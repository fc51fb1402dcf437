import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// What the sync loop knows without reading the database before and after every feed page and
/// push: that no handover waits (until a transaction writes the `handovers` table), and the
/// parent's epoch (kept from the commits that record it). Each answer must be the one a read of
/// the table would give at that moment. And what a push no longer does: delivered messages past
/// their retention are forgotten by the hourly pruning, not by every acknowledgement.
@Suite struct SyncLoopReadsTests {
    static func cursor(_ node: LocalNode, _ peer: String) async throws -> Int64? {
        try await node.database.pool.read { db in try PeerStore.cursor(of: peer, db) }
    }

    static func restorations(_ node: LocalNode) async throws -> Int {
        try await node.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE action = 'sync.parent-restored'") ?? 0
        }
    }

    @Test func noHandoverStandsUntilATransactionWritesTheTable() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let commune = try nodes.open("kinh-bac")
        let now = nodes.clock.now()
        let changes = commune.context.handoverChanges
        #expect(!changes.knownNone(.takeOver), "a new process knows nothing")

        var seen = changes.generation
        #expect(try await commune.database.pool.read { db in try HandoverStore.pendingIn(db) } == nil)
        changes.noteNone(.takeOver, asOf: seen)
        changes.noteNone(.handBack, asOf: seen)
        #expect(changes.knownNone(.takeOver) && changes.knownNone(.handBack))
        #expect(!changes.knownNone(.handUpMoved(to: "bac-ninh")), "a question not asked is not answered")

        // Other tables change nothing; a transaction that rolls back neither.
        try await commune.database.pool.write { db in try PeerStore.noteContact("BNI", cursor: 3, at: now, db) }
        struct Abandoned: Error {}
        await #expect(throws: Abandoned.self) {
            try await commune.database.pool.write { db in
                try HandoverStore.insert(
                    id: "abandoned",
                    direction: .in,
                    unit: "BNI-KB",
                    units: ["BNI-KB"],
                    node: "bac-ninh",
                    state: .expected,
                    decidedBy: "test",
                    at: now,
                    db
                )
                throw Abandoned()
            }
        }
        #expect(changes.knownNone(.takeOver))

        // A handover committed: every question is asked again, and the read finds it.
        try UnitHandovers.expect("h-1", unit: "BNI-KB", from: "bac-ninh", in: commune.database, at: now)
        #expect(!changes.knownNone(.takeOver) && !changes.knownNone(.handBack))
        #expect(try await commune.database.pool.read { db in try HandoverStore.pendingIn(db) }?.id == "h-1")

        // "None" read while a handover committed is not kept: the read may have missed it.
        try await commune.database.pool.write { db in
            try HandoverStore.setState("h-1", to: .completed, rows: 0, at: now, db)
        }
        seen = changes.generation
        try await commune.database.pool.write { db in
            try HandoverStore.setState("h-1", to: .imported, rows: 0, at: now, db)
        }
        changes.noteNone(.takeOver, asOf: seen)
        #expect(!changes.knownNone(.takeOver))
    }

    @Test func theParentsEpochIsKnownAsTheTableHoldsIt() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        var commune = try nodes.open("kinh-bac")
        let now = nodes.clock.now()
        #expect(try await commune.epochs.noteParentEpoch("A", of: "BNI") == false, "the first epoch changes nothing")
        try await commune.database.pool.write { db in try PeerStore.noteContact("BNI", cursor: 7, at: now, db) }
        #expect(try await commune.epochs.noteParentEpoch("A", of: "BNI") == false)
        #expect(try await Self.cursor(commune, "BNI") == 7)

        // The push loop meets a new epoch while the pull loop applies a page of the former one:
        // the page's cursor, committed after, goes back to 0.
        #expect(try await commune.epochs.noteParentEpoch("B", of: "BNI") == true)
        #expect(try await Self.cursor(commune, "BNI") == 0)
        try await commune.database.pool.write { db in try PeerStore.noteContact("BNI", cursor: 9, at: now, db) }
        try await commune.epochs.dropCursorUnless(epoch: "A", of: "BNI")
        #expect(try await Self.cursor(commune, "BNI") == 0)
        // A page of the new epoch keeps its cursor; the same epoch again restores nothing.
        try await commune.database.pool.write { db in try PeerStore.noteContact("BNI", cursor: 5, at: now, db) }
        try await commune.epochs.dropCursorUnless(epoch: "B", of: "BNI")
        #expect(try await commune.epochs.noteParentEpoch("B", of: "BNI") == false)
        #expect(try await Self.cursor(commune, "BNI") == 5)
        #expect(try await Self.restorations(commune) == 1)

        // A new process learns the epoch from the table.
        try commune.database.pool.close()
        commune = try nodes.open("kinh-bac")
        #expect(try await commune.epochs.noteParentEpoch("B", of: "BNI") == false)
        try await commune.epochs.dropCursorUnless(epoch: "A", of: "BNI")
        #expect(try await Self.cursor(commune, "BNI") == 0)
        #expect(try await commune.epochs.noteParentEpoch("C", of: "BNI") == true)
        #expect(try await Self.restorations(commune) == 2)
    }

    @Test func deliveredMessagesPastTheirRetentionAreForgottenByThePruning() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let commune = try nodes.open("kinh-bac")
        let now = nodes.clock.now()
        let old = Envelope(origin: "BNI-KB", kind: .receipt, unit: "BNI-KB", body: Data("{}".utf8))
        let recent = Envelope(origin: "BNI-KB", kind: .receipt, unit: "BNI-KB", body: Data("[]".utf8))
        try await commune.database.pool.write { db in
            try OutboxStore.enqueue(old, at: now, db)
            try OutboxStore.enqueue(recent, at: now, db)
            try OutboxStore.markDelivered(
                messageID: old.id,
                at: now.addingTimeInterval(-Outbox.deliveredRetention - 86_400),
                db
            )
        }
        // An acknowledgement forgets nothing.
        try await commune.outbox.acknowledge([MessageResult(id: recent.id, status: .applied, detail: "")])
        let delivered = { @Sendable in
            try await commune.database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT message_id FROM delivered ORDER BY seq")
            }
        }
        #expect(try await delivered() == [old.id, recent.id])

        let pruning = Task { try await ParkedRetry(local: commune, interval: .milliseconds(20)).run() }
        defer { pruning.cancel() }
        let deadline = ContinuousClock.now + .seconds(30)
        while try await delivered() != [recent.id] {
            guard ContinuousClock.now < deadline else { throw TestFailure("the old delivered message stayed") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

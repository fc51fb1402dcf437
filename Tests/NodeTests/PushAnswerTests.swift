import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// The receipts a parent's push answer carries and the pushed batch they settle commit in one
/// transaction: a failure leaves both undone (the batch is pushed again, and its replay brings
/// the receipts again), and a receipt that parks here still settles the batch.
@Suite struct PushAnswerTests {
    static func receipt(at node: String, _ fate: Receipt.Fate, _ time: Date) throws -> Envelope {
        let receipt = Receipt(
            trace: "report.approved:R1:1",
            kind: .reportApproved,
            unit: "BNI-KB",
            subject: "report:R1",
            node: node,
            fate: fate,
            reason: nil,
            at: time
        )
        return Envelope(origin: "BNI", kind: .receipt, unit: "BNI-KB", body: try receipt.federationJSON())
    }

    /// Whether the receipt's envelope is in the inbox, and whether the pushed message still waits.
    static func state(_ node: LocalNode, receipt: Envelope, pushed: Envelope) async throws -> [Bool] {
        try await node.database.pool.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE message_id = ?", arguments: [receipt.id])
                    == 1,
                try OutboxStore.pending(limit: 10, maxBytes: PushRequest.targetBytes, db).map(\.id) == [pushed.id],
            ]
        }
    }

    /// Kinh Bắc's node with one message pushed and waiting for its answer.
    static func communeWithPushedMessage(_ nodes: LocalNodes) async throws -> (LocalNode, Envelope) {
        let commune = try nodes.open("kinh-bac")
        let pushed = Envelope(origin: "BNI-KB", kind: .indicatorValue, unit: "BNI-KB", body: Data("{}".utf8))
        let now = nodes.clock.now()
        try await commune.database.pool.write { db in try OutboxStore.enqueue(pushed, at: now, db) }
        return (commune, pushed)
    }

    @Test func theAnswersReceiptsAndTheSettledBatchCommitTogether() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let (commune, pushed) = try await Self.communeWithPushedMessage(nodes)
        let now = nodes.clock.now()
        let answer = [MessageResult(id: pushed.id, status: .applied, detail: "kept")]
        let outbox = commune.outbox
        let relayed = try Self.receipt(at: "BNI", .relayed, now)

        await #expect(throws: TestFailure.self) {
            _ = try await commune.inbox.receive([relayed], direction: .fromParent) { db in
                try outbox.settle(answer, db)
                throw TestFailure("the disk is full")
            }
        }
        #expect(try await Self.state(commune, receipt: relayed, pushed: pushed) == [false, true])

        let results = try await commune.inbox.receive([relayed], direction: .fromParent) { db in
            try outbox.settle(answer, db)
        }
        #expect(results.map(\.status) == [.applied])
        #expect(try await Self.state(commune, receipt: relayed, pushed: pushed) == [true, false])
        let fate = try await commune.database.pool.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT fate FROM receipts WHERE trace = 'report.approved:R1:1' AND node = 'BNI'"
            )
        }
        #expect(fate == "relayed")
    }

    @Test func aReceiptThatParksStillSettlesTheBatch() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let (commune, pushed) = try await Self.communeWithPushedMessage(nodes)
        let now = nodes.clock.now()
        let outbox = commune.outbox
        // A parent may not say what happened at this node: the receipt parks, the batch settles.
        let forged = try Self.receipt(at: "BNI-KB", .kept, now)
        let results = try await commune.inbox.receive([forged], direction: .fromParent) { db in
            try outbox.settle([MessageResult(id: pushed.id, status: .applied, detail: "kept")], db)
        }
        #expect(results.map(\.status) == [.parked])
        #expect(try await Self.state(commune, receipt: forged, pushed: pushed) == [true, false])
    }
}

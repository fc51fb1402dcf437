import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting
import Synchronization
import Testing

@testable import Node

/// Children's pushes that arrive while the province's writer is busy are written in one
/// transaction, each in its own savepoint: each push gets its own results, a message pushed twice
/// at once is applied once, a push that fails is undone alone, and nothing is answered before
/// the transaction holding it has committed.
@Suite struct InboxGroupCommitTests {
    /// Counts the commits of a database's writer that received messages (inserted into `inbox`).
    final class Commits: TransactionObserver, Sendable {
        private let state = Mutex((commits: 0, inserting: false))
        var value: Int { state.withLock { $0.commits } }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            if case .insert(let table) = eventKind { return table == "inbox" }
            return false
        }
        func databaseDidChange(with event: DatabaseEvent) { state.withLock { $0.inserting = true } }
        func databaseDidCommit(_ db: Database) {
            state.withLock { state in
                if state.inserting { state.commits += 1 }
                state.inserting = false
            }
        }
        func databaseDidRollback(_ db: Database) { state.withLock { $0.inserting = false } }
    }

    /// Bắc Ninh's node, with its commits that received messages counted.
    static func provinceCountingCommits(in nodes: LocalNodes) throws -> (LocalNode, Commits) {
        let province = try nodes.open("bac-ninh")
        let commits = Commits()
        province.database.pool.add(transactionObserver: commits, extent: .observerLifetime)
        return (province, commits)
    }

    /// A push of one approved report of `unit` for `period`, signed by `node` (with `evidence`
    /// named, if any).
    static func push(
        _ unit: String,
        signedBy node: String,
        in nodes: LocalNodes,
        period: Period = .month(2026, 11),
        evidence: [Evidence] = []
    ) throws -> [Envelope] {
        let report = ApprovedReport(
            reportId: UUID().uuidString,
            assignmentId: "A1",
            formOwner: "TW",
            formCode: "F",
            formVersion: 1,
            period: period,
            unit: unit,
            answers: Answers(["q": .number(3)]),
            approvedBy: "\(unit.lowercased()).approver",
            approvedAt: TestDay.start,
            message: nil,
            approvalCount: 1,
            evidence: evidence
        )
        let credentials = try nodes.credentials(node)
        let signer = try PayloadSigner(
            certificatePEM: credentials.certificatePEM,
            privateKeyPEM: credentials.privateKeyPEM
        )
        let body = try JSONEncoder.federation.encode(try signer.sign(try JSONEncoder.federation.encode(report)))
        return [Envelope(origin: unit, kind: .reportApproved, unit: unit, body: body)]
    }

    /// Holds the province's database write lock from a connection of the test's own until all
    /// `pushes` wait behind it (the first in the writer, blocked in SQLite's busy wait on the
    /// writer's queue, the others for the next group), then lets it go; returns each push's
    /// outcome. No thread of the test waits: the lock is a transaction left open.
    static func pushedWhileTheWriterIsBusy(
        _ pushes: [(batch: [Envelope], from: String)],
        to province: LocalNode
    ) async throws -> [Result<[MessageResult], any Error>] {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: province.database.path, configuration: configuration)
        try await holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let inbox = province.inbox
        let outcomes = Task {
            await withTaskGroup(of: (Int, Result<[MessageResult], any Error>).self) { group in
                for (index, push) in pushes.enumerated() {
                    group.addTask {
                        do {
                            return (
                                index,
                                .success(try await inbox.receive(push.batch, direction: .fromChild, contact: push.from))
                            )
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var outcomes: [Int: Result<[MessageResult], any Error>] = [:]
                for await (index, outcome) in group { outcomes[index] = outcome }
                return pushes.indices.map { outcomes[$0]! }
            }
        }
        // Until every push waits (signatures are checked before, on readers the lock does not
        // hold); well within the writer's busy timeout (10 s).
        var looks = 0
        while province.context.inboxGroup.unanswered < pushes.count {
            looks += 1
            if looks > 1_000 {
                try await holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
                Issue.record("the pushes never queued behind the held write lock")
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        if looks <= 1_000 { try await holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") } }
        try holder.close()
        return await outcomes.value
    }

    @Test func pushesArrivingAtOnceShareOneCommitAndEachGetsItsOwnResults() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let (province, commits) = try Self.provinceCountingCommits(in: nodes)
        let kinhBac = try Self.push("BNI-KB", signedBy: "kinh-bac", in: nodes)
        let yenPhong = try Self.push("BNI-YP", signedBy: "yen-phong", in: nodes)
        let again = try Self.push("BNI-KB", signedBy: "kinh-bac", in: nodes, period: .month(2026, 10))
        let outcomes = try await Self.pushedWhileTheWriterIsBusy(
            [(kinhBac, "BNI-KB"), (yenPhong, "BNI-YP"), (kinhBac, "BNI-KB"), (again, "BNI-KB")],
            to: province
        )
        let results = try outcomes.map { try $0.get() }
        #expect(results.map { $0.map(\.id) } == [kinhBac, yenPhong, kinhBac, again].map { $0.map(\.id) })
        #expect(results.allSatisfy { $0.map(\.status) == [.applied] })
        // Kinh Bắc's report pushed twice at once: applied by one push, the other answered from the inbox.
        #expect(Set([results[0][0].replayed, results[2][0].replayed]) == [false, true])
        #expect(!results[1][0].replayed && !results[3][0].replayed)
        // Three pushes received messages (the fourth was answered from the inbox), in at most two
        // commits: the group the first one started (taken as soon as it arrived) and the next one
        // (all that arrived meanwhile). Written alone, they would take three.
        #expect(commits.value <= 2)
        let (reports, relayed, inbox) = try await province.database.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!
            )
        }
        #expect(reports == 3 && relayed == 3 && inbox == 3)
    }

    @Test func aPushThatFailsIsUndoneAloneAndTheOthersAreDurableWhenAnswered() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let (province, commits) = try Self.provinceCountingCommits(in: nodes)
        let missing = Evidence(
            id: UUID().uuidString,
            stage: .approve,
            fileName: "bien-ban.pdf",
            contentType: "application/pdf",
            size: 10,
            sha256: String(repeating: "a", count: 64)
        )
        let kinhBac = try Self.push("BNI-KB", signedBy: "kinh-bac", in: nodes)
        let waiting = try Self.push("BNI-YP", signedBy: "yen-phong", in: nodes, evidence: [missing])
        let yenPhong = try Self.push("BNI-YP", signedBy: "yen-phong", in: nodes)
        let forged = try Self.push("BNI-YP", signedBy: "kinh-bac", in: nodes)
        let outcomes = try await Self.pushedWhileTheWriterIsBusy(
            [(kinhBac, "BNI-KB"), (waiting, "BNI-YP"), (yenPhong, "BNI-YP"), (forged, "BNI-YP")],
            to: province
        )
        #expect(throws: EvidenceMissing.self) { try outcomes[1].get() }
        #expect(try outcomes[0].get().map(\.status) == [.applied])
        #expect(try outcomes[2].get().map(\.status) == [.applied])
        let refused = try outcomes[3].get()
        #expect(refused.map(\.status) == [.parked] && refused[0].detail.contains("does not host"), "\(refused)")
        // Three pushes received messages, in one group or two (three when written alone): the
        // one that failed was undone inside a group that committed.
        #expect(commits.value <= 2)
        // What was answered is on disk: a connection opened afterwards finds it, and nothing of
        // the push that failed (its sender pushes again once the file is sent).
        let reopened = try DatabaseQueue(path: province.database.path)
        let received = try await reopened.read { db in
            try String.fetchAll(db, sql: "SELECT message_id FROM inbox ORDER BY message_id")
        }
        #expect(received == [kinhBac[0].id, yenPhong[0].id, forged[0].id].sorted())
        let kept = try await reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports")! }
        #expect(kept == 2)
    }
}

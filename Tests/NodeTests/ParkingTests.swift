import Federation
import Foundation
import GRDB
import Testing

@testable import Node

/// "Parked" means parked: only a refusal of the message itself parks it; a failure of the moment
/// (a sender killed mid-push, a node shutting down, a busy database) fails the batch.
@Suite struct ParkingTests {
    @Test func onlyRefusalsPark() {
        #expect(Inbox.parks(Refusal("signed by another node")))
        #expect(Inbox.parks(DatabaseError(resultCode: .SQLITE_CONSTRAINT)))
        #expect(!Inbox.parks(CancellationError()))
        #expect(!Inbox.parks(DatabaseError(resultCode: .SQLITE_INTERRUPT)))
        #expect(!Inbox.parks(DatabaseError(resultCode: .SQLITE_BUSY)))
        #expect(!Inbox.parks(EvidenceMissing(fileName: "a.pdf", sha256: String(repeating: "0", count: 64))))
    }

    /// A push cancelled on the receiving side applies nothing and records nothing; the copy sent
    /// again is applied as new, not answered as a parked replay.
    @Test func aCancelledPushParksNothing() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let body = try JSONEncoder.federation.encode(
            UnitClosureNotice(
                unit: "BNI-KB",
                closedOn: "2099-11-01",
                mergedInto: nil,
                reason: "Sáp nhập",
                decidedBy: "bni.admin",
                decidedByUnit: "BNI",
                decidedAt: TestDay.start
            )
        )
        let batch = [Envelope(origin: "BNI", kind: .unitClosed, unit: "BNI", body: body)]
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await centre.inbox.receive(batch, direction: .fromChild)
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        let held = try await centre.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!
        }
        #expect(held == 0, "nothing recorded, nothing parked")
        let resent = try await centre.inbox.receive(batch, direction: .fromChild)
        #expect(resent.map(\.status) == [.applied])
        #expect(resent.allSatisfy { !$0.replayed })
    }

    /// A unit renamed before the centre has heard of the unit is parked; once the unit's
    /// registration (its addition) arrives, the rename is retried and applied, once.
    @Test func aParkedMessageIsAppliedOnceWhenWhatItLackedArrives() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        func envelope(_ kind: UnitChange.Kind, name: String) throws -> Envelope {
            let change = UnitChange(
                kind: kind,
                code: "BNI-MOI",
                name: name,
                level: .commune,
                parent: "BNI",
                decidedBy: "bni.admin",
                decidedAt: TestDay.start
            )
            return Envelope(
                origin: "BNI",
                kind: .unitChanged,
                unit: "BNI",
                body: try JSONEncoder.federation.encode(change)
            )
        }
        let rename = try envelope(.renamed, name: "Xã Mới Đổi Tên")
        let early = try await centre.inbox.receive([rename], direction: .fromChild)
        #expect(early.map(\.status) == [.parked], "\(early)")
        let parked = try await centre.database.pool.read { db in try ParkedStore.all(db) }
        #expect(parked.map(\.state) == ["parked"])

        let added = try await centre.inbox.receive([try envelope(.added, name: "Xã Mới")], direction: .fromChild)
        #expect(added.map(\.status) == [.applied], "\(added)")
        #expect(centre.tree["BNI-MOI"]?.name == "Xã Mới Đổi Tên", "the parked rename applied by itself")
        let (state, inbox, changes) = try await centre.database.pool.read { db in
            (
                try ParkedStore.all(db).first?.state,
                try String.fetchOne(
                    db,
                    sql: "SELECT status FROM inbox WHERE message_id = ?",
                    arguments: [rename.id]
                ),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unit_changes")!
            )
        }
        #expect(state == "applied")
        #expect(inbox == "applied", "the inbox answers a replay with the new result")
        #expect(changes == 2)

        // Retrying again, or the sender sending it again, applies nothing twice.
        #expect(await centre.parked.retryAll() == 0)
        let replay = try await centre.inbox.receive([rename], direction: .fromChild)
        #expect(replay.first?.replayed == true && replay.first?.status == .applied)
        #expect(
            try await centre.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM unit_changes")! } == 2
        )
    }
}

import Federation
import Foundation
import GRDB
import Testing

@testable import Node

/// "Parked" means parked: only a refusal of the message itself parks it; a failure of the moment
/// (a sender killed mid-push, a node shutting down, a busy database) fails the batch.
@Suite struct ParkingTests {
    @Test func onlyRefusalsPark() {
        #expect(LocalNode.parks(Refusal("signed by another node")))
        #expect(LocalNode.parks(DatabaseError(resultCode: .SQLITE_CONSTRAINT)))
        #expect(!LocalNode.parks(CancellationError()))
        #expect(!LocalNode.parks(DatabaseError(resultCode: .SQLITE_INTERRUPT)))
        #expect(!LocalNode.parks(DatabaseError(resultCode: .SQLITE_BUSY)))
        #expect(!LocalNode.parks(EvidenceMissing(fileName: "a.pdf", sha256: String(repeating: "0", count: 64))))
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
            return try await centre.receive(batch, direction: .fromChild)
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        let held = try await centre.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!
        }
        #expect(held == 0, "nothing recorded, nothing parked")
        let resent = try await centre.receive(batch, direction: .fromChild)
        #expect(resent.map(\.status) == [.applied])
        #expect(resent.allSatisfy { !$0.replayed })
    }
}

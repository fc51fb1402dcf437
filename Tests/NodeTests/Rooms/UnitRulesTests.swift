import Auth
import Federation
import Foundation
import Hierarchy
import Testing

@testable import Node

/// The units room on its own: Bắc Ninh's node over a temporary SQLite file, no listener. Who may
/// add and rename units, what a change leaves behind (the tree now, after a restart, the message
/// up, the entry down) and what is refused.
@Suite struct UnitRulesTests {
    let nodes: LocalNodes
    let province: LocalNode

    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)

    init() throws {
        nodes = try LocalNodes()
        province = try nodes.open("bac-ninh")
    }

    @Test func anAddedCommuneIsHostedHereTravelsUpAndOutlivesARestart() async throws {
        defer { nodes.remove() }
        let added = try await province.unitChanges.add(
            NewUnit(code: "BNI-QV", name: "  Phường   Quế Võ "),
            by: Self.admin
        )
        #expect(added.code == "BNI-QV")
        #expect(province.tree["BNI-QV"]?.name == "Phường Quế Võ")
        #expect(province.tree["BNI-QV"]?.parent == "BNI" && province.tree["BNI-QV"]?.level == .commune)
        #expect(province.hosts("BNI-QV"))

        // Told up, in the same transaction.
        let up = try await province.database.pool.read { db in
            try OutboxStore.pending(limit: 100, maxBytes: 1 << 20, db)
        }
        #expect(up.map(\.kind) == [.unitChanged])

        // The change is data: the node reopened from its database knows the unit.
        let reopened = try nodes.open("bac-ninh")
        #expect(reopened.tree["BNI-QV"]?.name == "Phường Quế Võ" && reopened.hosts("BNI-QV"))
    }

    @Test func aRenameBelowGoesDownToTheNodeItConcerns() async throws {
        defer { nodes.remove() }
        _ = try await province.unitChanges.rename("BNI-KB", UnitRename(name: "Phường Kinh Bắc mới"), by: Self.admin)
        #expect(province.tree["BNI-KB"]?.name == "Phường Kinh Bắc mới")
        let down = try await province.database.pool.read { db in
            try FeedStore.entries(for: "BNI-KB", after: 0, limit: 100, db).entries
        }
        #expect(down.map(\.envelope.kind).contains(.unitChanged))
        let toYenPhong = try await province.database.pool.read { db in
            try FeedStore.entries(for: "BNI-YP", after: 0, limit: 100, db).entries
        }
        #expect(!toYenPhong.map(\.envelope.kind).contains(.unitChanged), "a rename concerns only its subtree")
    }

    @Test func refusedChangesLeaveTheTreeAsItWas() async throws {
        defer { nodes.remove() }
        let before = province.tree.subtree(of: "BNI").map(\.code)
        let takenCode = await refusal {
            _ = try await province.unitChanges.add(NewUnit(code: "BNI-KB", name: "Trùng"), by: Self.admin)
        }
        guard case .unitCodeTaken = takenCode else {
            Issue.record("expected unitCodeTaken, got \(String(describing: takenCode))")
            return
        }
        let foreignCode = await refusal {
            _ = try await province.unitChanges.add(NewUnit(code: "LCA-XY", name: "Xã lạ"), by: Self.admin)
        }
        guard case .unitCodeInvalid = foreignCode else {
            Issue.record("expected unitCodeInvalid, got \(String(describing: foreignCode))")
            return
        }
        let noName = await refusal {
            _ = try await province.unitChanges.add(NewUnit(code: "BNI-X", name: "   "), by: Self.admin)
        }
        guard case .unitNameRequired = noName else {
            Issue.record("expected unitNameRequired, got \(String(describing: noName))")
            return
        }
        let wrongLevel = await refusal {
            _ = try await province.unitChanges.add(
                NewUnit(code: "BNI-Y", name: "Tỉnh con", level: .province),
                by: Self.admin
            )
        }
        guard case .onlyLevelBelow = wrongLevel else {
            Issue.record("expected onlyLevelBelow, got \(String(describing: wrongLevel))")
            return
        }
        // Not the province's clerk; not Tiên Du's admin renaming its neighbour.
        let clerk = Actor(username: "bni.nhaplieu", unit: "BNI", role: .dataEntry)
        #expect(
            await refusal { _ = try await province.unitChanges.add(NewUnit(code: "BNI-Z", name: "Z"), by: clerk) }
                != nil
        )
        let neighbour = Actor(username: "td.quantri", unit: "BNI-TD", role: .admin)
        let rename = await refusal {
            _ = try await province.unitChanges.rename("BNI-YP", UnitRename(name: "Đổi"), by: neighbour)
        }
        #expect(rename != nil)

        #expect(province.tree.subtree(of: "BNI").map(\.code) == before)
        #expect(province.tree["BNI-YP"]?.name == "Xã Yên Phong")
        let queued = try await province.database.pool.read { db in try OutboxStore.pendingCount(db) }
        #expect(queued == 0)
    }
}

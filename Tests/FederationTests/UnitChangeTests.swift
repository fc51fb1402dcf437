import Foundation
import Hierarchy
import Testing

@testable import Federation

/// Units added or renamed over the topology: the same validation as the topology file, plus the
/// rule that keeps codes from colliding between subtrees (a new code starts with its parent's).
@Suite struct UnitChangeTests {
    let deployment = try! Deployment(demoTopology)

    func change(
        _ code: String,
        kind: UnitChange.Kind = .added,
        name: String = "Xã mới",
        level: Level = .commune,
        parent: String = "BNI"
    ) -> UnitChange {
        UnitChange(
            kind: kind,
            code: code,
            name: name,
            level: level,
            parent: parent,
            decidedBy: "bni.admin",
            decidedAt: Date(timeIntervalSince1970: 0)
        )
    }

    @Test func anAddedUnitIsHostedByItsParentsNode() throws {
        let next = try deployment.applying(change("BNI-QV", name: "  Xã  Quế Võ "))
        #expect(next.tree["BNI-QV"] == Unit(code: "BNI-QV", name: "Xã Quế Võ", level: .commune, parent: "BNI"))
        #expect(next.hostingNode(of: "BNI-QV")?.name == "bac-ninh")
        #expect(next.node(named: "bac-ninh")?.hosts == ["BNI", "BNI-TD", "BNI-QV"])
        #expect(next.node(next.node(named: "bac-ninh")!, speaksFor: "BNI-QV"))
        #expect(next.relation(of: "BNI-QV", to: next.node(named: "bac-ninh")!) == .stranger, "no node of its own")
        #expect(deployment.tree["BNI-QV"] == nil, "the original is untouched")
        // A province added at the centre is hosted by the centre's node.
        #expect(
            try deployment.applying(change("TW-HN", level: .province, parent: "TW")).hostingNode(of: "TW-HN")?.name
                == "centre"
        )
    }

    /// Issue I: a unit hosted by its parent's node gets a node of its own; the node is a child of
    /// the parent's, speaks for the unit, and the parent's node no longer hosts it.
    @Test func aJoinedNodeTakesItsUnitFromItsParentsNode() throws {
        let joined = UnitChange(
            kind: .hosted,
            code: "BNI-TD",
            name: "Xã Tiên Du",
            level: .commune,
            parent: "BNI",
            decidedBy: "bni.admin",
            decidedAt: Date(timeIntervalSince1970: 0),
            node: JoinedNode(name: "tien-du", web: "0.0.0.0:8443", federation: "0.0.0.0:8444")
        )
        let next = try deployment.applying(joined)
        let tienDu = try #require(next.node(named: "tien-du"))
        #expect(tienDu.unit == "BNI-TD" && tienDu.hosts == ["BNI-TD"])
        #expect(next.hostingNode(of: "BNI-TD")?.name == "tien-du")
        #expect(next.node(named: "bac-ninh")?.hosts.contains("BNI-TD") == false)
        #expect(next.relation(of: "BNI-TD", to: next.node(named: "bac-ninh")!) == .child)
        #expect(next.parent(of: tienDu)?.name == "bac-ninh")
        // Once: the unit has its node now; a node name is never taken twice; a join names its node.
        #expect(throws: UnitChangeProblem.alreadyHosted(unit: "BNI-TD", node: "tien-du")) {
            try next.applying(joined)
        }
        let sameName = UnitChange(
            kind: .hosted,
            code: "BNI-TD",
            name: "Xã Tiên Du",
            level: .commune,
            parent: "BNI",
            decidedBy: "x",
            decidedAt: Date(timeIntervalSince1970: 0),
            node: JoinedNode(name: "bac-ninh", web: "0.0.0.0:1", federation: "0.0.0.0:2")
        )
        #expect(
            throws: UnitChangeProblem.invalidNode(
                "node name 'bac-ninh' is not a free name of letters, digits and inner '-'"
            )
        ) { try deployment.applying(sameName) }
        #expect(throws: UnitChangeProblem.invalidNode("a node that joins must be named")) {
            try deployment.applying(change("BNI-TD", kind: .hosted))
        }
    }

    /// A unit cannot get a node above nodes already running inside it: they would find a new
    /// parent they do not pull from.
    @Test func noNodeJoinsAboveRunningNodes() throws {
        let province = try deployment.applying(change("TW-HN", level: .province, parent: "TW"))
        let commune = try province.applying(change("TW-HN-BD", parent: "TW-HN"))
        func join(_ code: String, _ parent: String, _ level: Level, node: String) -> UnitChange {
            UnitChange(
                kind: .hosted,
                code: code,
                name: "Mới",
                level: level,
                parent: parent,
                decidedBy: "tw.admin",
                decidedAt: Date(timeIntervalSince1970: 0),
                node: JoinedNode(name: node, web: "0.0.0.0:1", federation: "0.0.0.0:2")
            )
        }
        let joined = try commune.applying(join("TW-HN-BD", "TW-HN", .commune, node: "ba-dinh"))
        #expect(joined.parent(of: joined.node(named: "ba-dinh")!)?.name == "centre")
        #expect(throws: UnitChangeProblem.invalidNode("node 'ba-dinh' already runs inside unit 'TW-HN'")) {
            try joined.applying(join("TW-HN", "TW", .province, node: "ha-noi"))
        }
        // Before the commune's node, the province could have joined, taking the commune along.
        let first = try commune.applying(join("TW-HN", "TW", .province, node: "ha-noi"))
        #expect(first.hostingNode(of: "TW-HN-BD")?.name == "ha-noi")
    }

    /// Issue I.5: a retired node's units are hosted by the node of its unit's parent again; a node
    /// with nodes below cannot retire; a unit without a node has none to retire; it may join again.
    @Test func aRetiredNodesUnitsGoBackToItsParentsNode() throws {
        let kinhBac = try #require(deployment.node(named: "kinh-bac"))
        let retired = try deployment.applying(change(kinhBac.unit, kind: .retired, name: "Phường Kinh Bắc"))
        #expect(retired.node(named: "kinh-bac") == nil)
        #expect(retired.hostingNode(of: kinhBac.unit)?.name == "bac-ninh")
        #expect(Set(retired.node(named: "bac-ninh")!.hosts).isSuperset(of: kinhBac.hosts))
        #expect(throws: UnitChangeProblem.invalidNode("unit '\(kinhBac.unit)' has no node of its own to retire")) {
            try retired.applying(change(kinhBac.unit, kind: .retired))
        }
        do {
            _ = try deployment.applying(change("BNI", kind: .retired, level: .province, parent: "TW"))
            Issue.record("a node with nodes below retired")
        } catch {
            #expect(error.description.hasSuffix("runs below node 'bac-ninh'"), "\(error)")
        }
        let again = UnitChange(
            kind: .hosted,
            code: kinhBac.unit,
            name: "Phường Kinh Bắc",
            level: .commune,
            parent: "BNI",
            decidedBy: "bni.admin",
            decidedAt: Date(timeIntervalSince1970: 0),
            node: JoinedNode(name: "kinh-bac-2", web: "0.0.0.0:1", federation: "0.0.0.0:2")
        )
        #expect(try retired.applying(again).hostingNode(of: kinhBac.unit)?.name == "kinh-bac-2")
    }

    /// Issue I.5: a unit moved to another parent keeps its code and name, lies below its new parent
    /// and is hosted by the node hosting it; a unit with a node inside does not move, nor does one
    /// to a parent of another level or to the one it has.
    @Test func aMovedUnitIsHostedByItsNewParentsNode() throws {
        func move(_ code: String, from: String, to parent: String, level: Level = .commune) -> UnitChange {
            UnitChange(
                kind: .moved,
                code: code,
                name: deployment.tree[code]?.name ?? code,
                level: level,
                parent: parent,
                decidedBy: "tw.admin",
                decidedAt: Date(timeIntervalSince1970: 0),
                from: from
            )
        }
        let moved = try deployment.applying(move("BNI-TD", from: "BNI", to: "LCA"))
        #expect(moved.tree["BNI-TD"]?.parent == "LCA")
        #expect(moved.tree["BNI-TD"]?.name == deployment.tree["BNI-TD"]?.name)
        #expect(moved.hostingNode(of: "BNI-TD")?.name == "lao-cai")
        #expect(moved.node(named: "bac-ninh")?.hosts.contains("BNI-TD") == false)
        #expect(moved.tree.children(of: "LCA").map(\.code).contains("BNI-TD"))
        #expect(!moved.tree.children(of: "BNI").map(\.code).contains("BNI-TD"))
        // And back, as a later reorganisation may decide.
        let back = try moved.applying(move("BNI-TD", from: "LCA", to: "BNI"))
        #expect(back.hostingNode(of: "BNI-TD")?.name == "bac-ninh")
        let cases: [(UnitChange, UnitChangeProblem)] = [
            (move("BNI-KB", from: "BNI", to: "LCA"), .nodeInside(unit: "BNI-KB", node: "kinh-bac")),
            (move("BNI-TD", from: "BNI", to: "BNI"), .alreadyBelow(unit: "BNI-TD", parent: "BNI")),
            (move("BNI-TD", from: "LCA", to: "BNI"), .notTheParent(unit: "BNI-TD", parent: "LCA")),
            (move("BNI-TD", from: "BNI", to: "LCA-SP"), .wrongLevel("BNI-TD")),
            (move("BNI-TD", from: "BNI", to: "HN"), .unknownParent("HN")),
            (move("BNI", from: "TW", to: "LCA", level: .province), .wrongLevel("BNI")),
        ]
        for (change, problem) in cases {
            #expect(throws: problem, "\(change.code) → \(change.parent)") { try deployment.applying(change) }
        }
        let decoded = try JSONDecoder().decode(
            UnitChange.self,
            from: try JSONEncoder().encode(move("BNI-TD", from: "BNI", to: "LCA"))
        )
        #expect(decoded.from == "BNI")
    }

    @Test func aRenameKeepsTheCodeAndTheShape() throws {
        let next = try deployment.applying(change("BNI-KB", kind: .renamed, name: "Phường Kinh Bắc"))
        #expect(next.tree["BNI-KB"]?.name == "Phường Kinh Bắc")
        #expect(next.node(forUnit: "BNI-KB")?.name == "kinh-bac")
        #expect(next.tree.count == deployment.tree.count)
    }

    @Test func badChangesAreRefusedWithTheirReason() {
        let cases: [(UnitChange, UnitChangeProblem)] = [
            (change("QV"), .codeOutsideParent(code: "QV", parent: "BNI")),
            (change("BNI-"), .invalidCode("BNI-")),
            (change("BNI-Q V"), .invalidCode("BNI-Q V")),
            (change("LCA-QV"), .codeOutsideParent(code: "LCA-QV", parent: "BNI")),
            (change("BNI-kb"), .codeInUse("BNI-kb")),
            (change("BNI-QV", name: " \n "), .emptyName),
            (change("BNI-QV", name: String(repeating: "x", count: 201)), .nameTooLong),
            (change("BNI-QV", level: .province), .wrongLevel("BNI-QV")),
            (change("BNI-KB-X", parent: "BNI-KB"), .noLevelBelow("BNI-KB")),
            (change("HN-X", parent: "HN"), .unknownParent("HN")),
            (change("BNI-QV", kind: .renamed), .unknownUnit("BNI-QV")),
            (change("LCA-SP", kind: .renamed), .notTheParent(unit: "LCA-SP", parent: "BNI")),
        ]
        for (change, problem) in cases {
            #expect(throws: problem, "\(change.code)") { try deployment.applying(change) }
        }
    }

    @Test func changesTravelAsJSON() throws {
        let original = change("BNI-QV")
        let decoded = try JSONDecoder().decode(UnitChange.self, from: try JSONEncoder().encode(original))
        #expect(decoded == original)
    }
}

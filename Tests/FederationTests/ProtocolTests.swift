import Foundation
import Hierarchy
import Testing

@testable import Federation

/// The demo shape, built in code: centre, two provinces, four communes, one hosted by its province.
let demoTopology = Topology(
    name: "test",
    units: [
        Unit(code: "TW", name: "Trung ương", level: .central, parent: nil),
        Unit(code: "BNI", name: "Bắc Ninh", level: .province, parent: "TW"),
        Unit(code: "BNI-KB", name: "Kinh Bắc", level: .commune, parent: "BNI"),
        Unit(code: "BNI-YP", name: "Yên Phong", level: .commune, parent: "BNI"),
        Unit(code: "BNI-TD", name: "Tiên Du", level: .commune, parent: "BNI"),
        Unit(code: "LCA", name: "Lào Cai", level: .province, parent: "TW"),
        Unit(code: "LCA-SP", name: "Sa Pa", level: .commune, parent: "LCA"),
    ],
    nodes: [
        NodeDescription(name: "centre", unit: "TW", hosts: ["TW"], web: "127.0.0.1:1", federation: "127.0.0.1:2"),
        NodeDescription(
            name: "bac-ninh",
            unit: "BNI",
            hosts: ["BNI", "BNI-TD"],
            web: "127.0.0.1:3",
            federation: "127.0.0.1:4"
        ),
        NodeDescription(
            name: "kinh-bac",
            unit: "BNI-KB",
            hosts: ["BNI-KB"],
            web: "127.0.0.1:5",
            federation: "127.0.0.1:6"
        ),
        NodeDescription(
            name: "yen-phong",
            unit: "BNI-YP",
            hosts: ["BNI-YP"],
            web: "127.0.0.1:7",
            federation: "127.0.0.1:8"
        ),
        NodeDescription(name: "lao-cai", unit: "LCA", hosts: ["LCA"], web: "127.0.0.1:9", federation: "127.0.0.1:10"),
        NodeDescription(
            name: "sa-pa",
            unit: "LCA-SP",
            hosts: ["LCA-SP"],
            web: "127.0.0.1:11",
            federation: "127.0.0.1:12"
        ),
    ]
)

@Suite struct DeploymentTests {
    let deployment = try! Deployment(demoTopology)

    @Test func relatesNodesByTheTree() {
        let province = deployment.node(named: "bac-ninh")!
        #expect(deployment.parent(of: province)?.name == "centre")
        #expect(deployment.children(of: province).map(\.name).sorted() == ["kinh-bac", "yen-phong"])
        #expect(deployment.relation(of: "TW", to: province) == .parent)
        #expect(deployment.relation(of: "BNI-KB", to: province) == .child)
        #expect(deployment.relation(of: "LCA-SP", to: province) == .stranger)
        #expect(deployment.relation(of: "LCA", to: province) == .stranger)
        #expect(deployment.relation(of: "BNI-TD", to: province) == .stranger, "a hosted commune has no node of its own")
        #expect(
            deployment.relation(of: "BNI-KB", to: deployment.node(named: "centre")!) == .stranger,
            "no skipping a level"
        )
    }

    @Test func knowsWhoHostsAndSpeaksForWhat() {
        let province = deployment.node(named: "bac-ninh")!
        #expect(deployment.hostingNode(of: "BNI-TD")?.name == "bac-ninh")
        #expect(deployment.hostingNode(of: "BNI-KB")?.name == "kinh-bac")
        #expect(deployment.node(province, speaksFor: "BNI-KB"))
        #expect(deployment.node(province, speaksFor: "BNI-TD"))
        #expect(!deployment.node(province, speaksFor: "LCA-SP"))
        #expect(!deployment.node(deployment.node(named: "kinh-bac")!, speaksFor: "BNI-YP"))
        #expect(deployment.childNode(of: province, toward: "BNI-YP")?.name == "yen-phong")
        #expect(deployment.childNode(of: province, toward: "BNI-TD") == nil)
    }

    /// `children(of:)` and `childNode(of:toward:)` are kept as indexes; they must answer what the
    /// definitions say (the nodes whose parent is the node; the child that speaks for the unit)
    /// for every node and every unit, including units unknown to the tree.
    @Test func indexedRoutingAgreesWithTheDefinitions() {
        for node in deployment.nodes {
            let children = deployment.nodes.filter { deployment.parent(of: $0)?.unit == node.unit }
            #expect(deployment.children(of: node).map(\.name) == children.map(\.name))
            for unit in deployment.tree.units.map(\.code) + ["NOWHERE"] {
                let speaker = children.first { deployment.node($0, speaksFor: unit) }
                #expect(deployment.childNode(of: node, toward: unit)?.name == speaker?.name, "\(node.name) → \(unit)")
            }
            #expect(deployment.node(named: node.name)?.unit == node.unit)
        }
        #expect(deployment.node(named: "nowhere") == nil)
    }

    @Test func refusesBrokenTopologies() {
        var twice = demoTopology
        twice.nodes[2].hosts.append("BNI-TD")
        #expect(throws: TopologyError.self) { try Deployment(twice) }
        var unhosted = demoTopology
        unhosted.nodes[1].hosts = ["BNI"]
        #expect(throws: TopologyError.self) { try Deployment(unhosted) }
        var outside = demoTopology
        outside.nodes[2].hosts.append("LCA-SP")
        #expect(throws: TopologyError.self) { try Deployment(outside) }
        var badAddress = demoTopology
        badAddress.nodes[0].web = "nowhere"
        #expect(throws: TopologyError.self) { try Deployment(badAddress) }
    }

    @Test func parsesListenAddresses() {
        #expect(ListenAddress("127.0.0.1:9441") == ListenAddress(host: "127.0.0.1", port: 9441))
        #expect(ListenAddress("[::1]:80")?.host == "::1")
        #expect(ListenAddress("[::1]:80")?.description == "[::1]:80")
        #expect(ListenAddress("node.example:443")?.isIPAddress == false)
        #expect(ListenAddress("127.0.0.1:9441")?.isIPAddress == true)
        #expect(ListenAddress("host:99999") == nil)
        #expect(ListenAddress(":80") == nil)
    }
}

@Suite struct PushAuthorisationTests {
    let deployment = try! Deployment(demoTopology)
    var atProvince: PushAuthorisation {
        PushAuthorisation(deployment: deployment, receiver: deployment.node(named: "bac-ninh")!)
    }

    func message(
        origin: String,
        unit: String,
        id: String = UUID().uuidString,
        version: Int = ProtocolVersion.current
    ) -> Envelope {
        Envelope(
            protocolVersion: version,
            id: id,
            origin: origin,
            kind: .reportApproved,
            unit: unit,
            body: Data("{}".utf8)
        )
    }

    @Test func acceptsAChildSpeakingForItself() {
        #expect(
            atProvince.check(PushRequest(messages: [message(origin: "BNI-KB", unit: "BNI-KB")]), from: "BNI-KB") == nil
        )
        #expect(atProvince.mayReadFeed(caller: "BNI-KB"))
    }

    @Test func refusesImpostorsAndStrangers() {
        #expect(
            atProvince.check(PushRequest(messages: [message(origin: "BNI-KB", unit: "BNI-YP")]), from: "BNI-KB")
                == .foreignUnit("BNI-YP")
        )
        #expect(
            atProvince.check(
                PushRequest(messages: [message(origin: "BNI-YP", unit: "BNI-YP", id: "m1")]),
                from: "BNI-KB"
            ) == .wrongOrigin("m1")
        )
        #expect(atProvince.check(PushRequest(messages: []), from: "LCA-SP") == .notAChild("LCA-SP"))
        #expect(
            atProvince.check(PushRequest(messages: []), from: "TW") == .notAChild("TW"),
            "a parent pushes nothing; it serves a feed"
        )
        #expect(atProvince.check(PushRequest(messages: []), from: "NOBODY") == .notAChild("NOBODY"))
        #expect(!atProvince.mayReadFeed(caller: "LCA-SP"))
        #expect(!atProvince.mayReadFeed(caller: "TW"))
        #expect(atProvince.check(PushRequest(messages: []), from: "BNI-YP")?.status == nil)
        #expect(PushAuthorisation.Refusal.foreignUnit("x").status == 403)
    }

    @Test func provinceMaySpeakForCommunesBelowIt() {
        let atCentre = PushAuthorisation(deployment: deployment, receiver: deployment.node(named: "centre")!)
        #expect(
            atCentre.check(
                PushRequest(messages: [message(origin: "BNI", unit: "BNI-KB"), message(origin: "BNI", unit: "BNI-TD")]),
                from: "BNI"
            ) == nil
        )
        #expect(
            atCentre.check(PushRequest(messages: [message(origin: "BNI", unit: "LCA-SP")]), from: "BNI")
                == .foreignUnit("LCA-SP")
        )
    }

    @Test func refusesBadBatches() {
        let duplicate = message(origin: "BNI-KB", unit: "BNI-KB", id: "same")
        #expect(
            atProvince.check(PushRequest(messages: [duplicate, duplicate]), from: "BNI-KB")
                == .badBatch("message same appears twice in the batch")
        )
        #expect(
            atProvince.check(PushRequest(protocolVersion: 99, messages: []), from: "BNI-KB") == .unsupportedVersion(99)
        )
        #expect(
            atProvince.check(
                PushRequest(messages: [message(origin: "BNI-KB", unit: "BNI-KB", version: 0)]),
                from: "BNI-KB"
            ) == .unsupportedVersion(0)
        )
        // A message written under an older version (waiting in an outbox across upgrades) reads.
        #expect(
            atProvince.check(
                PushRequest(messages: [message(origin: "BNI-KB", unit: "BNI-KB", version: 2)]),
                from: "BNI-KB"
            ) == nil
        )
        let newer = ProtocolVersion.current + 1
        #expect(
            atProvince.check(
                PushRequest(messages: [message(origin: "BNI-KB", unit: "BNI-KB", version: newer)]),
                from: "BNI-KB"
            ) == .unsupportedVersion(newer)
        )
        let tooMany = (0...PushRequest.maximumBatch).map { _ in message(origin: "BNI-KB", unit: "BNI-KB") }
        #expect(atProvince.check(PushRequest(messages: tooMany), from: "BNI-KB")?.status == 400)
    }
}

@Suite struct BackoffTests {
    @Test func growsExponentiallyUpToTheCap() {
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(1))
        var ceilings: [Duration] = []
        for _ in 0..<6 {
            ceilings.append(backoff.ceiling)
            _ = backoff.fail()
        }
        #expect(
            ceilings == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ]
        )
    }

    @Test func jitterStaysWithinTheCeilingAndSpreads() {
        var backoff = Backoff(base: .seconds(8), cap: .seconds(8))
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<200).map { _ in backoff.fail(using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(Set(delays).count > 150, "full jitter spreads retries")
    }

    @Test func resetsOnSuccess() {
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(10))
        for _ in 0..<5 { _ = backoff.fail() }
        #expect(backoff.ceiling == .milliseconds(3200))
        backoff.succeed()
        #expect(backoff.ceiling == .milliseconds(100))
        #expect(backoff.failures == 0)
    }

    @Test func survivesManyFailures() {
        var backoff = Backoff()
        for _ in 0..<200 { _ = backoff.fail() }
        #expect(backoff.ceiling == .seconds(60))
    }
}

@Suite struct MessageCodingTests {
    @Test func envelopeRoundTrips() throws {
        let envelope = Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: Data(#"{"a":1}"#.utf8))
        let decoded = try JSONDecoder.federation.decode(
            Envelope.self,
            from: try JSONEncoder.federation.encode(envelope)
        )
        #expect(decoded == envelope)
        #expect(decoded.protocolVersion == ProtocolVersion.current)
    }
}

import Auth
import FaultProxy
import Federation
import Foundation
import TestSupport
import Testing

@testable import Node

/// Issue J, point 1: every level sees every node of its subtree (versions, last contact, lag,
/// parked messages, certificate expiry, database size); a silent node raises an alert that
/// clears when it is back; `/healthz` says `degraded` with the reason.
@Suite(.serialized) struct NodesAtAGlanceTests {
    static func nodes(_ client: APIClient) async throws -> [String: [String: Any]] {
        let reply = try await client.call(.GET, "/api/v1/nodes")
        guard reply.status == 200 else { throw TestFailure("GET /api/v1/nodes: \(reply.status) \(reply.text)") }
        return Dictionary(reply.items.map { ($0["unit"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func health(_ f: TestFederation, _ node: String) async throws -> [String: Any] {
        try await APIClient(baseURL: f.node(node).webURL, caPath: f.manifest.ca).call(.GET, "/healthz").json
    }

    static func standingSilence(_ client: APIClient, unit: String) async throws -> Bool {
        let alerts = try await client.call(.GET, "/api/v1/alerts").items
        return alerts.contains { $0["kind"] as? String == "silent_node" && $0["unit"] as? String == unit }
    }

    @Test func theCentreSeesEveryNodeAndHearsTheSilentOne() async throws {
        let directory = TestFederation.scratchFolder("glance")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: 15)
        try await TestFederation.run(in: directory, links: links, statusEvery: .seconds(1)) { f in
            let proxies = try await links.all(waitingFor: FaultCampaignTests.children)
            let centre = try await f.login("tw.admin", at: "centre")

            // The centre lists a commune's node two levels down, with its version and certificate.
            try await f.eventually("the centre lists every node", seconds: 60) {
                Set(try await Self.nodes(centre).keys) == ["TW", "BNI", "BNI-KB", "BNI-YP", "LCA", "LCA-SP"]
            }
            let listed = try await Self.nodes(centre)
            let commune = try #require(listed["BNI-KB"])
            #expect(commune["node"] as? String == "kinh-bac")
            #expect(commune["parentUnit"] as? String == "BNI")
            #expect(commune["softwareVersion"] as? String == SoftwareVersion.current)
            #expect(commune["protocolVersion"] as? Int == ProtocolVersion.current)
            #expect(commune["certificateExpiry"] is String, "the commune's certificate expiry is known")
            #expect((commune["databaseBytes"] as? Int ?? 0) > 0)
            #expect(commune["lastContact"] is String)
            #expect(commune["silent"] as? Bool == false)
            #expect(commune["upLagMessages"] is Int)
            #expect(
                commune["upLagSeconds"] is Double || commune["upLagSeconds"] is Int,
                "lag measured with nothing queued"
            )
            #expect(commune["downLagSeconds"] is Double || commune["downLagSeconds"] is Int)
            #expect(listed["TW"]?["isSelf"] as? Bool == true)
            let metrics = try await f.local("centre").metricsScrape.text()
            #expect(
                metrics.split(separator: "\n").contains {
                    $0.hasPrefix("reportnet_node_silent{") && $0.contains("unit=\"BNI-KB\"") && $0.hasSuffix(" 0.0")
                        || $0.hasPrefix("reportnet_node_silent{") && $0.contains("unit=\"BNI-KB\"")
                            && $0.hasSuffix(" 0")
                },
                "the commune's unit is a label of the centre's metrics"
            )

            // Tenant isolation: a province admin sees its own subtree only.
            let bacNinh = try await f.login("bni.admin", at: "bac-ninh")
            try await f.eventually("Bắc Ninh lists its communes' nodes", seconds: 30) {
                Set(try await Self.nodes(bacNinh).keys) == ["BNI", "BNI-KB", "BNI-YP"]
            }
            let laoCai = try await f.login("lca.admin", at: "lao-cai")
            let seenByLaoCai = Set(try await Self.nodes(laoCai).keys)
            #expect(seenByLaoCai == ["LCA", "LCA-SP"], "Lào Cai sees no node of Bắc Ninh: \(seenByLaoCai)")
            #expect(try await f.login("bni-kb.admin", at: "kinh-bac").call(.GET, "/api/v1/nodes").status == 200)
            #expect(
                try await f.login("tw.approver", at: "centre").call(.GET, "/api/v1/nodes").status == 403,
                "nodes are for admins"
            )

            // A short threshold, set by the admins (the commune's own for its health).
            #expect(
                try await centre.call(.PUT, "/api/v1/nodes/settings", body: ["silenceThresholdSeconds": 10]).status
                    == 422,
                "a threshold under a minute is refused"
            )
            for (admin, node) in [("tw.admin", "centre"), ("bni-kb.admin", "kinh-bac")] {
                let set = try await f.login(admin, at: node).call(
                    .PUT,
                    "/api/v1/nodes/settings",
                    body: ["silenceThresholdSeconds": 60]
                )
                #expect(set.status == 200, "\(set.text)")
            }
            #expect(try await Self.health(f, "kinh-bac")["status"] as? String == "ok")

            // The commune's link is cut and two minutes pass: silent at the centre, alert raised,
            // and the commune's own health says its uplink fails.
            proxies["kinh-bac"]!.outage(.blackHole)
            try await Task.sleep(for: .seconds(2))
            f.clock.advance(by: 120)
            try await f.eventually("the commune is silent at the centre", seconds: 60) {
                try await Self.nodes(centre)["BNI-KB"]?["silent"] as? Bool == true
            }
            try await f.eventually("the silence raises an alert for the centre's admins", seconds: 30) {
                try await Self.standingSilence(centre, unit: "BNI-KB")
            }
            try await f.eventually("the province stays heard", seconds: 30) {
                try await Self.nodes(centre)["BNI"]?["silent"] as? Bool == false
            }
            try await f.eventually("the commune's health is degraded", seconds: 30) {
                let health = try await Self.health(f, "kinh-bac")
                let reasons = health["reasons"] as? [[String: Any]] ?? []
                return health["status"] as? String == "degraded"
                    && reasons.contains { $0["code"] as? String == "uplink_failing" }
            }
            let silentMetrics = try await f.local("centre").metricsScrape.text()
            #expect(
                silentMetrics.split(separator: "\n").contains {
                    $0.hasPrefix("reportnet_node_silent{") && $0.contains("unit=\"BNI-KB\"") && $0.hasSuffix(" 1.0")
                        || $0.hasPrefix("reportnet_node_silent{") && $0.contains("unit=\"BNI-KB\"")
                            && $0.hasSuffix(" 1")
                }
            )

            // The link is back: the node is heard again and the alert clears.
            proxies["kinh-bac"]!.heal()
            try await f.eventually("the commune is heard again at the centre", seconds: 120) {
                try await Self.nodes(centre)["BNI-KB"]?["silent"] as? Bool == false
            }
            try await f.eventually("the silence alert clears", seconds: 30) {
                try await !Self.standingSilence(centre, unit: "BNI-KB")
            }
            try await f.eventually("the commune's health is ok again", seconds: 60) {
                try await Self.health(f, "kinh-bac")["status"] as? String == "ok"
            }

            // A parked message degrades the health of the node that holds it.
            let parked = Envelope(
                origin: "BNI-KB",
                kind: .assignmentCreated,
                unit: "BNI-KB",
                body: Data("{}".utf8)
            )
            let results = try await f.local("bac-ninh").inbox.receive([parked], direction: .fromChild)
            #expect(results.map(\.status) == [.parked])
            let health = try await Self.health(f, "bac-ninh")
            #expect(health["status"] as? String == "degraded")
            #expect(
                (health["reasons"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "parked_messages" }
            )
            let listedParked = try await Self.nodes(bacNinh)["BNI"]
            #expect(listedParked?["parked"] as? Int == 1)
        }
    }

    /// Instants in statuses are re-based hop by hop onto the receiver's clock: a province whose
    /// clock runs 30 hours behind makes none of its communes look silent at the centre. A report
    /// about another subtree is refused whole.
    @Test func skewedClocksMakeNoNodeSilent() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let behind = nodes.clock.now().addingTimeInterval(-30 * 3600)
        func status(_ unit: String, _ node: String, at: Date, contact: Date?) -> NodeStatus {
            NodeStatus(
                unit: unit,
                node: node,
                softwareVersion: SoftwareVersion.current,
                protocolVersion: ProtocolVersion.current,
                reportedAt: at,
                parked: 0,
                certificateExpiry: nil,
                databaseBytes: nil,
                upPending: 0,
                upCurrentAt: at,
                lastContact: contact,
                downPending: 0,
                downCurrentAt: contact
            )
        }
        let report = StatusReport(
            statuses: [
                status("BNI", "bac-ninh", at: behind, contact: nil),
                status("BNI-KB", "kinh-bac", at: behind, contact: behind.addingTimeInterval(-10)),
            ],
            sentAt: behind
        )
        #expect(try await centre.statusReports.receive(report, from: "BNI") == 2)
        let admin = Actor(username: "tw.admin", unit: "TW", role: .admin)
        let commune = try #require(
            try await centre.nodesAtAGlance.overview(for: admin).items.first { $0.unit == "BNI-KB" }
        )
        #expect(commune.silent == false)
        #expect((commune.silentSeconds ?? .infinity) < 60, "\(String(describing: commune.silentSeconds))")

        // A report without its sending time is taken as it is: 30 hours is beyond the default 24.
        let later = behind.addingTimeInterval(60)
        let unbased = StatusReport(statuses: [
            status("BNI-KB", "kinh-bac", at: later, contact: behind.addingTimeInterval(-10))
        ])
        #expect(try await centre.statusReports.receive(unbased, from: "BNI") == 1)
        let silent = try #require(
            try await centre.nodesAtAGlance.overview(for: admin).items.first { $0.unit == "BNI-KB" }
        )
        #expect(silent.silent)
        let alerts = try await centre.alerts.visible(to: admin, includeCleared: false)
        #expect(alerts.contains { $0.kind == .silentNode && $0.unit == "BNI-KB" })

        let foreign = StatusReport(statuses: [status("LCA-SP", "sa-pa", at: later, contact: later)], sentAt: later)
        await #expect(throws: StatusRefused.self) { try await centre.statusReports.receive(foreign, from: "BNI") }
        #expect(try await centre.nodesAtAGlance.overview(for: admin).items.contains { $0.unit == "LCA-SP" } == false)
    }
}

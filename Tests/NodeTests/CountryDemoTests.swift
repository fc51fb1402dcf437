import Federation
import Foundation
import Hierarchy
import Registry
import Testing

@testable import Node
@testable import NodeCommands

/// Issue I.6: `reportnet demo --country` — the whole country from the national registry, a few
/// nodes, every other unit hosted by its parent's node — builds a valid deployment, starts, and
/// its pages show the real names.
@Suite(.serialized) struct CountryDemoTests {
    @Test("the country deployment: every unit of the registry, seven nodes, the rest hosted by the parent's node")
    func deployment() throws {
        let registry = try NationalRegistry.vietnam
        let deployment = try CountryTopology.deployment(registry)
        #expect(deployment.tree.units.count == 1 + 34 + 3_321)
        #expect(
            deployment.nodes.map(\.name) == [
                "centre", "ha-noi", "bac-ninh", "kinh-bac", "lao-cai", "sa-pa", "ho-chi-minh",
            ]
        )
        #expect(deployment.nodes.map(\.unit) == ["TW", "P01", "P24", "P24-09187", "P15", "P15-03006", "P79"])
        // Each unit is hosted once (the deployment checks it); here, by the expected node.
        #expect(deployment.hostingNode(of: "P24-09319")?.name == "bac-ninh", "Xã Tiên Du, hosted by its province")
        #expect(deployment.hostingNode(of: "P24-09187")?.name == "kinh-bac")
        #expect(deployment.hostingNode(of: "P04")?.name == "centre", "a province without a node, by the centre")
        #expect(deployment.hostingNode(of: "P04-01273")?.name == "centre", "and its communes")
        #expect(deployment.node(named: "bac-ninh")?.hosts.count == 99, "Bắc Ninh and 98 of its 99 communes")
        #expect(deployment.node(named: "bac-ninh")?.hosts.first == "P24")
        #expect(deployment.parent(of: deployment.node(named: "sa-pa")!)?.name == "lao-cai")
        #expect(deployment.tree["P24-09319"]?.name == "Xã Tiên Du")
        // Its ports are its own: the plain demo can run beside it.
        let ports = deployment.nodes.flatMap { [$0.web, $0.federation] }
        #expect(Set(ports).count == 14)
        let plain = try TopologyFile.demo.nodes.flatMap { [$0.web, $0.federation] }
        #expect(Set(ports).isDisjoint(with: plain))
    }

    @Test("the country demo starts, and its pages and API show the real names")
    func starts() async throws {
        let deployment = try CountryTopology.deployment(NationalRegistry.vietnam)
        let started = ContinuousClock.now
        try await TestFederation.run(deployment: deployment, accountsForOwnUnitOnly: true) { f in
            let seconds = (ContinuousClock.now - started).components.seconds
            print("country demo: \(f.manifest.nodes.count) nodes started in \(seconds) s")
            #expect(f.manifest.nodes.count == 7)
            #expect(f.manifest.accounts.count == 7 * 3, "accounts for each node's own unit only")
            #expect(f.manifest.accounts.contains { $0.username == "p24-09187.admin" && $0.node == "kinh-bac" })

            let province = try await f.login("p24.admin", at: "bac-ninh")
            let units = try await province.call(.GET, "/api/v1/units")
            let names = Dictionary(
                units.items.compactMap { item in
                    (item["code"] as? String).map { ($0, item["name"] as? String ?? "") }
                },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(names["P24"] == "Tỉnh Bắc Ninh")
            #expect(names["P24-09187"] == "Phường Kinh Bắc")
            #expect(names["P24-09319"] == "Xã Tiên Du")
            #expect(names.count == 100, "Bắc Ninh and its 99 communes")

            let browser = try await WebPageTests.browser(f, "p24.admin", at: "bac-ninh", codeOffset: 30)
            let page = try await browser.get("/app/units")
            #expect(page.status == 200)
            #expect(page.text.contains("Tỉnh Bắc Ninh") && page.text.contains("Xã Tiên Du"))

            // The centre sees the whole country.
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.GET, "/api/v1/units").items.count == 1 + 34 + 3_321)
        }
    }
}

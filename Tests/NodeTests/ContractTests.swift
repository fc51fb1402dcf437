import Auth
import Foundation
import Hummingbird
import Testing
import Yams

@testable import Node
@testable import NodeCommands
@testable import NodeHTTP

/// Keeps the repository's descriptions honest: the OpenAPI document lists exactly the routes
/// the listeners register, and the embedded demo topology is `topology/demo.yaml`. HTML pages
/// (`/` and everything under `/app`, see `WebPages.isPage`) are not API and are not in it.
@Suite struct ContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func openAPIDocumentsEveryRegisteredRoute() throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let local = try nodes.open("bac-ninh")
        let routes = NodeServer.webRouter(local).routes + NodeServer.federationRouter(local).routes
        let registered = Set(
            routes.filter { !WebPages.isPage("\($0.path)") }.map { "\($0.method.rawValue) \($0.path)" }
        )
        #expect(routes.contains { WebPages.isPage("\($0.path)") }, "the web listener serves pages")

        let text = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, item) in paths {
            for method in ((item as? [String: Any]) ?? [:]).keys
            where ["get", "post", "put", "delete", "patch", "head"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(
            registered.subtracting(documented).isEmpty,
            "routes missing from openapi.yaml: \(registered.subtracting(documented).sorted())"
        )
        #expect(
            documented.subtracting(registered).isEmpty,
            "openapi.yaml documents routes that do not exist: \(documented.subtracting(registered).sorted())"
        )
        #expect(registered.count >= 20)
    }

    /// The enums the API answers with are the ones the document lists.
    @Test func openAPIEnumsMatchTheServer() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let permissions = try #require((schemas["Permission"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(permissions) == Set(Permission.allCases.map(\.rawValue)))
        let roles = try #require((schemas["Role"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(roles) == Set(Role.allCases.map(\.rawValue)))
    }

    @Test func embeddedDemoTopologyIsTheRepositoryFile() throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("topology/demo.yaml"), encoding: .utf8)
        #expect(file == DemoTopology.yaml)
        let deployment = try TopologyFile.demo
        #expect(deployment.nodes.count == 6)
        #expect(deployment.tree.descendants(of: "TW", at: .commune).count == 4)
        #expect(deployment.hostingNode(of: "BNI-TD")?.name == "bac-ninh", "one commune works in its province's node")
    }
}

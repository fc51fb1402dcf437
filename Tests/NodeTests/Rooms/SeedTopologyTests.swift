import Auth
import Federation
import Foundation
import TestSupport
import Testing

@testable import Node
@testable import NodeCommands

/// The tree is data (issue I.2): a topology file seeds a node's database, which keeps the tree, so
/// a configuration without a topology starts from the database; unit changes kept since are
/// applied on top, and no other node's file is needed.
@Suite struct SeedTopologyTests {
    let scratch: ScratchDirectory
    let topologyFile: String

    init() throws {
        scratch = try ScratchDirectory(prefix: "seed-topology")
        topologyFile = scratch.path("topology.yaml").path
        try DemoTopology.yaml.write(toFile: topologyFile, atomically: true, encoding: .utf8)
    }

    @Test func aFileSeedsTheDatabaseWhichThenSufficesOnItsOwn() throws {
        defer { scratch.remove() }
        let database = try NodeDatabase.open(path: scratch.path("node.sqlite").path)
        let (first, source) = try SeedTopology.resolve(file: topologyFile, database: database)
        #expect(source == .file(topologyFile))
        #expect(first.node(named: "bac-ninh")?.hosts == ["BNI", "BNI-TD"])

        // The same file again changes nothing; no file at all starts from what the database keeps.
        #expect(try SeedTopology.resolve(file: topologyFile, database: database).1 == .database)
        try FileManager.default.removeItem(atPath: topologyFile)
        let (kept, keptSource) = try SeedTopology.resolve(file: nil, database: database)
        #expect(keptSource == .database)
        #expect(kept.topology.units.map(\.code) == first.topology.units.map(\.code))
        #expect(kept.nodes.map(\.name) == first.nodes.map(\.name))
    }

    @Test func anEditedFileBecomesTheSeed() throws {
        defer { scratch.remove() }
        let database = try NodeDatabase.open(path: scratch.path("node.sqlite").path)
        _ = try SeedTopology.resolve(file: topologyFile, database: database)
        try DemoTopology.yaml.replacingOccurrences(of: "Xã Yên Phong", with: "Phường Yên Phong")
            .write(toFile: topologyFile, atomically: true, encoding: .utf8)
        let (edited, source) = try SeedTopology.resolve(file: topologyFile, database: database)
        #expect(source == .file(topologyFile))
        #expect(edited.tree["BNI-YP"]?.name == "Phường Yên Phong")
        #expect(try SeedTopology.kept(in: database)?.tree["BNI-YP"]?.name == "Phường Yên Phong")
    }

    /// A JSON file is read without Yams (docs/memory.md) into the same tree as its YAML; YAML that
    /// happens to open with a brace (a flow mapping) is still read as YAML.
    @Test func jsonAndYAMLFilesGiveTheSameTree() throws {
        defer { scratch.remove() }
        let yaml = try TopologyFile.parse(DemoTopology.yaml, source: "yaml")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        let json = String(decoding: try encoder.encode(yaml.topology), as: UTF8.self)
        let fromJSON = try TopologyFile.parse("\n " + json, source: "json")
        #expect(fromJSON.topology.units.map(\.code) == yaml.topology.units.map(\.code))
        #expect(fromJSON.nodes == yaml.nodes)
        #expect(fromJSON.tree["BNI-YP"]?.name == yaml.tree["BNI-YP"]?.name)

        let flow = """
            {name: flow, units: [{code: TW, name: Trung ương, level: central}],
             nodes: [{name: centre, unit: TW, hosts: [TW], web: "127.0.0.1:1", federation: "127.0.0.1:2"}]}
            """
        #expect(try TopologyFile.parse(flow, source: "flow").node(named: "centre")?.unit == "TW")
        #expect(throws: ConfigurationError.self) { try TopologyFile.parse("{\"name\": 1}", source: "bad") }
    }

    /// Without a file and without a kept tree there is nothing to start from: the refusal names
    /// the key to set and the other way (enrol).
    @Test func aNewDatabaseWithoutAFileIsRefusedWithTheWayOut() throws {
        defer { scratch.remove() }
        let database = try NodeDatabase.open(path: scratch.path("node.sqlite").path)
        let error = #expect(throws: ConfigurationError.self) { try SeedTopology.resolve(file: nil, database: database) }
        #expect(error?.description.contains("'topology'") == true)
        #expect(error?.description.contains("reportnet enrol") == true)
    }

    /// A node opened from a configuration without a topology, on a database that keeps one, runs
    /// with the unit changes it kept since: the seed plus the changes is its tree.
    @Test func aNodeStartsFromItsKeptTreeWithItsChangesApplied() async throws {
        let nodes = try LocalNodes()
        defer {
            nodes.remove()
            scratch.remove()
        }
        let province = try nodes.open("bac-ninh")
        try SeedTopology.keep(province.deployment, in: province.database)
        _ = try await province.unitChanges.add(
            NewUnit(code: "BNI-QV", name: "Phường Quế Võ"),
            by: Actor(username: "bni.quantri", unit: "BNI", role: .admin)
        )
        let files = NodeCertificates.paths(in: nodes.directory + "/certs", node: "bac-ninh")
        let configuration = scratch.path("node.yaml").path
        try """
        node: bac-ninh
        database: \(province.database.path)
        certificate: \(files.certificate)
        key: \(files.key)
        trust_root: \(NodeCertificates.caPaths(in: nodes.directory + "/certs").certificate)
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
        let (reopened, _) = try NodeConfiguration.load(configuration).open()
        #expect(reopened.tree["BNI-QV"]?.name == "Phường Quế Võ" && reopened.hosts("BNI-QV"))
        #expect(reopened.deployment.node(named: "kinh-bac")?.unit == "BNI-KB")
    }
}

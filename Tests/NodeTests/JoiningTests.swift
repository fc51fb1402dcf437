import Crypto
import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue I with real processes: a unit created in the province's pages gets a node of its own in
/// three commands (a token at the province, `reportnet enrol`, `reportnet serve --dir`). Nothing
/// is edited and nothing restarts anywhere else, and the new node's report is counted at the centre.
@Suite(.serialized) struct JoiningTests {
    @Test func aNewCommuneNodeJoinsWithThreeCommandsAndItsReportReachesTheCentre() async throws {
        let nodes = try await NodeProcesses(nodes: ["centre", "bac-ninh"], units: ["TW", "BNI", "BNI-TD"])
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh"] { try await nodes.start(node) }
        let pids = ["centre": nodes.pid("centre"), "bac-ninh": nodes.pid("bac-ninh")]
        let filesBefore = try Self.digests(of: nodes.directory)

        // The province's admin creates the unit in the pages' API and hands its node a token.
        let added = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/units",
            body: ["code": "BNI-MOI", "name": "Xã Hòa Bình Mới"]
        )
        #expect(added.status == 201, "\(added.text)")
        let granted = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/enrolment-tokens",
            body: ["unit": "BNI-MOI"]
        )
        #expect(granted.status == 201, "\(granted.text)")
        let token = try #require(granted.json["token"] as? String)
        let spare = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/enrolment-tokens",
            body: ["unit": "BNI-MOI"]
        )
        let spareToken = try #require(spare.json["token"] as? String, "\(spare.text)")
        let pinned = PinnedToken(token)
        let rootPEM = try String(contentsOfFile: nodes.caPath, encoding: .utf8)
        #expect(pinned.rootDigest == (try PinnedToken.digest(ofRootPEM: rootPEM)), "the token pins the root")

        // A token whose pin is not the parent's root is refused before anything is sent.
        let folder = nodes.directory + "/joined/bni-moi"
        let ports = NodeProcesses.Ports(web: try NodeProcesses.freePort(), federation: try NodeProcesses.freePort())
        let enrol = [
            "enrol", "--parent", nodes.webURL("bac-ninh"), "--dir", folder,
            "--web", "127.0.0.1:\(ports.web)", "--federation", "127.0.0.1:\(ports.federation)",
        ]
        let forged = PinnedToken(secret: pinned.secret, rootDigest: String(repeating: "0", count: 64)).description
        let refused = try await NodeProcesses.run(enrol + ["--token", forged])
        #expect(refused.status != 0 && refused.output.contains("SHA-256"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/node.yaml"))

        // Command 2: enrol. The key is made there; the folder is ready to serve.
        let joined = try await NodeProcesses.run(enrol + ["--token", token])
        #expect(joined.status == 0, "\(joined.output)")
        #expect(joined.output.contains("reportnet serve --dir \(folder)"), "\(joined.output)")
        let configuration = try String(contentsOfFile: folder + "/node.yaml", encoding: .utf8)
        #expect(configuration.contains("node: bni-moi"))
        #expect(configuration.contains("parent_url: \"https://127.0.0.1:\(nodes.ports["bac-ninh"]!.federation)\""))
        #expect(!configuration.contains("issuer_"), "a commune's node issues no certificates")
        // Its configuration names only itself, its files, its parent and its trust root: the tree
        // is kept in its database, the parent's at enrolment.
        #expect(!configuration.contains("topology"), "\(configuration)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/topology.yaml"))
        let kept = try SeedTopology.kept(in: try NodeDatabase.open(path: folder + "/node.sqlite"))
        #expect(kept?.node(named: "bni-moi")?.unit == "BNI-MOI" && kept?.tree["BNI-MOI"]?.parent == "BNI")
        let keyMode = try FileManager.default.attributesOfItem(atPath: folder + "/key.pem")[.posixPermissions]
        #expect(keyMode as? Int == 0o600)
        let again = try await NodeProcesses.run(enrol + ["--token", token])
        #expect(again.status != 0, "a token works once, and the folder is not empty: \(again.output)")
        // The unit's other token was spent with the join: no second key for its node.
        let second = try await NodeProcesses.run(
            ["enrol", "--parent", nodes.webURL("bac-ninh"), "--dir", folder + "-again", "--token", spareToken]
        )
        #expect(second.status != 0, "\(second.output)")
        #expect(
            try nodes.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM enrolment_tokens WHERE unit = 'BNI-MOI' AND used_at IS NULL"
            )
                == 0
        )

        // Command 3: serve. (The test seeds the new unit's accounts first.)
        try await nodes.seedAccounts(configuration: folder + "/node.yaml", units: ["BNI-MOI"])
        await nodes.relocate(
            "bni-moi",
            to: .init(configuration: folder + "/node.yaml", database: folder + "/node.sqlite", ports: ports)
        )
        try await nodes.start("bni-moi", arguments: ["serve", "--dir", folder])

        // The join travels up: the centre knows the new node without a restart or an edited file.
        _ = try await ClockSkewTests.waitFor("the centre knows node bni-moi") {
            try nodes.count(
                "centre",
                "SELECT COUNT(*) FROM unit_changes WHERE code = 'BNI-MOI' AND kind = 'hosted' AND node_name = 'bni-moi'"
            ) == 1 ? true : nil
        }
        let form = try await nodes.call(
            "tw.admin",
            at: "centre",
            .POST,
            "/api/v1/forms",
            body: FederationFlowTests.form
        )
        #expect(form.status == 201, "\(form.text)")
        let assigned = try await nodes.call(
            "tw.admin",
            at: "centre",
            .POST,
            "/api/v1/assignments",
            body: ["form": "NQ57-THANG", "period": "2026-11", "level": "commune"]
        )
        let assignment = try #require(assigned.json["id"] as? String, "\(assigned.text)")
        let report = try await ClockSkewTests.waitFor("the assignment reaches bni-moi", seconds: 60) {
            let created = try await nodes.call(
                "bni-moi.entry",
                at: "bni-moi",
                .POST,
                "/api/v1/reports",
                body: ["assignment": assignment]
            )
            return created.json["id"] as? String
        }
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-MOI", node: "bni-moi", report: report)
        try await NodeMoveTests.waitUntilCentreHolds([report], nodes)
        // Counted: at the centre, Bắc Ninh expects one report more (the new commune's) and has it.
        let progress = try await nodes.call("tw.admin", at: "centre", .GET, "/api/v1/assignments/\(assignment)/figures")
        let children = progress.json["children"] as? [[String: Any]] ?? []
        let bacNinh = children.first { $0["unit"] as? String == "BNI" }?["figures"] as? [String: Any]
        let communes = nodes.deployment.tree.children(of: "BNI").count
        #expect(bacNinh?["expected"] as? Int == communes + 1, "\(progress.text.prefix(1_000))")
        #expect(bacNinh?["approved"] as? Int == 1, "\(progress.text.prefix(1_000))")
        for node in ["centre", "bac-ninh", "bni-moi"] {
            #expect(try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0, "\(node)")
        }
        #expect(nodes.pid("centre") == pids["centre"] && nodes.pid("bac-ninh") == pids["bac-ninh"], "nobody restarted")
        #expect(try Self.digests(of: nodes.directory).filter { filesBefore[$0.key] != nil } == filesBefore)
    }

    /// SHA-256 of every configuration, topology and certificate file under `folder` (not logs or
    /// databases, which change as nodes work).
    static func digests(of folder: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: folder)
        while let path = files?.nextObject() as? String {
            guard path.hasSuffix(".yaml") || path.hasSuffix(".pem"), !path.hasPrefix("joined/") else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(path)"))
            result[path] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return result
    }
}

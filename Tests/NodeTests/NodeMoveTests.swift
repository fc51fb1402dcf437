import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue J.4 with real processes: a node is moved to a new folder and new ports with nothing but
/// its backup (`reportnet backup`, then `reportnet restore --into`), and keeps syncing; nothing is
/// lost or applied twice.
@Suite(.serialized) struct NodeMoveTests {
    @Test func aCommuneMovedWithBackupAndRestoreKeepsSyncing() async throws {
        let nodes = try await NodeProcesses(nodes: ["centre", "bac-ninh", "kinh-bac"], units: ["TW", "BNI", "BNI-KB"])
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh", "kinh-bac"] { try await nodes.start(node) }
        let assignments = try await nodes.assignToCommunes(months: ["2026-10", "2026-11"])
        let before = try await Self.approve(nodes, assignment: assignments[0])
        try await Self.waitUntilCentreHolds([before], nodes)

        // The backup holds everything the node needs, owner-only.
        let backup = nodes.directory + "/backup-kinh-bac"
        let made = try await NodeProcesses.run(["backup", "--config", nodes.configuration("kinh-bac"), "--to", backup])
        #expect(made.status == 0, "\(made.output)")
        let manifest = try NodeBackup.manifest(in: backup)
        #expect(
            manifest.files == ["node.yaml", "topology.yaml", "certificate.pem", "key.pem", "trust-root.pem"],
            "a commune's node issues no certificates: no issuer files"
        )
        let keyMode = try FileManager.default.attributesOfItem(atPath: backup + "/files/key.pem")[.posixPermissions]
        #expect(keyMode as? Int == 0o600)

        // The old machine is gone: its database and its certificate files with it.
        await nodes.stop("kinh-bac")
        let old = nodes.databasePath("kinh-bac")
        try FileManager.default.moveItem(atPath: old, toPath: old + ".gone")
        let credentials = NodeCertificates.paths(in: nodes.directory + "/certs", node: "kinh-bac")
        for file in [credentials.certificate, credentials.key] { try FileManager.default.removeItem(atPath: file) }

        let folder = nodes.directory + "/moved/kinh-bac"
        let ports = NodeProcesses.Ports(web: try NodeProcesses.freePort(), federation: try NodeProcesses.freePort())
        let restored = try await NodeProcesses.run([
            "restore", "--from", backup, "--into", folder,
            "--web", "127.0.0.1:\(ports.web)", "--federation", "127.0.0.1:\(ports.federation)",
        ])
        #expect(restored.status == 0, "\(restored.output)")
        #expect(restored.output.contains("reportnet serve --config \(folder)/node.yaml"))
        let again = try await NodeProcesses.run(["restore", "--from", backup, "--into", folder])
        #expect(again.status != 0 && again.output.contains("is not empty"), "\(again.output)")

        await nodes.relocate(
            "kinh-bac",
            to: .init(configuration: folder + "/node.yaml", database: folder + "/node.sqlite", ports: ports)
        )
        try await nodes.start("kinh-bac")
        // The moved node keeps its accounts (the seeded ones log in on the new port) and its work,
        // and syncs both ways: the second report reaches the centre.
        #expect(try nodes.count("kinh-bac", "SELECT COUNT(*) FROM reports WHERE id = ?", [before]) == 1)
        let after = try await Self.approve(nodes, assignment: assignments[1])
        try await Self.waitUntilCentreHolds([before, after], nodes)
        for node in ["centre", "bac-ninh", "kinh-bac"] {
            #expect(try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0, "\(node)")
            #expect(
                try nodes.count(
                    node,
                    "SELECT COUNT(*) FROM (SELECT report_id FROM report_events WHERE action = 'received' GROUP BY report_id HAVING COUNT(*) > 1)"
                ) == 0,
                "\(node) applied no approval twice"
            )
        }
    }

    /// Creates Kinh Bắc's report for `assignment` (once it has arrived) and approves it.
    static func approve(_ nodes: NodeProcesses, assignment: String) async throws -> String {
        for _ in 0..<100 {
            let created = try await nodes.call(
                "bni-kb.entry",
                at: "kinh-bac",
                .POST,
                "/api/v1/reports",
                body: ["assignment": assignment]
            )
            if let id = created.json["id"] as? String {
                try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-KB", node: "kinh-bac", report: id)
                return id
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("assignment \(assignment) never reached kinh-bac")
    }

    static func waitUntilCentreHolds(_ reports: [String], _ nodes: NodeProcesses) async throws {
        let marks = reports.map { _ in "?" }.joined(separator: ", ")
        _ = try await ClockSkewTests.waitFor("the centre holds \(reports)") {
            try nodes.count(
                "centre",
                "SELECT COUNT(*) FROM reports WHERE state = 'approved' AND id IN (\(marks))",
                StatementArguments(reports)
            ) == reports.count ? true : nil
        }
    }
}

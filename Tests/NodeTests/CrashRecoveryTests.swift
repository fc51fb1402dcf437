import FaultProxy
import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue F with real processes: nodes are `reportnet serve` processes killed with SIGKILL at
/// random points during sync and started again on the same database file.
@Suite(.serialized) struct CrashRecoveryTests {
    static let nodes = ["centre", "bac-ninh", "kinh-bac", "yen-phong"]
    static let communes = [("BNI-KB", "kinh-bac"), ("BNI-YP", "yen-phong"), ("BNI-TD", "bac-ninh")]

    /// Saves, submits and approves, picking up wherever a killed node left the report.
    static func driveToApproved(_ nodes: NodeProcesses, unit: String, node: String, report id: String) async throws {
        let entry = "\(unit.lowercased()).entry"
        for _ in 0..<20 {
            let current = try await nodes.call(entry, at: node, .GET, "/api/v1/reports/\(id)")
            switch current.json["state"] as? String {
            case "approved":
                return
            case "submitted":
                _ = try await nodes.call(
                    "\(unit.lowercased()).approver",
                    at: node,
                    .POST,
                    "/api/v1/reports/\(id)/approve",
                    body: ["message": "Đồng ý"]
                )
            default:
                let version = current.json["version"] as? Int ?? 1
                _ = try await nodes.call(
                    entry,
                    at: node,
                    .PUT,
                    "/api/v1/reports/\(id)",
                    body: ["answers": ["staff": 2, "plan": "Có"], "version": version]
                )
                _ = try await nodes.call(
                    entry,
                    at: node,
                    .POST,
                    "/api/v1/reports/\(id)/submit",
                    body: ["message": "Kính trình"]
                )
            }
        }
        throw TestFailure("report \(id) at \(node) never reached approved")
    }

    @Test func killNineAnyNodeDuringSync() async throws {
        let seed =
            ProcessInfo.processInfo.environment["REPORTNET_CRASH_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("kill -9 test: seed \(seed) (replay with REPORTNET_CRASH_SEED=\(seed))")
        var random = SeededGenerator(seed: seed)
        let nodes = try await NodeProcesses(nodes: Self.nodes, units: ["TW", "BNI", "BNI-TD", "BNI-KB", "BNI-YP"])
        defer { nodes.remove() }
        for node in Self.nodes { try await nodes.start(node) }

        let form = try await nodes.call(
            "tw.admin",
            at: "centre",
            .POST,
            "/api/v1/forms",
            body: FederationFlowTests.form
        )
        #expect(form.status == 201, "\(form.text)")
        var assignments: [String] = []
        for month in 1...4 {
            let assigned = try await nodes.call(
                "tw.admin",
                at: "centre",
                .POST,
                "/api/v1/assignments",
                body: ["form": "NQ57-THANG", "period": String(format: "2026-%02d", month), "level": "commune"]
            )
            assignments.append(try #require(assigned.json["id"] as? String, "\(assigned.text)"))
        }
        // Reports are entered and approved while a killer takes nodes down at random moments.
        let victims = ["kinh-bac", "bac-ninh", "centre", "yen-phong", "bac-ninh", "centre", "kinh-bac"]
        let pauses = victims.map { _ in Int.random(in: 300...1_500, using: &random) }
        let killer = Task {
            var kills: [String] = []
            for (victim, pause) in zip(victims, pauses) {
                try await Task.sleep(for: .milliseconds(pause))
                nodes.kill9(victim)
                kills.append(victim)
                // The file a killed node leaves behind is whole.
                let check = try nodes.integrity(victim)
                #expect(check == "ok", "\(victim) after kill -9: \(check)")
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...800)))
                try await nodes.start(victim)
            }
            return kills
        }
        var approved: [String: String] = [:]  // report id → node
        var work = Self.communes.flatMap { commune in assignments.map { (commune.0, commune.1, $0) } }
        work.shuffle(using: &random)
        while let (unit, node, assignment) = work.popLast() {
            let entry = "\(unit.lowercased()).entry"
            let created = try await nodes.call(
                entry,
                at: node,
                .POST,
                "/api/v1/reports",
                body: ["assignment": assignment]
            )
            // A 409 names the report a call cut short by a kill had already created.
            guard let id = created.json["id"] as? String ?? (created.json["details"] as? [String: String])?["report"]
            else {
                // The assignment has not reached the node yet (its link may be down): later.
                work.insert((unit, node, assignment), at: 0)
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            try await Self.driveToApproved(nodes, unit: unit, node: node, report: id)
            approved[id] = node
        }
        let kills = try await killer.value
        print(
            "kill -9 test: \(kills.count) kills (\(kills.joined(separator: ", "))), \(approved.count) reports approved"
        )

        // Every approved report reaches the province and the centre exactly once.
        let start = ContinuousClock.now
        var problems: [String] = []
        while ContinuousClock.now - start < .seconds(120) {
            problems = []
            for (id, node) in approved {
                for above in node == "bac-ninh" ? ["centre"] : ["bac-ninh", "centre"] {
                    let held = try nodes.count(
                        above,
                        "SELECT COUNT(*) FROM reports WHERE id = ? AND state = 'approved' AND approval_count = 1",
                        [id]
                    )
                    if held != 1 { problems.append("\(above) lacks \(id)") }
                    let received = try nodes.count(
                        above,
                        "SELECT COUNT(*) FROM report_events WHERE report_id = ? AND action = 'received'",
                        [id]
                    )
                    if received > 1 { problems.append("\(above) applied \(id) \(received) times") }
                }
            }
            for node in Self.nodes
            where try nodes.count(node, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") > 0 {
                problems.append("\(node) has pending messages")
            }
            if problems.isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        print("kill -9 test: converged \(ContinuousClock.now - start) after the last restart")
        #expect(
            try nodes.count("centre", "SELECT COUNT(*) FROM reports") == approved.count,
            "nothing lost, nothing doubled"
        )
        for node in Self.nodes {
            #expect(
                try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0,
                "\(node) parked nothing"
            )
        }

        // `reportnet backup` copies the centre while it serves; `reportnet restore` puts it back
        // (node stopped); its child sees the new epoch and nothing is lost or doubled.
        let backup = nodes.directory + "/backup-centre"
        let made = try await NodeProcesses.run(["backup", "--config", nodes.configuration("centre"), "--to", backup])
        #expect(made.status == 0, "\(made.output)")
        #expect(FileManager.default.fileExists(atPath: backup + "/backup.json"))
        let refused = try await NodeProcesses.run([
            "restore", "--config", nodes.configuration("centre"), "--from", backup,
        ])
        #expect(
            refused.status != 0 && refused.output.contains("stop the node"),
            "no restore under a running node: \(refused.output)"
        )
        await nodes.stop("centre")
        let restored = try await NodeProcesses.run([
            "restore", "--config", nodes.configuration("centre"), "--from", backup,
        ])
        #expect(restored.status == 0, "\(restored.output)")
        try await nodes.start("centre")
        _ = try await ClockSkewTests.waitFor("the province notices the centre's restore") {
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM audit WHERE action = 'sync.parent-restored'") == 1
                ? true : nil
        }
        #expect(try nodes.count("centre", "SELECT COUNT(*) FROM reports") == approved.count)
        #expect(
            try nodes.count(
                "centre",
                "SELECT COUNT(*) FROM (SELECT report_id FROM report_events WHERE action = 'received' GROUP BY report_id HAVING COUNT(*) > 1)"
            ) == 0
        )
        #expect(try nodes.count("centre", "SELECT COUNT(*) FROM audit WHERE action = 'node.restore'") == 1)
        await nodes.stopAll()
        for node in Self.nodes { #expect(try nodes.integrity(node) == "ok") }
    }
}

import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue J.8 with real processes and the real command: a commune's last audit entries are cut
/// off its database while it is stopped. The chain alone is still whole; `reportnet audit verify`
/// asks the parent what it witnessed and reports the cut (exit 1), the parent raises an alert
/// when the commune comes back with a shorter trail, and with the parent unreachable the check is
/// said to be skipped (exit 1 only with `--require-witness`).
@Suite(.serialized) struct AuditWitnessProcessTests {
    static func verify(_ nodes: NodeProcesses, _ extra: [String] = []) async throws -> (status: Int32, output: String) {
        try await NodeProcesses.run(["audit", "verify", "--config", nodes.configuration("kinh-bac")] + extra)
    }

    @Test func aTrailCutAtItsEndIsReportedByVerify() async throws {
        let nodes = try await NodeProcesses(nodes: ["bac-ninh", "kinh-bac"], units: ["BNI", "BNI-KB"])
        defer { nodes.remove() }
        for node in ["bac-ninh", "kinh-bac"] { try await nodes.start(node) }

        // The commune's status carries its head up; the province witnesses it.
        var head = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            head = try nodes.count("kinh-bac", "SELECT COALESCE(MAX(seq), 0) FROM audit")
            let seen = try nodes.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM audit_witness WHERE unit = 'BNI-KB' AND seq = ?",
                [head]
            )
            if head > 0 && seen == 1 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(head >= 3, "the seeded accounts left entries in the commune's trail")
        let intact = try await Self.verify(nodes, ["--require-witness"])
        #expect(intact.status == 0, "\(intact.output)")
        #expect(intact.output.contains("matches what the parent BNI witnessed"), "\(intact.output)")

        // Someone with the database file cuts the last two entries off the end.
        await nodes.stop("kinh-bac")
        head = try nodes.count("kinh-bac", "SELECT MAX(seq) FROM audit")
        let witnessed = try nodes.count(
            "bac-ninh",
            "SELECT MAX(seq) FROM audit_witness WHERE unit = 'BNI-KB'"
        )
        let queue = try DatabaseQueue(path: nodes.databasePath("kinh-bac"))
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete")
            try db.execute(sql: "DELETE FROM audit WHERE seq > ?", arguments: [witnessed - 2])
        }
        try queue.close()
        let end = witnessed - 2

        let cut = try await Self.verify(nodes)
        #expect(cut.status == 1, "\(cut.output)")
        #expect(cut.output.contains("audit trail intact"), "the chain alone shows nothing: \(cut.output)")
        #expect(
            cut.output.contains("trail cut: the parent witnessed entry \(witnessed)")
                && cut.output.contains("the trail ends at \(end)"),
            "\(cut.output)"
        )
        #expect(head >= witnessed)

        // The commune comes back with the shorter trail: the province finds the cut and tells
        // its admins.
        try await nodes.start("kinh-bac")
        let admin = try await nodes.login("bni.admin", at: "bac-ninh")
        var alert: [String: Any]?
        let alertDeadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < alertDeadline, alert == nil {
            alert = try await admin.call(.GET, "/api/v1/alerts").items.first {
                $0["kind"] as? String == "audit_cut" && $0["unit"] as? String == "BNI-KB"
            }
            if alert == nil { try await Task.sleep(for: .milliseconds(300)) }
        }
        let raised = try #require(alert, "the province raises an audit_cut alert")
        #expect((raised["messageEN"] as? String)?.contains("entry \(witnessed) was witnessed") == true, "\(raised)")
        let listed = try await admin.call(.GET, "/api/v1/nodes").items.first { $0["unit"] as? String == "BNI-KB" }
        let listedCut = listed?["auditCut"] as? [String: Any]
        #expect(listedCut?["witnessedSeq"] as? Int == witnessed, "\(String(describing: listed))")
        // The cut stays on record: verify keeps saying so after the witness moved on.
        let after = try await Self.verify(nodes)
        #expect(after.status == 1 && after.output.contains("entry \(witnessed)"), "\(after.output)")

        // The parent is down: the witness check is said to be skipped.
        await nodes.stop("bac-ninh")
        await nodes.stop("kinh-bac")
        let unreachable = try await Self.verify(nodes)
        #expect(unreachable.status == 0, "\(unreachable.output)")
        #expect(unreachable.output.contains("the witness check could not be made"), "\(unreachable.output)")
        let required = try await Self.verify(nodes, ["--require-witness"])
        #expect(required.status == 1, "\(required.output)")
    }
}

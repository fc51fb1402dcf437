import Federation
import Foundation
import GRDB
import Hierarchy
import TestSupport
import Testing

@testable import Node
@testable import NodeCommands

/// Issue I.5 with real processes: a reorganisation moves Xã Tiên Du (BNI-TD), which works in
/// Bắc Ninh's node, below Lào Cai. The centre decides while Lào Cai's node is down and crashes
/// (`kill -9`) right after; the commune's life (accounts with the same passwords and second
/// factors, an approved report and a draft with its file) goes up from Bắc Ninh and down to
/// Lào Cai through the centre. Afterwards the unit works at Lào Cai, Bắc Ninh tells its users
/// where to go, October still counts under Bắc Ninh and a month assigned after the move under
/// Lào Cai, and nothing is doubled.
@Suite(.serialized) struct UnitMoveTests {
    @Test func aCommuneMovesToAnotherProvinceWithItsLife() async throws {
        let nodes = try await NodeProcesses(
            nodes: ["centre", "bac-ninh", "lao-cai"],
            units: ["TW", "BNI", "BNI-TD", "LCA"]
        )
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh", "lao-cai"] { try await nodes.start(node) }
        let assignments = try await nodes.assignToCommunes(months: ["2026-10", "2026-11"])

        // At Bắc Ninh: October approved (and at the centre), November a draft with a file.
        let approved = try await HandoverTests.create(nodes, assignment: assignments[0], at: "bac-ninh")
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-TD", node: "bac-ninh", report: approved)
        try await NodeMoveTests.waitUntilCentreHolds([approved], nodes)
        let draft = try await HandoverTests.create(nodes, assignment: assignments[1], at: "bac-ninh")
        let filled = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .PUT,
            "/api/v1/reports/\(draft)",
            body: ["answers": ["staff": 4, "plan": "Có"], "version": 1]
        )
        #expect(filled.status == 200, "\(filled.text)")
        let letter = Data("Biên bản bàn giao xã Tiên Du".utf8)
        let attached = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .POST,
            "/api/v1/reports/\(draft)/evidence?name=ban-giao.txt",
            body: letter
        )
        let evidence = try #require(attached.json["id"] as? String, "\(attached.text)")
        // Bắc Ninh's own form, assigned to its communes, with a draft; and its own task, with progress.
        var ownForm = FederationFlowTests.form
        ownForm["code"] = "BNI-THANG"
        let defined = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/forms", body: ownForm)
        #expect(defined.status == 201, "\(defined.text)")
        let provincial = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/assignments",
            body: ["form": "BNI-THANG", "period": "2026-11", "level": "commune"]
        )
        let provincialAssignment = try #require(provincial.json["id"] as? String, "\(provincial.text)")
        let provincialDraft = try await HandoverTests.create(nodes, assignment: provincialAssignment, at: "bac-ninh")
        let task = try #require(
            try await nodes.call(
                "bni.approver",
                at: "bac-ninh",
                .POST,
                "/api/v1/tasks",
                body: [
                    "title": "Rà soát thủ tục hành chính",
                    "deadline": CalendarDate(nodes.now(at: "bac-ninh")).adding(days: 30).description,
                    "units": ["BNI-TD"],
                ]
            ).json["id"] as? String
        )
        let progressed = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .POST,
            "/api/v1/tasks/\(task)/progress",
            body: ["percent": 30]
        )
        #expect(progressed.status == 200, "\(progressed.text)")
        let history = try nodes.count("bac-ninh", "SELECT COUNT(*) FROM report_events WHERE report_id = ?", [approved])
        let lastLoginAtProvince = nodes.now(at: "bac-ninh")

        // Who may move what: the admin of a node's own unit, inside its subtree, a unit without a
        // node of its own, below a unit of its parent's level.
        let byCommune = try await nodes.call(
            "bni-td.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/units/BNI-TD/move",
            body: ["parent": "LCA"]
        )
        #expect(byCommune.status == 403, "\(byCommune.text)")
        let byProvince = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/units/BNI-TD/move",
            body: ["parent": "LCA"]
        )
        #expect(byProvince.status == 422 && byProvince.text.contains("LCA"), "\(byProvince.text)")
        for (code, parent, status) in [("BNI-TD", "LCA-SP", 422), ("BNI-KB", "LCA", 409), ("BNI-XX", "LCA", 404)] {
            let refused = try await nodes.call(
                "tw.admin",
                at: "centre",
                .POST,
                "/api/v1/units/\(code)/move",
                body: ["parent": parent]
            )
            #expect(refused.status == status, "\(code) → \(parent): \(refused.text)")
        }
        #expect(try nodes.count("centre", "SELECT COUNT(*) FROM unit_changes WHERE kind = 'moved'") == 0)

        // Lào Cai's node is down when the centre decides; the centre crashes right after.
        nodes.kill9("lao-cai")
        let moved = try await nodes.call(
            "tw.admin",
            at: "centre",
            .POST,
            "/api/v1/units/BNI-TD/move",
            body: ["parent": "LCA"]
        )
        #expect(moved.status == 202, "\(moved.text)")
        #expect(moved.json["hostedBy"] as? String == "lao-cai", "\(moved.text)")
        let handover = try #require(moved.json["handover"] as? [String: Any], "\(moved.text)")
        #expect(handover["state"] as? String == "requested" && handover["node"] as? String == "bac-ninh")
        nodes.kill9("centre")
        try await nodes.start("centre")

        // While Lào Cai is down, the unit's life waits at the centre for it, and for no other node.
        _ = try await ClockSkewTests.waitFor("the centre offers Tiên Du's life on to lao-cai", seconds: 60) {
            try nodes.count(
                "centre",
                "SELECT COUNT(*) FROM handovers WHERE direction = 'out' AND state = 'offered' AND node = 'lao-cai'"
            ) == 1 ? true : nil
        }
        let ids = try DatabaseQueue(path: nodes.databasePath("centre"))
        let (onward, fromProvince) = try await ids.read { db in
            (
                try String.fetchOne(db, sql: "SELECT id FROM handovers WHERE direction = 'out'") ?? "",
                try String.fetchOne(db, sql: "SELECT id FROM handovers WHERE direction = 'in'") ?? ""
            )
        }
        try ids.close()
        let asProvince = try Self.federationClient(nodes, as: "bac-ninh", to: "centre")
        await #expect(throws: FederationCallError.self, "another child's handover") {
            try await asProvince.handover(id: onward)
        }
        let asLaoCai = try Self.federationClient(nodes, as: "lao-cai", to: "centre")
        do {
            _ = try await asLaoCai.handBack(
                HandoverPackage(id: fromProvince, unit: "BNI-TD", units: ["BNI-TD"], tables: [], evidence: [])
            )
            Issue.record("lao-cai handed up what bac-ninh was asked for")
        } catch let error as FederationCallError {
            #expect(error.status == 404, "\(error)")
        }
        try await asProvince.shutdown()
        try await asLaoCai.shutdown()
        try await nodes.start("lao-cai")

        _ = try await ClockSkewTests.waitFor("lao-cai holds Tiên Du's life", seconds: 90) {
            try nodes.count("lao-cai", "SELECT COUNT(*) FROM handovers WHERE direction = 'in' AND state = 'completed'")
                == 1
                ? true : nil
        }
        _ = try await ClockSkewTests.waitFor("bac-ninh and the centre know it went through", seconds: 60) {
            let province = try nodes.count("bac-ninh", "SELECT COUNT(*) FROM handovers WHERE state = 'completed'")
            let centre = try nodes.count("centre", "SELECT COUNT(*) FROM handovers WHERE state = 'completed'")
            return province == 1 && centre == 2 ? true : nil
        }
        for node in ["centre", "bac-ninh", "lao-cai"] {
            #expect(
                try nodes.count(node, "SELECT COUNT(*) FROM unit_changes WHERE kind = 'moved' AND parent = 'LCA'") == 1,
                "\(node)"
            )
        }

        // Lào Cai serves the unit: the same accounts, reports once, the same history and file.
        #expect(
            try nodes.count(
                "lao-cai",
                "SELECT COUNT(*) FROM accounts WHERE unit = 'BNI-TD' AND status = 'active' AND hosted_here = 1"
            ) == 3
        )
        #expect(try nodes.count("lao-cai", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-TD'") == 2)
        // What answered to Bắc Ninh stays there: its form, its assignment, its task, the draft for it.
        for (table, sql) in [
            ("forms", "SELECT COUNT(*) FROM forms WHERE owner_unit = 'BNI'"),
            ("assignments", "SELECT COUNT(*) FROM assignments WHERE assigned_by = 'BNI'"),
            ("tasks", "SELECT COUNT(*) FROM tasks WHERE assigned_by = 'BNI'"),
            ("reports", "SELECT COUNT(*) FROM reports WHERE form_owner = 'BNI'"),
        ] {
            #expect(try nodes.count("lao-cai", sql) == 0, "\(table) of Bắc Ninh at lao-cai")
            #expect(try nodes.count("centre", sql) == 0, "\(table) of Bắc Ninh at the centre")
        }
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM task_units WHERE task_id = ?", [task]) == 1)
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE id = ?", [provincialDraft]) == 0)
        #expect(
            try nodes.count("lao-cai", "SELECT COUNT(*) FROM report_events WHERE report_id = ?", [approved]) == history
        )
        try await nodes.waitForNextCodeStep(after: lastLoginAtProvince, at: "lao-cai")
        let entry = try await nodes.login("bni-td.entry", at: "lao-cai")
        #expect(try await entry.call(.GET, "/api/v1/reports/\(draft)").json["state"] as? String == "draft")
        let file = try await entry.call(.GET, "/api/v1/reports/\(draft)/evidence/\(evidence)")
        #expect(file.status == 200 && file.data == letter, "\(file.status)")

        // Bắc Ninh keeps October as a received report and tells the unit's users where to go.
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-TD'") == 1)
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE id = ? AND hosted_here = 0", [approved])
                == 1
        )
        let anonymous = APIClient(baseURL: nodes.webURL("bac-ninh"), caPath: nodes.caPath)
        let told = try await anonymous.call(
            .POST,
            "/api/v1/session",
            body: ["username": "bni-td.entry", "password": "không cần"]
        )
        #expect(told.status == 409 && told.text.contains("lao-cai"), "\(told.text)")

        // November, approved at Lào Cai, reaches the centre under Lào Cai's signature.
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-TD", node: "lao-cai", report: draft)
        try await NodeMoveTests.waitUntilCentreHolds([approved, draft], nodes)

        // October still counts Tiên Du under Bắc Ninh; a month assigned after the move, under Lào Cai.
        let assigned = try await nodes.call(
            "tw.admin",
            at: "centre",
            .POST,
            "/api/v1/assignments",
            body: ["form": "NQ57-THANG", "period": "2026-12", "level": "commune"]
        )
        let december = try #require(assigned.json["id"] as? String, "\(assigned.text)")
        _ = try await HandoverTests.create(nodes, assignment: december, at: "lao-cai")
        let centre = try await nodes.login("tw.admin", at: "centre")
        func expected(_ assignment: String) async throws -> [String: Int] {
            let view = try await centre.call(.GET, "/api/v1/assignments/\(assignment)/oversight").json
            let progress = try #require(view["progress"] as? [String: Any])
            let children = try #require(progress["children"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: children.compactMap { row in
                    guard let unit = row["unit"] as? String, let figures = row["figures"] as? [String: Any] else {
                        return nil
                    }
                    return (unit, figures["expected"] as? Int ?? -1)
                }
            )
        }
        #expect(try await expected(assignments[0]) == ["BNI": 3, "LCA": 1])
        #expect(try await expected(december) == ["BNI": 2, "LCA": 2])

        for node in ["centre", "bac-ninh", "lao-cai"] {
            #expect(try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0, "\(node)")
            #expect(try nodes.integrity(node) == "ok")
            let check = try await NodeProcesses.run(["figures", "check", "--config", nodes.configuration(node)])
            #expect(check.status == 0 && check.output.contains("figures match"), "\(node): \(check.output)")
        }
    }

    /// A federation client presenting `node`'s certificate to `target`'s listener (which need not
    /// run for the certificate to be presented: `node` itself may be down).
    static func federationClient(
        _ nodes: NodeProcesses,
        as node: String,
        to target: String
    ) throws
        -> FederationClient
    {
        let files = NodeCertificates.paths(in: "\(nodes.directory)/certs", node: node)
        return try FederationClient(
            address: "https://127.0.0.1:\(nodes.ports[target]!.federation)",
            peer: NodeIdentity(unitCode: nodes.deployment.node(named: target)!.unit),
            credentials: try NodeCredentials.load(
                certificate: files.certificate,
                key: files.key,
                trustRoot: nodes.caPath
            )
        )
    }
}

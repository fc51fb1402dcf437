import Foundation
import GRDB
import Hierarchy
import TestSupport
import Testing

@testable import Node

/// Issue I.3 with real processes: Xã Tiên Du (BNI-TD), which worked in its province's node, gets
/// a node of its own and its life moves along — accounts with the same passwords and second
/// factors, an approved report and a draft with its evidence file, their history — while the
/// province crashes (`kill -9`) right after the join and the new node crashes as the move runs.
/// After restarts the move completes, nothing is doubled, the province tells the unit's users
/// where to go, and the unit goes on reporting from its own node.
@Suite(.serialized) struct HandoverTests {
    @Test func aCommuneWithAccountsAndReportsMovesToItsOwnNodeThroughCrashes() async throws {
        let nodes = try await NodeProcesses(nodes: ["centre", "bac-ninh"], units: ["TW", "BNI", "BNI-TD"])
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh"] { try await nodes.start(node) }
        let assignments = try await nodes.assignToCommunes(months: ["2026-10", "2026-11"])

        // At the province: October approved (and at the centre), November a draft with a file.
        let approved = try await Self.create(nodes, assignment: assignments[0], at: "bac-ninh")
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-TD", node: "bac-ninh", report: approved)
        try await NodeMoveTests.waitUntilCentreHolds([approved], nodes)
        let draft = try await Self.create(nodes, assignment: assignments[1], at: "bac-ninh")
        let filled = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .PUT,
            "/api/v1/reports/\(draft)",
            body: ["answers": ["staff": 3, "plan": "Có"], "version": 1]
        )
        #expect(filled.status == 200, "\(filled.text)")
        let letter = Data("Biên bản họp chi bộ tháng 11".utf8)
        let attached = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .POST,
            "/api/v1/reports/\(draft)/evidence?name=bien-ban.txt",
            body: letter
        )
        let evidence = try #require(attached.json["id"] as? String, "\(attached.text)")
        // A file large enough that the move is still running when the new node is killed.
        let minutes = Data(repeating: 0x25, count: 6 << 20)
        let large = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .POST,
            "/api/v1/reports/\(draft)/evidence?name=bien-ban-day-du.pdf",
            body: minutes
        )
        #expect(large.status == 201, "\(large.text)")
        // A task from the province, with progress and a file; the commune's congress date.
        let made = try await nodes.call(
            "bni.approver",
            at: "bac-ninh",
            .POST,
            "/api/v1/tasks",
            body: [
                "title": "Số hóa hồ sơ một cửa",
                "deadline": CalendarDate(nodes.now(at: "bac-ninh")).adding(days: 30).description,
                "units": ["BNI-TD"],
            ]
        )
        let task = try #require(made.json["id"] as? String, "\(made.text)")
        let taskFile = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .POST,
            "/api/v1/tasks/\(task)/evidence?name=tien-do.txt",
            body: Data("Đã số hóa 40 hồ sơ".utf8)
        )
        let taskEvidence = try #require(taskFile.json["id"] as? String, "\(taskFile.text)")
        let progressed = try await nodes.call(
            "bni-td.entry",
            at: "bac-ninh",
            .POST,
            "/api/v1/tasks/\(task)/progress",
            body: ["percent": 20, "evidence": [taskEvidence]]
        )
        #expect(progressed.status == 200, "\(progressed.text)")
        let congress = try await nodes.call(
            "bni-td.approver",
            at: "bac-ninh",
            .PUT,
            "/api/v1/congress",
            body: ["date": "2099-06-10"]
        )
        #expect(congress.status == 200, "\(congress.text)")
        let lastLoginAtProvince = nodes.now(at: "bac-ninh")
        let province = try await nodes.login("bni-td.entry", at: "bac-ninh")

        // The province's admin hands the unit's node a token: no longer refused for its data.
        let granted = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/enrolment-tokens",
            body: ["unit": "BNI-TD"]
        )
        let token = try #require(granted.json["token"] as? String, "\(granted.text)")
        let ports = NodeProcesses.Ports(web: try NodeProcesses.freePort(), federation: try NodeProcesses.freePort())
        func enrol(into folder: String, with token: String) async throws -> (status: Int32, output: String) {
            try await NodeProcesses.run([
                "enrol", "--parent", nodes.webURL("bac-ninh"), "--dir", folder, "--token", token,
                "--web", "127.0.0.1:\(ports.web)", "--federation", "127.0.0.1:\(ports.federation)",
            ])
        }
        let joined = try await enrol(into: nodes.directory + "/joined/bni-td-first", with: token)
        #expect(joined.status == 0 && joined.output.contains("chuyển từ nút cấp trên"), "\(joined.output)")
        // Its first machine dies before it ever runs: the admin hands out a second token and a new
        // machine enrols; it is told of the handover still waiting, and takes it over.
        let second = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/enrolment-tokens",
            body: ["unit": "BNI-TD"]
        )
        let folder = nodes.directory + "/joined/bni-td"
        let again = try await enrol(into: folder, with: try #require(second.json["token"] as? String, "\(second.text)"))
        #expect(again.status == 0 && again.output.contains("chuyển từ nút cấp trên"), "\(again.output)")

        // The province stops serving the unit at once: sessions ended, users told where to go.
        #expect(try await province.call(.GET, "/api/v1/reports").status == 401)
        let anonymous = APIClient(baseURL: nodes.webURL("bac-ninh"), caPath: nodes.caPath)
        let told = try await anonymous.call(
            .POST,
            "/api/v1/session",
            body: ["username": "bni-td.entry", "password": "không cần"]
        )
        #expect(told.status == 409 && told.text.contains("bni-td"), "\(told.text)")
        #expect(told.text.contains("127.0.0.1:\(ports.web)"), "\(told.text)")

        // The province crashes right after the join; the new node starts and waits for it.
        nodes.kill9("bac-ninh")
        await nodes.relocate(
            "bni-td",
            to: .init(configuration: folder + "/node.yaml", database: folder + "/node.sqlite", ports: ports)
        )
        try await nodes.start("bni-td", arguments: ["serve", "--dir", folder])
        try await Task.sleep(for: .seconds(2))
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM reports") == 0, "nothing without the province")
        try await nodes.start("bac-ninh")
        // The new node is killed the moment the province has sent it the unit's life (it is then
        // fetching the files, or writing the rows), and restarts.
        let log = nodes.directory + "/bac-ninh.log"
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? String(contentsOfFile: log, encoding: .utf8))?.contains("unit life sent") != true {
            guard ContinuousClock.now < deadline else { throw TestFailure("the province never sent the unit's life") }
            try await Task.sleep(for: .milliseconds(5))
        }
        nodes.kill9("bni-td")
        let phase = try nodes.count("bni-td", "SELECT COUNT(*) FROM handovers WHERE state = 'expected'")
        print("handover test: the new node was killed \(phase == 1 ? "before its import committed" : "after it")")
        try await nodes.start("bni-td", arguments: ["serve", "--dir", folder])
        for node in ["bni-td", "bac-ninh"] {
            _ = try await ClockSkewTests.waitFor("the handover is completed at \(node)", seconds: 90) {
                try nodes.count(node, "SELECT COUNT(*) FROM handovers WHERE state = 'completed'") == 1 ? true : nil
            }
        }

        // Everything is at the new node once; the province keeps what it keeps of any node below.
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM accounts WHERE unit = 'BNI-TD'") == 3)
        #expect(
            try nodes.count("bni-td", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-TD' AND hosted_here = 1") == 2
        )
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM attachments WHERE report_id = ?", [draft]) == 2)
        let history = try nodes.count("bac-ninh", "SELECT COUNT(*) FROM report_events WHERE report_id = ?", [approved])
        #expect(history > 0)
        #expect(
            try nodes.count("bni-td", "SELECT COUNT(*) FROM report_events WHERE report_id = ?", [approved]) == history
        )
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM assignments") == 2)
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM task_updates WHERE task_id = ?", [task]) == 1)
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM task_evidence WHERE task_id = ?", [task]) == 1)
        #expect(try nodes.count("bni-td", "SELECT COUNT(*) FROM congress_dates WHERE date = '2099-06-10'") == 1)
        #expect(
            try nodes.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM accounts WHERE unit = 'BNI-TD' AND status = 'delegated' AND password_hash IS NULL"
            ) == 3
        )
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-TD' AND hosted_here = 0")
                == 1,
            "the approved report stays as a received one; the draft is no longer the province's"
        )
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-TD'") == 1)

        // The admin logs in at the new node with the old password and second factor.
        let admin = try await nodes.login("bni-td.admin", at: "bni-td")
        let handovers = try await admin.call(.GET, "/api/v1/handovers")
        #expect(handovers.text.contains("\"completed\""), "\(handovers.text)")
        // The entry clerk too, with a code of a later step than the last one used at the province.
        try await nodes.waitForNextCodeStep(after: lastLoginAtProvince, at: "bni-td")
        let moved = try await nodes.call("bni-td.entry", at: "bni-td", .GET, "/api/v1/reports/\(draft)")
        #expect(moved.json["state"] as? String == "draft", "\(moved.text)")
        let file = try await nodes.call(
            "bni-td.entry",
            at: "bni-td",
            .GET,
            "/api/v1/reports/\(draft)/evidence/\(evidence)"
        )
        #expect(file.status == 200 && file.data == letter, "\(file.status)")

        // The unit goes on from its own node: the task's next progress reaches the province, and
        // November approved there reaches the centre.
        let later = try await nodes.call(
            "bni-td.entry",
            at: "bni-td",
            .POST,
            "/api/v1/tasks/\(task)/progress",
            body: ["percent": 60]
        )
        #expect(later.status == 200, "\(later.text)")
        _ = try await ClockSkewTests.waitFor("the province holds the task's second progress") {
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM task_updates WHERE task_id = ? AND seq = 2", [task]) == 1
                ? true : nil
        }
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-TD", node: "bni-td", report: draft)
        try await NodeMoveTests.waitUntilCentreHolds([approved, draft], nodes)
        #expect(try nodes.count("centre", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-TD'") == 2)
        for node in ["centre", "bac-ninh", "bni-td"] {
            #expect(try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0, "\(node)")
            #expect(try nodes.integrity(node) == "ok")
        }
        // The figures each node keeps agree with its reports after the move.
        for configuration in [nodes.configuration("bac-ninh"), folder + "/node.yaml"] {
            let check = try await NodeProcesses.run(["figures", "check", "--config", configuration])
            #expect(check.status == 0 && check.output.contains("figures match"), "\(check.output)")
        }
    }

    /// Issue I.5 with real processes: the province's admin retires Kinh Bắc's own node. The node
    /// hands its unit's life back (accounts, an approved report, a draft with its file) and stops
    /// syncing; the province hosts the unit again, the centre learns it, the unit's users log in at
    /// the province with their passwords and second factors and go on reporting. Both nodes are
    /// killed with `kill -9` around the move: the commune before it hears of its retirement, the
    /// province right after deciding it, the commune again the moment the province has its life.
    @Test func aRetiredCommuneNodeHandsItsLifeBackToItsProvince() async throws {
        let nodes = try await NodeProcesses(nodes: ["centre", "bac-ninh", "kinh-bac"], units: ["TW", "BNI", "BNI-KB"])
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh", "kinh-bac"] { try await nodes.start(node) }
        let assignments = try await nodes.assignToCommunes(months: ["2026-10", "2026-11"])
        let approved = try await NodeMoveTests.approve(nodes, assignment: assignments[0])
        try await NodeMoveTests.waitUntilCentreHolds([approved], nodes)
        let draft = try await ClockSkewTests.waitFor("the November assignment reaches kinh-bac", seconds: 60) {
            try await nodes.call(
                "bni-kb.entry",
                at: "kinh-bac",
                .POST,
                "/api/v1/reports",
                body: ["assignment": assignments[1]]
            ).json["id"] as? String
        }
        let letter = Data("Danh sách hộ nghèo tháng 11".utf8)
        let attached = try await nodes.call(
            "bni-kb.entry",
            at: "kinh-bac",
            .POST,
            "/api/v1/reports/\(draft)/evidence?name=danh-sach.txt",
            body: letter
        )
        let evidence = try #require(attached.json["id"] as? String, "\(attached.text)")
        let lastLoginAtCommune = nodes.now(at: "kinh-bac")

        // The commune's node is down when the province retires it; the province then crashes.
        nodes.kill9("kinh-bac")
        let refused = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/units/BNI-TD/retire-node")
        #expect(refused.status == 422, "BNI-TD has no node of its own: \(refused.text)")
        let asked = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/units/BNI-KB/retire-node")
        #expect(asked.status == 202 && asked.json["state"] as? String == "requested", "\(asked.text)")
        nodes.kill9("bac-ninh")
        try await nodes.start("bac-ninh")
        try await nodes.start("kinh-bac")
        // The commune is killed the moment the province holds its life, and restarts.
        let log = nodes.directory + "/bac-ninh.log"
        let deadline = ContinuousClock.now + .seconds(60)
        while (try? String(contentsOfFile: log, encoding: .utf8))?.contains("node retired") != true {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("the province never took kinh-bac's life back")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        nodes.kill9("kinh-bac")
        try await nodes.start("kinh-bac")
        _ = try await ClockSkewTests.waitFor("kinh-bac knows it is retired", seconds: 60) {
            try nodes.count("kinh-bac", "SELECT COUNT(*) FROM handovers WHERE state = 'completed'") == 1 ? true : nil
        }
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM handovers WHERE direction = 'in' AND state = 'completed'")
                == 1
        )
        // Had the commune crashed before it recorded the province's answer, it would hand back again
        // after it left the tree, and hear the same answer.
        nodes.kill9("kinh-bac")
        let commune = try DatabaseQueue(path: nodes.databasePath("kinh-bac"))
        try await commune.write { db in try db.execute(sql: "UPDATE handovers SET state = 'offered'") }
        try commune.close()
        try await nodes.start("kinh-bac")
        _ = try await ClockSkewTests.waitFor("kinh-bac hears again that it is retired", seconds: 60) {
            try nodes.count("kinh-bac", "SELECT COUNT(*) FROM handovers WHERE state = 'completed'") == 1 ? true : nil
        }

        // The province hosts the unit again, with everything once.
        #expect(
            try nodes.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM accounts WHERE unit = 'BNI-KB' AND status = 'active' AND password_hash IS NOT NULL"
            ) == 3
        )
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-KB' AND hosted_here = 1") == 2
        )
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-KB'") == 2)
        let history = try nodes.count("kinh-bac", "SELECT COUNT(*) FROM report_events WHERE report_id = ?", [approved])
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM report_events WHERE report_id = ?", [approved]) == history
        )
        _ = try await ClockSkewTests.waitFor("the centre knows kinh-bac retired") {
            try nodes.count("centre", "SELECT COUNT(*) FROM unit_changes WHERE code = 'BNI-KB' AND kind = 'retired'")
                == 1
                ? true : nil
        }

        // The unit's users log in at the province with their passwords and second factors.
        let admin = try await nodes.login("bni-kb.admin", at: "bac-ninh")
        #expect(try await admin.call(.GET, "/api/v1/reports/\(draft)").json["state"] as? String == "draft")
        try await nodes.waitForNextCodeStep(after: lastLoginAtCommune, at: "bac-ninh")
        let file = try await nodes.call(
            "bni-kb.entry",
            at: "bac-ninh",
            .GET,
            "/api/v1/reports/\(draft)/evidence/\(evidence)"
        )
        #expect(file.status == 200 && file.data == letter, "\(file.status)")
        // The retired node tells them where to go, and syncs no more.
        let anonymous = APIClient(baseURL: nodes.webURL("kinh-bac"), caPath: nodes.caPath)
        let told = try await anonymous.call(
            .POST,
            "/api/v1/session",
            body: ["username": "bni-kb.entry", "password": "không cần"]
        )
        #expect(told.status == 409 && told.text.contains("bac-ninh"), "\(told.text)")

        // November, approved at the province now, reaches the centre under the province's signature.
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-KB", node: "bac-ninh", report: draft)
        try await NodeMoveTests.waitUntilCentreHolds([approved, draft], nodes)
        for node in ["centre", "bac-ninh"] {
            #expect(try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0, "\(node)")
            #expect(try nodes.integrity(node) == "ok")
        }
        let check = try await NodeProcesses.run(["figures", "check", "--config", nodes.configuration("bac-ninh")])
        #expect(check.status == 0 && check.output.contains("figures match"), "\(check.output)")

        // The unit may get a node again: the old machine's certificate is revoked as the new one joins.
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM revoked_certificates WHERE unit = 'BNI-KB'") == 0)
        let token = try #require(
            try await nodes.call(
                "bni.admin",
                at: "bac-ninh",
                .POST,
                "/api/v1/enrolment-tokens",
                body: ["unit": "BNI-KB"]
            ).json["token"] as? String
        )
        let rejoined = try await NodeProcesses.run([
            "enrol", "--parent", nodes.webURL("bac-ninh"), "--dir", nodes.directory + "/joined/kinh-bac-2",
            "--token", token, "--name", "kinh-bac-2", "--web", "127.0.0.1:\(try NodeProcesses.freePort())",
            "--federation", "127.0.0.1:\(try NodeProcesses.freePort())",
        ])
        #expect(rejoined.status == 0, "\(rejoined.output)")
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM revoked_certificates WHERE unit = 'BNI-KB'") >= 1)
        // Its life is offered to the new node.
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM handovers WHERE state = 'offered'") == 1)
    }

    /// A commune node's machine is lost before it hands its life back (no backup): the province,
    /// having asked it to retire, takes the unit back with what it holds — the approved report it
    /// received, the accounts, given new activation codes — and revokes the lost node's certificate,
    /// so the machine, if found, cannot sync again.
    @Test func aLostCommuneNodeIsRetiredWithWhatItsProvinceHolds() async throws {
        let nodes = try await NodeProcesses(nodes: ["centre", "bac-ninh", "kinh-bac"], units: ["TW", "BNI", "BNI-KB"])
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh", "kinh-bac"] { try await nodes.start(node) }
        let assignments = try await nodes.assignToCommunes(months: ["2026-10"])
        let approved = try await NodeMoveTests.approve(nodes, assignment: assignments[0])
        try await NodeMoveTests.waitUntilCentreHolds([approved], nodes)
        // The province knows the admin it gave the commune (the accounts made there stay there).
        let provisioned = try await nodes.call(
            "bni.admin",
            at: "bac-ninh",
            .POST,
            "/api/v1/accounts",
            body: ["username": "bni-kb.quantri", "fullName": "Quản trị Kinh Bắc", "unit": "BNI-KB", "role": "admin"]
        )
        #expect(provisioned.status == 201, "\(provisioned.text)")
        nodes.kill9("kinh-bac")

        // Only a node asked to retire, and not handing back, is taken back without its data.
        let early = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/units/BNI-KB/retire-lost-node")
        #expect(early.status == 409 && early.text.contains("thôi vận hành trước"), "\(early.text)")
        let asked = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/units/BNI-KB/retire-node")
        #expect(asked.status == 202, "\(asked.text)")
        let byCommune = try await nodes.call(
            "bni.approver",
            at: "bac-ninh",
            .POST,
            "/api/v1/units/BNI-KB/retire-lost-node"
        )
        #expect(byCommune.status == 403, "\(byCommune.text)")
        let taken = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/units/BNI-KB/retire-lost-node")
        #expect(taken.status == 200 && taken.json["state"] as? String == "completed", "\(taken.text)")

        // The province hosts the unit again: October as its own report, the account it knew to activate.
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM reports WHERE id = ? AND hosted_here = 1", [approved])
                == 1
        )
        #expect(
            try nodes.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM accounts WHERE username = 'bni-kb.quantri' AND status = 'pending' AND hosted_here = 1"
            ) == 1
        )
        #expect(
            try nodes.count("bac-ninh", "SELECT COUNT(*) FROM accounts WHERE unit = 'BNI-KB' AND hosted_here = 0") == 0
        )
        let reset = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/accounts/bni-kb.quantri/reset")
        let code = try #require(reset.json["activationCode"] as? String, "\(reset.text)")
        let anonymous = APIClient(baseURL: nodes.webURL("bac-ninh"), caPath: nodes.caPath)
        let activated = try await anonymous.call(
            .POST,
            "/api/v1/activate",
            body: ["username": "bni-kb.quantri", "code": code, "password": "Mật khẩu mới của xã Kinh Bắc 1"]
        )
        #expect(activated.status == 200, "\(activated.text)")
        let again = try await nodes.call("bni.admin", at: "bac-ninh", .POST, "/api/v1/units/BNI-KB/retire-lost-node")
        #expect(again.status == 409, "nothing waits any more: \(again.text)")

        _ = try await ClockSkewTests.waitFor("the centre knows kinh-bac retired", seconds: 60) {
            try nodes.count("centre", "SELECT COUNT(*) FROM unit_changes WHERE code = 'BNI-KB' AND kind = 'retired'")
                == 1 ? true : nil
        }
        _ = try await ClockSkewTests.waitFor("the centre holds the lost node's revocation", seconds: 60) {
            try nodes.count("centre", "SELECT COUNT(*) FROM revoked_certificates WHERE unit = 'BNI-KB'") >= 1
                ? true : nil
        }
        // The machine, found again, is refused by its former parent.
        let lost = try UnitMoveTests.federationClient(nodes, as: "kinh-bac", to: "bac-ninh")
        await #expect(throws: (any Error).self, "a revoked node reads no feed") {
            try await lost.feed(after: 0)
        }
        try? await lost.shutdown()
        let check = try await NodeProcesses.run(["figures", "check", "--config", nodes.configuration("bac-ninh")])
        #expect(check.status == 0 && check.output.contains("figures match"), "\(check.output)")
        #expect(try nodes.count("bac-ninh", "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0)
    }

    /// Creates BNI-TD's report for `assignment` at `node`, once the assignment has arrived there.
    static func create(_ nodes: NodeProcesses, assignment: String, at node: String) async throws -> String {
        try await ClockSkewTests.waitFor("the assignment reaches \(node)", seconds: 60) {
            let created = try await nodes.call(
                "bni-td.entry",
                at: node,
                .POST,
                "/api/v1/reports",
                body: ["assignment": assignment]
            )
            return created.json["id"] as? String
        }
    }
}

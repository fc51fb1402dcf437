import Federation
import Foundation
import GRDB
import Hierarchy
import Tasks
import Testing

@testable import Node

/// Issue E, tasks and alerts, end to end over real mutual-TLS HTTP/2: the centre assigns, the
/// task reaches a commune node two levels down, progress, evidence and a late completion travel
/// up, the centre returns it, the commune completes again and the centre confirms. Some updates
/// are pushed out of order straight to the province, as a node coming back online might.
@Suite(.serialized) struct TaskFlowTests {
    static func assignee(_ task: [String: Any], _ unit: String) -> [String: Any] {
        (task["assignees"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == unit } ?? [:]
    }

    static func task(_ client: APIClient, _ id: String) async throws -> [String: Any] {
        try await client.call(.GET, "/api/v1/tasks/\(id)").json
    }

    @Test func aTaskTravelsThreeLevelsAndBack() async throws {
        try await TestFederation.run { f in
            let today = f.clock.today()
            let centre = try await f.login("tw.approver", at: "centre")
            let centreEntry = try await f.login("tw.entry", at: "centre")
            let commune = try await f.login("bni-kb.entry", at: "kinh-bac")
            let province = try await f.login("bni.approver", at: "bac-ninh")

            // Rules first, so alerts are raised as the data arrives.
            let overdueRule = try await centre.call(.POST, "/api/v1/alerts/rules", body: ["kind": "overdue"])
            #expect(overdueRule.status == 201, "\(overdueRule.text)")
            #expect(
                try await centre.call(.POST, "/api/v1/alerts/rules", body: ["kind": "due_soon", "days": 3]).status
                    == 201
            )
            #expect(
                try await centreEntry.call(.POST, "/api/v1/alerts/rules", body: ["kind": "overdue"]).status == 403,
                "data entry sets no rules"
            )
            #expect(
                try await centre.call(.POST, "/api/v1/alerts/rules", body: ["kind": "due_soon"]).status == 422,
                "a due-soon rule needs its days"
            )

            // A task already past its deadline (given on paper, recorded late) and one due today.
            let late = try await centre.call(
                .POST,
                "/api/v1/tasks",
                body: [
                    "title": "Số hoá hồ sơ hành chính", "description": "Số hoá toàn bộ hồ sơ năm 2025",
                    "deadline": today.adding(days: -1).description,
                    "expectedResult": "100% hồ sơ được số hoá", "units": ["BNI-KB", "BNI-YP", "BNI-TD"],
                ]
            )
            #expect(late.status == 201, "\(late.text)")
            let lateID = try #require(late.json["id"] as? String)
            let dueToday = try await centre.call(
                .POST,
                "/api/v1/tasks",
                body: ["title": "Báo cáo chuyển đổi số", "deadline": today.description, "units": ["BNI-KB"]]
            )
            let dueID = try #require(dueToday.json["id"] as? String)
            #expect(
                try await centreEntry.call(
                    .POST,
                    "/api/v1/tasks",
                    body: ["title": "x", "deadline": today.description, "units": ["BNI"]]
                ).status == 403
            )
            #expect(
                try await centre.call(
                    .POST,
                    "/api/v1/tasks",
                    body: ["title": "x", "deadline": "2026-02-30", "units": ["BNI"]]
                ).status == 422
            )
            #expect(
                try await province.call(
                    .POST,
                    "/api/v1/tasks",
                    body: ["title": "x", "deadline": today.description, "units": ["LCA-SP"]]
                ).status == 403,
                "only to units below one's own"
            )

            // Leaders at the centre see the overdue task at once (strategic), officers the one due today (operational).
            let strategic = try await centre.call(.GET, "/api/v1/alerts").items
            #expect(
                Set(strategic.filter { $0["kind"] as? String == "overdue" }.compactMap { $0["unit"] as? String }) == [
                    "BNI-KB", "BNI-YP", "BNI-TD",
                ],
                "\(strategic)"
            )
            let operational = try await centreEntry.call(.GET, "/api/v1/alerts").items
            #expect(operational.map { $0["kind"] as? String } == ["due_soon"], "\(operational)")
            #expect((operational.first?["message"] as? String)?.contains("đến hạn hôm nay") == true)

            // Down two levels to Kinh Bắc's own node; Tiên Du sees it in its province's node.
            try await f.eventually("the tasks reach Kinh Bắc") {
                Set(try await commune.call(.GET, "/api/v1/tasks").items.compactMap { $0["id"] as? String }) == [
                    lateID, dueID,
                ]
            }
            let atCommune = try await Self.task(commune, lateID)
            #expect(
                (atCommune["assignees"] as? [[String: Any]])?.compactMap { $0["unit"] as? String } == ["BNI-KB"],
                "a commune sees only itself"
            )
            #expect(Self.assignee(atCommune, "BNI-KB")["state"] as? String == "overdue")
            let tienDu = try await f.login("bni-td.entry", at: "bac-ninh")
            #expect(Self.assignee(try await Self.task(tienDu, lateID), "BNI-TD")["stateName"] as? String == "Quá hạn")
            let lookedUp = try await province.call(.GET, "/api/v1/tasks?unit=BNI-YP").items
            #expect(lookedUp.count == 1 && Self.assignee(lookedUp[0], "BNI-YP")["state"] as? String == "overdue")
            #expect(
                try await f.login("lca.approver", at: "lao-cai").call(.GET, "/api/v1/tasks/\(lateID)").status == 404,
                "another province never sees it"
            )

            // Kinh Bắc reports progress with evidence, then completes (after the deadline) and the due-today task (on time).
            let file = Data("Biên bản nghiệm thu số hoá".utf8)
            let uploaded = try await commune.call(
                .POST,
                "/api/v1/tasks/\(lateID)/evidence?name=nghiem-thu.txt",
                body: file,
                contentType: "text/plain"
            )
            #expect(uploaded.status == 201, "\(uploaded.text)")
            let evidenceID = try #require(uploaded.json["id"] as? String)
            let progress = try await commune.call(
                .POST,
                "/api/v1/tasks/\(lateID)/progress",
                body: ["percent": 40, "note": "Đã số hoá 40%", "evidence": [evidenceID]]
            )
            #expect(progress.status == 200, "\(progress.text)")
            #expect(Self.assignee(progress.json, "BNI-KB")["percent"] as? Int == 40)
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(lateID)/progress", body: ["percent": 140]).status == 422
            )
            #expect(
                try await commune.call(
                    .POST,
                    "/api/v1/tasks/\(lateID)/progress",
                    body: ["percent": 50, "evidence": [evidenceID]]
                ).status == 422,
                "evidence is named once"
            )
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(lateID)/complete", body: ["note": "Hoàn thành"]).status
                    == 200
            )
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(lateID)/progress", body: ["percent": 90]).status == 409,
                "waiting for review"
            )
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(dueID)/complete", body: [:] as [String: String]).status
                    == 200
            )
            #expect(
                try await f.login("bni-kb.approver", at: "kinh-bac").call(
                    .POST,
                    "/api/v1/tasks/\(lateID)/confirm",
                    body: ["unit": "BNI-KB"]
                ).status == 403,
                "the assignee does not confirm its own completion"
            )

            // Yên Phong's node comes back online and delivers its updates out of order: completion first.
            let yenPhong = try f.federationClient(as: "yen-phong", to: "bac-ninh")
            func update(_ seq: Int, _ kind: TaskUpdate.Kind, _ percent: Int) throws -> Envelope {
                let body = TaskUpdate(
                    taskId: lateID,
                    assignedBy: "TW",
                    unit: "BNI-YP",
                    seq: seq,
                    kind: kind,
                    percent: percent,
                    note: nil,
                    evidence: [],
                    by: "bni-yp.entry",
                    at: f.clock.now(),
                    day: today
                )
                return Envelope(
                    origin: "BNI-YP",
                    kind: .taskProgress,
                    unit: "BNI-YP",
                    body: try JSONEncoder.federation.encode(body)
                )
            }
            let first = try await yenPhong.push(PushRequest(messages: [try update(2, .completed, 100)]))
            #expect(first.results.map(\.status) == [.applied], "\(first.results)")
            let second = try await yenPhong.push(PushRequest(messages: [try update(1, .progress, 30)]))
            #expect(second.results.map(\.status) == [.applied], "\(second.results)")
            let impostor = Envelope(
                origin: "BNI-YP",
                kind: .taskProgress,
                unit: "BNI-KB",
                body: try update(3, .progress, 10).body
            )
            await #expect(throws: FederationCallError.self, "Yên Phong may not speak for Kinh Bắc") {
                try await yenPhong.push(PushRequest(messages: [impostor]))
            }
            try await yenPhong.shutdown()

            // Everything arrives at the centre; the late completion is late, the older update moved nothing back.
            try await f.eventually("the completions reach the centre") {
                let held = try await Self.task(centre, lateID)
                return Self.assignee(held, "BNI-KB")["state"] as? String == "done_late"
                    && Self.assignee(held, "BNI-YP")["seq"] as? Int == 2
                    && (held["history"] as? [[String: Any]] ?? []).filter { $0["unit"] as? String == "BNI-YP" }.count
                        == 2
            }
            let held = try await Self.task(centre, lateID)
            #expect(Self.assignee(held, "BNI-KB")["review"] as? String == "pending")
            #expect(Self.assignee(held, "BNI-YP")["state"] as? String == "done_late")
            #expect(Self.assignee(held, "BNI-TD")["state"] as? String == "overdue")
            let evidence = try #require(
                (held["history"] as? [[String: Any]] ?? []).first { $0["percent"] as? Int == 40 }?["evidence"]
                    as? [[String: Any]]
            )
            #expect(evidence.first?["fileName"] as? String == "nghiem-thu.txt")
            let download = try await centre.call(.GET, "/api/v1/tasks/\(lateID)/evidence/\(evidenceID)")
            #expect(download.status == 200 && download.data == file, "the evidence travelled up with the update")
            try await f.eventually("the on-time completion reaches the centre") {
                Self.assignee(try await Self.task(centre, dueID), "BNI-KB")["state"] as? String == "done_on_time"
            }
            // Their alerts cleared with their cause; Tiên Du's stands.
            try await f.eventually("the alerts of completed tasks clear") {
                let overdue = try await centre.call(.GET, "/api/v1/alerts").items.filter {
                    $0["kind"] as? String == "overdue"
                }
                let operational = try await centreEntry.call(.GET, "/api/v1/alerts").items
                return Set(overdue.compactMap { $0["unit"] as? String }) == ["BNI-TD"] && operational.isEmpty
            }
            let standing = try await centre.call(.GET, "/api/v1/alerts").items
            let cleared = try await centreEntry.call(.GET, "/api/v1/alerts?state=all").items
            #expect(
                cleared.count == 1 && cleared.first?["clearedAt"] != nil,
                "a cleared alert stays on record: \(cleared)"
            )
            let tienDuAlert = try #require(standing.first { $0["unit"] as? String == "BNI-TD" }?["id"] as? String)
            let acknowledged = try await centre.call(.POST, "/api/v1/alerts/\(tienDuAlert)/acknowledge")
            #expect(acknowledged.json["acknowledgedBy"] as? String == "tw.approver", "\(acknowledged.text)")
            #expect(
                try await centreEntry.call(.POST, "/api/v1/alerts/\(tienDuAlert)/acknowledge").status == 404,
                "a strategic alert is not for officers"
            )

            // The centre returns Kinh Bắc's completion; the province may not, nor without a reason.
            #expect(
                try await province.call(
                    .POST,
                    "/api/v1/tasks/\(lateID)/return",
                    body: ["unit": "BNI-KB", "reason": "x"]
                ).status == 403
            )
            #expect(
                try await centre.call(.POST, "/api/v1/tasks/\(lateID)/return", body: ["unit": "BNI-KB"]).status == 422
            )
            let returned = try await centre.call(
                .POST,
                "/api/v1/tasks/\(lateID)/return",
                body: ["unit": "BNI-KB", "reason": "Thiếu biên bản bàn giao"]
            )
            #expect(returned.status == 200, "\(returned.text)")
            #expect(
                try await centre.call(.POST, "/api/v1/tasks/\(lateID)/confirm", body: ["unit": "BNI-KB"]).status == 409,
                "nothing to review after a return"
            )
            try await f.eventually("the return reaches Kinh Bắc") {
                Self.assignee(try await Self.task(commune, lateID), "BNI-KB")["review"] as? String == "returned"
            }
            let reopened = Self.assignee(try await Self.task(commune, lateID), "BNI-KB")
            #expect(reopened["state"] as? String == "overdue")
            #expect(reopened["returnReason"] as? String == "Thiếu biên bản bàn giao")
            #expect(
                try await centre.call(.GET, "/api/v1/alerts").items.contains {
                    $0["unit"] as? String == "BNI-KB" && $0["kind"] as? String == "overdue"
                },
                "the overdue alert stands again"
            )

            // Progress after the return, then a second completion, which the centre confirms.
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(lateID)/progress", body: ["percent": 80]).status == 200
            )
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(lateID)/complete", body: ["note": "Đã bổ sung biên bản"])
                    .status == 200
            )
            try await f.eventually("the second completion reaches the centre") {
                let kb = Self.assignee(try await Self.task(centre, lateID), "BNI-KB")
                return kb["seq"] as? Int == 4 && kb["review"] as? String == "pending"
            }
            #expect(Self.assignee(try await Self.task(centre, lateID), "BNI-KB")["state"] as? String == "done_late")
            #expect(
                try await centre.call(.POST, "/api/v1/tasks/\(lateID)/confirm", body: ["unit": "BNI-KB"]).status == 200
            )
            try await f.eventually("the confirmation reaches Kinh Bắc") {
                Self.assignee(try await Self.task(commune, lateID), "BNI-KB")["review"] as? String == "confirmed"
            }
            #expect(
                try await commune.call(.POST, "/api/v1/tasks/\(lateID)/progress", body: ["percent": 100]).status == 409,
                "confirmed is final"
            )
            let history = try await Self.task(commune, lateID)["history"] as? [[String: Any]] ?? []
            #expect(
                history.compactMap { $0["kind"] as? String } == [
                    "progress", "completed", "returned", "progress", "completed", "confirmed",
                ]
            )

            // Every change is in the audit trail of the node where it was made.
            let actions = try await f.local("centre").database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM audit WHERE target = ?", arguments: [lateID])
            }
            #expect(actions == ["task.create", "task.evidence.read", "task.return", "task.confirm"], "\(actions)")
            let communeActions = try await f.local("kinh-bac").database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM audit WHERE target = ?", arguments: [lateID])
            }
            #expect(
                communeActions == [
                    "task.evidence.attach", "task.progress", "task.complete", "task.progress", "task.complete",
                ],
                "\(communeActions)"
            )
        }
    }
}

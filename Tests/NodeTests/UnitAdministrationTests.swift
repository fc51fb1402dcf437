import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import NIOHTTP1
import Testing

@testable import Node

/// Issue D, units: an admin adds a unit directly below its own, renames the units directly below
/// and records their closure, through the API and the pages; the changes survive a restart and
/// reach the ancestors' nodes (and a renamed unit's own node) over the real federation.
@Suite(.serialized) struct UnitAdministrationTests {
    /// A call that must be refused, with the status and the field the refusal names.
    struct Refusal {
        let why: String
        let method: HTTPMethod
        let path: String
        let body: [String: String]
        let status: Int
        let field: String?
    }

    /// What bac-ninh holds about unit changes (kept changes, their audit entries, messages still
    /// queued) and the `unit.changed` messages the centre received.
    static func written(_ f: TestFederation) async throws -> [Int] {
        let province = try await f.local("bac-ninh").database.pool.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unit_changes")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE action IN ('unit.add', 'unit.rename')")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE kind = 'unit.changed'")!,
            ]
        }
        let centre = try await f.local("centre").database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE kind = 'unit.changed'")!
        }
        return province + [centre]
    }

    @Test func refusalsAreClearAndChangeNothingThenAddRenameWork() async throws {
        try await TestFederation.run { f in
            let admin = try await f.login("bni.admin", at: "bac-ninh")
            let before = f.local("bac-ninh").tree.count
            let refusals: [Refusal] = [
                Refusal(
                    why: "no parent prefix",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "QV", "name": "Xã Quế Võ"],
                    status: 422,
                    field: "code"
                ),
                Refusal(
                    why: "only the prefix",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "BNI-", "name": "Xã Quế Võ"],
                    status: 422,
                    field: "code"
                ),
                Refusal(
                    why: "not a valid code",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "BNI-Q V", "name": "Xã Quế Võ"],
                    status: 422,
                    field: "code"
                ),
                Refusal(
                    why: "another subtree's prefix",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "LCA-QV", "name": "Xã Quế Võ"],
                    status: 422,
                    field: "code"
                ),
                Refusal(
                    why: "a code in use",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "BNI-KB", "name": "Trùng"],
                    status: 409,
                    field: "code"
                ),
                Refusal(
                    why: "a code in use, other case",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "BNI-kb", "name": "Trùng"],
                    status: 409,
                    field: "code"
                ),
                Refusal(
                    why: "an empty name",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "BNI-QV", "name": "   "],
                    status: 422,
                    field: "name"
                ),
                Refusal(
                    why: "the wrong level",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "BNI-QV", "name": "Tỉnh?", "level": "province"],
                    status: 422,
                    field: "level"
                ),
                Refusal(
                    why: "another unit as parent",
                    method: .POST,
                    path: "/api/v1/units",
                    body: ["code": "LCA-QV", "name": "Xã", "parent": "LCA"],
                    status: 403,
                    field: nil
                ),
                Refusal(
                    why: "renaming a unit elsewhere",
                    method: .PATCH,
                    path: "/api/v1/units/LCA-SP",
                    body: ["name": "Sa Pa mới"],
                    status: 404,
                    field: nil
                ),
                Refusal(
                    why: "renaming the centre",
                    method: .PATCH,
                    path: "/api/v1/units/TW",
                    body: ["name": "Trung ương mới"],
                    status: 404,
                    field: nil
                ),
                Refusal(
                    why: "renaming with an empty name",
                    method: .PATCH,
                    path: "/api/v1/units/BNI-TD",
                    body: ["name": ""],
                    status: 422,
                    field: "name"
                ),
            ]
            for refusal in refusals {
                let (why, status, field) = (refusal.why, refusal.status, refusal.field)
                let reply = try await admin.call(refusal.method, refusal.path, body: refusal.body)
                #expect(reply.status == status, "\(why): \(reply.status) \(reply.text)")
                #expect(
                    reply.json["message"] is String && reply.json["message_en"] is String,
                    "\(why): a message a person reads, in both languages"
                )
                if let field {
                    #expect(
                        (reply.json["details"] as? [String: String])?[field] != nil,
                        "\(why): names the field \(field): \(reply.text)"
                    )
                }
            }
            // Not an admin, or an admin with no level below.
            for (username, status) in [("bni.approver", 403), ("bni.entry", 403), ("bni-td.admin", 422)] {
                let other = try await f.login(username, at: "bac-ninh")
                let reply = try await other.call(.POST, "/api/v1/units", body: ["code": "BNI-QV", "name": "Xã Quế Võ"])
                #expect(reply.status == status, "\(username): \(reply.status) \(reply.text)")
            }
            let communeAdmin = try await f.login("bni-td.admin", at: "bac-ninh")
            #expect(
                try await communeAdmin.call(.PATCH, "/api/v1/units/BNI-TD", body: ["name": "Tự đổi tên"]).status == 403,
                "a unit does not rename itself"
            )
            #expect(
                try await f.login("bni.approver", at: "bac-ninh").call(
                    .PATCH,
                    "/api/v1/units/BNI-TD",
                    body: ["name": "Tiên Du"]
                ).status == 403
            )
            #expect(try await Self.written(f) == [0, 0, 0, 0], "nothing written by a refusal")
            #expect(f.local("bac-ninh").tree.count == before)

            // Added: hosted here, listed, audited, queued for the centre.
            let added = try await admin.call(
                .POST,
                "/api/v1/units",
                body: ["code": "BNI-QV", "name": "  Xã   Quế Võ "]
            )
            #expect(added.status == 201, "\(added.text)")
            #expect(added.json["name"] as? String == "Xã Quế Võ")
            #expect(added.json["level"] as? String == "commune")
            #expect(added.json["parent"] as? String == "BNI")
            #expect(added.json["hostedBy"] as? String == "bac-ninh")
            #expect(try await admin.call(.GET, "/api/v1/units").items.contains { $0["code"] as? String == "BNI-QV" })
            #expect(f.local("bac-ninh").node.hosts.contains("BNI-QV"))
            let again = try await admin.call(.POST, "/api/v1/units", body: ["code": "BNI-qv", "name": "Lần nữa"])
            #expect(again.status == 409, "\(again.text)")

            // Its users are created here, under the delegation rules.
            let account = try await admin.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "bni-qv.admin", "fullName": "Quản trị Quế Võ", "unit": "BNI-QV", "role": "admin"]
            )
            #expect(account.status == 201, "\(account.text)")

            let renamed = try await admin.call(.PATCH, "/api/v1/units/BNI-QV", body: ["name": "Phường Quế Võ"])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["name"] as? String == "Phường Quế Võ")
            #expect(f.local("bac-ninh").tree["BNI-QV"]?.name == "Phường Quế Võ")
            let unchanged = try await admin.call(.PATCH, "/api/v1/units/BNI-QV", body: ["name": "Phường Quế Võ"])
            #expect(unchanged.status == 200)
            try await f.eventually("one kept change, one audit entry and one message delivered per change") {
                try await Self.written(f) == [2, 2, 0, 2]
            }

            let closed = try await admin.call(
                .POST,
                "/api/v1/units/BNI-QV/closure",
                body: ["closedOn": "2026-12-01", "mergedInto": "BNI-TD", "reason": "Sáp nhập"]
            )
            #expect(closed.status == 201, "\(closed.text)")
        }
    }

    /// Issue I: the units page hands a unit hosted here a token for its own node, shown once with
    /// the command to run, and says that a unit's accounts and reports kept here move with it.
    @Test func theUnitsPageHandsATokenForAUnitsOwnNode() async throws {
        try await TestFederation.run { f in
            let admin = try await WebPageTests.browser(f, "bni.admin", at: "bac-ninh")
            let added = try await admin.post("/app/units", [("code", "BNI-MOI"), ("name", "Xã Mới")])
            #expect(added.status == 303, "\(added.text)")
            let page = try await admin.get("/app/units")
            #expect(page.text.contains("action=\"/app/units/BNI-MOI/enrolment-token\""))
            #expect(
                !page.text.contains("action=\"/app/units/BNI-KB/enrolment-token\""),
                "Kinh Bắc has its node already"
            )
            let issued = try await admin.post("/app/units/BNI-MOI/enrolment-token", [])
            #expect(issued.status == 200, "\(issued.text)")
            #expect(issued.text.contains("Mã đăng ký nút riêng cho Xã Mới (BNI-MOI)"))
            #expect(issued.text.contains("reportnet enrol --parent https://"), "the command to run")
            let root = try String(contentsOfFile: f.manifest.ca, encoding: .utf8)
            #expect(
                issued.text.contains(".\(try PinnedToken.digest(ofRootPEM: root)) --dir"),
                "the token pins the root"
            )

            // A unit whose accounts and reports live here gets one too: they move with it (issue I.3).
            let seeded = try await admin.post("/app/units/BNI-TD/enrolment-token", [])
            #expect(seeded.status == 200, "\(seeded.text)")
            #expect(seeded.text.contains("sẽ chuyển sang nút mới"), "\(seeded.text)")
            let approver = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            #expect(try await approver.post("/app/units/BNI-MOI/enrolment-token", []).status == 403)
        }
    }

    /// Issue I.5: the centre's units page moves a commune below another province; a refusal stays
    /// on the page in words; the commune's accounts then live on its new province's node.
    @Test func theUnitsPageMovesAUnitBelowAnotherParent() async throws {
        try await TestFederation.run { f in
            let admin = try await WebPageTests.browser(f, "tw.admin", at: "centre")
            let page = try await admin.get("/app/units")
            #expect(page.text.contains("id=\"move-unit\"") && page.text.contains("<option value=\"LCA\">"))
            let province = try await WebPageTests.browser(f, "bni.admin", at: "bac-ninh")
            #expect(!(try await province.get("/app/units")).text.contains("id=\"move-unit\""), "no other parent")

            let refused = try await admin.post("/app/units/move", [("unit", "BNI-KB"), ("parent", "LCA")])
            #expect(refused.status == 409 && refused.text.contains("hãy thôi vận hành nút đó"), "\(refused.text)")
            #expect(refused.text.contains("value=\"BNI-KB\""), "what was typed")
            let moved = try await admin.post("/app/units/move", [("unit", "BNI-TD"), ("parent", "LCA")])
            #expect(
                moved.status == 303 && moved.headers["location"] == "/app/units?done=moved&unit=BNI-TD&parent=LCA",
                "\(moved.status) \(moved.text)"
            )
            let shown = try await admin.get("/app/units?done=moved&unit=BNI-TD&parent=LCA")
            #expect(shown.text.contains("Tiên Du sang Tỉnh Lào Cai"), "\(shown.text)")
            try await f.eventually("lao-cai hosts Tiên Du with its accounts") {
                let accounts = try await f.local("lao-cai").database.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE unit = 'BNI-TD' AND hosted_here = 1")
                }
                return f.local("lao-cai").hosts("BNI-TD") && accounts ?? 0 > 0
            }
        }
    }

    @Test func pagesAddRenameAndCloseWithFieldErrors() async throws {
        try await TestFederation.run { f in
            let admin = try await WebPageTests.browser(f, "bni.admin", at: "bac-ninh")
            let page = try await admin.get("/app/units")
            #expect(page.status == 200)
            #expect(page.text.contains("id=\"add-unit\"") && page.text.contains("Thêm đơn vị"))
            #expect(page.text.contains("action=\"/app/units/BNI-KB/rename\""))

            // A refusal stays on the page, in Vietnamese, next to the field, keeping what was typed.
            let bad = try await admin.post("/app/units", [("code", "QV-<b>"), ("name", "Xã Quế Võ")])
            #expect(bad.status == 422)
            #expect(bad.text.contains("Mã đơn vị phải bắt đầu bằng “BNI-”"))
            #expect(
                bad.text.contains("value=\"QV-&lt;b&gt;\"") && bad.text.contains("value=\"Xã Quế Võ\""),
                "what was typed, escaped"
            )
            let taken = try await admin.post("/app/units", [("code", "BNI-YP"), ("name", "Trùng")])
            #expect(taken.status == 409 && taken.text.contains("đã được dùng"))
            let forged = try await admin.post("/app/units", [("code", "BNI-QV"), ("name", "Xã Quế Võ")], csrf: "sai")
            #expect(forged.status == 403)
            #expect(try await Self.written(f) == [0, 0, 0, 0])

            let added = try await admin.post("/app/units", [("code", "BNI-QV"), ("name", "Xã Quế Võ")])
            #expect(
                added.status == 303 && added.headers["location"] == "/app/units?done=added&unit=BNI-QV",
                "\(added.status) \(added.text)"
            )
            let shown = try await admin.get("/app/units?done=added&unit=BNI-QV")
            #expect(shown.text.contains("Đã thêm đơn vị Xã Quế Võ (BNI-QV)"))
            #expect(shown.text.contains("id=\"unit-BNI-QV\""))

            let emptyName = try await admin.post("/app/units/BNI-QV/rename", [("name", " ")])
            #expect(emptyName.status == 422 && emptyName.text.contains("Hãy nhập tên đơn vị"))
            let renamed = try await admin.post("/app/units/BNI-QV/rename", [("name", "Phường Quế Võ")])
            #expect(renamed.status == 303)
            #expect(f.local("bac-ninh").tree["BNI-QV"]?.name == "Phường Quế Võ")

            let badDate = try await admin.post(
                "/app/units/BNI-QV/closure",
                [("closedOn", "31/02/2026"), ("mergedInto", "BNI-TD"), ("reason", "Sáp nhập theo nghị quyết")]
            )
            #expect(badDate.status == 422 && badDate.text.contains("dd/MM/yyyy"))
            #expect(
                badDate.text.contains("value=\"31/02/2026\"")
                    && badDate.text.contains("Sáp nhập theo nghị quyết</textarea>"),
                "what was typed"
            )
            #expect(badDate.text.contains("<details class=\"dialog\" open>"), "the dialog with the error stays open")
            let noReason = try await admin.post(
                "/app/units/BNI-QV/closure",
                [("closedOn", "01/12/2026"), ("mergedInto", ""), ("reason", "")]
            )
            #expect(noReason.status == 422 && noReason.text.contains("Hãy ghi lý do"))
            let closed = try await admin.post(
                "/app/units/BNI-QV/closure",
                [("closedOn", "01/12/2026"), ("mergedInto", "BNI-TD"), ("reason", "Sáp nhập theo nghị quyết")]
            )
            #expect(closed.status == 303, "\(closed.text)")
            let tree = try await admin.get("/app/units")
            #expect(
                tree.text.contains("Đã sáp nhập vào Tiên Du từ 01/12/2026")
                    || tree.text.contains("Đã sáp nhập vào \(f.local("bac-ninh").tree["BNI-TD"]!.name) từ 01/12/2026")
            )
            let twice = try await admin.post(
                "/app/units/BNI-QV/closure",
                [("closedOn", "01/12/2026"), ("mergedInto", ""), ("reason", "Lần nữa")]
            )
            #expect(twice.status == 409)
            try await f.eventually("two changes kept and delivered") { try await Self.written(f) == [2, 2, 0, 2] }
            let closures = try await f.local("bac-ninh").database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE action = 'unit.close'")!
            }
            #expect(closures == 1)

            // Who may not: an approver sees the tree without the forms, and is refused a post.
            let approver = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let seen = try await approver.get("/app/units")
            #expect(seen.status == 200 && !seen.text.contains("id=\"add-unit\""))
            #expect(try await approver.post("/app/units", [("code", "BNI-XX"), ("name", "Xã")]).status == 403)
            #expect(try await approver.post("/app/units/BNI-KB/rename", [("name", "Xã")]).status == 403)

            // English by choice.
            let english = APIClient(
                baseURL: admin.client.baseURL,
                caPath: admin.client.caPath,
                headers: admin.client.headers.merging(["Cookie": "\(admin.client.headers["Cookie"]!); rn_lang=en"]) {
                    _,
                    new in new
                }
            )
            let en = try await english.call(.GET, "/app/units")
            #expect(en.text.contains("Add a unit") && en.text.contains("Merged into"))
        }
    }

    @Test func changesSurviveARestart() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let admin = Actor(username: "bni.admin", unit: "BNI", role: .admin)
        do {
            let province = try nodes.open("bac-ninh")
            _ = try await province.unitChanges.add(NewUnit(code: "BNI-QV", name: "Xã Quế Võ"), by: admin)
            _ = try await province.unitChanges.rename("BNI-QV", UnitRename(name: "Phường Quế Võ"), by: admin)
            _ = try await province.unitChanges.rename("BNI-KB", UnitRename(name: "Phường Kinh Bắc mới"), by: admin)
        }
        let reopened = try nodes.open("bac-ninh")
        #expect(reopened.tree["BNI-QV"]?.name == "Phường Quế Võ")
        #expect(reopened.tree["BNI-QV"]?.parent == "BNI")
        #expect(reopened.tree["BNI-QV"]?.level == .commune)
        #expect(reopened.tree["BNI-KB"]?.name == "Phường Kinh Bắc mới")
        #expect(reopened.node.hosts.contains("BNI-QV"))
        #expect(reopened.deployment.hostingNode(of: "BNI-QV")?.name == "bac-ninh")
        // Still refused after the restart: the code is taken.
        await #expect(throws: DomainError.self) {
            try await reopened.unitChanges.add(NewUnit(code: "BNI-QV", name: "Lần nữa"), by: admin)
        }
        // The kept changes are never edited.
        #expect(throws: (any Error).self) {
            try reopened.database.pool.write { db in try db.execute(sql: "UPDATE unit_changes SET name = 'x'") }
        }
    }

    @Test func aNewCommuneAndRenamesReachTheCentreAndTheRenamedUnitsNode() async throws {
        try await TestFederation.run { f in
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(
                try await province.call(.POST, "/api/v1/units", body: ["code": "BNI-QV", "name": "Xã Quế Võ"]).status
                    == 201
            )
            try await f.eventually("the centre's tree holds BNI-QV") {
                try await centre.call(.GET, "/api/v1/units").items.contains {
                    $0["code"] as? String == "BNI-QV" && $0["parent"] as? String == "BNI"
                        && $0["name"] as? String == "Xã Quế Võ"
                }
            }
            #expect(f.local("centre").deployment.hostingNode(of: "BNI-QV")?.name == "bac-ninh")
            let audited = try await f.local("centre").database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT actor FROM audit WHERE action = 'unit.add' AND target = 'BNI-QV'")
            }
            #expect(audited == "node:BNI")

            // The centre's assignment to every commune expects it, and bac-ninh keeps it for it.
            #expect(try await centre.call(.POST, "/api/v1/forms", body: FederationFlowTests.form).status == 201)
            let national = try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "NQ57-THANG", "period": "2026-11", "level": "commune"]
            )
            #expect(national.status == 201, "\(national.text)")
            let nationalID = try #require(national.json["id"] as? String)
            let nationalProgress = try await FederationFlowTests.progress(centre, nationalID)
            #expect(FederationFlowTests.total(nationalProgress)["expected"] as? Int == 5, "\(nationalProgress)")
            try await f.eventually("bac-ninh holds the centre's assignment for BNI-QV") {
                try await f.local("bac-ninh").database.pool.read { db in
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT 1 FROM assignment_units WHERE assignment_id = ? AND unit = 'BNI-QV'",
                        arguments: [nationalID]
                    ) == true
                }
            }

            // The province's own assignment to all its communes includes it too.
            var form = FederationFlowTests.form
            form["code"] = "BNI-THANG"
            #expect(try await province.call(.POST, "/api/v1/forms", body: form).status == 201)
            let own = try await province.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "BNI-THANG", "period": "2026-11", "level": "commune"]
            )
            #expect(own.status == 201, "\(own.text)")
            let ownProgress = try await FederationFlowTests.progress(province, try #require(own.json["id"] as? String))
            #expect(FederationFlowTests.total(ownProgress)["expected"] as? Int == 4, "\(ownProgress)")
            let rows = ((ownProgress["progress"] as? [String: Any])?["children"] as? [[String: Any]]) ?? []
            #expect(rows.contains { $0["unit"] as? String == "BNI-QV" }, "\(ownProgress)")

            // Renames reach the centre; a unit with its own node learns its new name too.
            #expect(
                try await province.call(.PATCH, "/api/v1/units/BNI-QV", body: ["name": "Phường Quế Võ"]).status == 200
            )
            #expect(
                try await province.call(.PATCH, "/api/v1/units/BNI-KB", body: ["name": "Phường Kinh Bắc Mới"]).status
                    == 200
            )
            try await f.eventually("the centre shows both new names") {
                let units = try await centre.call(.GET, "/api/v1/units").items
                return units.contains { $0["code"] as? String == "BNI-QV" && $0["name"] as? String == "Phường Quế Võ" }
                    && units.contains {
                        $0["code"] as? String == "BNI-KB" && $0["name"] as? String == "Phường Kinh Bắc Mới"
                    }
            }
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            try await f.eventually("kinh-bac shows its new name") {
                try await commune.call(.GET, "/api/v1/units").items.contains {
                    $0["code"] as? String == "BNI-KB" && $0["name"] as? String == "Phường Kinh Bắc Mới"
                }
            }
            #expect(f.local("yen-phong").tree["BNI-KB"]?.name == "Phường Kinh Bắc", "a sibling's node is not told")
            // The centre renames a province: its node and the commune nodes below it learn it (two hops down).
            #expect(
                try await centre.call(.PATCH, "/api/v1/units/BNI", body: ["name": "Tỉnh Bắc Ninh Mới"]).status == 200
            )
            try await f.eventually("every node below Bắc Ninh shows its new name") {
                ["bac-ninh", "kinh-bac", "yen-phong"].allSatisfy {
                    f.local($0).tree["BNI"]?.name == "Tỉnh Bắc Ninh Mới"
                }
            }
            #expect(f.local("lao-cai").tree["BNI"]?.name != "Tỉnh Bắc Ninh Mới", "another province's node is not told")

            // A node may change only the units below those it speaks for; a bad change parks.
            let yenPhong = try f.federationClient(as: "yen-phong", to: "bac-ninh")
            defer { Task { try? await yenPhong.shutdown() } }
            func message(_ change: UnitChange, unit: String) throws -> Envelope {
                Envelope(
                    origin: "BNI-YP",
                    kind: .unitChanged,
                    unit: unit,
                    body: try JSONEncoder.federation.encode(change)
                )
            }
            let belowCommune = UnitChange(
                kind: .added,
                code: "BNI-YP-X",
                name: "Thôn",
                level: .commune,
                parent: "BNI-YP",
                decidedBy: "bni-yp.admin",
                decidedAt: TestDay.start
            )
            let sideways = UnitChange(
                kind: .renamed,
                code: "BNI-TD",
                name: "Chiếm quyền",
                level: .commune,
                parent: "BNI",
                decidedBy: "bni-yp.admin",
                decidedAt: TestDay.start
            )
            let belowCommuneMessage = try message(belowCommune, unit: "BNI-YP")
            let pushed = try await yenPhong.push(
                PushRequest(messages: [belowCommuneMessage, try message(sideways, unit: "BNI-YP")])
            )
            #expect(pushed.results.map(\.status) == [.parked, .parked], "\(pushed.results)")
            #expect(pushed.results[0].detail.contains("lowest level"), "\(pushed.results[0].detail)")
            #expect(pushed.results[1].detail.contains("says BNI-YP"), "\(pushed.results[1].detail)")
            do {
                _ = try await yenPhong.push(PushRequest(messages: [try message(sideways, unit: "BNI")]))
                Issue.record("a commune's node spoke for its province")
            } catch let error as FederationCallError {
                #expect(error.status == 403)
            }
            #expect(f.local("bac-ninh").tree["BNI-TD"]?.name != "Chiếm quyền")
            #expect(!f.local("bac-ninh").tree.contains("BNI-YP-X"))
            let replayed = try await yenPhong.push(PushRequest(messages: [belowCommuneMessage]))
            #expect(replayed.results.first?.replayed == true && replayed.results.first?.status == .parked)

            // Idempotent: by message (a replay changes nothing) and by change (another envelope for a held change).
            let bacNinh = try f.federationClient(as: "bac-ninh", to: "centre")
            defer { Task { try? await bacNinh.shutdown() } }
            let direct = UnitChange(
                kind: .added,
                code: "BNI-XY",
                name: "Xã Thử",
                level: .commune,
                parent: "BNI",
                decidedBy: "bni.admin",
                decidedAt: TestDay.start
            )
            let envelope = Envelope(
                origin: "BNI",
                kind: .unitChanged,
                unit: "BNI",
                body: try JSONEncoder.federation.encode(direct)
            )
            let first = try await bacNinh.push(PushRequest(messages: [envelope]))
            #expect(first.results.first?.status == .applied, "\(first.results)")
            let second = try await bacNinh.push(PushRequest(messages: [envelope]))
            #expect(second.results.first?.replayed == true)
            let third = try await bacNinh.push(
                PushRequest(messages: [Envelope(origin: "BNI", kind: .unitChanged, unit: "BNI", body: envelope.body)])
            )
            #expect(third.results.first?.detail.contains("already held") == true, "\(third.results)")
            let kept = try await f.local("centre").database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unit_changes WHERE code = 'BNI-XY'")!
            }
            #expect(kept == 1)
            #expect(f.local("centre").tree["BNI-XY"]?.name == "Xã Thử")
        }
    }
}

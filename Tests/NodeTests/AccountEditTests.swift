import Auth
import Foundation
import Testing

@testable import Node

/// Issue D (users: edit) under C's rules: an admin changes the name, citizen ID, role and
/// function permissions of the accounts it manages, grants nothing it does not hold, and an edit
/// or re-enabling of an admin appointed below reaches the node that hosts it.
@Suite(.serialized) struct AccountEditTests {
    @Test func anAdminEditsAnAccountOfItsOwnUnit() async throws {
        try await TestFederation.run { f in
            let admin = try await f.login("bni-kb.admin", at: "kinh-bac")
            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            let path = "/api/v1/accounts/bni-kb.entry"

            // Refusals leave the account as it was.
            let before = try await entry.call(.GET, "/api/v1/me").json
            #expect(try await admin.call(.PATCH, path, body: ["fullName": "  "]).status == 422)
            #expect(
                try await admin.call(.PATCH, path, body: ["citizenId": "12ab"]).json["details"] as? [String: String]
                    == ["citizenId": "invalid"]
            )
            let beyond = try await admin.call(.PATCH, path, body: ["permissions": ["reports.enter", "users.manage"]])
            #expect(beyond.status == 403, "a data-entry account cannot hold users.manage: \(beyond.text)")
            #expect(
                try await admin.call(.PATCH, "/api/v1/accounts/bni-kb.admin", body: ["fullName": "Tự sửa"]).status
                    == 403,
                "never one's own account"
            )
            #expect(
                try await entry.call(.PATCH, "/api/v1/accounts/bni-kb.approver", body: ["fullName": "X"]).status == 403,
                "data entry manages no accounts"
            )
            #expect(try await admin.call(.PATCH, "/api/v1/accounts/khong.co", body: ["fullName": "X"]).status == 404)
            let taken = try await admin.call(
                .POST,
                "/api/v1/accounts",
                body: [
                    "username": "kb.xem", "fullName": "Lê Văn Xem", "citizenId": "027090004321",
                    "unit": "BNI-KB", "role": "viewer",
                ]
            )
            #expect(taken.status == 201)
            let clash = try await admin.call(.PATCH, path, body: ["fullName": "Tên mới", "citizenId": "027090004321"])
            #expect(clash.status == 409 && clash.json["details"] as? [String: String] == ["citizenId": "taken"])
            let unchanged = try await entry.call(.GET, "/api/v1/me").json
            #expect(
                unchanged["fullName"] as? String == before["fullName"] as? String,
                "a refused edit changes nothing, not even the valid fields"
            )

            // An edit: new name and citizen ID, then a new role with that role's permissions.
            let edited = try await admin.call(
                .PATCH,
                path,
                body: ["fullName": "Nguyễn Thị Cập Nhật", "citizenId": "027090001111"]
            )
            #expect(
                edited.status == 200 && edited.json["fullName"] as? String == "Nguyễn Thị Cập Nhật"
                    && edited.json["citizenId"] as? String == "027090001111"
            )
            let promoted = try await admin.call(.PATCH, path, body: ["role": "approver"])
            #expect(promoted.json["role"] as? String == "approver")
            #expect(
                Set(promoted.json["permissions"] as? [String] ?? []) == [
                    "reports.approve", "reports.view", "tasks.assign",
                ]
            )
            let me = try await entry.call(.GET, "/api/v1/me")
            #expect(
                me.status == 200 && me.json["role"] as? String == "approver",
                "the session goes on and sees the new role at once"
            )
            // Fewer permissions bite at once: without reports.view the account reads no reports.
            #expect(try await entry.call(.GET, "/api/v1/reports").status == 200)
            #expect(try await admin.call(.PATCH, path, body: ["permissions": ["reports.approve"]]).status == 200)
            #expect(try await entry.call(.GET, "/api/v1/reports").status == 403)
            // An empty citizen ID removes it.
            #expect(try await admin.call(.PATCH, path, body: ["citizenId": ""]).json["citizenId"] == nil)

            let trail = try await f.local("kinh-bac").database.pool.read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT detail FROM audit WHERE action = 'account.update' AND target = 'bni-kb.entry' ORDER BY seq"
                )
            }
            #expect(
                trail == [
                    "fullName citizenId", "role=approver permissions=reports.approve,reports.view,tasks.assign",
                    "permissions=reports.approve", "citizenId",
                ]
            )
        }
    }

    @Test func editingAndEnablingAnAdminBelowReachItsNode() async throws {
        try await TestFederation.run { f in
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            try await f.eventually("the province learns the commune's admin") {
                try await province.call(.GET, "/api/v1/accounts").items.contains {
                    $0["username"] as? String == "bni-kb.admin"
                }
            }
            let path = "/api/v1/accounts/bni-kb.admin"
            let roleChange = try await province.call(.PATCH, path, body: ["role": "viewer"])
            #expect(
                roleChange.status == 422 && roleChange.json["details"] as? [String: String] == ["role": "fixed"],
                "an admin appointed below stays an admin"
            )

            let edited = try await province.call(
                .PATCH,
                path,
                body: ["fullName": "Phạm Quản Trị Xã", "permissions": ["users.manage"]]
            )
            #expect(edited.status == 200, "\(edited.text)")
            try await f.eventually("the edit reaches the commune") {
                let me = try await commune.call(.GET, "/api/v1/me").json
                return me["fullName"] as? String == "Phạm Quản Trị Xã"
                    && me["permissions"] as? [String] == ["users.manage"]
            }
            #expect(try await commune.call(.GET, "/api/v1/accounts").status == 200, "the session goes on")
            #expect(try await commune.call(.GET, "/api/v1/reports").status == 403, "reports.view is gone")

            #expect(try await province.call(.POST, "\(path)/disable").json["status"] as? String == "disabled")
            try await f.eventually("the disable reaches the commune") {
                try await commune.call(.GET, "/api/v1/me").status == 401
            }
            // A fellow admin of the commune does not undo the province's lock.
            let fellow = Actor(username: "kb.quantri2", unit: "BNI-KB", role: .admin)
            await #expect(throws: DomainError.self) {
                _ = try await f.local("kinh-bac").accounts.enable("bni-kb.admin", by: fellow)
            }
            let enabled = try await province.call(.POST, "\(path)/enable")
            #expect(enabled.json["status"] as? String == "delegated")
            try await f.eventually("the enable reaches the commune: the admin logs in again with its password") {
                (try? await f.login("bni-kb.admin", at: "kinh-bac")) != nil
            }
            #expect(
                try await province.call(.POST, "\(path)/enable").json["status"] as? String == "delegated",
                "enabling again changes nothing"
            )
            let commune2 = f.local("kinh-bac")
            let actions = try await commune2.database.pool.read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT action FROM audit WHERE target = 'bni-kb.admin' AND action LIKE 'account.%' ORDER BY seq"
                )
            }
            #expect(actions.suffix(3) == ["account.update", "account.disable", "account.enable"])
        }
    }

    @Test func theEditPageKeepsWhatWasTypedAndSaves() async throws {
        try await TestFederation.run { f in
            let admin = try await WebPageTests.browser(f, "bni-kb.admin", at: "kinh-bac")
            let page = try await admin.get("/app/users/bni-kb.entry")
            #expect(
                page.status == 200 && page.text.contains("name=\"fullName\"") && page.text.contains("for=\"e-citizen\"")
            )
            let bad = try await admin.post(
                "/app/users/bni-kb.entry",
                [("fullName", "Tên <b>mới</b>"), ("citizenId", "999"), ("role", "data_entry")]
            )
            #expect(bad.status == 422)
            #expect(
                bad.text.contains("Tên &lt;b&gt;mới&lt;/b&gt;") && bad.text.contains("value=\"999\""),
                "what was typed is kept, escaped"
            )
            #expect(bad.text.contains("Số định danh cá nhân phải gồm 12 chữ số hợp lệ"))
            let saved = try await admin.post(
                "/app/users/bni-kb.entry",
                [("fullName", "Trần Văn Trang"), ("citizenId", ""), ("role", "data_entry")]
            )
            #expect(saved.status == 303 && saved.headers["location"] == "/app/users?q=bni-kb.entry")
            #expect(try await admin.get("/app/users?q=bni-kb.entry").text.contains("Trần Văn Trang"))
            #expect(
                try await admin.get("/app/users/bni-kb.admin").status == 403,
                "one's own account is edited on the profile page"
            )

            #expect(try await admin.post("/app/users/bni-kb.entry/disable", []).status == 303)
            #expect(try await admin.get("/app/users").text.contains("/app/users/bni-kb.entry/enable"))
            #expect(try await admin.post("/app/users/bni-kb.entry/enable", []).status == 303)
            #expect(
                try await f.login("bni-kb.entry", at: "kinh-bac").call(.GET, "/api/v1/me").json["status"] as? String
                    == "active"
            )
        }
    }
}

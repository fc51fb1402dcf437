import Foundation
import Testing

@testable import Node

/// Bad input and calls beyond one's reach get a clear 4xx, and change nothing.
@Suite struct APIRefusalTests {
    @Test func refusesClearly() async throws {
        try await TestFederation.run { f in
            let anonymous = APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca)
            #expect(try await anonymous.call(.GET, "/api/v1/reports").status == 401)
            let expired = anonymous.with(token: "not-a-session")
            let stale = try await expired.call(.GET, "/api/v1/me")
            #expect(stale.status == 401 && stale.json["error"] as? String == "session_expired")
            let relogin = try await expired.call(
                .POST,
                "/api/v1/session",
                body: ["username": "bni.admin", "password": f.password("bni.admin")]
            )
            #expect(relogin.status == 200, "a stale token never blocks logging in again")
            let wrong = try await anonymous.call(
                .POST,
                "/api/v1/session",
                body: ["username": "bni.admin", "password": "wrong password 123"]
            )
            #expect(wrong.status == 401 && wrong.json["message"] as? String == "Tên đăng nhập hoặc mật khẩu không đúng")

            let admin = try await f.login("bni.admin", at: "bac-ninh")
            let malformed = try await admin.call(.POST, "/api/v1/accounts", body: "{not json")
            #expect(malformed.status == 400)
            let missing = try await admin.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "x.y", "unit": "BNI", "role": "viewer"]
            )
            #expect(missing.status == 400)
            #expect(
                (missing.json["message"] as? String)?.contains("fullName") == true,
                "names the missing field: \(missing.text)"
            )
            let badRole = try await admin.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "x.y", "fullName": "X", "unit": "BNI", "role": "king"]
            )
            #expect(badRole.status == 400)
            let badCitizen = try await admin.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "x.y", "fullName": "X", "citizenId": "12ab", "unit": "BNI", "role": "viewer"]
            )
            #expect(badCitizen.status == 422)
            #expect(
                try await admin.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NOPE", "period": "2026-13", "level": "commune"]
                ).status == 422
            )
            #expect(try await admin.call(.GET, "/api/v1/reports?state=lost").status == 400)
            #expect(try await admin.call(.GET, "/api/v1/reports/does-not-exist").status == 404)
            #expect(try await admin.call(.GET, "/api/v1/assignments/does-not-exist/oversight").status == 404)
            #expect(
                try await admin.call(.GET, "/api/v1/assignments/x/oversight?unit=LCA").status == 403,
                "not another province"
            )
            #expect(try await admin.call(.GET, "/api/v1/sync").status == 200)
            let accounts = try await admin.call(.GET, "/api/v1/accounts")
            #expect(
                accounts.items.allSatisfy {
                    ["BNI", "BNI-KB", "BNI-YP", "BNI-TD"].contains($0["unit"] as? String ?? "")
                }
            )
            #expect(
                accounts.text.contains("password") == false && accounts.text.contains("hash") == false,
                "no secrets in answers"
            )

            // A hosted commune's users work in the province node but see only their own unit.
            let hosted = try await f.login("bni-td.admin", at: "bac-ninh")
            #expect(
                try await hosted.call(.GET, "/api/v1/sync").status == 403,
                "the node's links are the province admin's"
            )
            let units = try await hosted.call(.GET, "/api/v1/units")
            #expect(units.items.map { $0["code"] as? String } == ["BNI-TD"])
            #expect(try await hosted.call(.GET, "/api/v1/assignments/x/oversight?unit=BNI").status == 403)
            let entry = try await f.login("bni-td.entry", at: "bac-ninh")
            #expect(
                try await entry.call(
                    .POST,
                    "/api/v1/forms",
                    body: ["code": "F", "title": "T", "frequency": "monthly", "groups": [] as [Any]]
                ).status == 403
            )
            #expect(try await entry.call(.GET, "/api/v1/accounts").status == 403)

            // Nothing of the above was written.
            let written = try await f.local("bac-ninh").database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE username = 'x.y'")!
            }
            #expect(written == 0)
        }
    }
}

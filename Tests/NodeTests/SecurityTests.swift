import Auth
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue C's login rules, second factor, browser sessions, delegated account changes and the
/// tamper-evident audit trail, on a running federation.
@Suite(.serialized) struct SecurityTests {
    @Test func failuresSlowDownThenLock() async throws {
        try await TestFederation.run { f in
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            for attempt in 1...4 {
                let failed = try await anonymous.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "bni-kb.entry", "password": "wrong password \(attempt)"]
                )
                #expect(failed.status == 401)
            }
            let locked = try await anonymous.call(
                .POST,
                "/api/v1/session",
                body: ["username": "bni-kb.entry", "password": "wrong password 5"]
            )
            #expect(locked.status == 423 && locked.json["error"] as? String == "account_locked", "\(locked.text)")
            #expect((locked.json["message"] as? String)?.hasPrefix("Tài khoản tạm khóa") == true)
            let evenRight = try await anonymous.call(
                .POST,
                "/api/v1/session",
                body: ["username": "bni-kb.entry", "password": f.password("bni-kb.entry")]
            )
            #expect(evenRight.status == 423, "locked means locked")

            // When the lock ends, the right password works again and the end is in the audit trail.
            let database = f.local("kinh-bac").database.pool
            try await database.write { db in
                try db.execute(
                    sql: "UPDATE accounts SET locked_until = ? WHERE username = 'bni-kb.entry'",
                    arguments: [f.clock.now().addingTimeInterval(-1)]
                )
            }
            _ = try await f.login("bni-kb.entry", at: "kinh-bac")
            let actions = try await database.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM audit WHERE target = 'bni-kb.entry' ORDER BY seq")
            }
            #expect(actions.filter { $0 == "login.failed" }.count == 5)
            #expect(actions.contains("account.locked") && actions.contains("account.unlocked"))
        }
    }

    @Test func parallelGuessesCannotOutrunTheLock() async throws {
        try await TestFederation.run { f in
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for attempt in 0..<12 {
                    group.addTask {
                        try await anonymous.call(
                            .POST,
                            "/api/v1/session",
                            body: ["username": "bni-kb.approver", "password": "guess \(attempt)"]
                        ).status
                    }
                }
                group.addTask {
                    try await anonymous.call(
                        .POST,
                        "/api/v1/session",
                        body: ["username": "bni-kb.approver", "password": f.password("bni-kb.approver")]
                    ).status
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(
                statuses.filter { $0 == 423 }.count >= 7,
                "once five attempts are counted the rest are refused unchecked: \(statuses)"
            )
            #expect(
                try await anonymous.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "bni-kb.approver", "password": f.password("bni-kb.approver")]
                ).status == 423
            )
            let unknown = try await anonymous.call(
                .POST,
                "/api/v1/session",
                body: ["username": "nobody.here", "password": "anything at all"]
            )
            #expect(
                unknown.status == 401 && unknown.json["error"] as? String == "login_failed",
                "unknown and wrong look the same"
            )
            let form = try await anonymous.call(
                .POST,
                "/api/v1/session",
                body: "{\"username\":\"x\",\"password\":\"y\"}",
                contentType: "text/plain"
            )
            #expect(form.status == 415, "a cross-site form cannot log anyone in")
        }
    }

    @Test func issuedPasswordsAreChangedAtFirstLogin() async throws {
        try await TestFederation.run { f in
            let node = f.local("lao-cai")
            try await node.accounts.seed(
                username: "lca.moi",
                fullName: "Cán bộ mới",
                unit: "LCA",
                role: .dataEntry,
                password: "Cap-moi-2026!",
                mustChange: true
            )
            let client = APIClient(baseURL: f.node("lao-cai").webURL, caPath: f.manifest.ca)
            let grant = try await client.call(
                .POST,
                "/api/v1/session",
                body: ["username": "lca.moi", "password": "Cap-moi-2026!"]
            )
            #expect(grant.json["next"] as? String == "password_change")
            let session = client.with(token: try #require(grant.json["token"] as? String))
            #expect(
                try await session.call(.GET, "/api/v1/reports").json["error"] as? String == "password_change_required"
            )
            #expect(try await session.call(.GET, "/api/v1/me").json["pending"] as? String == "password_change")
            #expect(
                try await session.call(
                    .POST,
                    "/api/v1/me/password",
                    body: ["current": "wrong", "new": "Núi Fansipan 3143m"]
                ).status == 422
            )
            #expect(
                try await session.call(
                    .POST,
                    "/api/v1/me/password",
                    body: ["current": "Cap-moi-2026!", "new": "lca.moi-2026-abc"]
                ).status == 422,
                "not the username"
            )
            #expect(
                try await session.call(
                    .POST,
                    "/api/v1/me/password",
                    body: ["current": "Cap-moi-2026!", "new": "Núi Fansipan 3143m"]
                ).status == 204
            )
            #expect(try await session.call(.GET, "/api/v1/reports").status == 200)
            #expect(
                try await client.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "lca.moi", "password": "Cap-moi-2026!"]
                ).status == 401,
                "the old password is gone"
            )
        }
    }

    @Test func secondFactorForAdminsAndApprovers() async throws {
        try await TestFederation.run { f in
            let web = APIClient(baseURL: f.node("centre").webURL, caPath: f.manifest.ca)
            // A demo admin has MFA: the password alone opens nothing.
            let first = try await web.call(
                .POST,
                "/api/v1/session",
                body: ["username": "tw.admin", "password": f.password("tw.admin")]
            )
            #expect(first.json["next"] as? String == "mfa_code")
            let half = web.with(token: try #require(first.json["token"] as? String))
            #expect(try await half.call(.GET, "/api/v1/reports").json["error"] as? String == "mfa_required")
            #expect(
                try await half.call(
                    .POST,
                    "/api/v1/me/password",
                    body: ["current": f.password("tw.admin"), "new": "Chiếm quyền 2026 abc"]
                ).status == 401,
                "a password alone cannot change the password"
            )
            #expect(try await half.call(.POST, "/api/v1/me/mfa").status == 401, "nor enrol another authenticator")
            #expect(try await half.call(.DELETE, "/api/v1/me/sessions").status == 401)
            #expect(try await half.call(.GET, "/api/v1/me").json["pending"] as? String == "mfa_code")
            #expect(try await half.call(.POST, "/api/v1/session/mfa", body: ["code": "000000"]).status == 401)
            let factor = try #require(f.secondFactor("tw.admin"))
            let code = factor.code(at: f.clock.now())
            let completed = try await half.call(.POST, "/api/v1/session/mfa", body: ["code": code])
            #expect(completed.status == 200)
            let full = web.with(token: try #require(completed.json["token"] as? String))
            #expect(try await full.call(.GET, "/api/v1/reports").status == 200)
            #expect(
                try await half.call(.GET, "/api/v1/reports").status == 401,
                "the token from before the code is replaced"
            )
            let again = try await web.call(
                .POST,
                "/api/v1/session",
                body: ["username": "tw.admin", "password": f.password("tw.admin")]
            )
            let other = web.with(token: try #require(again.json["token"] as? String))
            #expect(
                try await other.call(.POST, "/api/v1/session/mfa", body: ["code": code]).status == 401,
                "a code works once"
            )

            // A new approver without a factor must enrol one before anything else; recovery codes work once.
            try await f.local("centre").accounts.seed(
                username: "tw.pheduyet",
                fullName: "Lãnh đạo",
                unit: "TW",
                role: .approver,
                password: "Hà Nội mùa thu 2026"
            )
            let login = try await web.call(
                .POST,
                "/api/v1/session",
                body: ["username": "tw.pheduyet", "password": "Hà Nội mùa thu 2026"]
            )
            #expect(login.json["next"] as? String == "mfa_enrolment")
            let approver = web.with(token: try #require(login.json["token"] as? String))
            #expect(
                try await approver.call(.GET, "/api/v1/reports").json["error"] as? String == "mfa_enrolment_required"
            )
            let enrolment = try await approver.call(.POST, "/api/v1/me/mfa")
            #expect(
                (enrolment.json["uri"] as? String)?.hasPrefix("otpauth://totp/ReportNet:tw.pheduyet?secret=") == true
            )
            #expect((enrolment.json["qrCode"] as? String)?.hasPrefix("<svg") == true)
            let secretText = try #require(enrolment.json["secret"] as? String)
            let secret = try #require(SecondFactor(secret: secretText))
            let recovery =
                try await approver.call(.POST, "/api/v1/me/mfa/confirm", body: ["code": secret.code(at: f.clock.now())])
                .json["codes"] as? [String] ?? []
            #expect(recovery.count == 10)
            #expect(try await approver.call(.GET, "/api/v1/reports").status == 200)
            let stored = try await f.local("centre").database.pool.read { db in
                try Data.fetchOne(db, sql: "SELECT totp_secret FROM accounts WHERE username = 'tw.pheduyet'")
            }
            #expect(
                stored.map { !String(decoding: $0, as: UTF8.self).contains(secret.secret) } == true,
                "the seed is sealed at rest"
            )
            let later = try await web.call(
                .POST,
                "/api/v1/session",
                body: ["username": "tw.pheduyet", "password": "Hà Nội mùa thu 2026"]
            )
            let next = web.with(token: try #require(later.json["token"] as? String))
            #expect(
                try await next.call(.POST, "/api/v1/session/mfa", body: ["code": recovery[0].lowercased()]).status
                    == 200
            )
            let once = try await web.call(
                .POST,
                "/api/v1/session",
                body: ["username": "tw.pheduyet", "password": "Hà Nội mùa thu 2026"]
            )
            #expect(
                try await web.with(token: try #require(once.json["token"] as? String)).call(
                    .POST,
                    "/api/v1/session/mfa",
                    body: ["code": recovery[0]]
                ).status == 401
            )
        }
    }

    @Test func browserSessionsUseCookiesAndCSRF() async throws {
        try await TestFederation.run { f in
            let web = APIClient(baseURL: f.node("sa-pa").webURL, caPath: f.manifest.ca)
            let login = try await web.call(
                .POST,
                "/api/v1/session",
                body: ["username": "lca-sp.entry", "password": f.password("lca-sp.entry"), "browser": true]
            )
            let cookie = try #require(login.headers["set-cookie"])
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(login.json["token"] == nil, "no token for scripts to read")
            let csrf = try #require(login.json["csrfToken"] as? String)
            let session = String(try #require(cookie.split(separator: ";").first))
            let browser = web.with(headers: ["Cookie": session])
            let factor = try #require(f.secondFactor("lca-sp.entry"))
            #expect(
                try await browser.call(.POST, "/api/v1/session/mfa", body: ["code": factor.code(at: f.clock.now())])
                    .status == 403,
                "state-changing requests need the CSRF token"
            )
            let withToken = browser.with(headers: ["Cookie": session, "X-CSRF-Token": csrf])
            let completed = try await withToken.call(
                .POST,
                "/api/v1/session/mfa",
                body: ["code": factor.code(at: f.clock.now())]
            )
            #expect(completed.status == 200)
            let renewed = String(try #require(completed.headers["set-cookie"]?.split(separator: ";").first))
            #expect(renewed != session, "a new session cookie once the code is given")
            let signedIn = web.with(headers: ["Cookie": renewed])
            #expect(try await signedIn.call(.GET, "/api/v1/reports").status == 200, "reads need no CSRF token")
            #expect(
                try await browser.call(.GET, "/api/v1/reports").status == 401,
                "the cookie from before the code is over"
            )
            #expect(
                try await signedIn.with(headers: ["Cookie": renewed, "X-CSRF-Token": csrf]).call(
                    .DELETE,
                    "/api/v1/session"
                ).headers["set-cookie"]?.contains("Max-Age=0") == true
            )
            #expect(try await signedIn.call(.GET, "/api/v1/reports").status == 401)
        }
    }

    /// A commune node's first admin is made there (`bootstrap-admin`, the demo's seeding), not from
    /// above; it is told up, so the province that appoints the commune's admins manages it too.
    @Test func aCommunesOwnFirstAdminIsKnownAndManagedAbove() async throws {
        try await TestFederation.run { f in
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            let province = try await f.login("bni.admin", at: "bac-ninh")
            try await f.eventually("the province learns the commune's admin") {
                try await province.call(.GET, "/api/v1/accounts").items.contains {
                    $0["username"] as? String == "bni-kb.admin" && $0["status"] as? String == "delegated"
                }
            }
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(
                try await centre.call(.GET, "/api/v1/accounts").items.contains {
                    $0["username"] as? String == "bni-kb.admin"
                } == false,
                "two levels up is not the commune admin's manager"
            )
            #expect(
                try await province.call(.POST, "/api/v1/accounts/bni-kb.admin/disable").json["status"] as? String
                    == "disabled"
            )
            try await f.eventually("the disable reaches the commune") {
                try await commune.call(.GET, "/api/v1/me").status == 401
            }
            let again = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            #expect(
                try await again.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "bni-kb.admin", "password": f.password("bni-kb.admin")]
                ).status == 401
            )
        }
    }

    @Test func disablingAndResettingReachTheAccountsNode() async throws {
        try await TestFederation.run { f in
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let created = try await province.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "kb.quantri", "fullName": "Trần Thị Bình", "unit": "BNI-KB", "role": "admin"]
            )
            let code = try #require(created.json["activationCode"] as? String)
            let commune = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            try await f.eventually("the account reaches the commune") {
                try await commune.call(
                    .POST,
                    "/api/v1/activate",
                    body: ["username": "kb.quantri", "code": code, "password": "Đường làng 2026 quê tôi"]
                ).status == 200
            }
            let admin = try await f.login("kb.quantri", at: "kinh-bac", password: "Đường làng 2026 quê tôi")
            #expect(try await admin.call(.GET, "/api/v1/accounts").status == 200)

            #expect(
                try await province.call(.POST, "/api/v1/accounts/bni-kb.entry/disable").status == 404,
                "not an account the province holds"
            )
            #expect(
                try await province.call(.POST, "/api/v1/accounts/bni.admin/disable").status == 403,
                "never one's own"
            )
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(
                try await centre.call(.POST, "/api/v1/accounts/kb.quantri/disable").status == 404,
                "two levels down is not the centre's"
            )

            let reset = try await province.call(.POST, "/api/v1/accounts/kb.quantri/reset")
            let newCode = try #require(reset.json["activationCode"] as? String)
            try await f.eventually("the reset ends the commune session") {
                try await admin.call(.GET, "/api/v1/accounts").status == 401
            }
            #expect(
                try await commune.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "kb.quantri", "password": "Đường làng 2026 quê tôi"]
                ).status == 401
            )
            #expect(
                try await commune.call(
                    .POST,
                    "/api/v1/activate",
                    body: ["username": "kb.quantri", "code": code, "password": "Mật khẩu mới hoàn toàn 1"]
                ).status == 401
            )
            #expect(
                try await commune.call(
                    .POST,
                    "/api/v1/activate",
                    body: ["username": "kb.quantri", "code": newCode, "password": "Mật khẩu mới hoàn toàn 1"]
                ).status == 200
            )
            let again = try await commune.call(
                .POST,
                "/api/v1/session",
                body: ["username": "kb.quantri", "password": "Mật khẩu mới hoàn toàn 1"]
            )
            #expect(again.json["next"] as? String == "mfa_enrolment", "a reset admin enrols a new second factor")
            let session = commune.with(token: try #require(again.json["token"] as? String))

            #expect(
                try await province.call(.POST, "/api/v1/accounts/kb.quantri/disable").json["status"] as? String
                    == "disabled"
            )
            try await f.eventually("the disable reaches the commune") {
                try await session.call(.GET, "/api/v1/me").status == 401
            }
            #expect(
                try await commune.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "kb.quantri", "password": "Mật khẩu mới hoàn toàn 1"]
                ).status == 401
            )
        }
    }

    @Test func usagePerUserGroup() async throws {
        try await TestFederation.run { f in
            let web = APIClient(baseURL: f.node("centre").webURL, caPath: f.manifest.ca)
            #expect(
                try await web.call(
                    .POST,
                    "/api/v1/session",
                    body: ["username": "tw.entry", "password": "wrong password 1"]
                ).status == 401
            )
            let admin = try await f.login("tw.admin", at: "centre")
            let approver = try await f.login("tw.approver", at: "centre")
            _ = try await f.login("tw.entry", at: "centre")
            _ = try await approver.call(.GET, "/api/v1/reports")
            let period = String(f.clock.today().description.prefix(7))
            let report = try await admin.call(.GET, "/api/v1/usage?period=\(period)").json
            let groups = Dictionary(
                uniqueKeysWithValues: (report["groups"] as? [[String: Any]] ?? []).map { ($0["role"] as! String, $0) }
            )
            #expect(groups["admin"]?["logins"] as? Int == 1 && groups["approver"]?["logins"] as? Int == 1)
            #expect(
                groups["data_entry"]?["failedLogins"] as? Int == 1 && groups["data_entry"]?["activeUsers"] as? Int == 1
            )
            #expect(groups["viewer"]?["accounts"] as? Int == 0)
            #expect((groups["approver"]?["actions"] as? Int ?? 0) >= 1, "the approver's read is an action")
            let book = try await Python.workbook(
                try await admin.call(.GET, "/api/v1/usage?period=\(period)&format=xlsx").data
            )
            #expect(book["Sử dụng"]?.contains { $0.starts(with: ["Quản trị", "1", "1", "1", "0"]) } == true, "\(book)")
            #expect(try await approver.call(.GET, "/api/v1/usage?period=\(period)").status == 403)
            #expect(try await admin.call(.GET, "/api/v1/usage?period=soon").status == 400)
        }
    }

    @Test func theAuditTrailShowsTampering() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let node = try nodes.open("bac-ninh")
        for index in 1...5 {
            try await node.accounts.seed(
                username: "bni.user\(index)",
                fullName: "U\(index)",
                unit: "BNI",
                role: .viewer,
                password: "Mật khẩu dài \(index)00"
            )
        }
        let pool = node.database.pool
        #expect(try await pool.read { try AuditTrail.verify($0) } == nil)
        await #expect(throws: DatabaseError.self) {
            try await pool.write { db in try db.execute(sql: "UPDATE audit SET detail = 'x' WHERE seq = 2") }
        }
        await #expect(throws: DatabaseError.self) {
            try await pool.write { db in try db.execute(sql: "DELETE FROM audit WHERE seq = 2") }
        }
        // Someone with the file drops the guards and edits an entry: the chain names it.
        try await pool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete")
            try db.execute(sql: "UPDATE audit SET actor = 'someone-else' WHERE seq = 3")
        }
        #expect(try await pool.read { try AuditTrail.verify($0) }?.seq == 3)
        try await pool.write { db in
            try db.execute(sql: "UPDATE audit SET actor = 'bootstrap' WHERE seq = 3")
            try db.execute(sql: "DELETE FROM audit WHERE seq = 4")
        }
        let broken = try await pool.read { try AuditTrail.verify($0) }
        #expect(broken?.seq == 5 && broken?.reason == "entry 4 is missing", "\(String(describing: broken))")
    }

    @Test func aRecomputedChainFailsItsSeals() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let node = try nodes.open("bac-ninh")
        for index in 1...4 {
            try await node.accounts.seed(
                username: "bni.user\(index)",
                fullName: "U\(index)",
                unit: "BNI",
                role: .viewer,
                password: "Mật khẩu dài \(index)00"
            )
        }
        let pool = node.database.pool
        #expect(try await pool.read { try AuditTrail.verify($0, seal: node.auditSeal) } == nil)
        // Someone with the database file but not the key file edits entry 2 and recomputes the
        // whole chain from there: the hashes agree again, the seals do not.
        try await pool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update")
            try db.execute(sql: "UPDATE audit SET actor = 'someone-else' WHERE seq = 2")
            var previous = try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = 1") ?? ""
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE seq >= 2 ORDER BY seq") {
                let old = AuditTrail.Entry(row)
                let entry = AuditTrail.Entry(
                    seq: old.seq,
                    at: old.at,
                    actor: old.actor,
                    unit: old.unit,
                    node: old.node,
                    action: old.action,
                    target: old.target,
                    detail: old.detail,
                    source: old.source,
                    previousHash: previous
                )
                try db.execute(
                    sql: "UPDATE audit SET previous_hash = ?, hash = ? WHERE seq = ?",
                    arguments: [previous, entry.hash, entry.seq]
                )
                previous = entry.hash
            }
        }
        #expect(try await pool.read { try AuditTrail.verify($0) } == nil, "the bare chain is whole again")
        let broken = try await pool.read { try AuditTrail.verify($0, seal: node.auditSeal) }
        #expect(
            broken?.seq == 2 && broken?.reason == "its seal does not match the node key",
            "\(String(describing: broken))"
        )
    }
}

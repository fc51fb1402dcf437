import Auth
import Foundation
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue D: the pages over a real demo federation, without a browser — sessions and redirects,
/// escaping of what people typed, CSRF and permission refusals, the language choice, labels on
/// every input, and the size of a form page.
@Suite(.serialized) struct WebPageTests {
    /// A browser-like session: the cookie and the CSRF token a page's forms carry.
    struct Browser {
        let client: APIClient
        let csrf: String

        func get(_ path: String) async throws -> APIClient.Reply { try await client.call(.GET, path) }

        func post(
            _ path: String,
            _ fields: [(String, String)],
            csrf sent: String? = nil
        ) async throws -> APIClient.Reply {
            let all = [("_csrf", sent ?? csrf)] + fields
            let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            return try await client.call(.POST, path, body: body, contentType: "application/x-www-form-urlencoded")
        }

        static func encode(_ text: String) -> String {
            text.addingPercentEncoding(
                withAllowedCharacters: CharacterSet(
                    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
                )
            ) ?? ""
        }
    }

    /// Logs in through the pages: the login form (with its pre-session token), then the code.
    static func browser(
        _ f: TestFederation,
        _ username: String,
        at node: String,
        codeOffset: TimeInterval = 0
    ) async throws -> Browser {
        let anonymous = APIClient(baseURL: f.node(node).webURL, caPath: f.manifest.ca)
        let form = try await anonymous.call(.GET, "/app/login")
        let loginToken = try #require(Self.cookie("rn_login", in: form))
        let hidden = try #require(Self.hiddenCSRF(form.text))
        #expect(hidden == loginToken)
        let withLogin = anonymous.with(headers: ["Cookie": "rn_login=\(loginToken)"])
        let body = "_csrf=\(hidden)&username=\(username)&password=\(Browser.encode(f.password(username)))"
        let posted = try await withLogin.call(
            .POST,
            "/app/login",
            body: body,
            contentType: "application/x-www-form-urlencoded"
        )
        #expect(
            posted.status == 303 && posted.headers["location"] == "/app/login/mfa",
            "\(posted.status) \(posted.text)"
        )
        let first = try #require(Self.cookie("rn_session", in: posted))
        let pending = anonymous.with(headers: ["Cookie": "rn_session=\(first)"])
        let step = try await pending.call(.GET, "/app/login/mfa")
        let csrf = try #require(Self.hiddenCSRF(step.text))
        let code = try #require(f.secondFactor(username)).code(at: f.clock.now().addingTimeInterval(codeOffset))
        let done = try await pending.call(
            .POST,
            "/app/login/mfa",
            body: "_csrf=\(csrf)&code=\(code)",
            contentType: "application/x-www-form-urlencoded"
        )
        #expect(done.status == 303, "\(done.text)")
        let session = try #require(Self.cookie("rn_session", in: done))
        #expect(session != first, "a new session token after the second factor")
        return Browser(client: anonymous.with(headers: ["Cookie": "rn_session=\(session)"]), csrf: csrf)
    }

    static func cookie(_ name: String, in reply: APIClient.Reply) -> String? {
        guard let header = reply.headers["set-cookie"], header.hasPrefix("\(name)=") else { return nil }
        return header.dropFirst(name.count + 1).split(separator: ";").first.map(String.init)
    }

    static func hiddenCSRF(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The centre defines the browser test's form and assigns it to Kinh Bắc for November; the
    /// assignment's id, once Kinh Bắc's node holds it.
    static func assignBrowserForm(_ f: TestFederation) async throws -> String {
        let centre = try await f.login("tw.admin", at: "centre")
        #expect(try await centre.call(.POST, "/api/v1/forms", body: BrowserFlowTests.form).status == 201)
        let assignment = try #require(
            try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "WEB-DU-KIEN", "period": "2026-11", "units": ["BNI-KB"]]
            ).json["id"] as? String
        )
        try await f.eventually("the assignment reaches kinh-bac") {
            try await f.local("kinh-bac").formAssignments.visible(
                to: Actor(username: "t", unit: "BNI-KB", role: .viewer)
            )
            .contains { $0.id == assignment }
        }
        return assignment
    }

    @Test func pagesOverAFederation() async throws {
        try await TestFederation.run { f in
            let assignment = try await Self.assignBrowserForm(f)
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)

            // Without a session, pages send people to the login page; the page is Vietnamese, with a label per input.
            let home = try await anonymous.call(.GET, "/app/entry")
            #expect(home.status == 303 && home.headers["location"] == "/app/login?next=/app/entry")
            let login = try await anonymous.call(.GET, "/app/login")
            #expect(
                login.status == 200 && login.text.contains("Tên đăng nhập hoặc số CCCD")
                    && login.text.contains("<html lang=\"vi\">")
            )
            #expect(login.headers["content-security-policy"]?.contains("script-src 'self'") == true)
            // A login post without the pre-session token (a cross-site form) is refused.
            let forged = try await anonymous.call(
                .POST,
                "/app/login",
                body: "username=bni-kb.entry&password=x",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(forged.status == 403 && forged.headers["set-cookie"]?.hasPrefix("rn_session") != true)

            let entry = try await Self.browser(f, "bni-kb.entry", at: "kinh-bac")
            let list = try await entry.get("/app/entry")
            #expect(list.status == 200 && list.text.contains("Báo cáo tháng về chuyển đổi số cấp xã"))

            // Opening the report, then saving what was typed: a script shows as text.
            let opened = try await entry.post("/app/entry/\(assignment)", [])
            let edit = try #require(opened.headers["location"])
            #expect(opened.status == 303 && edit.hasSuffix("/edit"))
            let form = try await entry.get(edit)
            #expect(form.status == 200 && form.data.count < 200 * 1024, "form page: \(form.data.count) bytes")
            #expect(
                Self.unlabelledInputs(form.text).isEmpty,
                "inputs without a label: \(Self.unlabelledInputs(form.text))"
            )
            #expect(
                form.text.contains("Ẩn giải thích tiêu chí") && form.text.contains("Lưu lại")
                    && form.text.contains("<details class=\"group\"")
            )
            let version = try #require(
                form.text.range(of: "name=\"version\" value=\"").map {
                    String(form.text[$0.upperBound...].prefix { $0 != "\"" })
                }
            )
            let script = "<script>alert('x')</script>"
            let saved = try await entry.post(
                edit,
                [("version", version), ("q:ghi-chu", script), ("q:can-bo", "12"), ("q:muc-do", "Đang triển khai")]
            )
            #expect(saved.status == 303, "\(saved.text.prefix(500))")
            let id = String(edit.dropFirst("/app/reports/".count).dropLast("/edit".count))
            let detail = try await entry.get("/app/reports/\(id)")
            #expect(
                detail.status == 200 && detail.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                    && !detail.text.contains(script)
            )

            // A number that is not one: the problem next to the field, what was typed kept, nothing saved.
            let bad = try await entry.post(
                edit,
                [("version", String(Int(version)! + 1)), ("q:can-bo", "mười hai"), ("q:ghi-chu", "giữ nguyên")]
            )
            #expect(
                bad.status == 422 && bad.text.contains("phải là một số") && bad.text.contains("value=\"mười hai\"")
                    && bad.text.contains("giữ nguyên")
            )
            #expect(
                try await f.local("kinh-bac").reports.report(
                    id,
                    for: Actor(username: "t", unit: "BNI-KB", role: .viewer)
                )
                .answers["can-bo"] == .number(12)
            )

            // A post without the CSRF token changes nothing.
            let noToken = try await entry.post(
                edit,
                [("version", String(Int(version)! + 1)), ("q:can-bo", "99")],
                csrf: "sai"
            )
            #expect(noToken.status == 403 && noToken.text.contains("mã chống giả mạo"))
            #expect(
                try await f.local("kinh-bac").reports.report(
                    id,
                    for: Actor(username: "t", unit: "BNI-KB", role: .viewer)
                )
                .answers["can-bo"] == .number(12)
            )

            // Pages check the API's permissions: data entry manages no accounts, approves nothing.
            #expect(try await entry.get("/app/users").status == 403)
            #expect(try await entry.get("/app/audit").status == 403)
            let approve = try await entry.post("/app/reports/\(id)/approve", [("message", "Đồng ý")])
            #expect(approve.status == 403 && approve.text.contains("không có quyền"))

            // English by choice, kept in a cookie.
            let english = try await entry.client.with(headers: [
                "Cookie": "rn_session=\(Self.sessionCookie(entry)); rn_lang=en"
            ]).call(.GET, "/app/entry")
            #expect(english.text.contains("Data entry") && english.text.contains("<html lang=\"en\">"))

            // The province's dashboard: its commune as a tile linking to the drill-down.
            let province = try await Self.browser(f, "bni.approver", at: "bac-ninh")
            try await f.eventually("the assignment reaches bac-ninh") {
                try await province.get("/app").text.contains("Báo cáo tháng về chuyển đổi số cấp xã")
            }
            let dashboard = try await province.get("/app?assignment=\(assignment)")
            #expect(
                dashboard.status == 200 && dashboard.text.contains("<svg") && dashboard.text.contains("unit=BNI-KB")
            )
            // Not the commune's report list of another province.
            #expect(try await province.get("/app/reports?unit=LCA-SP").status == 403)

            // The province admin reads the audit trail of its subtree, the chain whole; it holds the commune's page logins.
            let admin = try await Self.browser(f, "bni.admin", at: "bac-ninh")
            let audit = try await admin.get("/app/audit")
            #expect(
                audit.status == 200 && audit.text.contains("Chuỗi nhật ký toàn vẹn")
                    && audit.text.contains("bni.approver")
            )
            #expect(!audit.text.contains("lca."), "no entry of another province")

            // An account with chosen function permissions, under the delegation rules; a duplicate keeps what was typed.
            let users = try await admin.get("/app/users")
            #expect(users.status == 200 && Self.unlabelledInputs(users.text).isEmpty)
            let fields = [
                ("username", "bni.nhap.lieu"), ("fullName", "Nguyễn Văn A"), ("citizenId", ""), ("unit", "BNI"),
                ("role", "data_entry"), ("permission", "reports.enter"),
            ]
            let created = try await admin.post("/app/users", fields)
            #expect(created.status == 200 && created.text.contains("Mã kích hoạt"), "\(created.text.prefix(300))")
            let account = try await f.local("bac-ninh").accounts.visible(
                to: Actor(username: "bni.admin", unit: "BNI", role: .admin)
            ).first { $0.username == "bni.nhap.lieu" }
            #expect(account?.permissions == [.enterData])
            let again = try await admin.post("/app/users", fields)
            #expect(
                again.status == 409 && again.text.contains("value=\"Nguyễn Văn A\"")
                    && again.text.contains("value=\"reports.enter\" checked")
            )
        }
    }

    /// Issue L: numbers typed the Vietnamese way ("1.234,5") are stored exactly and shown back the
    /// same way in the field and the report view; "1.5" is not guessed; English pages use "1,234.5".
    @Test func numbersTheVietnameseWay() async throws {
        try await TestFederation.run { f in
            let assignment = try await Self.assignBrowserForm(f)
            // The API session first: each TOTP code works once, so the page's login uses the next one.
            let api = try await f.login("bni-kb.entry", at: "kinh-bac")
            let entry = try await Self.browser(f, "bni-kb.entry", at: "kinh-bac", codeOffset: 30)
            let opened = try await entry.post("/app/entry/\(assignment)", [])
            let edit = try #require(opened.headers["location"])
            let id = String(edit.dropFirst("/app/reports/".count).dropLast("/edit".count))
            func version() async throws -> String {
                let page = try await entry.get(edit)
                return try #require(
                    page.text.range(of: "name=\"version\" value=\"").map {
                        String(page.text[$0.upperBound...].prefix { $0 != "\"" })
                    }
                )
            }
            func stored() async throws -> [String: Any] {
                let reply = try await api.call(.GET, "/api/v1/reports/\(id)")
                #expect(reply.status == 200, "\(reply.text)")
                return reply.json["answers"] as? [String: Any] ?? [:]
            }

            // The fields are text with a decimal keypad: a browser's number field would refuse "1.234,5".
            let empty = try await entry.get(edit)
            #expect(empty.text.contains("<input type=\"text\" inputmode=\"decimal\" id=\"f-kinh-phi\""))
            #expect(!empty.text.contains("type=\"number\""))

            // Thousands with a point, decimals with a comma: stored as the number meant, shown back as typed.
            let saved = try await entry.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "1.234"),
                    ("q:kinh-phi", "1.234,5"),
                    ("q:ty-le", "85,5"), ("t:bang:ho-so:tong", "12.000"), ("t:bang:ho-so:dung-han", "11.999"),
                ]
            )
            #expect(saved.status == 303, "\(saved.status) \(Self.fieldErrors(saved.text))")
            let answers = try await stored()
            #expect(
                answers["can-bo"] as? Double == 1234 && answers["kinh-phi"] as? Double == 1234.5
                    && answers["ty-le"] as? Double == 85.5,
                "\(answers)"
            )
            let table = answers["bang"] as? [String: [String: Double]]
            #expect(table?["ho-so"]?["tong"] == 12000 && table?["ho-so"]?["dung-han"] == 11999, "\(answers)")
            let form = try await entry.get(edit)
            #expect(
                form.text.contains("id=\"f-kinh-phi\" name=\"q:kinh-phi\" value=\"1.234,5\""),
                "the field shows what was typed"
            )
            #expect(
                form.text.contains("value=\"1.234\"") && form.text.contains("value=\"85,5\"")
                    && form.text.contains("value=\"11.999\"")
            )
            let view = try await entry.get("/app/reports/\(id)")
            #expect(
                view.text.contains("<p class=\"answer\">1.234,5</p>")
                    && view.text.contains("<p class=\"answer\">85,5 %</p>"),
                "the report view"
            )
            #expect(
                view.text.contains("\">12.000<span class=\"cell-note\">")
                    && view.text.contains("\">11.999<span class=\"cell-note\">")
            )
            #expect(!view.text.contains("1234,5") && !view.text.contains("85.5"))

            // A point that does not group thousands is not guessed: refused, with the way to write it, what was typed kept.
            let ambiguous = try await entry.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "1.234"),
                    ("q:kinh-phi", "1.5"),
                ]
            )
            #expect(
                ambiguous.status == 422 && ambiguous.text.contains("Dùng dấu phẩy cho phần thập phân, ví dụ 1,5")
                    && ambiguous.text.contains("value=\"1.5\""),
                "\(ambiguous.status) \(Self.fieldErrors(ambiguous.text))"
            )
            #expect(try await stored()["kinh-phi"] as? Double == 1234.5, "the bad value keeps the stored one")
            let cell = try await entry.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "1.234"),
                    ("q:kinh-phi", "1.234,5"), ("q:ty-le", "85,5"), ("t:bang:ho-so:tong", "12.5"),
                ]
            )
            #expect(cell.status == 422 && cell.text.contains("Dùng dấu phẩy") && cell.text.contains("value=\"12.5\""))

            // In English the other way round.
            let english = Browser(
                client: entry.client.with(headers: ["Cookie": "rn_session=\(Self.sessionCookie(entry)); rn_lang=en"]),
                csrf: entry.csrf
            )
            #expect(
                try await english.get(edit).text.contains("id=\"f-kinh-phi\" name=\"q:kinh-phi\" value=\"1,234.5\"")
            )
            #expect(try await english.get("/app/reports/\(id)").text.contains("<p class=\"answer\">85.5 %</p>"))
            let typedEnglish = try await english.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "1,234"),
                    ("q:kinh-phi", "2,345.75"),
                ]
            )
            #expect(typedEnglish.status == 303, "\(typedEnglish.status) \(Self.fieldErrors(typedEnglish.text))")
            #expect(try await stored()["kinh-phi"] as? Double == 2345.75)
            let comma = try await english.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "1,234"),
                    ("q:kinh-phi", "1,5"),
                ]
            )
            #expect(
                comma.status == 422 && comma.text.contains("Use a point for decimals")
                    && comma.text.contains("value=\"1,5\"")
            )
        }
    }

    /// The problems a page shows next to its fields.
    static func fieldErrors(_ html: String) -> [String] {
        html.components(separatedBy: "class=\"field-error\"").dropFirst().map { piece in
            String(piece.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
        }
    }

    static func sessionCookie(_ browser: Browser) -> String {
        browser.client.headers["Cookie"].map { String($0.dropFirst("rn_session=".count)) } ?? ""
    }

    /// Inputs, selects and text areas (not hidden) that no `<label for>` names and that carry no `aria-label`.
    static func unlabelledInputs(_ html: String) -> [String] {
        let labels = Set(
            html.components(separatedBy: "<label ").dropFirst().compactMap { piece -> String? in
                let tag = piece.prefix { $0 != ">" }
                return tag.range(of: "for=\"").map { String(tag[$0.upperBound...].prefix { $0 != "\"" }) }
            }
        )
        var missing: [String] = []
        for tag in ["<input ", "<select ", "<textarea "] {
            for piece in html.components(separatedBy: tag).dropFirst() {
                let element = String(piece.prefix { $0 != ">" })
                if element.contains("type=\"hidden\"") || element.contains("aria-label=") { continue }
                guard let range = element.range(of: "id=\"") else {
                    missing.append(element)
                    continue
                }
                let id = String(element[range.upperBound...].prefix { $0 != "\"" })
                if !labels.contains(id) { missing.append(id) }
            }
        }
        return missing
    }
}

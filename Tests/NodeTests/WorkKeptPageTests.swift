import Auth
import Foundation
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue L, points 5 and 6: evidence has one limit, stated on the page and applied by the
/// server, and a refused upload shows the report again with the refusal next to the file field
/// and the message as typed; a save finds every problem in one round, keeps every valid value,
/// and lists each problem with a link to its field; the login page leads back to the page a
/// person was on.
@Suite(.serialized) struct WorkKeptPageTests {
    /// A draft of Kinh Bắc's on the browser test's form, and a browser session of its data entry.
    static func draft(_ f: TestFederation) async throws -> (entry: WebPageTests.Browser, id: String, edit: String) {
        let assignment = try await WebPageTests.assignBrowserForm(f)
        // The API session first (kept for later checks), then the browser's with the next code:
        // a TOTP code works once, and never one older than the last used.
        _ = try await f.login("bni-kb.entry", at: "kinh-bac")
        let entry = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac", codeOffset: 30)
        let opened = try await entry.post("/app/entry/\(assignment)", [])
        let edit = try #require(opened.headers["location"])
        let id = String(edit.dropFirst("/app/reports/".count).dropLast("/edit".count))
        return (entry, id, edit)
    }

    static func version(_ page: String) throws -> String {
        try #require(
            page.range(of: "name=\"version\" value=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) }
        )
    }

    static func post(
        _ browser: WebPageTests.Browser,
        _ path: String,
        message: String,
        files: [(name: String, content: Data)]
    ) async throws -> APIClient.Reply {
        let body = ReturnEvidenceTests.multipart([("message", message)], files: files, csrf: browser.csrf)
        // Over 20 MB through TLS in a debug build takes about a second alone, but the whole suite
        // shares two cores: the refusal is what is tested, not how fast it comes.
        return try await browser.client.call(.POST, path, body: body.body, contentType: body.type, timeout: .minutes(4))
    }

    @Test func evidenceHasOneLimitAndARefusalKeepsTheMessage() async throws {
        try await TestFederation.run { f in
            let (entry, id, _) = try await Self.draft(f)
            let limit = f.local("kinh-bac").evidencePolicy.maximumBytes
            #expect(limit == 20 * 1_048_576)

            // The page states the types and the limit next to each file field, for the script too.
            let page = try await entry.get("/app/reports/\(id)")
            #expect(page.text.contains("id=\"submit-evidence\" name=\"evidence\" multiple accept=\".doc,.docx,"))
            #expect(page.text.contains("data-max-bytes=\"\(limit)\""))
            #expect(page.text.contains("Tối đa 20 MB mỗi lần gửi"))
            #expect(page.text.contains("aria-describedby=\"submit-evidence-hint submit-evidence-error\""))
            #expect(page.text.contains("id=\"attach-evidence\""), "evidence can be attached to the draft")

            // A 21 MB PDF: refused with the limit next to the field, the dialog open, the message kept.
            let message = "Kính trình lãnh đạo xem xét <b>gấp</b>"
            let large = try await Self.post(
                entry,
                "/app/reports/\(id)/submit",
                message: message,
                files: [("bien-ban.pdf", Data(count: 21 * 1_048_576))]
            )
            #expect(large.status == 413, "\(large.status)")
            #expect(large.text.contains("<details class=\"dialog\" id=\"submit-dialog\" open>"))
            #expect(large.text.contains(">Kính trình lãnh đạo xem xét &lt;b&gt;gấp&lt;/b&gt;</textarea>"))
            #expect(
                large.text.contains(
                    "<span class=\"field-error\" id=\"submit-evidence-error\" role=\"alert\">Tệp minh chứng vượt quá 20 MB</span>"
                ),
                "\(WebPageTests.fieldErrors(large.text))"
            )
            // Two files that together pass the limit are refused the same way.
            let together = try await Self.post(
                entry,
                "/app/reports/\(id)/submit",
                message: message,
                files: [("a.pdf", Data(count: 10_600_000)), ("b.pdf", Data(count: 10_600_000))]
            )
            #expect(together.status == 413 && together.text.contains("Tệp minh chứng vượt quá 20 MB"))
            // A file of a refused type: the words of the rule next to the field, the message kept.
            let wrong = try await Self.post(
                entry,
                "/app/reports/\(id)/submit",
                message: message,
                files: [("chuong-trinh.exe", Data("MZ".utf8))]
            )
            #expect(wrong.status == 422)
            #expect(
                wrong.text.contains(
                    "id=\"submit-evidence-error\" role=\"alert\">Loại tệp không được phép; chỉ nhận: doc"
                )
            )
            #expect(wrong.text.contains("&lt;b&gt;gấp&lt;/b&gt;</textarea>"))
            let report = try await f.local("kinh-bac").reports.report(
                id,
                for: Actor(username: "t", unit: "BNI-KB", role: .viewer)
            )
            #expect(report.state == .draft && (report.evidence ?? []).isEmpty, "nothing was submitted or kept")

            // Submitting without the required answers lists each with a link to its field.
            let missing = try await Self.post(entry, "/app/reports/\(id)/submit", message: message, files: [])
            #expect(missing.status == 422)
            for (field, question) in [("f-muc-do-0", "Mức độ triển khai"), ("f-can-bo", "Số cán bộ được tập huấn")] {
                #expect(
                    missing.text.contains(
                        "<li><a href=\"/app/reports/\(id)/edit#\(field)\">“\(question)”: chưa trả lời (bắt buộc)</a></li>"
                    ),
                    "\(question) is listed"
                )
            }
            #expect(missing.text.contains("&lt;b&gt;gấp&lt;/b&gt;</textarea>"))

            // The API's raw upload states the same limit.
            let api = try await f.login("bni-kb.entry", at: "kinh-bac")
            let raw = try await api.call(
                .POST,
                "/api/v1/reports/\(id)/evidence?name=lon.pdf",
                body: Data(count: Int(limit) + 1)
            )
            #expect(raw.status == 413 && raw.json["message"] as? String == "Tệp minh chứng vượt quá 20 MB")

            // Evidence for the draft from the report page; then it shows in the list.
            let attached = try await Self.post(
                entry,
                "/app/reports/\(id)/evidence",
                message: "",
                files: [("bien-ban.pdf", Data("%PDF-1.4 biên bản".utf8))]
            )
            #expect(attached.status == 303 && attached.headers["location"] == "/app/reports/\(id)")
            #expect(try await entry.get("/app/reports/\(id)").text.contains(">bien-ban.pdf</a>"))
            let none = try await Self.post(entry, "/app/reports/\(id)/evidence", message: "", files: [])
            #expect(
                none.status == 422
                    && none.text.contains("id=\"attach-evidence-error\" role=\"alert\">Tệp minh chứng rỗng")
            )
        }
    }

    /// Issue L: a page step with files is all or none. A refused step (or one refused file)
    /// leaves nothing attached, so sending it again does not attach the files twice.
    @Test func aRefusedStepAttachesNoFile() async throws {
        try await TestFederation.run { f in
            let (entry, id, _) = try await Self.draft(f)
            func attached() async throws -> [String] {
                try await f.local("kinh-bac").reports.report(
                    id,
                    for: Actor(username: "t", unit: "BNI-KB", role: .viewer)
                )
                .evidence?.map(\.fileName) ?? []
            }
            let pdf = Data("%PDF-1.4 biên bản".utf8)
            // Submitting a draft without its required answers: refused, and the file is not kept.
            let submit = try await Self.post(
                entry,
                "/app/reports/\(id)/submit",
                message: "Kính trình",
                files: [("bien-ban.pdf", pdf)]
            )
            #expect(submit.status == 422, "\(submit.status)")
            #expect(try await attached().isEmpty, "a refused submit attaches nothing")
            // A good file then a refused one: neither is attached.
            let mixed = try await Self.post(
                entry,
                "/app/reports/\(id)/evidence",
                message: "",
                files: [("bien-ban.pdf", pdf), ("chuong-trinh.exe", Data("MZ".utf8))]
            )
            #expect(mixed.status == 422, "\(mixed.status)")
            #expect(try await attached().isEmpty, "one refused file attaches none of the others")
            // Sent again without the refused file: each file once.
            let again = try await Self.post(
                entry,
                "/app/reports/\(id)/evidence",
                message: "",
                files: [("bien-ban.pdf", pdf), ("danh-sach.pdf", Data("%PDF-1.4 danh sách".utf8))]
            )
            #expect(again.status == 303, "\(again.status)")
            #expect(try await attached().sorted() == ["bien-ban.pdf", "danh-sach.pdf"])
        }
    }

    @Test func aSaveFindsEveryProblemAtOnceAndKeepsTheValidValues() async throws {
        try await TestFederation.run { f in
            let (entry, id, edit) = try await Self.draft(f)
            let first = try await entry.post(
                edit,
                [
                    ("version", try Self.version(try await entry.get(edit).text)), ("q:can-bo", "12"),
                    ("q:kinh-phi", "7,5"),
                ]
            )
            #expect(first.status == 303)

            // Three bad fields (a date, a number over its maximum, a table cell) and three good ones.
            let saved = try await entry.post(
                edit,
                [
                    ("version", try Self.version(try await entry.get(edit).text)), ("q:muc-do", "Đang triển khai"),
                    ("q:ghi-chu", "Thiếu máy tính"), ("q:ngay-hop", "31/02/2026"), ("q:can-bo", "30"),
                    ("q:ty-le", "120"), ("q:kinh-phi", "abc"), ("t:bang:ho-so:tong", "12"),
                    ("t:bang:ho-so:dung-han", "1,2,3"),
                ]
            )
            #expect(saved.status == 422)
            #expect(saved.text.contains("Đã lưu các giá trị hợp lệ"))
            let errors = WebPageTests.fieldErrors(saved.text)
            #expect(errors.count == 4, "\(errors)")
            for field in ["#f-ngay-hop", "#f-ty-le", "#f-kinh-phi", "#f-t:bang:ho-so:dung-han"] {
                #expect(saved.text.contains("<li><a href=\"\(field)\">"), "a link to \(field)")
            }
            // Each message is tied to its input, and the input shows what was typed.
            #expect(saved.text.contains("id=\"f-ty-le\" name=\"q:ty-le\" value=\"120\""))
            #expect(saved.text.contains("aria-describedby=\"n-q:ty-le e-ty-le\""))
            #expect(saved.text.contains("id=\"f-ngay-hop\" name=\"q:ngay-hop\" value=\"31/02/2026\""))

            // The valid values are stored; a bad one keeps what was stored before.
            let report = try await f.local("kinh-bac").reports.report(
                id,
                for: Actor(username: "t", unit: "BNI-KB", role: .viewer)
            )
            #expect(report.answers["can-bo"] == .number(30))
            #expect(report.answers["ghi-chu"] == .text("Thiếu máy tính"))
            #expect(report.answers["kinh-phi"] == .number(7.5), "the bad value did not erase the stored one")
            #expect(report.answers["ty-le"] == nil && report.answers["ngay-hop"] == nil)
            #expect(report.answers["bang"] == .table(["ho-so": ["tong": 12]]))
            // The page carries the new version, so the next save goes through.
            #expect(try Self.version(saved.text) == String(report.version))

        }
    }

    @Test func theLoginPageLeadsBackToThePage() async throws {
        try await TestFederation.run { f in
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            let away = try await anonymous.call(.GET, "/app/reports?state=draft")
            #expect(away.status == 303 && away.headers["location"] == "/app/login?next=/app/reports%3Fstate%3Ddraft")
            let login = try await anonymous.call(.GET, "/app/login?next=/app/reports%3Fstate%3Ddraft")
            #expect(login.text.contains("<input type=\"hidden\" name=\"next\" value=\"/app/reports?state"))
            // A post without a session goes back to the page it was sent from.
            let post = try await anonymous.with(headers: ["Referer": "https://x/app/reports/R1/edit"]).call(
                .POST,
                "/app/reports/R1/edit",
                body: "version=1",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(post.headers["location"] == "/app/login?next=/app/reports/R1/edit")
            // Never elsewhere.
            #expect(SessionPages.back("https://evil.example/app") == nil)
            #expect(SessionPages.back("//evil.example/app") == nil)
            #expect(SessionPages.back("/application") == nil)
            #expect(SessionPages.back("/app/login/mfa") == nil)
            #expect(SessionPages.back("/app/reports/R1/edit") == "/app/reports/R1/edit")
        }
    }

    /// Issue L: the page a login began on is kept through the first-login password change and
    /// the enrolment of a second factor, and the person lands on it at the end.
    @Test func theReturnPathSurvivesEveryLoginStep() async throws {
        try await TestFederation.run { f in
            try await f.local("kinh-bac").accounts.seed(
                username: "bni-kb.pheduyet",
                fullName: "Lãnh đạo mới",
                unit: "BNI-KB",
                role: .approver,
                password: "Cap-moi-2026!",
                mustChange: true
            )
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            let back = "/app/reports?state=submitted"
            let encoded = "/app/reports%3Fstate%3Dsubmitted"
            let hidden = "<input type=\"hidden\" name=\"next\" value=\"/app/reports?state=submitted\">"
            let form = try await anonymous.call(.GET, "/app/login?next=\(encoded)")
            let loginToken = try #require(WebPageTests.cookie("rn_login", in: form))
            let posted = try await anonymous.with(headers: ["Cookie": "rn_login=\(loginToken)"]).call(
                .POST,
                "/app/login",
                body: "_csrf=\(loginToken)&username=bni-kb.pheduyet&password=Cap-moi-2026%21&next=\(encoded)",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(posted.headers["location"] == "/app/password?next=\(encoded)", "\(posted.status) \(posted.text)")
            let session = try #require(WebPageTests.cookie("rn_session", in: posted))
            let client = anonymous.with(headers: ["Cookie": "rn_session=\(session)"])
            // Any other page first sends the person to the step, still with the way back.
            let elsewhere = try await client.call(.GET, back)
            #expect(elsewhere.headers["location"] == "/app/password?next=\(encoded)")

            let change = try await client.call(.GET, "/app/password?next=\(encoded)")
            #expect(change.text.contains(hidden), "\(change.text)")
            let csrf = try #require(WebPageTests.hiddenCSRF(change.text))
            func post(_ path: String, _ fields: [(String, String)]) async throws -> APIClient.Reply {
                let all = [("_csrf", csrf)] + fields + [("next", back)]
                let body = all.map { "\($0.0)=\(WebPageTests.Browser.encode($0.1))" }.joined(separator: "&")
                return try await client.call(.POST, path, body: body, contentType: "application/x-www-form-urlencoded")
            }
            let refused = try await post("/app/password", [("current", "sai"), ("new", "Núi Fansipan 3143m")])
            #expect(refused.status == 422 && refused.text.contains(hidden), "a refused change keeps the way back")
            let changed = try await post(
                "/app/password",
                [("current", "Cap-moi-2026!"), ("new", "Núi Fansipan 3143m")]
            )
            #expect(changed.headers["location"] == "/app/mfa?next=\(encoded)", "\(changed.status) \(changed.text)")

            let enrol = try await client.call(.GET, "/app/mfa?next=\(encoded)")
            #expect(enrol.text.contains(hidden), "\(enrol.text)")
            let begun = try await post("/app/mfa", [])
            #expect(begun.status == 200 && begun.text.contains(hidden), "\(begun.text)")
            let secretText = try #require(
                begun.text.range(of: "<code>").map { String(begun.text[$0.upperBound...].prefix { $0 != "<" }) }
            )
            let secret = try #require(SecondFactor(secret: secretText))
            let confirmed = try await post("/app/mfa/confirm", [("code", secret.code(at: f.clock.now()))])
            #expect(confirmed.status == 200, "\(confirmed.text)")
            #expect(
                confirmed.text.contains("<a class=\"button primary\" href=\"/app/reports?state=submitted\">"),
                "\(confirmed.text)"
            )
            #expect(try await client.call(.GET, back).status == 200, "the page itself opens now")
        }
    }
}

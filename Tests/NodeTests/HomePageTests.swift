import Auth
import Foundation
import Hierarchy
import TestSupport
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue L: the home page says what to do now, per role, over a real demo federation with the
/// clock pinned to `TestDay.start` (20 November 2026): forms to fill with their deadlines ("Quá
/// hạn" once past), reports returned with their reason (also under alerts and in `/api/v1/todo`),
/// reports waiting for the leader's approval, and the province's late units below.
@Suite(.serialized) struct HomePageTests {
    typealias Browser = WebPageTests.Browser

    /// The web form, assigned by the centre to Kinh Bắc for October (deadline 25/10/2026, past)
    /// and November (deadline 25/11/2026, to come); the two assignment ids.
    static func assignTwoMonths(_ f: TestFederation) async throws -> (october: String, november: String) {
        let centre = try await f.login("tw.admin", at: "centre")
        #expect(try await centre.call(.POST, "/api/v1/forms", body: BrowserFlowTests.form).status == 201)
        var ids: [String] = []
        for period in ["2026-10", "2026-11"] {
            let reply = try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "WEB-DU-KIEN", "period": period, "units": ["BNI-KB"]]
            )
            ids.append(try #require(reply.json["id"] as? String, "\(reply.status) \(reply.text)"))
        }
        return (ids[0], ids[1])
    }

    @Test func whatToDoNowPerRole() async throws {
        try await TestFederation.run { f in
            let (october, november) = try await Self.assignTwoMonths(f)
            // API sessions first: each TOTP code works once, so the pages' logins use the next one.
            let api = try await f.login("bni-kb.entry", at: "kinh-bac")
            try await f.eventually("both assignments reach kinh-bac") {
                try await api.call(.GET, "/api/v1/assignments").items.count == 2
            }
            let entry = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac", codeOffset: 30)

            // Before anything is typed: both forms to fill, October past its deadline, periods in words.
            let first = try await entry.get("/app")
            #expect(first.status == 200 && first.text.contains("Việc cần làm"), "\(first.status)")
            let forms = Self.section(first.text, id: "todo-forms")
            #expect(forms.contains("Tháng 10/2026") && forms.contains("Tháng 11/2026"), "\(forms)")
            #expect(
                forms.contains("Quá hạn") && forms.contains("Quá hạn 26 ngày") && forms.contains("Còn 5 ngày"),
                "\(forms)"
            )
            #expect(!forms.contains("2026-10") && !forms.contains("Chưa tạo"), "\(forms)")
            // The commune's dashboard shows its own report, not "0 đơn vị được giao, 0 %".
            #expect(first.text.contains("id=\"own-report\"") && !first.text.contains("đơn vị được giao"))
            // The data-entry list says "Quá hạn" for October, never "Chưa tạo" past the deadline.
            let list = try await entry.get("/app/entry")
            let octoberRow = try #require(Self.row(list.text, containing: "Tháng 10/2026"))
            #expect(octoberRow.contains("Quá hạn") && !octoberRow.contains("Chưa tạo"), "\(octoberRow)")
            let novemberRow = try #require(Self.row(list.text, containing: "Tháng 11/2026"))
            #expect(novemberRow.contains("Chưa tạo") && !novemberRow.contains("Quá hạn"), "\(novemberRow)")

            // November is filled and submitted with a message for the leader.
            let id = try #require(
                try await api.call(.POST, "/api/v1/reports", body: ["assignment": november]).json["id"] as? String
            )
            let answers: [String: Any] = ["muc-do": "Đang triển khai", "can-bo": 7]
            #expect(
                try await api.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": answers, "version": 1]).status
                    == 200
            )
            #expect(
                try await api.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình lãnh đạo"])
                    .status == 200
            )

            // The leader's home: the report waiting for approval, with who submitted it and the message.
            let leader = try await WebPageTests.browser(f, "bni-kb.approver", at: "kinh-bac")
            let leaderHome = try await leader.get("/app")
            let awaiting = Self.section(leaderHome.text, id: "todo-awaiting")
            #expect(
                awaiting.contains("Báo cáo tháng về chuyển đổi số cấp xã") && awaiting.contains("Tháng 11/2026")
                    && awaiting.contains("Kính trình lãnh đạo") && awaiting.contains("/app/reports/\(id)")
                    && awaiting.contains("Cập nhật Phường Kinh Bắc"),
                "\(awaiting)"
            )
            #expect(leaderHome.text.contains("Báo cáo chờ phê duyệt"))

            // The leader returns it with a reason.
            let reason = "Thiếu số liệu cán bộ được tập huấn của quý III"
            let returned = try await leader.post("/app/reports/\(id)/return", [("message", reason)])
            #expect(returned.status == 303, "\(returned.status) \(returned.text.prefix(300))")
            #expect(Self.section(try await leader.get("/app").text, id: "todo-awaiting").isEmpty)

            // The secretary's home: the returned report with its reason, who returned it, a way to revise.
            let home = try await entry.get("/app")
            let back = Self.section(home.text, id: "todo-returned")
            #expect(
                back.contains(reason) && back.contains("Lý do trả lại") && back.contains("Phê duyệt Phường Kinh Bắc")
                    && back.contains("/app/reports/\(id)/edit"),
                "\(back)"
            )
            // The history in Vietnamese, people by their full names, not usernames.
            let history = Self.section(try await entry.get("/app/reports/\(id)").text, id: "history")
            #expect(
                history.contains("Trả lại") && history.contains("Trình phê duyệt")
                    && history.contains("Phê duyệt Phường Kinh Bắc (Phường Kinh Bắc)")
                    && history.contains("Cập nhật Phường Kinh Bắc") && !history.contains("bni-kb.approver")
                    && !history.contains("bni-kb.entry") && history.contains(reason),
                "\(history)"
            )
            // The report itself says why at the top, on its page and where it is revised.
            for page in ["/app/reports/\(id)", "/app/reports/\(id)/edit"] {
                let top = Self.section(try await entry.get(page).text, id: "return-reason", tag: "div")
                #expect(top.contains(reason) && top.contains("Báo cáo bị trả lại"), "\(page): \(top)")
            }
            // October stays overdue; November is no longer a form to fill (it is under returned).
            let stillToFill = Self.section(home.text, id: "todo-forms")
            #expect(stillToFill.contains("Tháng 10/2026") && !stillToFill.contains("Tháng 11/2026"), "\(stillToFill)")
            // Under alerts too, not "Không có cảnh báo nào".
            let alerts = try await entry.get("/app/alerts")
            #expect(
                alerts.text.contains(reason) && !alerts.text.contains("Không có cảnh báo nào"),
                "\(alerts.text.suffix(2000))"
            )
            // The same list as JSON.
            let todo = try await api.call(.GET, "/api/v1/todo")
            #expect(todo.status == 200, "\(todo.text)")
            let returnedItems = todo.json["returned"] as? [[String: Any]] ?? []
            #expect(returnedItems.first?["reason"] as? String == reason, "\(todo.text)")
            let toFill = todo.json["toFill"] as? [[String: Any]] ?? []
            #expect(
                toFill.count == 1 && toFill.first?["assignment"] as? String == october
                    && toFill.first?["overdue"] as? Bool == true && toFill.first?["daysLeft"] as? Int == -26,
                "\(todo.text)"
            )

            // The province: Kinh Bắc is late for October, nothing approved.
            let province = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            try await f.eventually("the assignments reach bac-ninh") {
                Self.section(try await province.get("/app").text, id: "todo-late").contains("Phường Kinh Bắc")
            }
            let late = Self.section(try await province.get("/app").text, id: "todo-late")
            #expect(
                late.contains("Tháng 10/2026") && late.contains("Quá hạn") && !late.contains("Tháng 11/2026")
                    && late.contains("0 / 0 / 1"),
                "\(late)"
            )
            // Tiles hold links, so the grid is a group (axe: no interactive content inside an image).
            let dashboard = try await province.get("/app?assignment=\(october)")
            #expect(dashboard.text.contains("class=\"tiles\"") && dashboard.text.contains("role=\"group\""))
            #expect(!dashboard.text.contains("role=\"img\" aria-label=\"Tỷ lệ"), "no links inside an image")
            // The drill-down to the commune shows where its own report stands, not "0 %" next to a count.
            let drill = try await province.get("/app?assignment=\(october)&unit=BNI-KB")
            #expect(drill.status == 200)
            let own = Self.section(drill.text, id: "own-report", tag: "p")
            #expect(
                own.contains("Chưa nộp") && own.contains("Quá hạn") && !drill.text.contains("id=\"total-approved\""),
                "\(own)"
            )
        }
    }

    /// Two fixes of issue L.10 at the province: a tile is coloured by approved, not submitted
    /// (Tiên Du, hosted by the province's node, submitted but waiting for its own leader, reads
    /// 0 %), and a report received from Kinh Bắc's node reads "Cấp trên nhận báo cáo" by "Máy chủ
    /// của Phường Kinh Bắc" in its history, never "received" or "node:BNI-KB".
    @Test func theProvinceSeesApprovedTilesAndAReceivedReportInWords() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: BrowserFlowTests.form).status == 201)
            let assigned = try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "WEB-DU-KIEN", "period": "2026-11", "units": ["BNI-KB", "BNI-TD"]]
            )
            let assignment = try #require(assigned.json["id"] as? String, "\(assigned.text)")
            let answers: [String: Any] = ["muc-do": "Đang triển khai", "can-bo": 7]
            /// Creates, fills and submits the commune's report; its id.
            func submit(_ client: APIClient) async throws -> String {
                try await f.eventually("the assignment reaches the commune's node") {
                    try await client.call(.GET, "/api/v1/assignments").items.count == 1
                }
                let id = try #require(
                    try await client.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"]
                        as? String
                )
                let saved = try await client.call(
                    .PUT,
                    "/api/v1/reports/\(id)",
                    body: ["answers": answers, "version": 1]
                )
                #expect(saved.status == 200, "\(saved.text)")
                let submitted = try await client.call(
                    .POST,
                    "/api/v1/reports/\(id)/submit",
                    body: [:] as [String: String]
                )
                #expect(submitted.status == 200, "\(submitted.text)")
                return id
            }

            // Tiên Du submitted, not approved: half submitted, and its tile still reads 0 %.
            _ = try await submit(try await f.login("bni-td.entry", at: "bac-ninh"))
            let province = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let dashboard = "/app?assignment=\(assignment)"
            let waiting = try await province.get(dashboard).text
            #expect(
                waiting.contains("id=\"total-submitted\">50 %"),
                "\(Self.section(waiting, id: "totals", tag: "ul"))"
            )
            #expect(waiting.contains("aria-label=\"Xã Tiên Du: 0 %\""))
            #expect(!waiting.contains("aria-label=\"Xã Tiên Du: 100 %\""))

            // Kinh Bắc's report, approved by its leader, goes up; its tile turns.
            let id = try await submit(try await f.login("bni-kb.entry", at: "kinh-bac"))
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")
            let approved = try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"])
            #expect(approved.status == 200, "\(approved.text)")
            try await f.eventually("the approved report reaches bac-ninh") {
                try await province.get(dashboard).text.contains("aria-label=\"Phường Kinh Bắc: 100 %\"")
            }
            let history = Self.section(try await province.get("/app/reports/\(id)").text, id: "history")
            #expect(
                history.contains("Cấp trên nhận báo cáo") && history.contains("Máy chủ của Phường Kinh Bắc")
                    && !history.contains("received") && !history.contains("node:"),
                "\(history)"
            )
        }
    }

    /// Issue M.3: an indicator the province assigns to Kinh Bắc from October reaches Kinh Bắc's
    /// node; its home page lists October overdue and November due, and October's value typed
    /// late (20 November) is marked late and leaves the list.
    @Test func assignedIndicatorsOnTheHomePage() async throws {
        try await TestFederation.run { f in
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let defined = try await province.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: IndicatorCatalogueTests.entered("HS-GIAO")
            )
            #expect(defined.status == 201, "\(defined.text)")
            let outside = try await province.call(
                .POST,
                "/api/v1/indicator-assignments",
                body: ["indicator": "HS-GIAO", "units": ["LCA-SP"], "from": "2026-10"]
            )
            #expect(outside.status == 403 && outside.text.contains("LCA-SP"), "\(outside.text)")
            let assigned = try await province.call(
                .POST,
                "/api/v1/indicator-assignments",
                body: ["indicator": "HS-GIAO", "units": ["BNI-KB"], "from": "2026-10"]
            )
            #expect(assigned.status == 201 && assigned.json["updatedBy"] as? String == "unit", "\(assigned.text)")
            let api = try await f.login("bni-kb.entry", at: "kinh-bac")
            try await f.eventually("the assignment reaches kinh-bac") {
                try await api.call(.GET, "/api/v1/indicator-assignments").items.count == 1
            }
            let entry = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac", codeOffset: 30)
            var table = Self.section(try await entry.get("/app").text, id: "todo-indicators")
            let october = try #require(Self.row(table, containing: "Tháng 10/2026"), "\(table)")
            #expect(october.contains("Quá hạn 26 ngày") && october.contains("Đơn vị nhập"), "\(october)")
            #expect(Self.row(table, containing: "Tháng 11/2026")?.contains("Còn 5 ngày") == true, "\(table)")

            let late = try await api.call(.PUT, "/api/v1/indicator-values/HS-GIAO/BNI-KB/2026-10", body: ["value": 12])
            #expect(late.status == 200 && late.json["late"] as? Bool == true, "\(late.text)")
            table = Self.section(try await entry.get("/app").text, id: "todo-indicators")
            #expect(!table.contains("Tháng 10/2026") && table.contains("Tháng 11/2026"), "\(table)")
            let todo = try await api.call(.GET, "/api/v1/todo")
            #expect((todo.json["indicators"] as? [[String: Any]])?.count == 1, "\(todo.text)")

            // The province's leaders set an overdue rule on the indicator from the alerts page; an
            // indicator the province does not know is refused next to its field, as typed.
            let leader = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let unknown = try await leader.post("/app/alerts/rules", [("kind", "overdue"), ("indicator", "KHONG-CO")])
            #expect(
                unknown.status == 404 && unknown.text.contains("value=\"KHONG-CO\"")
                    && unknown.text.contains("a-indicator-error"),
                "\(unknown.status)"
            )
            #expect(
                try await leader.post("/app/alerts/rules", [("kind", "overdue"), ("indicator", "HS-GIAO")]).status
                    == 303
            )
            #expect(try await leader.get("/app/alerts").text.contains("chỉ số được giao HS-GIAO"))
        }
    }

    /// Issue L.7: periods in words, a choice of periods in the report filter, dates typed and
    /// shown as dd/mm/yyyy (yyyy-mm-dd still accepted), a wrong date explained and kept.
    @Test func datesAndPeriodsInWords() async throws {
        #expect(Period("2026-12")?.vietnameseLabel == "Tháng 12/2026")
        #expect(Period("2026-Q4")?.vietnameseLabel == "Quý IV/2026")
        #expect(Period("2026")?.vietnameseLabel == "Năm 2026")
        #expect(Period("2026-once")?.vietnameseLabel == "Đợt 2026")
        #expect(Period("2026-Q4")?.englishLabel == "Q4 2026" && Period("2026-12")?.englishLabel == "December 2026")
        #expect(CalendarDate(typed: "15/12/2026") == CalendarDate(year: 2026, month: 12, day: 15))
        #expect(CalendarDate(typed: " 5/1/2026 ") == CalendarDate(year: 2026, month: 1, day: 5))
        #expect(CalendarDate(typed: "2026-12-15") == CalendarDate(year: 2026, month: 12, day: 15))
        #expect(CalendarDate(typed: "31/02/2026") == nil && CalendarDate(typed: "12/15/26") == nil)

        try await TestFederation.run { f in
            let (_, november) = try await Self.assignTwoMonths(f)
            let api = try await f.login("bni-kb.entry", at: "kinh-bac")
            try await f.eventually("both assignments reach kinh-bac") {
                try await api.call(.GET, "/api/v1/assignments").items.count == 2
            }
            let entry = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac", codeOffset: 30)
            let opened = try await entry.post("/app/entry/\(november)", [])
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
            func stored() async throws -> String? {
                try await api.call(.GET, "/api/v1/reports/\(id)").json["answers"].flatMap {
                    ($0 as? [String: Any])?["ngay-hop"] as? String
                }
            }
            // A text field with a pattern and a hint tied to it, not the browser's mm/dd/yyyy control.
            let empty = try await entry.get(edit)
            #expect(
                empty.text.contains("id=\"f-ngay-hop\" name=\"q:ngay-hop\"") && !empty.text.contains("type=\"date\"")
                    && empty.text.contains("placeholder=\"dd/mm/yyyy\"")
                    && empty.text.contains("aria-describedby=\"f-ngay-hop-hint\"")
                    && empty.text.contains("id=\"f-ngay-hop-hint\""),
                "the date field"
            )
            #expect(empty.text.contains("aria-required=\"true\""), "required questions say so")

            // dd/mm/yyyy is stored as the day meant and shown back the same way.
            let saved = try await entry.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "3"),
                    ("q:ngay-hop", "15/12/2026"),
                ]
            )
            #expect(saved.status == 303, "\(saved.status) \(WebPageTests.fieldErrors(saved.text))")
            #expect(try await stored() == "2026-12-15")
            #expect(try await entry.get(edit).text.contains("name=\"q:ngay-hop\" value=\"15/12/2026\""))
            let view = try await entry.get("/app/reports/\(id)")
            #expect(view.text.contains("<p class=\"answer\">15/12/2026</p>") && view.text.contains("Tháng 11/2026"))
            // yyyy-mm-dd is still accepted.
            let iso = try await entry.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "3"),
                    ("q:ngay-hop", "2026-12-16"),
                ]
            )
            let isoStored = try await stored()
            #expect(iso.status == 303 && isoStored == "2026-12-16")
            // A day the month does not have: explained next to the field, kept as typed, nothing saved.
            let wrong = try await entry.post(
                edit,
                [
                    ("version", try await version()), ("q:muc-do", "Đang triển khai"), ("q:can-bo", "3"),
                    ("q:ngay-hop", "31/02/2026"),
                ]
            )
            #expect(
                wrong.status == 422 && wrong.text.contains("ví dụ 15/12/2026")
                    && wrong.text.contains("value=\"31/02/2026\"")
                    && wrong.text.contains("aria-describedby=\"f-ngay-hop-hint e-ngay-hop\"")
                    && wrong.text.contains("id=\"e-ngay-hop\""),
                "\(wrong.status) \(WebPageTests.fieldErrors(wrong.text))"
            )
            #expect(try await stored() == "2026-12-16")

            // The report list: periods in words, a choice of periods instead of typing "2026-06".
            let list = try await entry.get("/app/reports?period=2026-11")
            #expect(list.status == 200)
            #expect(
                list.text.contains("<option value=\"2026-11\" selected>Tháng 11/2026</option>")
                    && list.text.contains("<option value=\"2026-10\">Tháng 10/2026</option>"),
                "the period choice"
            )
            let rows = Self.section(list.text, id: "reports")
            #expect(rows.contains("<td>Tháng 11/2026</td>") && !rows.contains("2026-11<"), "\(rows)")
            // The usage report offers periods to choose, in words, none in the future.
            let admin = try await WebPageTests.browser(f, "bni-kb.admin", at: "kinh-bac")
            let usage = try await admin.get("/app/usage")
            #expect(
                usage.status == 200 && usage.text.contains("<option value=\"2026\" selected>Năm 2026</option>")
                    && usage.text.contains("<option value=\"2026-Q4\">Quý IV/2026</option>")
                    && usage.text.contains("<option value=\"2026-11\">Tháng 11/2026</option>")
                    && !usage.text.contains("Tháng 12/2026") && usage.text.contains("Tháng 12/2025"),
                "\(usage.status)"
            )
            // The scoring page too: months to choose, in words.
            let scores = try await entry.get("/app/scores?month=2026-10")
            #expect(
                scores.text.contains("<option value=\"2026-10\" selected>Tháng 10/2026</option>")
                    && !scores.text.contains("Năm 2026</option>"),
                "\(scores.status)"
            )
            // English pages in English words.
            let english = Browser(
                client: entry.client.with(headers: [
                    "Cookie": "rn_session=\(WebPageTests.sessionCookie(entry)); rn_lang=en"
                ]),
                csrf: entry.csrf
            )
            let englishList = try await english.get("/app/reports")
            #expect(englishList.text.contains("November 2026") && englishList.text.contains(">Draft<"))
            #expect(!englishList.text.contains(">draft<"), "state names, not codes")
        }
    }

    /// Issue L.10: responses are compressed when the client accepts it (gzip, else deflate), and
    /// decompress to exactly what an uncompressed request gets; without Accept-Encoding nothing changes.
    @Test func compressedWhenAccepted() async throws {
        try await TestFederation.run { f in
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            let plain = try await anonymous.call(.GET, "/app/assets/site.css")
            #expect(plain.status == 200 && plain.headers["content-encoding"] == nil && plain.data.count > 1024)
            let scratch = try ScratchDirectory(prefix: "compression")
            defer { scratch.remove() }
            for (encoding, accept, unpack) in [
                ("gzip", "gzip, deflate, br", "gzip -dc packed > unpacked"),
                (
                    "deflate", "deflate;q=1, gzip;q=0",
                    "python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.decompress(open(\"packed\", \"rb\").read()))' > unpacked"
                ),
            ] {
                let packed = try await anonymous.with(headers: ["Accept-Encoding": accept]).call(
                    .GET,
                    "/app/assets/site.css"
                )
                #expect(packed.status == 200 && packed.headers["content-encoding"] == encoding, "\(packed.headers)")
                #expect(packed.headers["vary"]?.contains("Accept-Encoding") == true)
                #expect(packed.data.count < plain.data.count / 2, "\(packed.data.count) of \(plain.data.count)")
                try packed.data.write(to: scratch.path("packed"))
                let run = try await Command.shell(unpack, in: scratch.url)
                #expect(run.status == 0, "\(run.errors)")
                #expect(try Data(contentsOf: scratch.path("unpacked")) == plain.data, "\(encoding) unpacks to the same")
            }
            // A signed-in page and a JSON answer too.
            let entry = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac")
            let home = try await entry.client.with(
                headers: entry.client.headers.merging(["Accept-Encoding": "gzip"]) {
                    _,
                    new in new
                }
            ).call(.GET, "/app/reports")
            #expect(home.status == 200 && home.headers["content-encoding"] == "gzip", "\(home.headers)")
        }
    }

    /// The element with `id` (a table, list or paragraph), or "" when the page has none.
    static func section(_ html: String, id: String, tag: String? = nil) -> String {
        guard let start = html.range(of: "id=\"\(id)\"") else { return "" }
        let name =
            tag
            ?? (html[..<start.lowerBound].range(of: "<", options: .backwards).map {
                String(html[$0.upperBound...].prefix { $0.isLetter })
            } ?? "table")
        guard let end = html.range(of: "</\(name)>", range: start.upperBound..<html.endIndex) else { return "" }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The table row holding `text`.
    static func row(_ html: String, containing text: String) -> String? {
        html.components(separatedBy: "<tr").dropFirst().map { $0.components(separatedBy: "</tr>")[0] }.first {
            $0.contains(text)
        }
    }
}

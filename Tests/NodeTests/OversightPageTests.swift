import Auth
import Foundation
import Scoring
import Testing

@testable import Node

/// The scoring, public ranking and congress schedule pages, and the dashboard's figures, over a
/// real demo federation without a browser: what they show, escaping, permissions, CSRF, errors
/// next to the field with what was typed, and a public page that shows only what was published.
@Suite(.serialized) struct OversightPageTests {
    typealias Browser = WebPageTests.Browser

    static func multipart(_ fields: [(String, String)], file: String, csrf: String) -> (body: String, type: String) {
        let boundary = "rn-page-test"
        var body = ""
        for (name, value) in [("_csrf", csrf)] + fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"so-lieu.csv\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func values(_ f: TestFederation, _ unit: String) async throws -> [Indicator: Double] {
        let rows = try await f.local("bac-ninh").scores.indicatorValues(
            month: ScoreMonth("2026-10")!,
            for: Actor(username: "t", unit: "BNI", role: .viewer)
        )
        return Dictionary(uniqueKeysWithValues: rows.filter { $0.unit == unit }.map { ($0.indicator, $0.value) })
    }

    @Test func scoringAndThePublicRanking() async throws {
        try await TestFederation.run { f in
            let anonymous = APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca)
            // The login page links to the public ranking; nothing is published yet.
            #expect(try await anonymous.call(.GET, "/app/login").text.contains("href=\"/app/public/ranking\""))
            let none = try await anonymous.call(.GET, "/app/public/ranking")
            #expect(
                none.status == 404 && none.text.contains("Chưa công bố kết quả xếp hạng")
                    && none.text.contains("<html lang=\"vi\">")
            )
            #expect(try await anonymous.call(.GET, "/app/public/ranking?month=tháng-mười").status == 400)

            let leader = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let page = try await leader.get("/app/scores?month=2026-10")
            #expect(
                page.status == 200 && page.text.contains("Chấm điểm chuyển đổi số")
                    && page.text.contains("Phường Kinh Bắc") && page.text.contains("href=\"/app/scores\"")
            )
            #expect(
                page.text.contains("href=\"/app/congress\"")
                    && page.text.contains("/api/v1/scores/export?month=2026-10&amp;format=xlsx")
            )
            #expect(WebPageTests.unlabelledInputs(page.text).isEmpty, "\(WebPageTests.unlabelledInputs(page.text))")
            #expect(try await leader.get("/app/scores?month=2026-13").status == 400)

            // Not a number, then out of range: the problem next to the field, what was typed kept, nothing saved.
            let word = try await leader.post(
                "/app/scores/entry",
                [("unit", "BNI-KB"), ("month", "2026-10"), ("v:publicServiceIndex", "tám mươi"), ("v:bonus", "3")]
            )
            #expect(
                word.status == 422 && word.text.contains("không phải là một số")
                    && word.text.contains("value=\"tám mươi\"") && word.text.contains("value=\"3\"")
            )
            let range = try await leader.post(
                "/app/scores/entry",
                [("unit", "BNI-KB"), ("month", "2026-10"), ("v:publicServiceIndex", "150"), ("v:bonus", "3")]
            )
            #expect(
                range.status == 422 && range.text.contains("0–100") && range.text.contains("value=\"150\""),
                "\(range.status)"
            )
            // A point that does not group thousands is not guessed (Vietnamese decimals take a comma).
            let ambiguous = try await leader.post(
                "/app/scores/entry",
                [("unit", "BNI-KB"), ("month", "2026-10"), ("v:publicServiceIndex", "80.5"), ("v:bonus", "3")]
            )
            #expect(
                ambiguous.status == 422 && ambiguous.text.contains("Dùng dấu phẩy cho phần thập phân")
                    && ambiguous.text.contains("value=\"80.5\""),
                "\(ambiguous.status)"
            )
            #expect(try await Self.values(f, "BNI-KB").isEmpty)

            let saved = try await leader.post(
                "/app/scores/entry",
                [("unit", "BNI-KB"), ("month", "2026-10"), ("v:publicServiceIndex", "80"), ("v:bonus", "2")]
            )
            #expect(
                saved.status == 303 && saved.headers["location"]?.contains("saved=2") == true,
                "\(saved.status) \(saved.text.prefix(300))"
            )
            #expect(try await Self.values(f, "BNI-KB") == [.publicServiceIndex: 80, .bonus: 2])
            // Without the CSRF token nothing changes.
            let forged = try await leader.post(
                "/app/scores/entry",
                [("unit", "BNI-KB"), ("month", "2026-10"), ("v:bonus", "5")],
                csrf: "sai"
            )
            let afterForged = try await Self.values(f, "BNI-KB")
            #expect(forged.status == 403 && afterForged[.bonus] == 2)

            // The import: a faulty file saves nothing and says which line; a good one is saved whole.
            let bad = Self.multipart(
                [("month", "2026-10")],
                file: "unit,month,indicator,value\nBNI-YP,2026-10,meetingsHeld,4\nBNI-YP,2026-10,khong-co,1\n",
                csrf: leader.csrf
            )
            let refused = try await leader.client.call(
                .POST,
                "/app/scores/import",
                body: bad.body,
                contentType: bad.type
            )
            #expect(
                refused.status == 422 && refused.text.contains("dòng lỗi") && refused.text.contains("Dòng 3"),
                "\(refused.status) \(refused.text.prefix(400))"
            )
            #expect(try await Self.values(f, "BNI-YP").isEmpty)
            let good = Self.multipart(
                [("month", "2026-10")],
                file: "unit,month,indicator,value\nBNI-YP,2026-10,meetingsHeld,4\nBNI-YP,2026-10,meetingsAttended,3\n",
                csrf: leader.csrf
            )
            let imported = try await leader.client.call(
                .POST,
                "/app/scores/import",
                body: good.body,
                contentType: good.type
            )
            let afterImport = try await Self.values(f, "BNI-YP")
            #expect(imported.status == 303 && afterImport == [.meetingsHeld: 4, .meetingsAttended: 3])

            // The working shows the figures and the formula.
            let scores = try await leader.get("/app/scores?month=2026-10")
            #expect(
                scores.text.contains("80 / 100 × 20") && scores.text.contains("Cách tính")
                    && scores.text.contains("Chưa công bố")
            )

            // A commune has no units to score: no entry form, and its posts are refused as in the API.
            let commune = try await WebPageTests.browser(f, "bni-kb.approver", at: "kinh-bac")
            let own = try await commune.get("/app/scores?month=2026-10")
            #expect(
                own.status == 200 && own.text.contains("không có đơn vị cấp dưới")
                    && !own.text.contains("/app/scores/entry")
            )
            #expect(
                try await commune.post(
                    "/app/scores/entry",
                    [("unit", "BNI-KB"), ("month", "2026-10"), ("v:bonus", "5")]
                ).status == 403
            )
            let clerk = try await WebPageTests.browser(f, "bni.entry", at: "bac-ninh")
            let clerkPage = try await clerk.get("/app/scores?month=2026-10")
            #expect(clerkPage.status == 200 && !clerkPage.text.contains("/app/scores/entry"))
            #expect(try await clerk.post("/app/scores/2026-10/publish", []).status == 403)

            // Publishing: the public page shows ranks, totals, classes and points — not the working, the inputs or who entered them.
            #expect(try await leader.post("/app/scores/2026-10/publish", []).status == 303)
            let ranking = try await anonymous.call(.GET, "/app/public/ranking?month=2026-10")
            #expect(
                ranking.status == 200 && ranking.text.contains("Bảng xếp hạng chuyển đổi số")
                    && ranking.text.contains("Xếp hạng tháng 10/2026")
            )
            #expect(ranking.text.contains("Phường Kinh Bắc") && ranking.text.contains("Điểm theo từng chỉ số"))
            #expect(
                !ranking.text.contains("× 20") && !ranking.text.contains("bni.approver")
                    && !ranking.text.contains("Đăng xuất")
            )
            // A change after publication stays private until published again.
            #expect(
                try await leader.post(
                    "/app/scores/entry",
                    [("unit", "BNI-KB"), ("month", "2026-10"), ("v:publicServiceIndex", "20")]
                ).status == 303
            )
            #expect(try await anonymous.call(.GET, "/app/public/ranking?month=2026-10").text == ranking.text)
            #expect(try await leader.get("/app/scores?month=2026-10").text.contains("20 / 100 × 20"))
        }
    }

    @Test func congressScheduleAndDashboardFigures() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: ReportCycleTests.form).status == 201)
            let assignment = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-THANG", "period": "2026-11", "units": ["BNI-KB", "BNI-TD"]]
                ).json["id"] as? String
            )

            // API sessions first: each TOTP code works once, so the pages' logins use the next one.
            let kb = try await f.login("bni-kb.entry", at: "kinh-bac")
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")

            // A commune leader sets its date; a script in the note shows as text.
            let commune = try await WebPageTests.browser(f, "bni-kb.approver", at: "kinh-bac", codeOffset: 30)
            let form = try await commune.get("/app/congress")
            #expect(
                form.status == 200 && form.text.contains("Chưa đăng ký")
                    && WebPageTests.unlabelledInputs(form.text).isEmpty
            )
            let wrong = try await commune.post("/app/congress", [("date", "2026-02-30"), ("note", "giữ lại")])
            #expect(
                wrong.status == 422 && wrong.text.contains("không hợp lệ")
                    && wrong.text.contains("value=\"2026-02-30\"") && wrong.text.contains("giữ lại")
            )
            #expect(
                try await commune.post(
                    "/app/congress",
                    [("date", "2026-12-05"), ("note", "<script>alert(1)</script>")],
                    csrf: "sai"
                ).status == 403
            )
            let set = try await commune.post(
                "/app/congress",
                [("date", "2026-12-05"), ("note", "<script>alert(1)</script>")]
            )
            #expect(set.status == 303)
            let shown = try await commune.get("/app/congress")
            #expect(
                shown.text.contains("05/12/2026") && shown.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                    && !shown.text.contains("<script>alert")
            )
            // Data entry does not set the unit's date.
            let entry = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac", codeOffset: 30)
            #expect(try await entry.post("/app/congress", [("date", "2026-12-06")]).status == 403)

            // The province lists the communes' dates, filtered, with export links; not another province's.
            let province = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            try await f.eventually("the commune's date reaches the province") {
                try await province.get("/app/congress").text.contains("05/12/2026")
            }
            let scheduled = try await province.get(
                "/app/congress?level=commune&status=not_held&from=2026-12-01&to=2026-12-31"
            )
            #expect(
                scheduled.status == 200 && scheduled.text.contains("Phường Kinh Bắc")
                    && !scheduled.text.contains("Xã Tiên Du")
            )
            #expect(
                scheduled.text.contains(
                    "/api/v1/congress/export?from=2026-12-01&amp;level=commune&amp;status=not_held&amp;to=2026-12-31&amp;format=xlsx"
                )
            )
            let unscheduled = try await province.get("/app/congress?status=not_held&level=")
            #expect(unscheduled.text.contains("Xã Tiên Du") && unscheduled.text.contains("Chưa đăng ký lịch"))
            let badRange = try await province.get("/app/congress?from=2026-12-31&to=2026-01-01")
            #expect(badRange.status == 400 && badRange.text.contains("Ngày bắt đầu phải trước ngày kết thúc"))
            #expect(try await province.get("/app/congress?area=LCA").status == 403)

            // The dashboard: approved on time per level and per child, and when each child last synced.
            try await f.eventually("the assignment reaches the commune") {
                !(try await kb.call(.GET, "/api/v1/assignments").items.isEmpty)
            }
            let id = try #require(
                try await kb.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String
            )
            let answers: [String: Any] = [
                "staff": 4, "held": "2026-11-10", "level": "Cao",
                "t": ["records": ["total": 120, "late": 3], "online": ["total": 90]],
            ]
            #expect(
                try await kb.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": answers, "version": 1]).status == 200
            )
            #expect(
                try await kb.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"]).status == 200
            )
            #expect(
                try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]).status == 200
            )
            try await f.eventually("the approval reaches the province") {
                try await province.get("/app?assignment=\(assignment)").text.contains("id=\"total-on-time\">50 %")
            }
            let dashboard = try await province.get("/app?assignment=\(assignment)")
            #expect(
                dashboard.text.contains("Duyệt đúng hạn (%)") && dashboard.text.contains("Đồng bộ lần cuối")
                    && dashboard.text.contains("Trực tiếp (cùng máy chủ)")
            )
            #expect(
                dashboard.text.contains("<td>1</td><td>1 (100 %)</td><td>1 (100 %)</td><td>1 (100 %)</td><td>0</td>"),
                "Kinh Bắc approved on time"
            )
            #expect(!dashboard.text.contains("Chưa đồng bộ lần nào"), "kinh-bac has been in contact")
        }
    }
}

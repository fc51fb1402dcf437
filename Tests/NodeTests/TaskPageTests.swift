import Auth
import Foundation
import Hierarchy
import Testing

@testable import Node
@testable import NodeHTTP

/// The tasks ("Nhiệm vụ") and alerts ("Cảnh báo") pages over a real demo federation without a
/// browser: a task assigned through the province's page reaches a commune's node, whose page
/// reports progress with an evidence file and completion; the province confirms. Also escaping,
/// permissions, CSRF, and errors next to the field with what was typed.
@Suite(.serialized) struct TaskPageTests {
    typealias Browser = WebPageTests.Browser

    static func multipart(
        _ fields: [(String, String)],
        fileName: String,
        file: String,
        csrf: String
    ) -> (body: String, type: String) {
        let boundary = "rn-task-page-test"
        var body = ""
        for (name, value) in [("_csrf", csrf)] + fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\(fileName)\"\r\nContent-Type: text/plain\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func taskCount(_ f: TestFederation) async throws -> Int {
        try await f.local("bac-ninh").assignedTasks.visible(
            to: Actor(username: "t", unit: "BNI", role: .viewer),
            filter: TaskFilter()
        ).count
    }

    @Test func aTaskFromTheProvinceToACommuneAndBack() async throws {
        try await TestFederation.run { f in
            let deadline = f.clock.today().adding(days: 20)
            let typedDeadline = PageDate.isoDay(deadline.description)
            let leader = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let page = try await leader.get("/app/tasks")
            #expect(
                page.status == 200 && page.text.contains("Giao nhiệm vụ") && page.text.contains("href=\"/app/tasks\"")
                    && page.text.contains("href=\"/app/alerts\"")
            )
            #expect(page.text.contains("value=\"BNI-KB\""), "the units below are offered")
            #expect(WebPageTests.unlabelledInputs(page.text).isEmpty, "\(WebPageTests.unlabelledInputs(page.text))")

            // A day that is not one: the problem next to the field, what was typed kept, nothing stored.
            let badDay = try await leader.post(
                "/app/tasks",
                [("title", "Số hoá hồ sơ"), ("deadline", "hôm qua"), ("units", "BNI-KB")]
            )
            #expect(
                badDay.status == 422 && badDay.text.contains("field-error") && badDay.text.contains("value=\"hôm qua\"")
                    && badDay.text.contains("value=\"Số hoá hồ sơ\"")
            )
            #expect(try await Self.taskCount(f) == 0)
            // Without the CSRF token nothing is assigned.
            let forged = try await leader.post(
                "/app/tasks",
                [("title", "Giả mạo"), ("deadline", typedDeadline), ("units", "BNI-KB")],
                csrf: "sai"
            )
            #expect(forged.status == 403)
            #expect(try await Self.taskCount(f) == 0)
            // A data entry account sees the list but no form, and its post is refused as in the API.
            let clerk = try await WebPageTests.browser(f, "bni.entry", at: "bac-ninh")
            let clerkPage = try await clerk.get("/app/tasks")
            #expect(clerkPage.status == 200 && !clerkPage.text.contains("assign-task"))
            #expect(
                try await clerk.post(
                    "/app/tasks",
                    [("title", "Không được"), ("deadline", typedDeadline), ("units", "BNI-KB")]
                ).status == 403
            )
            #expect(try await Self.taskCount(f) == 0)

            // Assigned with a dd/MM/yyyy deadline; the title is shown as text.
            let title = "<script>alert(1)</script> Số hoá hồ sơ"
            let created = try await leader.post(
                "/app/tasks",
                [
                    ("title", title), ("description", "Quét hồ sơ 2025"), ("deadline", typedDeadline),
                    ("expected_result", "100% hồ sơ"), ("units", "BNI-KB"),
                ]
            )
            #expect(created.status == 303, "\(created.status) \(created.text.prefix(400))")
            let location = try #require(created.headers["location"])
            let id = String(try #require(location.split(separator: "?").first).dropFirst("/app/tasks/".count))
            let detail = try await leader.get("/app/tasks/\(id)")
            #expect(
                detail.status == 200 && detail.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                    && !detail.text.contains("<script>alert")
            )
            #expect(detail.text.contains(typedDeadline) && detail.text.contains("Chưa bắt đầu"))

            // The commune's node receives it; its data entry reports progress with a file, then completes.
            let commune = try await WebPageTests.browser(f, "bni-kb.entry", at: "kinh-bac")
            try await f.eventually("the task reaches Kinh Bắc") {
                try await commune.get("/app/tasks").text.contains(id)
            }
            let atCommune = try await commune.get("/app/tasks/\(id)")
            #expect(atCommune.text.contains("report-progress") && WebPageTests.unlabelledInputs(atCommune.text).isEmpty)
            // The evidence field states the node's types and limit (issue L.5); a refused file is explained next to it.
            #expect(atCommune.text.contains("id=\"p-evidence\" name=\"evidence\" multiple accept=\".doc,"))
            #expect(atCommune.text.contains("Tối đa 20 MB mỗi lần gửi"))
            let wrongType = Self.multipart(
                [("kind", "progress"), ("percent", "40"), ("note", "Đã quét 40%")],
                fileName: "cai-dat.exe",
                file: "MZ",
                csrf: commune.csrf
            )
            let refusedFile = try await commune.client.call(
                .POST,
                "/app/tasks/\(id)/report",
                body: wrongType.body,
                contentType: wrongType.type
            )
            #expect(
                refusedFile.status == 422
                    && refusedFile.text.contains("id=\"p-evidence-error\" role=\"alert\">Loại tệp không được phép")
                    && refusedFile.text.contains("Đã quét 40%"),
                "\(refusedFile.status)"
            )
            // A refused report keeps none of its files (issue L): sent again, each is recorded once.
            let overFull = Self.multipart(
                [("kind", "progress"), ("percent", "150"), ("note", "Gần xong")],
                fileName: "bien-ban.txt",
                file: "Biên bản",
                csrf: commune.csrf
            )
            let tooMuch = try await commune.client.call(
                .POST,
                "/app/tasks/\(id)/report",
                body: overFull.body,
                contentType: overFull.type
            )
            #expect(
                tooMuch.status == 422 && tooMuch.text.contains("value=\"150\"") && tooMuch.text.contains("Gần xong"),
                "\(tooMuch.status)"
            )
            let pending = try await f.local("kinh-bac").database.pool.read { db in
                try TaskEvidenceStore.pendingCount(task: id, unit: "BNI-KB", db)
            }
            #expect(pending == 0, "no file is left pending by the refused report")
            let progress = Self.multipart(
                [("kind", "progress"), ("percent", "60"), ("note", "Đã quét 60%")],
                fileName: "bien-ban.txt",
                file: "Biên bản",
                csrf: commune.csrf
            )
            let reported = try await commune.client.call(
                .POST,
                "/app/tasks/\(id)/report",
                body: progress.body,
                contentType: progress.type
            )
            #expect(reported.status == 303, "\(reported.status) \(reported.text.prefix(400))")
            let afterProgress = try await commune.get("/app/tasks/\(id)")
            #expect(
                afterProgress.text.contains("Đang thực hiện") && afterProgress.text.contains("60 %")
                    && afterProgress.text.contains("bien-ban.txt")
            )
            #expect(
                try await commune.post("/app/tasks/\(id)/report", [("kind", "completed"), ("note", "Xong")]).status
                    == 303
            )
            #expect(try await commune.get("/app/tasks/\(id)").text.contains("Hoàn thành đúng hạn"))

            // The province sees the completion and confirms it; without the token nothing changes.
            try await f.eventually("the completion reaches Bắc Ninh") {
                try await leader.get("/app/tasks/\(id)").text.contains("Chờ xác nhận")
            }
            #expect(
                try await leader.post(
                    "/app/tasks/\(id)/review",
                    [("unit", "BNI-KB"), ("decision", "confirmed")],
                    csrf: "sai"
                ).status == 403
            )
            #expect(try await leader.get("/app/tasks/\(id)").text.contains("Chờ xác nhận"))
            let confirmed = try await leader.post(
                "/app/tasks/\(id)/review",
                [("unit", "BNI-KB"), ("decision", "confirmed")]
            )
            #expect(confirmed.status == 303)
            let final = try await leader.get("/app/tasks/\(id)")
            #expect(
                final.text.contains("Đã xác nhận") && final.text.contains("Hoàn thành đúng hạn")
                    && final.text.contains("bien-ban.txt")
            )
            try await f.eventually("the confirmation reaches Kinh Bắc") {
                try await commune.get("/app/tasks/\(id)").text.contains("Đã xác nhận")
            }
        }
    }

    /// The assigning form offers the numeric questions of the forms the unit may be assigned;
    /// one that is not among them is refused next to the field, and the task shows its indicator.
    @Test func aTaskLinkedToAnIndicator() async throws {
        try await TestFederation.run { f in
            let deadline = PageDate.isoDay(f.clock.today().adding(days: 20).description)
            let admin = try await f.login("bni.admin", at: "bac-ninh")
            let posted = try await admin.call(.POST, "/api/v1/forms", body: AccessMatrixTests.Matrix.form("CDS-XA"))
            #expect(posted.status == 201, "\(posted.text)")
            let leader = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let page = try await leader.get("/app/tasks")
            let select = try #require(
                page.text.range(of: "<select id=\"t-indicator\"").map {
                    String(page.text[$0.lowerBound...].prefix(4000))
                }
            )
            let options = select.components(separatedBy: "</select>")[0].components(separatedBy: "<option value=\"")
                .dropFirst()
                .map { String($0.prefix { $0 != "\"" }) }.filter { !$0.isEmpty }
            let chosen = "BNI|CDS-XA|staff"
            #expect(options.contains(chosen), "the form's numeric question is offered: \(options)")
            #expect(WebPageTests.unlabelledInputs(page.text).isEmpty)
            let parts = chosen.split(separator: "|").map(String.init)

            let forged = try await leader.post(
                "/app/tasks",
                [("title", "Nâng tỷ lệ"), ("deadline", deadline), ("units", "BNI-KB"), ("indicator", "TW|khong-co|q1")]
            )
            #expect(
                forged.status == 422 && forged.text.contains("Chỉ số liên kết") && forged.text.contains("field-error")
            )
            #expect(try await Self.taskCount(f) == 0)
            let created = try await leader.post(
                "/app/tasks",
                [("title", "Nâng tỷ lệ"), ("deadline", deadline), ("units", "BNI-KB"), ("indicator", chosen)]
            )
            #expect(created.status == 303, "\(created.status) \(created.text.prefix(300))")
            let location = try #require(created.headers["location"])
            let id = String(try #require(location.split(separator: "?").first).dropFirst("/app/tasks/".count))
            let detail = try await leader.get("/app/tasks/\(id)")
            let form = try await f.local("bac-ninh").database.pool.read { db in
                try f.local("bac-ninh").forms.form(owner: parts[0], code: parts[1], db)
            }
            let question = try #require(form?.question(parts[2]))
            #expect(
                detail.text.contains("Chỉ số liên kết")
                    && detail.text.contains(question.text.replacingOccurrences(of: "&", with: "&amp;"))
            )
            #expect(
                !detail.text.contains("Mô tả</dt>") && !detail.text.contains("Lý do trả lại"),
                "empty fields are not shown"
            )
            let api = try await leader.get("/api/v1/tasks/\(id)").json
            #expect((api["indicator"] as? [String: String])?["question"] == parts[2])
        }
    }

    @Test func alertRulesAndAcknowledging() async throws {
        try await TestFederation.run { f in
            let leader = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let page = try await leader.get("/app/alerts")
            #expect(
                page.status == 200 && page.text.contains("Quy tắc cảnh báo")
                    && WebPageTests.unlabelledInputs(page.text).isEmpty
            )
            // A number that is not one: refused next to the field, what was typed kept.
            let bad = try await leader.post("/app/alerts/rules", [("kind", "due_soon"), ("days", "ba")])
            #expect(bad.status == 422 && bad.text.contains("value=\"ba\"") && bad.text.contains("field-error"))
            let noDays = try await leader.post("/app/alerts/rules", [("kind", "due_soon")])
            #expect(noDays.status == 422 && noDays.text.contains("Số ngày báo trước"))
            #expect(
                try await leader.post("/app/alerts/rules", [("kind", "due_soon"), ("days", "30")], csrf: "sai").status
                    == 403
            )
            let admin = Actor(username: "bni.approver", unit: "BNI", role: .approver)
            #expect(try await f.local("bac-ninh").alerts.rules(for: admin).isEmpty)
            #expect(try await leader.post("/app/alerts/rules", [("kind", "due_soon"), ("days", "30")]).status == 303)
            let rules = try await f.local("bac-ninh").alerts.rules(for: admin)
            #expect(rules.count == 1 && rules.first?.rule.days == 30)

            // A task due within 30 days raises an operational alert for the province's data entry.
            let deadline = PageDate.isoDay(f.clock.today().adding(days: 10).description)
            #expect(
                try await leader.post(
                    "/app/tasks",
                    [("title", "Báo cáo quý"), ("deadline", deadline), ("units", "BNI-TD")]
                ).status == 303
            )
            try await f.local("bac-ninh").alerts.refresh()
            let clerk = try await WebPageTests.browser(f, "bni.entry", at: "bac-ninh")
            let alerts = try await clerk.get("/app/alerts")
            #expect(
                alerts.text.contains("Sắp đến hạn") && !alerts.text.contains("new-rule"),
                "a data entry account sees its alerts, not the rules"
            )
            let alertID = try #require(
                try await f.local("bac-ninh").alerts.visible(
                    to: Actor(username: "bni.entry", unit: "BNI", role: .dataEntry),
                    includeCleared: false
                ).first?.id
            )
            #expect(try await clerk.post("/app/alerts/\(alertID)/acknowledge", [], csrf: "sai").status == 403)
            #expect(try await clerk.post("/app/alerts/\(alertID)/acknowledge", []).status == 303)
            let acknowledged = try await clerk.get("/app/alerts")
            #expect(acknowledged.text.contains("Đã biết") && acknowledged.text.contains("(bni.entry)"))
            #expect(try await clerk.post("/app/alerts/rules", [("kind", "overdue")]).status == 403)

            // Removing the rule clears its alerts.
            let ruleID = try #require(rules.first?.rule.id)
            #expect(try await leader.post("/app/alerts/rules/\(ruleID)/delete", []).status == 303)
            #expect(try await f.local("bac-ninh").alerts.rules(for: admin).isEmpty)
            #expect(try await clerk.get("/app/alerts").text.contains("Không có cảnh báo nào"))
        }
    }
}

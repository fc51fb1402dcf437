import Auth
import Foundation
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue L.9: forms and assignments on screen. The centre's admin reads a form file, sees it before
/// publishing, publishes it and assigns it to the provinces; the province's node gets it. Every
/// mistake is answered on the page, next to its field, with what was typed kept.
@Suite(.serialized) struct FormPagesTests {
    static let file = """
        code: TRANG-THU
        version: 1
        title: "Báo cáo thử trên trang biểu mẫu"
        frequency: monthly
        deadlineDay: 20
        groups:
          - id: g1
            title: "Nhân lực"
            questions:
              - id: can-bo
                text: "Số cán bộ chuyên trách chuyển đổi số"
                kind: integer
                required: true
                minimum: 0
              - id: ghi-chu
                text: "Ghi chú"
                kind: paragraph
                required: false
        """

    @Test func aFormIsReadShownPublishedAndAssignedFromThePages() async throws {
        try await TestFederation.run { f in
            let admin = try await WebPageTests.browser(f, "tw.admin", at: "centre")
            let empty = try await admin.get("/app/forms")
            #expect(empty.status == 200 && empty.text.contains("Phát hành biểu mẫu mới"))
            #expect(empty.text.contains("href=\"/app/forms\""), "the menu leads to the page")

            // A file that is not a form: refused next to the field, the text kept, nothing stored.
            let broken = try await admin.post("/app/forms", [("action", "preview"), ("yaml", "code: [không đóng")])
            #expect(broken.status == 422 && broken.text.contains("Tệp biểu mẫu không đọc được"), "\(broken.text)")
            #expect(broken.text.contains("code: [không đóng") && broken.text.contains("aria-invalid=\"true\""))

            // Read and shown first: nothing is published by a preview.
            let preview = try await admin.post("/app/forms", [("action", "preview"), ("yaml", Self.file)])
            #expect(preview.status == 200, "\(preview.text)")
            #expect(preview.text.contains("Xem trước") && preview.text.contains("Số cán bộ chuyên trách chuyển đổi số"))
            #expect(preview.text.contains("Số nguyên") && preview.text.contains("bắt buộc"))
            let centre = f.local("centre")
            let actor = Actor(username: "tw.admin", unit: "TW", role: .admin)
            #expect(try await centre.forms.form(owner: "TW", code: "TRANG-THU") == nil)

            let published = try await admin.post("/app/forms", [("action", "publish"), ("yaml", Self.file)])
            #expect(published.status == 303, "\(published.text)")
            #expect(published.headers["location"] == "/app/forms?done=published&code=TRANG-THU")
            #expect(
                try await centre.forms.form(owner: "TW", code: "TRANG-THU")?.title == "Báo cáo thử trên trang biểu mẫu"
            )
            let listed = try await admin.get("/app/forms?done=published")
            #expect(listed.text.contains("Đã phát hành biểu mẫu.") && listed.text.contains("TRANG-THU"))
            // The same version again: refused with the reason, the file kept for a higher version.
            let again = try await admin.post("/app/forms", [("action", "publish"), ("yaml", Self.file)])
            #expect(again.status == 409 && again.text.contains("đã tồn tại"), "\(again.text)")

            // Periods are chosen in words, months under "Tháng", never typed as codes.
            let offered = try await admin.get("/app/forms")
            #expect(offered.text.contains("<select id=\"g-period\" name=\"period\" required"), "\(offered.text)")
            #expect(
                offered.text.contains("<optgroup label=\"Tháng\">")
                    && offered.text.contains("<option value=\"2026-12\">Tháng 12/2026</option>")
            )
            // "Giao" from the list chooses the form, and only its periods (months) are offered.
            #expect(offered.text.contains("href=\"/app/forms?form=TRANG-THU#new-assignment\""))
            let chosen = try await admin.get("/app/forms?form=TRANG-THU")
            #expect(chosen.text.contains("<option value=\"TRANG-THU\" selected>"), "\(chosen.text)")
            #expect(chosen.text.contains("<option value=\"2026-11\">Tháng 11/2026</option>"))
            #expect(
                !chosen.text.contains("<option value=\"2026-Q4\"") && !chosen.text.contains("<option value=\"2026\"")
            )

            // Assigning: a period that is not one is answered next to the period.
            let wrong = try await admin.post(
                "/app/assignments",
                [("form", "TRANG-THU"), ("period", "2026-13"), ("level", "province")]
            )
            #expect(wrong.status == 422 && wrong.text.contains("g-period-error"), "\(wrong.text)")
            #expect(wrong.text.contains("<option value=\"2026-13\" selected>"), "what was sent stays")
            // A period of another frequency than the form's: refused next to the choice, kept chosen.
            let quarter = try await admin.post(
                "/app/assignments",
                [("form", "TRANG-THU"), ("period", "2026-Q4"), ("level", "province")]
            )
            #expect(quarter.status == 422 && quarter.text.contains("id=\"g-period-error\""), "\(quarter.text)")
            #expect(quarter.text.contains("<option value=\"2026-Q4\" selected>Quý IV/2026</option>"))
            #expect(quarter.text.contains("<option value=\"TRANG-THU\" selected>"), "the form stays chosen too")
            #expect(try await centre.formAssignments.visible(to: actor).allSatisfy { $0.form != "TRANG-THU" })
            let assigned = try await admin.post(
                "/app/assignments",
                [("form", "TRANG-THU"), ("period", "2026-12"), ("level", "province")]
            )
            #expect(assigned.status == 303, "\(assigned.text)")
            let made = try #require(
                try await centre.formAssignments.visible(to: actor).first { $0.form == "TRANG-THU" }
            )
            #expect(made.period == "2026-12" && made.units.contains("BNI") && made.deadline == "2026-12-20")
            let shown = try await admin.get("/app/forms?done=assigned")
            #expect(shown.text.contains("Tháng 12/2026") && shown.text.contains("20/12/2026"))
            // Twice for the same period: refused, with the reason.
            let twice = try await admin.post(
                "/app/assignments",
                [("form", "TRANG-THU"), ("period", "2026-12"), ("units", "BNI")]
            )
            #expect(twice.status == 409 && twice.text.contains("đã được giao"), "\(twice.text)")
            try await f.eventually("the province's node holds the assignment") {
                try await f.local("bac-ninh").formAssignments.visible(
                    to: Actor(username: "t", unit: "BNI", role: .viewer)
                ).contains { $0.id == made.id }
            }

            // A post without the page's token is refused and changes nothing.
            let forged = try await admin.post(
                "/app/forms",
                [
                    ("action", "publish"),
                    ("yaml", Self.file.replacingOccurrences(of: "version: 1", with: "version: 2")),
                ],
                csrf: "khong-dung"
            )
            #expect(forged.status == 403)
            #expect(try await centre.forms.form(owner: "TW", code: "TRANG-THU")?.version == 1)

            // Version 2, read and shown, then published on confirmation: stored and listed.
            let second = Self.file.replacingOccurrences(of: "version: 1", with: "version: 2")
                .replacingOccurrences(of: "Báo cáo thử trên trang biểu mẫu", with: "Báo cáo thử, bản 2")
            let previewed = try await admin.post("/app/forms", [("action", "preview"), ("yaml", second)])
            #expect(previewed.status == 200 && previewed.text.contains("(TRANG-THU, phiên bản 2)"), "\(previewed.text)")
            #expect(
                try await centre.forms.form(owner: "TW", code: "TRANG-THU")?.version == 1,
                "a preview stores nothing"
            )
            let confirmed = try await admin.post("/app/forms", [("action", "publish"), ("yaml", second)])
            #expect(confirmed.status == 303, "\(confirmed.text)")
            let stored = try await centre.forms.form(owner: "TW", code: "TRANG-THU")
            #expect(stored?.version == 2 && stored?.title == "Báo cáo thử, bản 2")
            let both = try await admin.get("/app/forms?done=published")
            #expect(both.text.contains("<td>TRANG-THU</td><td>Báo cáo thử, bản 2"), "\(both.text)")
            #expect(both.text.contains("</a></td><td>2</td><td>Hằng tháng</td>"), "listed as version 2")
            #expect(
                both.text.contains("<td>Báo cáo thử trên trang biểu mẫu</td><td>1</td>"),
                "version 1 stays listed, assigned no more from the list"
            )
        }
    }

    /// The file field, as a browser sends a chosen file: read and shown as a pasted file is.
    @Test func aChosenFileIsReadAndShown() async throws {
        try await TestFederation.run { f in
            let admin = try await WebPageTests.browser(f, "tw.admin", at: "centre")
            let bytes = try Data(contentsOf: ContractTests.root.appendingPathComponent("forms/nq57-khao-sat-xa.yaml"))
            let sent = ReturnEvidenceTests.multipart(
                [("action", "preview")],
                files: [("nq57-khao-sat-xa.yaml", bytes)],
                csrf: admin.csrf,
                fileField: "file"
            )
            let shown = try await admin.client.call(.POST, "/app/forms", body: sent.body, contentType: sent.type)
            #expect(shown.status == 200 && shown.text.contains("id=\"form-preview\""), "\(shown.text)")
            #expect(shown.text.contains("(nq57-khao-sat-xa, phiên bản 1)"))
            #expect(shown.text.contains("<li>Tổng số nhiệm vụ phải thực hiện trong tháng <span"))
            #expect(shown.text.contains("Hằng tháng · hạn nộp ngày 25"))
        }
    }

    @Test func whoMayNotManageFormsSeesTheListsOnly() async throws {
        try await TestFederation.run { f in
            let approver = try await WebPageTests.browser(f, "tw.approver", at: "centre")
            let page = try await approver.get("/app/forms")
            #expect(page.status == 200 && !page.text.contains("Phát hành biểu mẫu mới"))
            #expect(!page.text.contains("href=\"/app/forms\""), "no menu entry for what it may not change")
            let refused = try await approver.post("/app/forms", [("action", "publish"), ("yaml", Self.file)])
            #expect(refused.status == 403)
            #expect(try await f.local("centre").forms.form(owner: "TW", code: "TRANG-THU") == nil)
        }
    }
}

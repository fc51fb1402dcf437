import Foundation
import Node
import Reporting
import Testing

@testable import NodeHTTP

/// Biểu 1's form page: the computed "Tổng số" is shown (not an input), broken rules are explained
/// next to the cells they mark and listed above the form, and the page's script gets the
/// resolved totals and rules.
@Suite struct FormRulesPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func bieu1ShowsTotalsAndExplainsBrokenRulesNextToTheCells() throws {
        let form = try FormFile.load(path: Self.root.appendingPathComponent("forms/dai-hoi-bieu-1.yaml").path)
        // 10 organisations against 3 + 2 by unit type (the total is computed: 5); 5 held against
        // sub-rows 4 + 9 in "Huyện".
        let answers = Answers([
            "ket-qua-chung": .table([
                "tong-so-to-chuc-dang": ["tong-so": 10, "huyen": 3, "quan": 2],
                "so-to-chuc-da-dai-hoi": ["huyen": 5],
                "dai-hoi-diem": ["huyen": 4],
                "dai-hoi-thi-diem-bau-truc-tiep-bi-thu": ["huyen": 9],
            ])
        ])
        let model = FormPageModel(form: form, answers: answers, typed: [:], problems: [:], language: .vi)
        let html = Self.editPage(form, model)
        let total = "t:ket-qua-chung:tong-so-to-chuc-dang:tong-so"
        #expect(html.contains("<output class=\"number\" id=\"f-\(total)\" data-field=\"\(total)\""))
        #expect(html.contains(">5</output>"), "the typed 10 is replaced by 3 + 2")
        #expect(!html.contains("name=\"\(total)\""), "a total is not typed")
        let pilot = "t:ket-qua-chung:dai-hoi-thi-diem-bau-truc-tiep-bi-thu:huyen"
        #expect(html.contains("aria-describedby=\"n-\(pilot)\""))
        #expect(
            html.contains(
                "<span class=\"cell-note\" id=\"n-\(pilot)\"><span class=\"error\">Số đại hội thí điểm bầu trực tiếp bí thư không được lớn hơn số tổ chức đảng đã tổ chức đại hội (Huyện: 9 &gt; 5)</span>"
            )
        )
        #expect(html.contains("<span class=\"warning\">Đại hội điểm, thí điểm và đại trà cộng lại khác"))
        #expect(html.contains("<a href=\"#f-\(pilot)\">"), "the list links to the cell")
        #expect(html.contains("data-checks=\"{&quot;"), "the script's totals and rules")
        #expect(!html.contains("id=\"rule-checks\" aria-labelledby=\"rule-checks-title\" hidden"))
    }

    /// A rule between plain questions (NQ57's "on time ≤ due") links to the question's own input,
    /// whose id is `f-<question>` (not the field name `q:<question>`).
    @Test func aRuleBetweenQuestionsLinksToTheQuestionsInput() throws {
        let form = try FormFile.load(path: Self.root.appendingPathComponent("forms/nq57-khao-sat-xa.yaml").path)
        let answers = Answers([
            "so-nhiem-vu-hoan-thanh-dung-han": .number(8),
            "so-nhiem-vu-phai-thuc-hien": .number(5),
        ])
        let model = FormPageModel(form: form, answers: answers, typed: [:], problems: [:], language: .vi)
        let notes = model.ruleList(editLink: "")
        #expect(notes.contains { $0.href == "#f-so-nhiem-vu-hoan-thanh-dung-han" }, "\(notes.map(\.href))")
        let inputs = model.groups.flatMap(\.questions).map(\.inputId)
        #expect(inputs.contains("f-so-nhiem-vu-hoan-thanh-dung-han"), "the link's target exists")
    }

    /// The edit page of a draft of `form` as `model` shows it, in Vietnamese.
    static func editPage(_ form: Form, _ model: FormPageModel) -> String {
        let summary = ReportSummary(
            id: "r-1",
            form: form.title,
            period: "2026-once",
            unit: "BNI-TD",
            unitName: "Xã Tiên Du",
            state: "Lưu nháp",
            stateKey: "draft",
            updated: "",
            version: 1,
            approvedBy: "",
            approvedAt: "",
            returned: false,
            returnReason: "",
            returnedAt: "",
            returnedByUnit: ""
        )
        let page = ReportEditPage(
            report: summary,
            formTitle: form.title,
            groups: model.groups,
            version: 1,
            correcting: false,
            saved: false,
            hasErrors: false,
            formError: nil,
            ruleNotes: model.ruleList(editLink: ""),
            hasRules: !model.violations.isEmpty,
            checksData: model.checksJSON
        )
        return PageRenderer.shared.render(page, csrf: "c", language: .vi)
    }

    /// A percentage question whose text already says "(%)" is not shown as "(%) (%)"; one that
    /// does not say it gets the mark once.
    @Test func aPercentageIsMarkedOnce() throws {
        let form = try FormFile.parse(
            """
            code: PHAN-TRAM
            version: 1
            title: "Tỷ lệ"
            frequency: monthly
            groups:
              - id: g1
                title: "Tỷ lệ"
                questions:
                  - id: co-dau
                    text: "Tỷ lệ hồ sơ trực tuyến (%)"
                    kind: percentage
                  - id: khong-dau
                    text: "Tỷ lệ hộ có điện thoại thông minh"
                    kind: percentage
            """,
            source: "test"
        )
        let model = FormPageModel(form: form, answers: Answers([:]), typed: [:], problems: [:], language: .vi)
        let html = Self.editPage(form, model)
        #expect(html.contains("Tỷ lệ hồ sơ trực tuyến (%)</label>"), "the question's own mark")
        #expect(!html.contains("(%) (%)"))
        #expect(html.contains("Tỷ lệ hộ có điện thoại thông minh (%)</label>"), "the mark added once")
    }
}

import Foundation
import Testing

@testable import NodeHTTP

/// Pages are rendered from typed models: a template reads a property by its snake-case name, and
/// a name no model holds renders empty without a word, so these pin the reading rules and that
/// every page template has its model.
@Suite struct PageModelTests {
    static let models: [any PageModel.Type] = [
        LayoutPage.self, ErrorPage.self, EntryListPage.self, ReportEditPage.self, ReportDetailPage.self,
        ReportListPage.self, NodesOverviewPage.self, AlertsPage.self, DashboardFiguresPage.self,
        ParkedMessagesPage.self, CongressSchedulePage.self, UnitsPage.self, UsersPage.self, UsagePage.self,
        AuditTrailPage.self, LoginPage.self, LoginMFAPage.self, MFAPage.self, ProfilePage.self, PasswordPage.self,
        TaskListPage.self, TaskPage.self, UserEditPage.self, PublicRankingValues.self, ScoresPage.self,
        FormsPage.self, IndicatorCataloguePage.self, IndicatorEntryPage.self, IndicatorAssignmentsPage.self,
        IndicatorFiguresPage.self,
    ]

    /// Templates only ever included in another one (`{{> name}}`), filled by their page's model.
    static let partials: Set<String> = [
        "todo", "question_input", "question_view", "report_head", "unit_node", "rule_checks", "evidence_input",
    ]

    @Test func everyPageTemplateHasOneModel() {
        let templates = Self.models.map { $0.template }
        #expect(Set(templates).count == templates.count)
        #expect(Set(templates) == Set(PageResources.templateNames).subtracting(Self.partials))
    }

    @Test func namesAreReadInSnakeCase() {
        #expect(TemplateValues.propertyName("unit_name") == "unitName")
        #expect(TemplateValues.propertyName("other_lang_name") == "otherLangName")
        #expect(TemplateValues.propertyName("error_citizenId") == "errorCitizenId")
        #expect(TemplateValues.propertyName("add_error__form") == "addErrorForm")
        #expect(TemplateValues.propertyName("csrf") == "csrf")
    }

    struct Sample: PageModel {
        static let template = "sample"
        struct Row: Sendable {
            let label: String
            let note: String
        }
        struct Shared: InlineValues {
            let sharedWord: String
        }
        let title: String
        let emptyText: String
        let missing: String?
        let shown: Bool
        let count: Int
        let rows: [Row]
        let words: [String]
        let shared: Shared?
    }

    @Test func emptyTextAndNilAreAbsentListsAndStructsAreRead() throws {
        let model = Sample(
            title: "A & B",
            emptyText: "",
            missing: nil,
            shown: true,
            count: 0,
            rows: [.init(label: "r1", note: "n1"), .init(label: "r2", note: "")],
            words: ["x", ""],
            shared: .init(sharedWord: "inline")
        )
        let values = TemplateValues(model: model)
        #expect(values.child(named: "title") as? String == "A & B")
        // Absent, so that `{{#x}}` hides, `{{^x}}` shows and the name is looked up further out.
        #expect(values.child(named: "empty_text") == nil)
        #expect(values.child(named: "missing") == nil)
        #expect(values.child(named: "no_such_name") == nil)
        #expect(values.child(named: "shown") as? Bool == true)
        #expect(values.child(named: "count") as? Int == 0)
        let rows = try #require(values.child(named: "rows") as? [Any])
        let second = try #require(rows.last as? TemplateValues)
        #expect(second.child(named: "label") as? String == "r2")
        #expect(second.child(named: "note") == nil)
        // A list of words is read as it is (`{{.}}`).
        #expect(values.child(named: "words") as? [String] == ["x", ""])
        // Inline values answer as the model's own.
        #expect(values.child(named: "shared_word") as? String == "inline")
        let root = PageRoot(model: values, language: .en, csrf: "tok")
        #expect(root.child(named: "csrf") as? String == "tok")
        #expect(root.child(named: "lang") as? String == "en")
        #expect(PageRoot(model: values, language: .vi, csrf: "").child(named: "csrf") == nil)
    }

    @Test func pagesRenderTheirWords() {
        let renderer = PageRenderer.shared
        let error = renderer.render(ErrorPage(message: "Không được <phép>", status: 403), language: .vi)
        #expect(error.contains("Không được &lt;phép&gt;"))
        #expect(error.contains("Không thực hiện được"))
        let password = renderer.render(PasswordPage(required: true, error: nil), csrf: "c-1", language: .en)
        #expect(password.contains("Change the password you were issued"))
        #expect(password.contains("value=\"c-1\""))
        #expect(!password.contains("role=\"alert\""))
        let layout = renderer.render(
            LayoutPage(
                title: "Tiêu đề",
                body: "<p>thân</p>",
                current: "/app/tasks",
                otherLang: "en",
                otherLangName: "English",
                user: .init(username: "an", name: "Nguyễn An", unit: "Tỉnh Bắc Ninh", csrf: "c-2"),
                menu: [
                    .init(path: "/app", label: "Tổng quan", current: false),
                    .init(path: "/app/tasks", label: "Nhiệm vụ", current: true),
                ]
            ),
            language: .vi
        )
        #expect(layout.contains("<title>Tiêu đề · ReportNet</title>"))
        #expect(layout.contains("<p>thân</p>"))
        #expect(layout.contains("<a href=\"/app/tasks\" aria-current=\"page\">Nhiệm vụ</a>"))
        #expect(layout.contains("<a href=\"/app\">Tổng quan</a>"))
        #expect(layout.contains("Nguyễn An</a> · <span>Tỉnh Bắc Ninh</span>"))
        #expect(layout.contains("value=\"c-2\""))
        #expect(layout.contains("<html lang=\"vi\">"))
        #expect(layout.contains("/app/language?to=en&amp;back=/app/tasks"))
    }
}

import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Reporting

/// The dashboard of the visitor's unit (or a unit below, by drilling down): for one assignment,
/// progress per level and per child unit, counts by state, a chart and a tile grid of children
/// (a map of the provinces at the centre), the answers per unit below, and the form's trend.
struct DashboardPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                guard visitor.actor.holds(.viewReports) else {
                    throw PageRedirect(location: PageKit.home(for: visitor.actor))
                }
                return try await dashboard(request, visitor)
            }
        }
    }

    func dashboard(_ request: Request, _ visitor: PageVisitor) async throws -> Response {
        let query = request.uri.queryParameters
        let unit = try local.oversight.overseenUnit(query["unit"].map(String.init), for: visitor.actor)
        let assignments = try await local.formAssignments.visible(to: visitor.actor).filter { assignment in
            assignment.assignedBy == unit || assignment.units.contains { local.tree.isInSubtree($0, of: unit) }
        }
        let chosen =
            query["assignment"].map(String.init).flatMap { id in assignments.first { $0.id == id } }
            ?? assignments.first
        var page = DashboardFiguresPage(
            unitName: kit.unitName(unit),
            unit: unit,
            assignments: assignments.map {
                DashboardFiguresPage.Choice(
                    id: $0.id,
                    title: $0.title,
                    period: PeriodWords.text($0.period, visitor.language),
                    selected: $0.id == chosen?.id
                )
            },
            none: chosen == nil,
            trail: local.tree.ancestors(of: unit).reversed().filter {
                local.tree.isInSubtree($0.code, of: visitor.actor.unit)
            }.map { DashboardFiguresPage.Step(code: $0.code, name: $0.name) }
        )
        // Home: what the visitor has to do now, above the figures of their own unit.
        if unit == visitor.actor.unit {
            page.todo = ToDoSection(try await local.toDo.list(for: visitor.actor), visitor, kit: kit)
        }
        if let chosen {
            let numbers = NumberFormat(visitor.language)
            var filter = ReportFilter()
            filter.assignment = chosen.id
            filter.unit = unit
            filter.limit = 1000
            let reports = try await local.reports.list(visibleTo: visitor.actor, filter: filter)
            let late = Self.isPast(chosen.deadline, today: local.clock.today())
            func link(_ child: String) -> String { "/app?assignment=\(chosen.id)&unit=\(child)" }
            page.assignment = DashboardFiguresPage.Assignment(
                id: chosen.id,
                title: chosen.title,
                period: PeriodWords.text(chosen.period, visitor.language),
                deadline: PageDate.isoDay(chosen.deadline)
            )
            // Progress from the figures API: approved on time per level and per child, and when each child's data last arrived.
            let figures = try await local.oversight.figures(assignment: chosen.id, unit: unit, for: visitor.actor)
            page.total = counts(figures.total, late: late, numbers)
            // Progress counts units below only: a commune (or a drill-down to one) shows its own report instead.
            page.below = figures.total.expected > 0
            if chosen.units.contains(unit) {
                let own = reports.first { $0.unit == unit }
                page.own = DashboardFiguresPage.Own(
                    state: own.map { visitor.pick($0.state.vietnameseName, $0.state.englishName) }
                        ?? visitor.pick("Chưa nộp", "Not sent"),
                    stateKey: own?.state.rawValue ?? "none",
                    overdue: late && (own == nil || own?.state.isEditable == true),
                    href: own.map { "\(WebPages.prefix)/reports/\($0.id)" } ?? "\(WebPages.prefix)/entry"
                )
            }
            page.levels = figures.levels.map { row in
                var cells = counts(row.figures, late: late, numbers)
                cells.level = visitor.pick(row.level.vietnameseName, "\(row.level)")
                return cells
            }
            page.children = figures.children.map { child in
                var cells = counts(child.figures, late: late, numbers)
                cells.name = child.name
                cells.href = link(child.unit)
                cells.synced = Self.synced(child.sync, visitor.language)
                return cells
            }
            page.hasChildren = !figures.children.isEmpty
            page.states = ReportState.allCases.map { state in
                DashboardFiguresPage.StateCount(
                    name: visitor.pick(state.vietnameseName, state.englishName),
                    key: state.rawValue,
                    count: numbers.text(reports.filter { $0.state == state }.count)
                )
            }
            page.tiles = ProgressCharts.tiles(
                figures.children,
                link: link,
                label: visitor.pick(
                    "Tỷ lệ đơn vị cấp dưới có báo cáo đã được phê duyệt",
                    "Share of units below approved"
                ),
                unassigned: visitor.pick("Không được giao", "Not assigned"),
                numbers: numbers
            )
            page.bars = ProgressCharts.bars(
                figures.children,
                submitted: visitor.pick("Đã nộp %", "Submitted %"),
                approved: visitor.pick("Đã duyệt %", "Approved %"),
                label: visitor.pick("Tiến độ theo đơn vị", "Progress per unit"),
                numbers: numbers
            )
            page.summaryHref = "/api/v1/assignments/\(chosen.id)/summary?unit=\(unit)&format=xlsx"
            if let form = try await local.forms.form(
                owner: chosen.assignedBy,
                code: chosen.form,
                version: chosen.formVersion
            ) {
                let tables = AnswerPivot.tableTotals(form: form, total: figures.aggregate, language: visitor.language)
                if !tables.isEmpty, figures.total.expected > 0 {
                    page.tableTotals = tables
                    page.tableTotalsTitle = true
                }
                page.pivot = AnswerPivot(
                    form: form,
                    children: figures.children.filter { $0.figures.expected > 0 },
                    total: figures.aggregate,
                    totalName: visitor.pick("Toàn \(kit.unitName(unit))", "All of \(kit.unitName(unit))"),
                    link: link,
                    language: visitor.language
                )
            }
            page.trend = FormTrendSection(
                try await local.oversight.trend(
                    owner: chosen.assignedBy,
                    form: chosen.form,
                    unit: unit,
                    latest: DashboardPage.trendPeriods,
                    for: visitor.actor
                ),
                language: visitor.language
            )
        }
        return kit.page(
            page,
            title: visitor.pick("Tổng quan", "Dashboard"),
            visitor: visitor,
            language: visitor.language,
            current: WebPages.prefix
        )
    }

    func counts(_ figures: ProgressFigures, late: Bool, _ numbers: NumberFormat) -> DashboardFiguresPage.Progress {
        DashboardFiguresPage.Progress(
            assigned: numbers.text(figures.expected),
            submitted: numbers.text(figures.submitted),
            approved: numbers.text(figures.approved),
            onTime: numbers.text(figures.approvedOnTime),
            submittedPct: ProgressCharts.format(figures.submittedPercent, numbers),
            approvedPct: ProgressCharts.format(figures.approvedPercent, numbers),
            onTimePct: ProgressCharts.format(figures.approvedOnTimePercent, numbers),
            overdue: numbers.text(late ? figures.expected - figures.submitted : 0)
        )
    }

    /// When a child's data last arrived: live when hosted here, else the last contact with its node.
    static func synced(_ mark: SyncMark, _ language: Language) -> String {
        if mark.hostedHere { return language.pick("Trực tiếp (cùng máy chủ)", "Live (hosted here)") }
        guard let contact = mark.lastContact else { return language.pick("Chưa đồng bộ lần nào", "Never synced") }
        return PageDate.minute(contact)
    }

    /// How many of the form's latest periods the dashboard draws.
    static let trendPeriods = 12

    /// Whether the deadline day (yyyy-MM-dd, Vietnam time) is over.
    static func isPast(_ deadline: String, today: CalendarDate) -> Bool {
        CalendarDate(String(deadline.prefix(10))).map { today > $0 } ?? false
    }
}

/// The dashboard's values: the unit and its path, the assignments to choose from, and for the
/// chosen one the progress in total, per level and per child, with the charts.
struct DashboardFiguresPage: PageModel {
    static let template = "dashboard"

    /// An assignment in the chooser.
    struct Choice: Sendable {
        let id: String
        let title: String
        let period: String
        let selected: Bool
    }

    /// A unit on the path from the visitor's unit down to the one shown.
    struct Step: Sendable {
        let code: String
        let name: String
    }

    /// The assignment shown.
    struct Assignment: Sendable {
        let id: String
        let title: String
        let period: String
        let deadline: String
    }

    /// The unit's own report for the assignment.
    struct Own: Sendable {
        let state: String
        let stateKey: String
        let overdue: Bool
        let href: String
    }

    /// Progress counts: the total, a level's row (with `level`) or a child's (with `name`,
    /// `href`, `synced`).
    struct Progress: Sendable {
        let assigned: String
        let submitted: String
        let approved: String
        let onTime: String
        let submittedPct: String
        let approvedPct: String
        let onTimePct: String
        let overdue: String
        var level: String?
        var name: String?
        var href: String?
        var synced: String?
    }

    /// How many reports are in one state.
    struct StateCount: Sendable {
        let name: String
        let key: String
        let count: String
    }

    let unitName: String
    let unit: String
    let assignments: [Choice]
    let none: Bool
    let trail: [Step]
    var todo: ToDoSection?
    var assignment: Assignment?
    var total: Progress?
    var below: Bool?
    var own: Own?
    var levels: [Progress]?
    var children: [Progress]?
    var hasChildren: Bool?
    var states: [StateCount]?
    var tiles: String?
    var bars: String?
    var summaryHref: String?
    var pivot: AnswerPivot?
    /// The form's table questions, each cell combined over the unit's subtree.
    var tableTotals: [QuestionValues]?
    var tableTotalsTitle: Bool?
    var trend: FormTrendSection?
}

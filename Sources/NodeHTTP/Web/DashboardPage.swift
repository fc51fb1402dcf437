import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Reporting

/// The dashboard of the visitor's unit (or a unit below, by drilling down): for one assignment,
/// progress per level and per child unit, counts by state, a chart and a tile grid of children.
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
        let unit = try local.oversightUnit(query["unit"].map(String.init), for: visitor.actor)
        let assignments = try await local.assignments(visibleTo: visitor.actor).filter { assignment in
            assignment.assignedBy == unit || assignment.units.contains { local.tree.isInSubtree($0, of: unit) }
        }
        let chosen =
            query["assignment"].map(String.init).flatMap { id in assignments.first { $0.id == id } }
            ?? assignments.first
        var values: [String: Any] = [
            "unit_name": kit.unitName(unit), "unit": unit,
            "assignments": assignments.map {
                [
                    "id": $0.id, "title": $0.title, "period": PeriodWords.text($0.period, visitor.language),
                    "selected": $0.id == chosen?.id,
                ]
            },
            "none": chosen == nil,
            "trail": local.tree.ancestors(of: unit).reversed().filter {
                local.tree.isInSubtree($0.code, of: visitor.actor.unit)
            }.map { ["code": $0.code, "name": $0.name] },
        ]
        // Home: what the visitor has to do now, above the figures of their own unit.
        if unit == visitor.actor.unit {
            values["todo"] = ToDoSection.values(try await local.toDo(for: visitor.actor), visitor, kit: kit)
        }
        if let chosen {
            let numbers = NumberFormat(visitor.language)
            var filter = ReportFilter()
            filter.assignment = chosen.id
            filter.unit = unit
            filter.limit = 1000
            let reports = try await local.reports(visibleTo: visitor.actor, filter: filter)
            let late = Self.isPast(chosen.deadline, today: local.clock.today())
            func link(_ child: String) -> String { "/app?assignment=\(chosen.id)&unit=\(child)" }
            values["assignment"] = [
                "id": chosen.id, "title": chosen.title, "period": PeriodWords.text(chosen.period, visitor.language),
                "deadline": PageDate.isoDay(chosen.deadline),
            ]
            // Progress from the figures API: approved on time per level and per child, and when each child's data last arrived.
            let figures = try await local.figures(assignment: chosen.id, unit: unit, for: visitor.actor)
            values["total"] = counts(figures.total, late: late, numbers)
            // Progress counts units below only: a commune (or a drill-down to one) shows its own report instead.
            values["below"] = figures.total.expected > 0
            if chosen.units.contains(unit) {
                let own = reports.first { $0.unit == unit }
                values["own"] = [
                    "state": own.map { visitor.pick($0.state.vietnameseName, $0.state.englishName) }
                        ?? visitor.pick("Chưa nộp", "Not sent"),
                    "state_key": own?.state.rawValue ?? "none",
                    "overdue": late && (own == nil || own?.state.isEditable == true),
                    "href": own.map { "\(WebPages.prefix)/reports/\($0.id)" } ?? "\(WebPages.prefix)/entry",
                ]
            }
            values["levels"] = figures.levels.map { row -> [String: Any] in
                var cells = counts(row.figures, late: late, numbers)
                cells["level"] = visitor.pick(row.level.vietnameseName, "\(row.level)")
                return cells
            }
            values["children"] = figures.children.map { child -> [String: Any] in
                var cells = counts(child.figures, late: late, numbers)
                cells["name"] = child.name
                cells["href"] = link(child.unit)
                cells["synced"] = Self.synced(child.sync, visitor.language)
                return cells
            }
            values["has_children"] = !figures.children.isEmpty
            values["states"] = ReportState.allCases.map { state in
                [
                    "name": visitor.pick(state.vietnameseName, state.englishName), "key": state.rawValue,
                    "count": numbers.text(reports.filter { $0.state == state }.count),
                ]
            }
            values["tiles"] = ProgressCharts.tiles(
                figures.children,
                link: link,
                label: visitor.pick(
                    "Tỷ lệ đơn vị cấp dưới có báo cáo đã được phê duyệt",
                    "Share of units below approved"
                ),
                unassigned: visitor.pick("Không được giao", "Not assigned"),
                numbers: numbers
            )
            values["bars"] = ProgressCharts.bars(
                figures.children,
                submitted: visitor.pick("Đã nộp %", "Submitted %"),
                approved: visitor.pick("Đã duyệt %", "Approved %"),
                label: visitor.pick("Tiến độ theo đơn vị", "Progress per unit"),
                numbers: numbers
            )
            values["summary_href"] = "/api/v1/assignments/\(chosen.id)/summary?unit=\(unit)&format=xlsx"
        }
        return kit.page(
            "dashboard",
            values,
            title: visitor.pick("Tổng quan", "Dashboard"),
            visitor: visitor,
            language: visitor.language,
            current: WebPages.prefix
        )
    }

    func counts(_ figures: ProgressFigures, late: Bool, _ numbers: NumberFormat) -> [String: Any] {
        [
            "assigned": numbers.text(figures.expected), "submitted": numbers.text(figures.submitted),
            "approved": numbers.text(figures.approved),
            "on_time": numbers.text(figures.approvedOnTime),
            "submitted_pct": ProgressCharts.format(figures.submittedPercent, numbers),
            "approved_pct": ProgressCharts.format(figures.approvedPercent, numbers),
            "on_time_pct": ProgressCharts.format(figures.approvedOnTimePercent, numbers),
            "overdue": numbers.text(late ? figures.expected - figures.submitted : 0),
        ]
    }

    /// When a child's data last arrived: live when hosted here, else the last contact with its node.
    static func synced(_ mark: SyncMark, _ language: Language) -> String {
        if mark.hostedHere { return language.pick("Trực tiếp (cùng máy chủ)", "Live (hosted here)") }
        guard let contact = mark.lastContact else { return language.pick("Chưa đồng bộ lần nào", "Never synced") }
        return PageDate.minute(contact)
    }

    /// Whether the deadline day (yyyy-MM-dd, Vietnam time) is over.
    static func isPast(_ deadline: String, today: CalendarDate) -> Bool {
        CalendarDate(String(deadline.prefix(10))).map { today > $0 } ?? false
    }
}

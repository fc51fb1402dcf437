import Auth
import Foundation
import Hierarchy
import Hummingbird
import Indicators
import Node

/// One indicator's figures (issue M.5): the definition in words, the values per unit below for a
/// period with target, distance, whether it is met and the rank, the trend of the last 12
/// periods, and the two exports. The same use cases as `GET /api/v1/indicator-definitions/{code}/values`
/// and `/trend` decide and refuse (`reports.view` in the visitor's subtree).
struct IndicatorPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static func path(_ code: String) -> String { "\(WebPages.prefix)/indicators/\(code)" }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/indicators/{code}") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                return try await page(try context.parameters.require("code"), request, visitor)
            }
        }
    }

    func page(_ code: String, _ request: Request, _ visitor: PageVisitor) async throws -> Response {
        let query = request.uri.queryParameters
        let requested = query["unit"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let chosen = query["period"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let trend = try await local.indicatorFigures.trend(
            code: code,
            unit: requested,
            to: chosen,
            count: 12,
            for: visitor.actor
        )
        let values = try await local.indicatorValues.table(
            code: code,
            period: trend.to,
            unit: trend.unit,
            for: visitor.actor
        )
        let definition = try await local.indicatorDefinitions.visible(to: visitor.actor).last {
            $0.definition.code == code
        }
        let language = visitor.language
        let numbers = NumberFormat(language)
        let unit = trend.unit
        func link(period: String, unit: String) -> String {
            "\(Self.path(code))?period=\(period)&unit=\(unit)"
        }
        func row(unit: String, name: String, figure: IndicatorValuesView.Figure, rank: Int?) -> IndicatorFiguresPage.Row
        {
            let distance = IndicatorRanking.distance(figure.value, target: values.target)
            let met = IndicatorRanking.meets(figure.value, target: values.target, values.direction)
            return IndicatorFiguresPage.Row(
                unit: unit,
                name: name,
                href: local.tree.children(of: unit).isEmpty ? nil : link(period: values.period, unit: unit),
                value: figure.value.map { numbers.text($0, fractionDigits: 2) }
                    ?? (figure.status == "undefined"
                        ? visitor.pick("Không tính được", "Cannot be computed")
                        : visitor.pick("Thiếu số liệu", "No data")),
                hasValue: figure.value != nil,
                source: Self.source(figure, language),
                target: values.target.map { numbers.text($0, fractionDigits: 2) },
                distance: distance.value.map { Self.signed(numbers.text($0, fractionDigits: 2), $0) },
                distancePercent: distance.percent.map { Self.signed(numbers.text($0, fractionDigits: 1), $0) + " %" },
                met: met.map { $0 ? visitor.pick("Đạt", "Met") : visitor.pick("Không đạt", "Not met") },
                metKey: met.map { $0 ? "approved" : "returned" },
                rank: rank.map { numbers.text($0) }
            )
        }
        let largest = trend.points.flatMap { [$0.value, $0.target] }.compactMap { $0 }.max() ?? 0
        let smallest = trend.points.compactMap(\.value).min() ?? 0
        let model = IndicatorFiguresPage(
            code: code,
            name: visitor.pick(values.name.vi, values.name.en),
            unit: unit,
            unitName: kit.unitName(unit),
            period: values.period,
            periodLabel: Self.periodLabel(values.period, language),
            unitOfMeasure: values.unitOfMeasure,
            trail: local.tree.ancestors(of: unit).reversed().filter {
                local.tree.isInSubtree($0.code, of: visitor.actor.unit)
            }.map { IndicatorFiguresPage.Step(name: $0.name, href: link(period: values.period, unit: $0.code)) },
            facts: definition.map { Self.facts($0.definition, language) } ?? [],
            explanation: definition.flatMap { language == .vi ? $0.explanation : $0.explanationEn },
            choices: Self.choices(
                chosen: values.period,
                frequency: trend.frequency,
                today: local.clock.today(),
                language
            ),
            rows: values.children.map { row(unit: $0.unit, name: $0.name, figure: $0.figure, rank: $0.rank) },
            total: row(unit: unit, name: kit.unitName(unit), figure: values.figure, rank: nil),
            trend: trend.points.reversed().map { point in
                let met = point.targetMet
                return IndicatorFiguresPage.TrendRow(
                    label: Self.periodLabel(point.period, language),
                    href: link(period: point.period, unit: unit),
                    value: point.value.map { numbers.text($0, fractionDigits: 2) }
                        ?? (point.version == nil
                            ? visitor.pick("Chỉ số chưa áp dụng", "Not in force yet")
                            : point.status == "undefined"
                                ? visitor.pick("Không tính được", "Cannot be computed")
                                : visitor.pick("Thiếu số liệu", "No data")),
                    target: point.target.map { numbers.text($0, fractionDigits: 2) },
                    met: met.map { $0 ? visitor.pick("Đạt", "Met") : visitor.pick("Không đạt", "Not met") },
                    metKey: met.map { $0 ? "approved" : "returned" },
                    reported: numbers.text(point.children.filter { $0.value != nil }.count),
                    meter: point.value.flatMap { value in
                        smallest >= 0 && largest > 0
                            ? IndicatorFiguresPage.Meter(
                                value: "\(value)",
                                max: "\(largest)",
                                text: numbers.text(value, fractionDigits: 2)
                            ) : nil
                    }
                )
            },
            unitsBelow: numbers.text(trend.units.count),
            xlsx:
                "/api/v1/indicator-definitions/\(code)/values/export?period=\(values.period)&unit=\(unit)&format=xlsx",
            csv: "/api/v1/indicator-definitions/\(code)/values/export?period=\(values.period)&unit=\(unit)&format=csv"
        )
        return kit.page(
            model,
            title: "\(visitor.pick(values.name.vi, values.name.en)) — \(kit.unitName(unit))",
            visitor: visitor,
            language: language,
            current: "\(WebPages.prefix)/indicators"
        )
    }

    /// A distance with its sign: "+5", "-2,5" (0 without one).
    static func signed(_ text: String, _ value: Double) -> String { value > 0 ? "+" + text : text }

    /// The period in words, as every page writes it (`PeriodWords`): "Tháng 12/2026", "Quý IV/2026".
    static func periodLabel(_ code: String, _ language: Language) -> String { PeriodWords.text(code, language) }

    /// The 24 periods of the frequency up to the one holding today, newest first, and the chosen one.
    static func choices(
        chosen: String,
        frequency: Frequency,
        today: CalendarDate,
        _ language: Language
    ) -> [IndicatorFiguresPage.Choice] {
        var periods = [Period.holding(today, frequency)]
        while periods.count < 24, let earlier = periods.last?.previous, earlier.year >= 2000 {
            periods.append(earlier)
        }
        var codes = periods.map(\.description)
        if !codes.contains(chosen) { codes.insert(chosen, at: 0) }
        return codes.map {
            IndicatorFiguresPage.Choice(code: $0, label: periodLabel($0, language), selected: $0 == chosen)
        }
    }

    /// Where a figure comes from, in words.
    static func source(_ figure: IndicatorValuesView.Figure, _ language: Language) -> String {
        let words = IndicatorFigures.sourceWords(figure)
        return language.pick(words.vi, words.en)
    }

    /// The definition's attributes, labelled.
    static func facts(_ definition: IndicatorDefinition, _ language: Language) -> [IndicatorFiguresPage.Fact] {
        let source = IndicatorCataloguePage.words(definition.source, language)
        let frequency = FormsPage.words(definition.frequency, language)
        let direction = IndicatorCataloguePage.words(definition.direction, language)
        let facts: [(String, String, String)] = [
            ("Khái niệm", "Concept", definition.concept),
            ("Phương pháp tính", "Calculation method", definition.calculationMethod),
            ("Cách lấy số liệu", "Values", source),
            ("Nguồn số liệu", "Data source", definition.dataSource),
            ("Đơn vị tính", "Unit of measure", definition.unitOfMeasure),
            ("Tần suất", "Frequency", frequency),
            ("Chiều đánh giá", "Direction", direction),
            (
                "Tổng hợp lên cấp trên", "Aggregation",
                language == .vi ? definition.aggregation.vietnameseName : definition.aggregation.rawValue
            ),
            (
                "Tầng chỉ số", "Layer",
                language == .vi ? definition.layer.vietnameseName : definition.layer.rawValue
            ),
            ("Lĩnh vực", "Sector", definition.sector),
            ("Cơ quan chủ trì", "Lead agency", definition.leadAgency),
            ("Cơ quan thực hiện", "Implementing agency", definition.implementingAgency),
            ("Trách nhiệm cập nhật", "Updated by", definition.updatedBy),
        ]
        return facts.map { IndicatorFiguresPage.Fact(label: language.pick($0.0, $0.1), value: $0.2) }
    }
}

/// The indicator page's values: the indicator in words, the period chosen, the values per unit
/// below with their targets and ranks, and the trend of the unit over the last periods.
struct IndicatorFiguresPage: PageModel {
    static let template = "indicator"

    /// A unit on the path from the visitor's unit down to the one shown.
    struct Step: Sendable {
        let name: String
        let href: String
    }

    /// One attribute of the definition.
    struct Fact: Sendable {
        let label: String
        let value: String
    }

    /// A period in the chooser.
    struct Choice: Sendable {
        let code: String
        let label: String
        let selected: Bool
    }

    /// One unit's figure for the period, shown.
    struct Row: Sendable {
        let unit: String
        let name: String
        /// To the unit's own units below, when it has some.
        let href: String?
        let value: String
        let hasValue: Bool
        let source: String
        let target: String?
        let distance: String?
        let distancePercent: String?
        let met: String?
        /// The state style: `approved` (met) or `returned` (not met).
        let metKey: String?
        let rank: String?
    }

    /// A bar's value and scale, as numbers the browser reads (a point before the decimals).
    struct Meter: Sendable {
        let value: String
        let max: String
        /// The value as people read it, for a browser that draws no bar.
        let text: String
    }

    /// One period of the trend, newest first.
    struct TrendRow: Sendable {
        let label: String
        let href: String
        let value: String
        let target: String?
        let met: String?
        let metKey: String?
        /// How many units below have a value.
        let reported: String
        let meter: Meter?
    }

    let code: String
    let name: String
    let unit: String
    let unitName: String
    let period: String
    let periodLabel: String
    let unitOfMeasure: String
    let trail: [Step]
    let facts: [Fact]
    let explanation: String?
    let choices: [Choice]
    let rows: [Row]
    let total: Row
    let trend: [TrendRow]
    let unitsBelow: String
    let xlsx: String
    let csv: String
}

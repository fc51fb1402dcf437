import Auth
import Foundation
import Hummingbird
import NIOCore
import Node
import Scoring

/// "Chấm điểm" (Decision 4587): a month's scores of the units directly below, each component's
/// points with its working, the total, class, rank and change from last month; for the scorer's
/// approvers and admin, the indicator import (CSV) and entry form and the publish button. The
/// rules are the API's: the same `LocalNode` use cases decide who may see, set and publish.
struct ScoringPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/scores"

    /// Input values of the entry form, and where a refusal belongs.
    struct Typed {
        var unit = ""
        var values: [String: String] = [:]
        var error: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/scores") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let query = request.uri.queryParameters
                let monthText = query["month"].map(String.init) ?? currentMonth.description
                guard let month = ScoreMonth(monthText) else {
                    let error = visitor.pick(
                        "Tháng “\(monthText)” không hợp lệ (ví dụ 2026-11)",
                        "Invalid month (e.g. 2026-11)"
                    )
                    return try await page(
                        visitor,
                        month: currentMonth,
                        monthText: monthText,
                        monthError: error,
                        typed: Typed(),
                        status: .badRequest
                    )
                }
                let typed = Typed(unit: query["unit"].map(String.init) ?? "")
                return try await page(
                    visitor,
                    month: month,
                    saved: query["saved"].flatMap { Int(String($0)) },
                    published: query["published"] != nil,
                    typed: typed
                )
            }
        }
        pages.post("/scores/entry") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                guard let month = ScoreMonth(form["month"] ?? "") else {
                    throw EdgeRefusal(.monthInvalid)
                }
                var typed = Typed(unit: form["unit"] ?? "")
                var rows: [IndicatorRow] = []
                let numbers = NumberFormat(visitor.language)
                for indicator in Indicator.allCases {
                    let text = (form["v:\(indicator.rawValue)"] ?? "").trimmingCharacters(in: .whitespaces)
                    typed.values[indicator.rawValue] = text
                    guard !text.isEmpty else { continue }
                    switch numbers.read(text) {
                    case .success(let value):
                        rows.append(IndicatorRow(unit: typed.unit, month: month, indicator: indicator, value: value))
                    case .failure(.notANumber):
                        typed.error = (
                            indicator.rawValue,
                            visitor.pick("“\(text)” không phải là một số", "“\(text)” is not a number")
                        )
                    case .failure(let problem):
                        typed.error = (indicator.rawValue, "“\(text)”: \(numbers.message(problem))")
                    }
                }
                if typed.error != nil {
                    return try await page(visitor, month: month, typed: typed, status: .unprocessableContent)
                }
                guard !rows.isEmpty else {
                    typed.error = ("_entry", visitor.pick("Hãy nhập ít nhất một số liệu", "Enter at least one figure"))
                    return try await page(visitor, month: month, typed: typed, status: .unprocessableContent)
                }
                do {
                    let result = try await local.scores.setIndicators(rows, source: "entry", by: visitor.actor)
                    throw PageRedirect(
                        location: "\(Self.path)?month=\(month)&unit=\(Self.query(typed.unit))&saved=\(result.changed)"
                    )
                } catch let error as Refused where error.status == .unprocessableContent {
                    // Details name the row (1-based) of the figure refused.
                    let field =
                        error.details.keys.sorted().first.flatMap { Int($0) }.flatMap {
                            rows.indices.contains($0 - 1) ? rows[$0 - 1].indicator.rawValue : nil
                        } ?? "_entry"
                    let detail = error.details.values.sorted().first.map { ": \($0)" } ?? ""
                    typed.error = (field, visitor.pick(error.message, error.messageEN) + detail)
                    return try await page(visitor, month: month, typed: typed, status: error.status)
                }
            }
        }
        pages.post("/scores/import") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let month = ScoreMonth(form["month"] ?? "") ?? currentMonth
                guard let file = form.files.first(where: { $0.field == "file" }), file.data.readableBytes > 0 else {
                    return try await page(
                        visitor,
                        month: month,
                        importError: visitor.pick("Hãy chọn tệp CSV số liệu", "Choose a CSV file"),
                        status: .unprocessableContent
                    )
                }
                switch IndicatorCSV.parse(String(buffer: file.data)) {
                case .failure(let problems):
                    let lines = problems.lines.prefix(20).map {
                        visitor.pick("Dòng \($0.line)", "Line \($0.line)") + ": \($0.message)"
                    }
                    return try await page(
                        visitor,
                        month: month,
                        importError: visitor.pick(
                            "Tệp số liệu có \(problems.lines.count) dòng lỗi, chưa lưu gì",
                            "The file has \(problems.lines.count) faulty lines; nothing saved"
                        ),
                        importLines: Array(lines),
                        status: .unprocessableContent
                    )
                case .success(let rows):
                    do {
                        let result = try await local.scores.setIndicators(rows, source: "import", by: visitor.actor)
                        throw PageRedirect(
                            location: "\(Self.path)?month=\(rows.first?.month ?? month)&saved=\(result.changed)"
                        )
                    } catch let error as Refused where error.status == .unprocessableContent {
                        let lines = error.details.sorted { $0.key < $1.key }.prefix(20).map {
                            visitor.pick("Dòng số liệu \($0.key)", "Figure \($0.key)") + ": \($0.value)"
                        }
                        return try await page(
                            visitor,
                            month: month,
                            importError: visitor.pick(error.message, error.messageEN),
                            importLines: lines,
                            status: error.status
                        )
                    }
                }
            }
        }
        pages.post("/scores/{month}/publish") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                guard let month = ScoreMonth(try context.parameters.require("month")) else {
                    throw EdgeRefusal(.monthInvalid)
                }
                _ = try await local.scores.publishScores(month: month, by: visitor.actor)
                throw PageRedirect(location: "\(Self.path)?month=\(month)&published=1")
            }
        }
    }

    func page(
        _ visitor: PageVisitor,
        month: ScoreMonth,
        monthText: String? = nil,
        monthError: String? = nil,
        saved: Int? = nil,
        published: Bool = false,
        typed: Typed = Typed(),
        importError: String? = nil,
        importLines: [String] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let table = try await local.scores.scoreTable(month: month, for: visitor.actor)
        let scored = local.scores.scoredUnits(by: visitor.actor.unit)
        let mayEnter = visitor.actor.holds(.approveReports) && !scored.isEmpty
        var page = ScoresPage(
            month: monthText ?? month.description,
            monthLabel: "\(month.month)/\(month.year)",
            months: PeriodWords.choices(
                today: local.clock.today(),
                chosen: month.description,
                visitor.language,
                monthsOnly: true
            ),
            scorer: kit.unitName(visitor.actor.unit),
            rows: table.rows.map { row(visitor, $0) },
            empty: table.rows.isEmpty,
            mayEnter: mayEnter,
            publishAction: "\(Self.path)/\(month)/publish",
            xlsx: "/api/v1/scores/export?month=\(month)&format=xlsx",
            csv: "/api/v1/scores/export?month=\(month)&format=csv",
            publicHref: "\(PublicRankingPage.path)?month=\(month)",
            publishedAt: table.publishedAt.map(PageDate.minute),
            justPublished: published ? true : nil,
            saved: saved.map(ScoresPage.Saved.init),
            monthError: monthError,
            importError: importError,
            importLines: importError == nil ? nil : importLines
        )
        if mayEnter {
            let unit = scored.contains(typed.unit) ? typed.unit : scored[0]
            var held: [String: Double] = [:]
            for value in try await local.scores.indicatorValues(month: month, for: visitor.actor)
            where value.unit == unit {
                held[value.indicator.rawValue] = value.value
            }
            let numbers = NumberFormat(visitor.language)
            page.units = scored.map { ScoresPage.Unit(code: $0, name: kit.unitName($0), selected: $0 == unit) }
            page.indicators = Indicator.allCases.map { indicator in
                ScoresPage.Field(
                    key: indicator.rawValue,
                    name: indicator.vietnameseName,
                    component: indicator.component,
                    inputId: "i-\(indicator.rawValue)",
                    value: typed.values[indicator.rawValue] ?? held[indicator.rawValue].map(numbers.text) ?? "",
                    error: typed.error?.field == indicator.rawValue ? typed.error?.message : nil
                )
            }
            if let error = typed.error, error.field == "_entry" { page.entryError = error.message }
        }
        return kit.page(
            page,
            title: visitor.pick("Chấm điểm", "Scoring"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }

    func row(_ visitor: PageVisitor, _ row: ScoreRow) -> ScoresPage.Row {
        let numbers = NumberFormat(visitor.language)
        return ScoresPage.Row(
            rank: row.rank,
            change: Self.change(row.change, visitor.language),
            unit: row.unit,
            name: row.name,
            total: row.total,
            exact: numbers.text(row.exact, fractionDigits: 2),
            grade: row.grade.rawValue,
            gradeName: visitor.pick(row.gradeName, "Class \(row.grade.rawValue)"),
            components: row.components.map {
                ScoresPage.Component(
                    code: $0.code,
                    points: numbers.text($0.points, fractionDigits: 2),
                    maximum: numbers.text($0.maximum),
                    working: $0.working
                )
            },
            missing: row.missing.map(\.vietnameseName),
            hasMissing: !row.missing.isEmpty
        )
    }

    /// Rank movement from last month: up (a smaller rank number) is good.
    static func change(_ change: Int?, _ language: Language) -> String {
        guard let change else { return "—" }
        if change > 0 { return language.pick("tăng \(change) bậc", "up \(change)") }
        if change < 0 { return language.pick("giảm \(-change) bậc", "down \(-change)") }
        return language.pick("giữ nguyên", "unchanged")
    }

    var currentMonth: ScoreMonth {
        let day = local.clock.today()
        return ScoreMonth("\(day.year)-\(day.month < 10 ? "0" : "")\(day.month)")!
    }

    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}

/// "Chấm điểm": the month's score table with each component's working, the entry form for the
/// indicators of a scored unit, the CSV import's refusals, and publishing.
struct ScoresPage: PageModel {
    static let template = "scores"

    /// A component's points and how they were reached.
    struct Component: Sendable {
        let code: String
        let points: String
        let maximum: String
        let working: String
    }

    /// One unit's score.
    struct Row: Sendable {
        let rank: Int
        let change: String
        let unit: String
        let name: String
        let total: Int
        let exact: String
        let grade: String
        let gradeName: String
        let components: [Component]
        let missing: [String]
        let hasMissing: Bool
    }

    /// How many values an import saved.
    struct Saved: Sendable {
        let count: Int
    }

    /// A scored unit to choose in the entry form.
    struct Unit: Sendable {
        let code: String
        let name: String
        let selected: Bool
    }

    /// One indicator's field in the entry form.
    struct Field: Sendable {
        let key: String
        let name: String
        let component: String
        let inputId: String
        let value: String
        let error: String?
    }

    let month: String
    let monthLabel: String
    let months: [PeriodWords.Choice]
    let scorer: String
    let rows: [Row]
    let empty: Bool
    let mayEnter: Bool
    let publishAction: String
    let xlsx: String
    let csv: String
    let publicHref: String
    let publishedAt: String?
    let justPublished: Bool?
    let saved: Saved?
    let monthError: String?
    let importError: String?
    let importLines: [String]?
    var units: [Unit]?
    var indicators: [Field]?
    var entryError: String?
}

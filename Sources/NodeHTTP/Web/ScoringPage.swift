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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                guard let month = ScoreMonth(form["month"] ?? "") else {
                    throw APIError.badRequest("Tháng không hợp lệ (ví dụ 2026-11)", "Invalid month")
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
                    let result = try await local.setIndicators(rows, source: "entry", by: visitor.actor)
                    throw PageRedirect(
                        location: "\(Self.path)?month=\(month)&unit=\(Self.query(typed.unit))&saved=\(result.changed)"
                    )
                } catch let error as APIError where error.status == .unprocessableContent {
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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
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
                        let result = try await local.setIndicators(rows, source: "import", by: visitor.actor)
                        throw PageRedirect(
                            location: "\(Self.path)?month=\(rows.first?.month ?? month)&saved=\(result.changed)"
                        )
                    } catch let error as APIError where error.status == .unprocessableContent {
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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                guard let month = ScoreMonth(try context.parameters.require("month")) else {
                    throw APIError.badRequest("Tháng không hợp lệ (ví dụ 2026-11)", "Invalid month")
                }
                _ = try await local.publishScores(month: month, by: visitor.actor)
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
        let table = try await local.scoreTable(month: month, for: visitor.actor)
        let scored = local.scoredUnits(by: visitor.actor.unit)
        let mayEnter = visitor.actor.holds(.approveReports) && !scored.isEmpty
        var values: [String: Any] = [
            "month": monthText ?? month.description, "month_label": "\(month.month)/\(month.year)",
            "months": PeriodWords.choices(
                today: local.clock.today(),
                chosen: month.description,
                visitor.language,
                monthsOnly: true
            ).map { TemplateValues(model: $0) },
            "scorer": kit.unitName(visitor.actor.unit),
            "rows": table.rows.map { row(visitor, $0) }, "empty": table.rows.isEmpty, "may_enter": mayEnter,
            "publish_action": "\(Self.path)/\(month)/publish",
            "xlsx": "/api/v1/scores/export?month=\(month)&format=xlsx",
            "csv": "/api/v1/scores/export?month=\(month)&format=csv",
            "public_href": "\(PublicRankingPage.path)?month=\(month)",
        ]
        if let published = table.publishedAt { values["published_at"] = PageDate.minute(published) }
        if published { values["just_published"] = true }
        if let saved { values["saved"] = ["count": saved] }
        if let monthError { values["month_error"] = monthError }
        if let importError {
            values["import_error"] = importError
            values["import_lines"] = importLines
        }
        if mayEnter {
            let unit = scored.contains(typed.unit) ? typed.unit : scored[0]
            var held: [String: Double] = [:]
            for value in try await local.indicatorValues(month: month, for: visitor.actor) where value.unit == unit {
                held[value.indicator.rawValue] = value.value
            }
            let numbers = NumberFormat(visitor.language)
            values["units"] = scored.map { ["code": $0, "name": kit.unitName($0), "selected": $0 == unit] }
            values["indicators"] = Indicator.allCases.map { indicator -> [String: Any] in
                var field: [String: Any] = [
                    "key": indicator.rawValue, "name": indicator.vietnameseName, "component": indicator.component,
                    "input_id": "i-\(indicator.rawValue)",
                    "value": typed.values[indicator.rawValue] ?? held[indicator.rawValue].map(numbers.text) ?? "",
                ]
                if typed.error?.field == indicator.rawValue { field["error"] = typed.error?.message }
                return field
            }
            if let error = typed.error, error.field == "_entry" { values["entry_error"] = error.message }
        }
        return kit.page(
            "scores",
            values,
            title: visitor.pick("Chấm điểm", "Scoring"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }

    func row(_ visitor: PageVisitor, _ row: ScoreRow) -> [String: Any] {
        let numbers = NumberFormat(visitor.language)
        return [
            "rank": row.rank, "change": Self.change(row.change, visitor.language), "unit": row.unit, "name": row.name,
            "total": row.total,
            "exact": numbers.text(row.exact, fractionDigits: 2), "grade": row.grade.rawValue,
            "grade_name": visitor.pick(row.gradeName, "Class \(row.grade.rawValue)"),
            "components": row.components.map {
                [
                    "code": $0.code, "points": numbers.text($0.points, fractionDigits: 2),
                    "maximum": numbers.text($0.maximum), "working": $0.working,
                ]
            },
            "missing": row.missing.map(\.vietnameseName), "has_missing": !row.missing.isEmpty,
        ]
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

import Hierarchy
import Node
import Reporting

/// The answers on the dashboard: a pivot of the units below against the form's numeric
/// questions (each cell that unit's subtree combined by the question's own rule, each unit a link
/// one level down), and the form across its periods (progress and answers, drawn and listed).
/// Choice questions stay in the Excel summary; table questions are shown whole for the unit
/// (`tableTotals`), since a grid does not fit one cell.
struct AnswerPivot: Sendable {
    struct Column: Sendable {
        let text: String
        /// How the question combines ("tổng", "trung bình", ...).
        let rule: String
    }

    struct Row: Sendable {
        let name: String
        let href: String?
        let cells: [String]
        let total: Bool
    }

    let columns: [Column]
    let rows: [Row]

    /// Nil when the form has no numeric question or nothing is below.
    init?(
        form: Form,
        children: [ChildFigures],
        total: AggregatedAnswers,
        totalName: String,
        link: (String) -> String,
        language: Language
    ) {
        let numbers = NumberFormat(language)
        let questions = form.questions.filter(\.kind.isNumeric)
        guard !questions.isEmpty, !children.isEmpty else { return nil }
        columns = questions.map { Column(text: $0.text, rule: Self.rule($0.aggregation, language)) }
        func cells(_ aggregate: AggregatedAnswers) -> [String] {
            questions.map { question in
                let item = aggregate.items.first { $0.question == question.id }
                return item?.value.map { numbers.text($0) } ?? "—"
            }
        }
        rows =
            children.map { Row(name: $0.name, href: link($0.unit), cells: cells($0.aggregate), total: false) }
            + [Row(name: totalName, href: nil, cells: cells(total), total: true)]
    }

    /// The table questions (the congress forms' Biểu 1–3 are nothing else) with every cell
    /// combined over the unit's subtree by its column's rule, laid out as the report shows them.
    static func tableTotals(form: Form, total: AggregatedAnswers, language: Language) -> [QuestionValues] {
        let tables = form.questions.filter { $0.kind == .table }
        var combined: [String: Answer] = [:]
        for question in tables {
            if let cells = total.items.first(where: { $0.question == question.id })?.cells {
                combined[question.id] = .table(cells)
            }
        }
        let model = FormPageModel(
            form: form,
            answers: Answers(combined),
            typed: [:],
            problems: [:],
            language: language
        )
        return tables.map { model.question($0) }
    }

    static func rule(_ aggregation: Aggregation, _ language: Language) -> String {
        switch aggregation {
        case .sum: language.pick("tổng", "sum")
        case .average: language.pick("trung bình", "average")
        case .min: language.pick("nhỏ nhất", "minimum")
        case .max: language.pick("lớn nhất", "maximum")
        case .last: language.pick("kỳ gần nhất", "latest")
        case .none: language.pick("không cộng dồn", "not combined")
        }
    }
}

/// A form across the periods it was assigned for, at the unit shown: progress per period and each
/// numeric question's combined answer per period with its change, drawn and listed.
struct FormTrendSection: Sendable {
    struct Period: Sendable {
        let name: String
        let submittedPct: String
        let approvedPct: String
    }

    struct Series: Sendable {
        let text: String
        let values: [String]
        /// The series drawn, when at least two periods have a value.
        let drawing: String?
    }

    let chart: String
    let periods: [Period]
    let series: [Series]

    /// Nil with fewer than two periods: a trend needs two points.
    init?(_ trend: FormTrend, language: Language) {
        guard trend.periods.count >= 2 else { return nil }
        let numbers = NumberFormat(language)
        periods = trend.periods.map {
            Period(
                name: PeriodWords.text($0.period, language),
                submittedPct: ProgressCharts.format($0.figures.submittedPercent, numbers),
                approvedPct: ProgressCharts.format($0.figures.approvedPercent, numbers)
            )
        }
        series = trend.trend.series.map { series in
            Series(
                text: series.text,
                values: series.points.map { point in
                    guard let value = point.value else { return "—" }
                    guard let change = point.changePercent else { return numbers.text(value) }
                    return
                        "\(numbers.text(value)) (\(change >= 0 ? "+" : "")\(numbers.text(change, fractionDigits: 1)) %)"
                },
                drawing: series.points.compactMap(\.value).count < 2
                    ? nil
                    : ProgressCharts.series(
                        series.points.map { (PeriodWords.text($0.period, language), $0.value) },
                        label: series.text,
                        numbers: numbers
                    )
            )
        }
        chart = ProgressCharts.trend(
            trend.periods.map {
                (
                    PeriodWords.text($0.period, language),
                    $0.figures.submittedPercent,
                    $0.figures.approvedPercent
                )
            },
            submitted: language.pick("Đã nộp %", "Submitted %"),
            approved: language.pick("Đã duyệt %", "Approved %"),
            label: language.pick("Tiến độ qua các kỳ", "Progress across periods"),
            numbers: numbers
        )
    }
}

import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting
import Spreadsheet

/// A file to download: its bytes, type and the name to offer.
package struct Download: Sendable {
    package let data: Data
    package let contentType: String
    package let fileName: String
}

/// The formats reports and summary tables download in.
package enum ExportFormat: String, Sendable {
    case xlsx
    case csv

    package init(query: Substring?) throws {
        guard let format = ExportFormat(rawValue: String(query ?? "xlsx")) else {
            throw DomainError(.exportFormatUnknown)
        }
        self = format
    }

    var contentType: String {
        switch self {
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .csv: "text/csv; charset=utf-8"
        }
    }

    package func download(_ workbook: Workbook, named name: String) throws -> Download {
        switch self {
        case .xlsx: Download(data: try XLSXWriter.data(workbook), contentType: contentType, fileName: "\(name).xlsx")
        case .csv: Download(data: CSVWriter.data(workbook.sheets[0]), contentType: contentType, fileName: "\(name).csv")
        }
    }
}

/// Reports as spreadsheets: one report as a workbook, and the subordinate summary table of an
/// assignment. Its own service because it reads the forms and the oversight figures.
package struct ReportExports: ReportAccess {
    let context: NodeContext
    /// The stored forms a report's answers are laid out by.
    let forms: Forms
    /// Whose summary an actor may read, and an assignment's progress and approved answers within a unit.
    let oversight: Oversight

    func form(owner: String, code: String, version: Int, _ db: Database) throws -> Form? {
        try forms.form(owner: owner, code: code, version: version, db)
    }

    /// One report as a workbook: its answers, and a sheet per table question (CSV: one flat sheet).
    package func report(_ id: String, format: ExportFormat, for actor: Actor) async throws -> Download {
        let (record, form) = try await database.pool.write { db -> (ReportRecord, Form) in
            let record = try readable(id, actor, db)
            guard
                let definition = try self.form(
                    owner: record.formOwner,
                    code: record.formCode,
                    version: record.formVersion,
                    db
                )
            else { throw DomainError(.notFound(.form)) }
            try audit.record(db, actor, action: "report.export", target: id, detail: format.rawValue)
            return (record, definition)
        }
        let sheets = ReportSheets(
            form: form,
            answers: record.answers,
            heading: [
                ("Biểu mẫu", form.title), ("Đơn vị", "\(tree[record.unit]?.name ?? record.unit) (\(record.unit))"),
                ("Kỳ báo cáo", Period(record.period)?.vietnameseLabel ?? record.period),
                ("Trạng thái", record.state.vietnameseName),
            ]
        )
        let workbook =
            format == .csv ? Workbook(sheets: [sheets.flat]) : Workbook(sheets: [sheets.answerSheet] + sheets.tables)
        return try format.download(workbook, named: "\(record.formCode)-\(record.unit)-\(record.period)")
    }

    /// The subordinate summary table: one row per child unit with its progress and the combined
    /// approved values of its subtree, and a total row.
    package func summary(
        assignment id: String,
        unit requested: String?,
        format: ExportFormat,
        for actor: Actor
    ) async throws -> Download {
        let unit = try oversight.overseenUnit(requested, for: actor)
        let (oversight, form, perChild) = try await database.pool.write {
            db -> (OversightView, Form, [String: AggregatedAnswers]) in
            let data = try self.oversight.data(assignment: id, unit: unit, db)
            try audit.record(db, actor, action: "summary.export", target: id, detail: format.rawValue)
            let perChild = Dictionary(
                data.view.progress.children.map { ($0.unit, data.kept.aggregate(child: $0.unit)) },
                uniquingKeysWith: { first, _ in first }
            )
            return (data.view, data.form, perChild)
        }
        let columns = SummaryColumns(form: form)
        var rows: [[Cell]] = [
            [.text("Bảng tổng hợp: \(form.title) — \(Period(oversight.period)?.vietnameseLabel ?? oversight.period)")],
            [
                .text("Đơn vị"), .text("Mã"), .text("Được giao"), .text("Đã gửi"), .text("Đã phê duyệt"),
                .text("Tỷ lệ phê duyệt (%)"),
            ] + columns.headers.map(Cell.text),
        ]
        for child in oversight.progress.children {
            rows.append(
                Self.progressCells(name: child.name, unit: child.unit, child.figures)
                    + columns.values(perChild[child.unit])
            )
        }
        rows.append(
            Self.progressCells(name: "Tổng cộng", unit: oversight.unit, oversight.progress.total)
                + columns.values(oversight.aggregate)
        )
        let sheet = Sheet(
            name: "Tổng hợp",
            rows: rows,
            headerRows: 2,
            columnWidths: [28, 10, 10, 10, 12, 14] + columns.headers.map { _ in 18 }
        )
        return try format.download(
            Workbook(sheets: [sheet]),
            named: "tong-hop-\(form.code)-\(oversight.unit)-\(oversight.period)"
        )
    }

    static func progressCells(name: String, unit: String, _ figures: ProgressFigures) -> [Cell] {
        let numbers: [Double] = [
            Double(figures.expected), Double(figures.submitted), Double(figures.approved), figures.approvedPercent,
        ]
        return [.text(name), .text(unit)] + numbers.map(Cell.number)
    }
}

/// The columns of a summary table: a number per numeric question, a count per choice option.
struct SummaryColumns {
    let headers: [String]
    private let picks: [(question: String, option: String?)]

    init(form: Form) {
        var headers: [String] = []
        var picks: [(String, String?)] = []
        for question in form.questions {
            if question.kind.isNumeric {
                headers.append(question.text)
                picks.append((question.id, nil))
            } else if question.kind.isChoice {
                for option in question.options {
                    headers.append("\(question.text) — \(option)")
                    picks.append((question.id, option))
                }
            }
        }
        self.headers = headers
        self.picks = picks
    }

    func values(_ aggregate: AggregatedAnswers?) -> [Cell] {
        let items = Dictionary(
            (aggregate?.items ?? []).map { ($0.question, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        return picks.map { pick in
            guard let item = items[pick.question] else { return .empty }
            if let option = pick.option { return .number(Double(item.counts?[option] ?? 0)) }
            return item.value.map(Cell.number) ?? .empty
        }
    }
}

/// The sheets of one report: its answers, one sheet per table question, and a flat form for CSV.
struct ReportSheets {
    let form: Form
    let answers: Answers
    let heading: [(String, String)]

    /// Heading, then group / question / answer, in form order.
    var answerSheet: Sheet {
        var rows = heading.map { [Cell.text($0.0), .text($0.1)] }
        rows.append([.text("Nhóm tiêu chí"), .text("Câu hỏi"), .text("Trả lời")])
        for group in form.groups {
            for question in group.questions {
                rows.append([
                    .text(group.title), .text(question.text + (question.required ? " *" : "")), answerCell(question),
                ])
            }
        }
        return Sheet(name: "Báo cáo", rows: rows, headerRows: heading.count + 1, columnWidths: [30, 60, 40])
    }

    /// A sheet per table question: row labels (sub-rows indented) × columns, with grouped headers.
    var tables: [Sheet] {
        form.questions.compactMap { question -> Sheet? in
            guard let layout = question.table else { return nil }
            let cells: [String: [String: Double]]
            if case .table(let given)? = answers[question.id] { cells = given } else { cells = [:] }
            let grouped = layout.columns.contains { $0.group != nil }
            var rows: [[Cell]] = [[.text("Chỉ tiêu")] + layout.columns.map { .text($0.group ?? $0.label) }]
            var merges: [CellRange] = []
            if grouped {
                rows.append([.empty] + layout.columns.map { $0.group == nil ? .empty : .text($0.label) })
                merges.append(CellRange(rows: 0...1, columns: 0...0))
                var index = 0
                while index < layout.columns.count {
                    let group = layout.columns[index].group
                    var end = index
                    while end + 1 < layout.columns.count, layout.columns[end + 1].group == group, group != nil {
                        end += 1
                    }
                    if group == nil {
                        merges.append(CellRange(rows: 0...1, columns: (index + 1)...(index + 1)))
                    } else if end > index {
                        merges.append(CellRange(rows: 0...0, columns: (index + 1)...(end + 1)))
                    }
                    index = end + 1
                }
            }
            for (row, depth) in layout.flatRows {
                rows.append(
                    [.text(String(repeating: "    ", count: depth) + row.label)]
                        + layout.columns.map { column in
                            cells[row.id]?[column.id].map(Cell.number) ?? .empty
                        }
                )
            }
            return Sheet(
                name: question.text,
                rows: rows,
                headerRows: grouped ? 2 : 1,
                columnWidths: [44] + layout.columns.map { _ in 14 },
                merges: merges
            )
        }
    }

    /// Everything on one sheet, tables as one line per cell (for CSV).
    var flat: Sheet {
        var rows = heading.map { [Cell.text($0.0), .text($0.1)] }
        rows.append([.text("Nhóm tiêu chí"), .text("Câu hỏi"), .text("Dòng"), .text("Cột"), .text("Giá trị")])
        for group in form.groups {
            for question in group.questions {
                if let layout = question.table {
                    let cells: [String: [String: Double]]
                    if case .table(let given)? = answers[question.id] { cells = given } else { cells = [:] }
                    for (row, _) in layout.flatRows {
                        for column in layout.columns {
                            rows.append([
                                .text(group.title), .text(question.text), .text(row.label), .text(column.label),
                                cells[row.id]?[column.id].map(Cell.number) ?? .empty,
                            ])
                        }
                    }
                } else {
                    rows.append([.text(group.title), .text(question.text), .empty, .empty, answerCell(question)])
                }
            }
        }
        return Sheet(name: "Báo cáo", rows: rows, headerRows: heading.count + 1)
    }

    private func answerCell(_ question: Question) -> Cell {
        switch answers[question.id] {
        case .number(let value)?: .number(value)
        case .text(let value)?: .text(question.kind == .date ? (CalendarDate(value)?.vietnameseLabel ?? value) : value)
        case .choice(let value)?: .text(value)
        case .choices(let values)?: .text(values.joined(separator: "; "))
        case .table?: .text("(xem bảng “\(question.text)”)")
        case nil: .empty
        }
    }
}

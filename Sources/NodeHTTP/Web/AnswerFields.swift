import Foundation
import Hierarchy
import Node
import Reporting

/// Turns a form post into `Answers` and `Answers` into the values shown in the fields. Field
/// names: `q:<question>` (a value; several for checkboxes) and `t:<question>:<row>:<column>`
/// (a table cell). Numbers are read the page language's way (`NumberFormat`: "1.234,5" in
/// Vietnamese). What a person typed that is not a number, or not an unambiguous one, stays in
/// `typed`, with a problem for its question, so the page can show it again next to the field.
struct AnswerFields {
    var answers: [String: Answer] = [:]
    /// Raw text per field name, as typed.
    var typed: [String: String] = [:]
    /// Problems per question id, in Vietnamese / English (a table's bad cells in one text).
    var problems: [String: String] = [:]
    /// The table cells that did not read, per question: `(row, column)`.
    var badCells: [String: [(row: String, column: String)]] = [:]

    init(form: Form, post: PageForm, language: Language) {
        let numbers = NumberFormat(language)
        for question in form.questions {
            let name = "q:\(question.id)"
            switch question.kind {
            case .singleChoice:
                if let value = post[name], !value.isEmpty { answers[question.id] = .choice(value) }
            case .multipleChoice:
                let chosen = post.all(name).filter { !$0.isEmpty }
                if !chosen.isEmpty { answers[question.id] = .choices(chosen) }
            case .paragraph:
                let value = post[name] ?? ""
                typed[name] = value
                if !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    answers[question.id] = .text(value)
                }
            case .date:
                // Typed dd/mm/yyyy (or yyyy-mm-dd), stored as yyyy-mm-dd; a wrong day is explained, kept as typed.
                let value = post[name] ?? ""
                typed[name] = value
                guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if let day = CalendarDate(typed: value) {
                    answers[question.id] = .text(day.description)
                } else {
                    problems[question.id] = language.pick(
                        "“\(question.text)”: ngày “\(value)” không hợp lệ; hãy nhập theo dạng dd/mm/yyyy, ví dụ 15/12/2026",
                        "“\(question.text)”: “\(value)” is not a date; type it as dd/mm/yyyy, e.g. 15/12/2026"
                    )
                }
            case .integer, .decimal, .percentage:
                let value = post[name] ?? ""
                typed[name] = value
                guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                switch numbers.read(value) {
                case .success(let number): answers[question.id] = .number(number)
                case .failure(let problem): problems[question.id] = "“\(question.text)”: \(numbers.message(problem))"
                }
            case .table:
                guard let layout = question.table else { continue }
                var cells: [String: [String: Double]] = [:]
                for (row, _) in layout.flatRows {
                    for column in layout.columns {
                        let field = "t:\(question.id):\(row.id):\(column.id)"
                        let value = post[field] ?? ""
                        typed[field] = value
                        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                        switch numbers.read(value) {
                        case .success(let number): cells[row.id, default: [:]][column.id] = number
                        case .failure(let problem):
                            let cell =
                                language.pick(
                                    "ô \(row.label) × \(column.label) ",
                                    "cell \(row.label) × \(column.label) "
                                )
                                + numbers.message(problem)
                            // Every bad cell at once, not the last one only.
                            problems[question.id] =
                                problems[question.id].map { "\($0); \(cell)" } ?? "“\(question.text)”: \(cell)"
                            badCells[question.id, default: []].append((row.id, column.id))
                        }
                    }
                }
                if !cells.isEmpty { answers[question.id] = .table(cells) }
            }
        }
    }

    /// What a save keeps for a question that has a problem, so that one bad field blocks nothing
    /// else: the stored answer; for a table whose only problem is cells that did not read, the
    /// cells typed well with the stored values of the bad ones.
    func kept(_ question: Question, stored: Answers, cellsOnly: Bool) -> Answer? {
        guard question.kind == .table, cellsOnly, case .table(var cells)? = answers[question.id] else {
            return stored[question.id]
        }
        var before: [String: [String: Double]] = [:]
        if case .table(let values)? = stored[question.id] { before = values }
        for (row, column) in badCells[question.id] ?? [] {
            cells[row, default: [:]][column] = before[row]?[column]
        }
        return .table(cells)
    }

    /// The field a problem's link leads to: the first bad cell of a table, the first choice, or the input.
    func field(of question: Question) -> String {
        switch question.kind {
        case .singleChoice, .multipleChoice: return "f-\(question.id)-0"
        case .table:
            if let cell = badCells[question.id]?.first { return "f-t:\(question.id):\(cell.row):\(cell.column)" }
            guard let layout = question.table, let row = layout.flatRows.first?.0, let column = layout.columns.first
            else { return "q-\(question.id)" }
            return "f-t:\(question.id):\(row.id):\(column.id)"
        default: return "f-\(question.id)"
        }
    }
}

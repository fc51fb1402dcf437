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
    /// Problems per question id, in Vietnamese / English.
    var problems: [String: String] = [:]

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
                            problems[question.id] =
                                language.pick(
                                    "“\(question.text)”: ô \(row.label) × \(column.label) ",
                                    "“\(question.text)”: cell \(row.label) × \(column.label) "
                                )
                                + numbers.message(problem)
                        }
                    }
                }
                if !cells.isEmpty { answers[question.id] = .table(cells) }
            }
        }
    }
}

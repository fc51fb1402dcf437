import Foundation
import Reporting

/// Turns a form post into `Answers` and `Answers` into the values shown in the fields. Field
/// names: `q:<question>` (a value; several for checkboxes) and `t:<question>:<row>:<column>`
/// (a table cell). What a person typed that is not even a number stays in `typed`, with a problem
/// for its question, so the page can show it again next to the field.
struct AnswerFields {
    var answers: [String: Answer] = [:]
    /// Raw text per field name, as typed.
    var typed: [String: String] = [:]
    /// Problems per question id, in Vietnamese / English.
    var problems: [String: String] = [:]

    init(form: Form, post: PageForm, language: Language) {
        for question in form.questions {
            let name = "q:\(question.id)"
            switch question.kind {
            case .singleChoice:
                if let value = post[name], !value.isEmpty { answers[question.id] = .choice(value) }
            case .multipleChoice:
                let chosen = post.all(name).filter { !$0.isEmpty }
                if !chosen.isEmpty { answers[question.id] = .choices(chosen) }
            case .paragraph, .date:
                let value = post[name] ?? ""
                typed[name] = value
                if !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { answers[question.id] = .text(value) }
            case .integer, .decimal, .percentage:
                let value = post[name] ?? ""
                typed[name] = value
                guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if let number = Self.number(value) {
                    answers[question.id] = .number(number)
                } else {
                    problems[question.id] = language.pick("“\(question.text)”: phải là một số", "“\(question.text)”: must be a number")
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
                        if let number = Self.number(value) {
                            cells[row.id, default: [:]][column.id] = number
                        } else {
                            problems[question.id] = language.pick("“\(question.text)”: ô \(row.label) × \(column.label) phải là một số",
                                                                  "“\(question.text)”: cell \(row.label) × \(column.label) must be a number")
                        }
                    }
                }
                if !cells.isEmpty { answers[question.id] = .table(cells) }
            }
        }
    }

    /// A number as people type it here: "1234", "12.5", "12,5" (a decimal comma), "1 234".
    static func number(_ text: String) -> Double? {
        var cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
        if cleaned.contains(","), !cleaned.contains(".") { cleaned = cleaned.replacingOccurrences(of: ",", with: ".") }
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// A stored number as a person reads it: no ".0" on whole numbers.
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

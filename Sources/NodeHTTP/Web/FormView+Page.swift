import Foundation
import Node
import Reporting

/// The values a form template needs: criteria groups, questions of every kind with their current
/// values (as typed, or as stored), problems next to them, table grids with sub-rows.
struct FormPageModel {
    let form: Form
    let answers: Answers
    let typed: [String: String]
    let problems: [String: String]
    let language: Language

    var numbers: NumberFormat { NumberFormat(language) }

    var groups: [FormGroupValues] {
        form.groups.enumerated().map { index, group in
            FormGroupValues(
                id: group.id,
                title: group.title,
                questions: group.questions.map(question),
                open: index == 0 || group.questions.contains { problems[$0.id] != nil },
                count: group.questions.count
            )
        }
    }

    func question(_ question: Question) -> QuestionValues {
        let name = "q:\(question.id)"
        let answer = answers[question.id]
        var values = QuestionValues(
            id: question.id,
            field: name,
            text: question.text,
            required: question.required,
            inputId: "f-\(question.id)",
            kindSingleChoice: question.kind == .singleChoice,
            kindMultipleChoice: question.kind == .multipleChoice,
            kindParagraph: question.kind == .paragraph,
            kindDate: question.kind == .date,
            kindTable: question.kind == .table,
            isNumber: question.kind.isNumeric,
            errorId: "e-\(question.id)",
            // "(%)" after the text, unless the text says it already (no "(%) (%)").
            percentMark: question.kind == .percentage && !question.text.contains("%"),
            explanation: question.explanation,
            error: problems[question.id]
        )
        switch question.kind {
        case .singleChoice, .multipleChoice:
            let chosen: Set<String> =
                switch answer {
                case .choice(let value)?, .text(let value)?: [value]
                case .choices(let list)?: Set(list)
                default: []
                }
            values.options = question.options.enumerated().map { index, option in
                QuestionValues.Option(
                    value: option,
                    checked: chosen.contains(option),
                    inputId: "f-\(question.id)-\(index)",
                    field: name
                )
            }
            values.display = question.options.filter(chosen.contains).joined(separator: "; ")
        case .paragraph, .date:
            var text = ""
            if case .text(let value)? = answer { text = value }
            values.value = typed[name] ?? (question.kind == .date ? PageDate.isoDay(text) : text)
            values.display = question.kind == .date ? PageDate.isoDay(text) : text
        case .integer, .decimal, .percentage:
            let stored = answer?.number.map(numbers.text) ?? ""
            values.value = typed[name] ?? stored
            values.display = stored.isEmpty ? "" : stored + (question.kind == .percentage ? " %" : "")
        case .table:
            values.table = table(question, answer)
        }
        return values
    }

    func table(_ question: Question, _ answer: Answer?) -> QuestionValues.Table? {
        guard let layout = question.table else { return nil }
        var cells: [String: [String: Double]] = [:]
        if case .table(let stored)? = answer { cells = stored }
        // The shared headers ("Trong đó") over adjacent columns.
        var groups: [QuestionValues.Table.Group] = []
        for column in layout.columns {
            let label = column.group ?? ""
            if let last = groups.last, last.label == label, !label.isEmpty {
                groups[groups.count - 1].span += 1
            } else {
                groups.append(QuestionValues.Table.Group(label: label, span: 1))
            }
        }
        let rows = layout.flatRows.map { row, depth in
            QuestionValues.Table.Row(
                id: row.id,
                label: row.label,
                depth: depth,
                parentRows: !row.rows.isEmpty,
                rowKey: "\(question.id)-\(row.id)",
                childrenKeys: row.rows.map { "\(question.id)-\($0.id)" }.joined(separator: " "),
                cells: layout.columns.map { column in
                    let field = "t:\(question.id):\(row.id):\(column.id)"
                    let stored = cells[row.id]?[column.id].map(numbers.text) ?? ""
                    return QuestionValues.Table.Cell(
                        field: field,
                        value: typed[field] ?? stored,
                        display: stored,
                        label: "\(row.label) — \(column.label)",
                        inputId: "f-\(field)"
                    )
                }
            )
        }
        return QuestionValues.Table(
            columns: layout.columns.map { QuestionValues.Table.Column(label: $0.label) },
            groups: groups,
            hasGroups: layout.columns.contains { $0.group != nil },
            rows: rows
        )
    }
}

/// A criteria group of a form as the form templates read it (folded, with its questions).
struct FormGroupValues: Sendable {
    let id: String
    let title: String
    let questions: [QuestionValues]
    let open: Bool
    let count: Int
}

/// One question as `question_input` and `question_view` read it: its kind as conditions, the
/// value as typed or stored, the problem next to it, its options or its table grid.
struct QuestionValues: Sendable {
    /// A choice of a single- or multiple-choice question.
    struct Option: Sendable {
        let value: String
        let checked: Bool
        let inputId: String
        let field: String
    }

    /// A table question's grid: column headers (grouped), rows with sub-rows, one cell per column.
    struct Table: Sendable {
        /// A header column.
        struct Column: Sendable {
            let label: String
        }

        /// A shared header over adjacent columns.
        struct Group: Sendable {
            let label: String
            var span: Int
        }

        /// One cell of a row.
        struct Cell: Sendable {
            let field: String
            let value: String
            let display: String
            let label: String
            let inputId: String
        }

        /// One row, at its depth, with the keys of its sub-rows.
        struct Row: Sendable {
            let id: String
            let label: String
            let depth: Int
            let parentRows: Bool
            let rowKey: String
            let childrenKeys: String
            let cells: [Cell]
        }

        let columns: [Column]
        let groups: [Group]
        let hasGroups: Bool
        let rows: [Row]
    }

    let id: String
    let field: String
    let text: String
    let required: Bool
    let inputId: String
    let kindSingleChoice: Bool
    let kindMultipleChoice: Bool
    let kindParagraph: Bool
    let kindDate: Bool
    let kindTable: Bool
    let isNumber: Bool
    let errorId: String
    let percentMark: Bool
    let explanation: String?
    let error: String?
    var options: [Option]?
    var display: String?
    var value: String?
    var table: Table?
}

import Foundation
import Node
import Reporting

/// The values a form template needs: criteria groups, questions of every kind with their current
/// values (as typed, or as stored), problems next to them, table grids with sub-rows, computed
/// totals, and the form's broken rules next to the cells they mark.
struct FormPageModel {
    let form: Form
    /// The answers with computed totals (when they fit the form).
    let answers: Answers
    let typed: [String: String]
    let problems: [String: String]
    let language: Language
    /// The form's rules broken by the answers, in form order.
    let violations: [RuleViolation]
    let computed: Set<CellReference>

    init(form: Form, answers: Answers, typed: [String: String], problems: [String: String], language: Language) {
        self.form = form
        self.answers = (try? answers.validated(against: form).get()) ?? answers
        self.typed = typed
        self.problems = problems
        self.language = language
        violations = form.violations(in: self.answers)
        computed = form.computedCells()
    }

    var numbers: NumberFormat { NumberFormat(language) }

    /// The explanations of broken rules next to one cell (`CellReference.key`).
    func notes(_ key: String) -> [RuleNote] {
        violations.filter { $0.cells.contains { $0.key == key } }.map {
            RuleNote(
                text: $0.text(vietnamese: language == .vi),
                severity: $0.severity.rawValue,
                blocking: $0.severity == .error
            )
        }
    }

    /// Every broken rule, errors first, each with a link to the first cell it marks.
    func ruleList(editLink: String?) -> [RuleNote] {
        let ordered = violations.filter { $0.severity == .error } + violations.filter { $0.severity == .warning }
        return ordered.map { violation in
            let field = violation.cells.first.map(Self.field)
            return RuleNote(
                text: violation.text(vietnamese: language == .vi),
                severity: violation.severity.rawValue,
                blocking: violation.severity == .error,
                href: field.flatMap { field in editLink.map { "\($0)#f-\(field)" } }
            )
        }
    }

    /// The input id of a cell after `f-`: the question's id, or `t:question:row:column`.
    static func field(_ cell: CellReference) -> String {
        guard let row = cell.row, let column = cell.column else { return cell.question }
        return "t:\(cell.question):\(row):\(column)"
    }

    /// The resolved totals and rules as JSON, for the page's script; nil when the form has none.
    var checksJSON: String? {
        let checks = form.resolvedChecks()
        guard !checks.isEmpty, let data = try? JSONEncoder().encode(checks) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

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
            error: problems[question.id],
            notes: notes(question.id),
            noteId: "n-q:\(question.id)"
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
                    let cell = CellReference(question: question.id, row: row.id, column: column.id)
                    let isComputed = computed.contains(cell)
                    return QuestionValues.Table.Cell(
                        field: field,
                        // A computed total shows its value, never what was typed.
                        value: isComputed ? stored : typed[field] ?? stored,
                        display: stored,
                        label: "\(row.label) — \(column.label)",
                        columnLabel: column.label,
                        inputId: "f-\(field)",
                        computed: isComputed,
                        notes: notes(cell.key),
                        noteId: "n-\(field)"
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
            /// The column's header, shown before the value when a row is laid out as a card (phones).
            let columnLabel: String
            let inputId: String
            /// A total computed from other cells: shown, not typed.
            let computed: Bool
            let notes: [RuleNote]
            let noteId: String
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
    /// Broken rules marking this question (numeric questions; a table's are on its cells).
    let notes: [RuleNote]
    let noteId: String
    var options: [Option]?
    var display: String?
    var value: String?
    var table: Table?
}

/// A broken rule's explanation as the pages show it: next to a cell, or in the list of a
/// report's broken rules (`severity` is `error`, which blocks submission, or `warning`).
struct RuleNote: Sendable {
    let text: String
    let severity: String
    let blocking: Bool
    var href: String?
}

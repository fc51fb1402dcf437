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

    var groups: [[String: Any]] {
        form.groups.enumerated().map { index, group in
            let questions = group.questions.map(question)
            return [
                "id": group.id, "title": group.title, "questions": questions,
                "open": index == 0 || group.questions.contains { problems[$0.id] != nil },
                "count": group.questions.count,
            ]
        }
    }

    func question(_ question: Question) -> [String: Any] {
        let name = "q:\(question.id)"
        let answer = answers[question.id]
        var values: [String: Any] = [
            "id": question.id, "field": name, "text": question.text, "required": question.required,
            "input_id": "f-\(question.id)", "kind_\(question.kind.rawValue)": true,
            "is_number": question.kind.isNumeric, "error_id": "e-\(question.id)",
            // "(%)" after the text, unless the text says it already (no "(%) (%)").
            "percent_mark": question.kind == .percentage && !question.text.contains("%"),
        ]
        if let explanation = question.explanation, !explanation.isEmpty { values["explanation"] = explanation }
        if let problem = problems[question.id] { values["error"] = problem }
        switch question.kind {
        case .singleChoice, .multipleChoice:
            let chosen: Set<String> =
                switch answer {
                case .choice(let value)?, .text(let value)?: [value]
                case .choices(let list)?: Set(list)
                default: []
                }
            values["options"] = question.options.enumerated().map { index, option in
                [
                    "value": option, "checked": chosen.contains(option), "input_id": "f-\(question.id)-\(index)",
                    "field": name,
                ]
            }
            values["display"] = question.options.filter(chosen.contains).joined(separator: "; ")
        case .paragraph, .date:
            var text = ""
            if case .text(let value)? = answer { text = value }
            values["value"] = typed[name] ?? (question.kind == .date ? PageDate.isoDay(text) : text)
            values["display"] = question.kind == .date ? PageDate.isoDay(text) : text
        case .integer, .decimal, .percentage:
            let stored = answer?.number.map(numbers.text) ?? ""
            values["value"] = typed[name] ?? stored
            values["display"] = stored.isEmpty ? "" : stored + (question.kind == .percentage ? " %" : "")
        case .table:
            values["table"] = table(question, answer)
        }
        return values
    }

    func table(_ question: Question, _ answer: Answer?) -> [String: Any] {
        guard let layout = question.table else { return [:] }
        var cells: [String: [String: Double]] = [:]
        if case .table(let stored)? = answer { cells = stored }
        // The shared headers ("Trong đó") over adjacent columns.
        var groups: [[String: Any]] = []
        for column in layout.columns {
            let label = column.group ?? ""
            if let last = groups.last, last["label"] as? String == label, !label.isEmpty {
                groups[groups.count - 1]["span"] = (last["span"] as? Int ?? 1) + 1
            } else {
                groups.append(["label": label, "span": 1])
            }
        }
        let rows: [[String: Any]] = layout.flatRows.map { row, depth in
            [
                "id": row.id, "label": row.label, "depth": depth, "parent_rows": !row.rows.isEmpty,
                "row_key": "\(question.id)-\(row.id)",
                "children_keys": row.rows.map { "\(question.id)-\($0.id)" }.joined(separator: " "),
                "cells": layout.columns.map { column -> [String: Any] in
                    let field = "t:\(question.id):\(row.id):\(column.id)"
                    let stored = cells[row.id]?[column.id].map(numbers.text) ?? ""
                    return [
                        "field": field, "value": typed[field] ?? stored, "display": stored,
                        "label": "\(row.label) — \(column.label)", "input_id": "f-\(field)",
                    ]
                },
            ]
        }
        return [
            "columns": layout.columns.map { ["label": $0.label] }, "groups": groups,
            "has_groups": layout.columns.contains { $0.group != nil },
            "rows": rows,
        ]
    }
}

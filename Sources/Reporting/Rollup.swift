import Foundation
import Hierarchy

/// Quarterly and yearly values computed from a unit's monthly reports (Regulation 02 Art. 9):
/// numbers by each question's aggregation (a sum adds the months, an average averages them,
/// `last` keeps the latest month), table cells by their column's, and other answers — choices,
/// text, dates — from the latest month that gave one.
public enum Rollup {
    /// `months` in period order; questions of `form` without a counterpart stay unanswered.
    public static func answers(for form: Form, from months: [Answers]) -> Answers {
        var result: [String: Answer] = [:]
        for question in form.questions {
            let given = months.compactMap { $0[question.id] }
            guard !given.isEmpty else { continue }
            if question.kind.isNumeric {
                if let value = question.aggregation.combine(given.compactMap(\.number)) {
                    result[question.id] = .number(value)
                }
            } else if let layout = question.table {
                let tables = given.compactMap { answer -> [String: [String: Double]]? in
                    if case .table(let cells) = answer { return cells }
                    return nil
                }
                var cells: [String: [String: Double]] = [:]
                for (row, _) in layout.flatRows {
                    for column in layout.columns {
                        if let value = column.aggregation.combine(tables.compactMap { $0[row.id]?[column.id] }) {
                            cells[row.id, default: [:]][column.id] = value
                        }
                    }
                }
                if !cells.isEmpty { result[question.id] = .table(cells) }
            } else {
                result[question.id] = given.last
            }
        }
        return Answers(result)
    }
}

import Hierarchy

/// The answers of many reports of one form combined question by question: numbers by each
/// question's aggregation, choices as counts per option.
public struct AggregatedAnswers: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public let question: String
        public let aggregation: Aggregation
        /// How many reports answered the question.
        public let answered: Int
        /// The combined value, for numeric questions.
        public let value: Double?
        /// Counts per option, for choice questions.
        public let counts: [String: Int]?
        /// Combined cells (row id → column id → value), for table questions.
        public var cells: [String: [String: Double]]? = nil
    }

    public let reports: Int
    public let items: [Item]

    /// `answers` must be in period order when a question aggregates by `last`.
    public init(form: Form, answers: [Answers]) {
        reports = answers.count
        items = form.questions.compactMap { question in
            let given = answers.compactMap { $0[question.id] }
            if question.kind.isNumeric {
                let numbers = given.compactMap(\.number)
                return Item(
                    question: question.id,
                    aggregation: question.aggregation,
                    answered: numbers.count,
                    value: question.aggregation.combine(numbers),
                    counts: nil
                )
            }
            if question.kind.isChoice {
                var counts = Dictionary(uniqueKeysWithValues: question.options.map { ($0, 0) })
                for answer in given {
                    switch answer {
                    case .choice(let option), .text(let option): counts[option, default: 0] += 1
                    case .choices(let options): for option in options { counts[option, default: 0] += 1 }
                    case .number, .table: break
                    }
                }
                return Item(
                    question: question.id,
                    aggregation: .none,
                    answered: given.count,
                    value: nil,
                    counts: counts
                )
            }
            if let layout = question.table {
                let tables = given.compactMap { answer -> [String: [String: Double]]? in
                    if case .table(let cells) = answer { return cells }
                    return nil
                }
                var cells: [String: [String: Double]] = [:]
                for (row, _) in layout.flatRows {
                    for column in layout.columns {
                        let values = tables.compactMap { $0[row.id]?[column.id] }
                        if let value = column.aggregation.combine(values) {
                            cells[row.id, default: [:]][column.id] = value
                        }
                    }
                }
                return Item(
                    question: question.id,
                    aggregation: .none,
                    answered: tables.count,
                    value: nil,
                    counts: nil,
                    cells: cells
                )
            }
            return nil
        }
    }
}

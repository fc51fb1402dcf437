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
                return Item(question: question.id, aggregation: question.aggregation, answered: numbers.count,
                            value: question.aggregation.combine(numbers), counts: nil)
            }
            if question.kind.isChoice {
                var counts = Dictionary(uniqueKeysWithValues: question.options.map { ($0, 0) })
                for answer in given {
                    switch answer {
                    case .choice(let option), .text(let option): counts[option, default: 0] += 1
                    case .choices(let options): for option in options { counts[option, default: 0] += 1 }
                    case .number: break
                    }
                }
                return Item(question: question.id, aggregation: .none, answered: given.count, value: nil, counts: counts)
            }
            return nil
        }
    }
}

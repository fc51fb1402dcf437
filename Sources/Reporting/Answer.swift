import Foundation

/// One answer to one question. JSON: a number, a string (single choice, paragraph or date — which
/// one the question decides), an array of strings (multiple choice), or an object of rows of
/// numbers (table: row id → column id → value).
public enum Answer: Sendable, Hashable, Codable {
    case number(Double)
    case text(String)
    case choice(String)
    case choices([String])
    case table([String: [String: Double]])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let list = try? container.decode([String].self) {
            self = .choices(list)
        } else if let cells = try? container.decode([String: [String: Double]].self) {
            self = .table(cells)
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "an answer is a number, a string, a list of strings or a table of numbers"
                )
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .text(let value), .choice(let value): try container.encode(value)
        case .choices(let values): try container.encode(values)
        case .table(let cells): try container.encode(cells)
        }
    }

    /// Reads a decoded JSON string as the choice it is when the question is a single choice.
    func shaped(for kind: QuestionKind) -> Answer {
        if case .text(let value) = self, kind == .singleChoice { return .choice(value) }
        return self
    }

    var isEmpty: Bool {
        switch self {
        case .number: false
        case .text(let value), .choice(let value): value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .choices(let values): values.isEmpty
        case .table(let cells): cells.values.allSatisfy(\.isEmpty)
        }
    }

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

/// The answers of one report, keyed by question id.
public struct Answers: Sendable, Hashable, Codable {
    public private(set) var values: [String: Answer]

    public init(_ values: [String: Answer] = [:]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: Answer].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    public subscript(id: String) -> Answer? { values[id] }

    /// Validates against the form and returns the answers shaped by question kind, computed
    /// totals set (what was typed in them ignored), empty answers dropped; or every problem
    /// found, in Vietnamese, keyed by question id. The form's rules are not checked here
    /// (`Form.violations(in:)`): a draft keeps what breaks them.
    public func validated(against form: Form) -> Result<Answers, AnswerProblems> {
        var problems: [String: String] = [:]
        var shaped: [String: Answer] = [:]
        for (id, answer) in form.computingTotals(values) {
            guard let question = form.question(id) else {
                problems[id] = "Câu hỏi “\(id)” không có trong biểu mẫu"
                continue
            }
            let answer = answer.shaped(for: question.kind)
            if answer.isEmpty { continue }
            if let problem = question.check(answer) { problems[id] = problem } else { shaped[id] = answer }
        }
        return problems.isEmpty ? .success(Answers(shaped)) : .failure(AnswerProblems(byQuestion: problems))
    }

    /// The answers that fit the form, the others dropped (for values computed rather than typed).
    public func fitting(_ form: Form) -> Answers {
        Answers(
            values.filter { id, answer in
                guard let question = form.question(id) else { return false }
                return question.check(answer.shaped(for: question.kind)) == nil
            }
        )
    }

    /// Required questions without an answer, in form order.
    public func missingRequired(in form: Form) -> [Question] {
        form.questions.filter { $0.required && (values[$0.id].map(\.isEmpty) ?? true) }
    }
}

/// Answers that do not fit their form, per question id, with messages for the person who typed them.
public struct AnswerProblems: Error, Sendable, Hashable {
    public let byQuestion: [String: String]
}

import Foundation
import Hierarchy

/// One question of a form, with what it accepts and how its answers combine up the tree.
public struct Question: Codable, Sendable, Hashable {
    public let id: String
    public let text: String
    /// Shown on demand ("Giải thích tiêu chí").
    public let explanation: String?
    public let required: Bool
    public let kind: QuestionKind
    /// Options for single and multiple choice.
    public let options: [String]
    public let minimum: Double?
    public let maximum: Double?
    /// How numeric answers combine; choices always combine as counts per option, table cells by
    /// their column's aggregation.
    public let aggregation: Aggregation
    /// Rows and columns, for table questions.
    public let table: TableLayout?

    public init(
        id: String,
        text: String,
        explanation: String? = nil,
        required: Bool = false,
        kind: QuestionKind,
        options: [String] = [],
        minimum: Double? = nil,
        maximum: Double? = nil,
        aggregation: Aggregation? = nil,
        table: TableLayout? = nil
    ) {
        self.id = id
        self.text = text
        self.explanation = explanation
        self.required = required
        self.kind = kind
        self.options = options
        self.minimum = minimum
        self.maximum = maximum
        self.aggregation = aggregation ?? kind.defaultAggregation
        self.table = table
    }

    enum CodingKeys: String, CodingKey {
        case id, text, explanation, required, kind, options, minimum, maximum, aggregation, table
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            text: try container.decode(String.self, forKey: .text),
            explanation: try container.decodeIfPresent(String.self, forKey: .explanation),
            required: try container.decodeIfPresent(Bool.self, forKey: .required) ?? false,
            kind: try container.decode(QuestionKind.self, forKey: .kind),
            options: try container.decodeIfPresent([String].self, forKey: .options) ?? [],
            minimum: try container.decodeIfPresent(Double.self, forKey: .minimum),
            maximum: try container.decodeIfPresent(Double.self, forKey: .maximum),
            aggregation: try container.decodeIfPresent(Aggregation.self, forKey: .aggregation),
            table: try container.decodeIfPresent(TableLayout.self, forKey: .table)
        )
    }

    func problems() -> [String] {
        var problems: [String] = []
        if !Unit.isValidIdentifier(id) {
            problems.append("question id '\(id)' must be letters, digits, '-', '_' or '.'")
        }
        if text.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("question '\(id)' has no text") }
        if kind.isChoice {
            if options.isEmpty { problems.append("question '\(id)' needs options") }
            if Set(options).count != options.count { problems.append("question '\(id)' repeats an option") }
        }
        if let minimum, let maximum, minimum > maximum { problems.append("question '\(id)' has minimum above maximum") }
        switch (kind, table) {
        case (.table, nil): problems.append("table question '\(id)' needs rows and columns")
        case (.table, let table?): problems.append(contentsOf: table.problems(question: id))
        case (_, _?): problems.append("question '\(id)' has a table layout but is not a table")
        default: break
        }
        return problems
    }

    /// Checks one answer against the question; returns a problem in Vietnamese, or nil.
    public func check(_ answer: Answer) -> String? {
        switch (kind, answer) {
        case (.integer, .number(let value)), (.decimal, .number(let value)), (.percentage, .number(let value)):
            return NumericRule(kind: kind, minimum: minimum, maximum: maximum).check(value).map { "“\(text)”: \($0)" }
        case (.singleChoice, .choice(let option)):
            return options.contains(option) ? nil : "“\(text)”: lựa chọn không hợp lệ"
        case (.multipleChoice, .choices(let chosen)):
            if Set(chosen).count != chosen.count { return "“\(text)”: lựa chọn bị trùng" }
            return chosen.allSatisfy(options.contains) ? nil : "“\(text)”: lựa chọn không hợp lệ"
        case (.paragraph, .text(let value)):
            return value.count <= 20_000 ? nil : "“\(text)”: nội dung quá dài (tối đa 20.000 ký tự)"
        case (.date, .text(let value)):
            return CalendarDate(value) == nil ? "“\(text)”: ngày không hợp lệ (định dạng yyyy-mm-dd)" : nil
        case (.table, .table(let cells)):
            return table?.check(cells).map { "“\(text)”: \($0)" }
        default:
            return "“\(text)”: kiểu câu trả lời không đúng"
        }
    }
}

/// The bounds and kind a number must respect: a numeric question, or a table column.
struct NumericRule {
    let kind: QuestionKind
    let minimum: Double?
    let maximum: Double?

    /// Larger magnitudes are refused so that sums up the whole tree stay finite and exact enough.
    static let largestMagnitude = 1e15

    func check(_ value: Double) -> String? {
        guard value.isFinite, abs(value) <= Self.largestMagnitude else { return "giá trị không hợp lệ (tối đa 10^15)" }
        if kind == .integer && value.rounded() != value { return "phải là số nguyên" }
        if kind == .percentage && (value < 0 || value > 100) { return "tỷ lệ phải từ 0 đến 100" }
        if let minimum, value < minimum { return "giá trị nhỏ nhất là \(minimum.formatted)" }
        if let maximum, value > maximum { return "giá trị lớn nhất là \(maximum.formatted)" }
        return nil
    }
}

/// The kinds of question a form can ask.
public enum QuestionKind: String, Codable, Sendable, CaseIterable {
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    case paragraph
    case integer
    case decimal
    case percentage
    /// A calendar day, `yyyy-mm-dd`.
    case date
    /// Rows of indicators (with sub-rows) × columns of numeric breakdowns.
    case table

    public var isChoice: Bool { self == .singleChoice || self == .multipleChoice }
    public var isNumeric: Bool { self == .integer || self == .decimal || self == .percentage }

    var defaultAggregation: Aggregation {
        switch self {
        case .integer, .decimal: .sum
        case .percentage: .average
        case .singleChoice, .multipleChoice, .paragraph, .date, .table: .none
        }
    }
}

extension Double {
    /// 12 rather than 12.0 for whole numbers.
    var formatted: String {
        rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

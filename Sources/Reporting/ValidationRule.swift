import Foundation

/// A rule between values of a report, as DHIS2's validation rules: a left expression, a
/// comparison and a right expression ("hoàn thành ≤ tổng số", "tổng các phần = tổng số").
///
/// On a form, names in the expressions are numeric questions (`question`) or table cells
/// (`question/row/column`). On a table, `each: column` evaluates the rule once per column with
/// row ids as names, `each: row` once per row with column ids as names, and without `each`
/// names are cells `row/column`. An empty value counts as 0; a rule whose values are all empty
/// is not checked.
public struct ValidationRule: Codable, Sendable, Hashable {
    public let id: String
    public let left: String
    public let comparison: RuleComparison
    public let right: String
    public let severity: RuleSeverity
    /// Why the rule holds, in Vietnamese (shown next to the cell when it is broken).
    public let message: String
    /// The same in English; the Vietnamese message when absent.
    public let messageEnglish: String?
    /// For a table rule: evaluated in every column, or in every row.
    public let each: RuleScope?
    /// For `each: column`: only these columns (every column when absent).
    public let columns: [String]?
    /// For `each: row`: only these rows (every row when absent).
    public let rows: [String]?

    public init(
        id: String,
        left: String,
        comparison: RuleComparison,
        right: String,
        severity: RuleSeverity = .error,
        message: String,
        messageEnglish: String? = nil,
        each: RuleScope? = nil,
        columns: [String]? = nil,
        rows: [String]? = nil
    ) {
        self.id = id
        self.left = left
        self.comparison = comparison
        self.right = right
        self.severity = severity
        self.message = message
        self.messageEnglish = messageEnglish
        self.each = each
        self.columns = columns
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case id, left
        case comparison = "operator"
        case right, severity, message, messageEnglish, each, columns, rows
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            left: try container.decode(String.self, forKey: .left),
            comparison: try container.decode(RuleComparison.self, forKey: .comparison),
            right: try container.decode(String.self, forKey: .right),
            severity: try container.decodeIfPresent(RuleSeverity.self, forKey: .severity) ?? .error,
            message: try container.decode(String.self, forKey: .message),
            messageEnglish: try container.decodeIfPresent(String.self, forKey: .messageEnglish),
            each: try container.decodeIfPresent(RuleScope.self, forKey: .each),
            columns: try container.decodeIfPresent([String].self, forKey: .columns),
            rows: try container.decodeIfPresent([String].self, forKey: .rows)
        )
    }
}

/// How a rule compares its two sides.
public enum RuleComparison: String, Codable, Sendable, Hashable, CaseIterable {
    case equal = "=="
    case lessOrEqual = "<="
    case less = "<"
    case greaterOrEqual = ">="
    case greater = ">"

    func holds(_ left: Decimal, _ right: Decimal) -> Bool {
        switch self {
        case .equal: left == right
        case .lessOrEqual: left <= right
        case .less: left < right
        case .greaterOrEqual: left >= right
        case .greater: left > right
        }
    }
}

/// What a broken rule does: an error blocks submission; a warning is shown, saved and listed.
public enum RuleSeverity: String, Codable, Sendable, Hashable {
    case error
    case warning
}

/// Where a table rule is evaluated: once per column (names are rows) or once per row (names are columns).
public enum RuleScope: String, Codable, Sendable, Hashable {
    case column
    case row
}

/// One value of a report a rule or a total refers to: a numeric question, or a table cell.
public struct CellReference: Hashable, Sendable, Comparable {
    public let question: String
    public let row: String?
    public let column: String?

    public init(question: String, row: String? = nil, column: String? = nil) {
        self.question = question
        self.row = row
        self.column = column
    }

    /// `question`, or `question/row/column` for a cell: how problems are keyed in refusals.
    public var key: String {
        guard let row, let column else { return question }
        return "\(question)/\(row)/\(column)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.key < rhs.key }
}

/// A broken rule, at one place: the cells it marks (the left side's), both sides' values and
/// the rule's explanation.
public struct RuleViolation: Sendable, Hashable {
    public let rule: ValidationRule
    public let cells: [CellReference]
    public let left: Decimal
    public let right: Decimal
    /// Where a table rule was broken: the column's label (`each: column`) or the row's (`each: row`).
    public let place: String?

    public init(rule: ValidationRule, cells: [CellReference], left: Decimal, right: Decimal, place: String? = nil) {
        self.rule = rule
        self.cells = cells
        self.left = left
        self.right = right
        self.place = place
    }

    public var severity: RuleSeverity { rule.severity }

    /// The explanation with the place and both values, e.g. "… (Huyện: 9 > 5)"; Vietnamese
    /// numbers ("1.234,5") when `vietnamese`.
    public func text(vietnamese: Bool) -> String {
        let relation = left < right ? "<" : left > right ? ">" : "="
        let values = "\(Self.format(left, vietnamese)) \(relation) \(Self.format(right, vietnamese))"
        let message = vietnamese ? rule.message : (rule.messageEnglish ?? rule.message)
        return "\(message) (\(place.map { "\($0): " } ?? "")\(values))"
    }

    static func format(_ value: Decimal, _ vietnamese: Bool) -> String {
        let plain = "\(value)"
        let negative = plain.hasPrefix("-")
        let digits = negative ? String(plain.dropFirst()) : plain
        let parts = digits.split(separator: ".", maxSplits: 1)
        var whole = String(parts.first ?? "0")
        var grouped = ""
        while whole.count > 3 {
            grouped = (vietnamese ? "." : ",") + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        grouped = whole + grouped
        if parts.count > 1 { grouped += (vietnamese ? "," : ".") + parts[1] }
        return (negative ? "-" : "") + grouped
    }
}

/// An expression of a rule or a total: terms added or subtracted (`+` and `-` between spaces),
/// each a number, a name, or `sum(first..last)` (every row or column from first to last, in
/// the table's order).
struct RuleExpression: Hashable, Sendable {
    enum Term: Hashable, Sendable {
        case number(Decimal)
        case name(String)
        case range(String, String)
    }

    let terms: [(negative: Bool, term: Term)]

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.terms.map(\.negative) == rhs.terms.map(\.negative) && lhs.terms.map(\.term) == rhs.terms.map(\.term)
    }

    func hash(into hasher: inout Hasher) {
        for (negative, term) in terms {
            hasher.combine(negative)
            hasher.combine(term)
        }
    }

    /// Parses `source`; the problem in English for the form's author otherwise.
    static func parse(_ source: String) -> Result<RuleExpression, ExpressionProblem> {
        let tokens = source.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !tokens.isEmpty else { return .failure(ExpressionProblem("is empty")) }
        var terms: [(negative: Bool, term: Term)] = []
        var negative = false
        for (index, token) in tokens.enumerated() {
            if index % 2 == 1 {
                guard token == "+" || token == "-" else {
                    return .failure(ExpressionProblem("expects + or - (with spaces around) before “\(token)”"))
                }
                negative = token == "-"
                continue
            }
            guard let term = term(token) else {
                return .failure(ExpressionProblem("cannot read “\(token)”"))
            }
            terms.append((negative, term))
        }
        guard tokens.count % 2 == 1 else { return .failure(ExpressionProblem("ends with an operator")) }
        return .success(RuleExpression(terms: terms))
    }

    private static func term(_ token: String) -> Term? {
        // Only digits and one point make a number: "03-noi-dung" is a row's name.
        if token.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), token.filter({ $0 == "." }).count <= 1,
            token != "."
        {
            return Decimal(string: token, locale: Locale(identifier: "en_US_POSIX")).map(Term.number)
        }
        if token.hasPrefix("sum("), token.hasSuffix(")") {
            let inside = token.dropFirst(4).dropLast()
            guard let dots = inside.range(of: "..") else { return nil }
            let first = String(inside[..<dots.lowerBound])
            let last = String(inside[dots.upperBound...])
            guard !first.isEmpty, !last.isEmpty else { return nil }
            return .range(first, last)
        }
        guard
            token.unicodeScalars.allSatisfy({
                CharacterSet.alphanumerics.contains($0) || "-_./".unicodeScalars.contains($0)
            })
        else { return nil }
        return .name(token)
    }
}

/// Why an expression cannot be read.
struct ExpressionProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// The values of a report as rules and totals read them: exact decimals per question and cell.
struct ReportValues {
    var answers: [String: Answer]

    func value(_ reference: CellReference) -> Decimal? {
        switch (answers[reference.question], reference.row, reference.column) {
        case (.number(let value)?, nil, nil): Decimal.exactly(value)
        case (.table(let cells)?, let row?, let column?): cells[row]?[column].map(Decimal.exactly)
        default: nil
        }
    }
}

extension Decimal {
    /// The decimal a number was typed as (0.1 is 0.1, not the binary double nearest to it).
    static func exactly(_ value: Double) -> Decimal {
        Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(value)
    }

    /// The nearest double, read from the decimal's digits.
    var double: Double { Double("\(self)") ?? NSDecimalNumber(decimal: self).doubleValue }
}

extension RuleViolation {
    /// The explanations per marked cell key (`question` or `question/row/column`), in
    /// Vietnamese, several joined by "; ": the `details` of a refusal.
    public static func byCell(_ violations: [RuleViolation]) -> [String: String] {
        var texts: [String: [String]] = [:]
        for violation in violations {
            for cell in violation.cells { texts[cell.key, default: []].append(violation.text(vietnamese: true)) }
        }
        return texts.mapValues { $0.joined(separator: "; ") }
    }
}

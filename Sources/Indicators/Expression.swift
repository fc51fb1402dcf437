/// An expression of an indicator's formula: numbers, references to approved answers and to other
/// indicators, the four operations, parentheses, and functions over the units below.
///
/// Grammar (whitespace is free; positions count characters from 1):
///
///     expression := term (("+" | "-" | "−") term)*
///     term       := unary (("*" | "×" | "/" | "÷" | ":") unary)*
///     unary      := ("-" | "−" | "+") unary | primary
///     primary    := number | reference | function "(" expression ")" | "(" expression ")"
///     number     := digits ["." digits]            (a "," is read as the decimal mark too)
///     reference  := "#{" FORM "." QUESTION "}"     an approved answer to a numeric question
///                 | "#{" FORM "." TABLE "." ROW "." COLUMN "}"   a cell of a table question
///                 | "I{" CODE "}"                  another indicator's value for the same unit
///     function   := "sum" | "avg" | "min" | "max" | "count"   over the units below, not nested
public indirect enum Expression: Sendable, Hashable {
    case number(Double, at: Int)
    case answer(AnswerReference, at: Int)
    case indicator(String, at: Int)
    case negate(Expression, at: Int)
    case binary(Operator, Expression, Expression, at: Int)
    case subtree(SubtreeFunction, Expression, at: Int)

    /// Where the expression starts (for an operation: where its operator stands).
    public var position: Int {
        switch self {
        case .number(_, let at), .answer(_, let at), .indicator(_, let at), .negate(_, let at),
            .binary(_, _, _, let at), .subtree(_, _, let at):
            at
        }
    }

    /// Every reference to an answer, in formula order.
    public var answerReferences: [AnswerReference] {
        switch self {
        case .number, .indicator: []
        case .answer(let reference, _): [reference]
        case .negate(let inner, _), .subtree(_, let inner, _): inner.answerReferences
        case .binary(_, let left, let right, _): left.answerReferences + right.answerReferences
        }
    }

    /// Every indicator named with `I{…}`, in formula order (repeats kept).
    public var indicatorReferences: [String] {
        switch self {
        case .number, .answer: []
        case .indicator(let code, _): [code]
        case .negate(let inner, _), .subtree(_, let inner, _): inner.indicatorReferences
        case .binary(_, let left, let right, _): left.indicatorReferences + right.indicatorReferences
        }
    }

    /// The value when the expression holds no reference and no function; nil otherwise, or when it
    /// divides by zero.
    public var constantValue: Double? {
        switch self {
        case .number(let value, _): return value
        case .answer, .indicator, .subtree: return nil
        case .negate(let inner, _): return inner.constantValue.map { -$0 }
        case .binary(let op, let left, let right, _):
            guard let left = left.constantValue, let right = right.constantValue else { return nil }
            return op.apply(left, right)
        }
    }
}

/// The four operations.
public enum Operator: String, Sendable, Hashable, CaseIterable {
    case add = "+"
    case subtract = "−"
    case multiply = "×"
    case divide = "÷"

    var precedence: Int { self == .add || self == .subtract ? 1 : 2 }

    /// nil when dividing by zero or when the result is not a finite number.
    func apply(_ left: Double, _ right: Double) -> Double? {
        let result: Double
        switch self {
        case .add: result = left + right
        case .subtract: result = left - right
        case .multiply: result = left * right
        case .divide:
            guard right != 0 else { return nil }
            result = left / right
        }
        return result.isFinite ? result : nil
    }
}

/// A function over the units below the unit the formula is computed for (its whole subtree,
/// the unit itself excluded); units without data are left out and counted as missing.
public enum SubtreeFunction: String, Sendable, Hashable, CaseIterable {
    case sum
    case avg
    case min
    case max
    /// How many units below have a value.
    case count

    var vietnamese: String {
        switch self {
        case .sum: "tổng"
        case .avg: "trung bình"
        case .min: "nhỏ nhất"
        case .max: "lớn nhất"
        case .count: "số đơn vị có số liệu"
        }
    }

    var english: String {
        switch self {
        case .sum: "sum"
        case .avg: "average"
        case .min: "minimum"
        case .max: "maximum"
        case .count: "number of units with data"
        }
    }
}

/// `#{FORM.question}` or `#{FORM.table.row.column}`: a form's code, a question's id, and for a
/// table question a row's and a column's id. Ids holding a '.' cannot be named in a formula.
public struct AnswerReference: Sendable, Hashable, CustomStringConvertible {
    public let form: String
    public let question: String
    /// For a table cell: the row and column ids.
    public let row: String?
    public let column: String?

    public init(form: String, question: String, row: String? = nil, column: String? = nil) {
        self.form = form
        self.question = question
        self.row = row
        self.column = column
    }

    public var description: String {
        if let row, let column { return "#{\(form).\(question).\(row).\(column)}" }
        return "#{\(form).\(question)}"
    }
}

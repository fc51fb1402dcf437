import Foundation

/// The language of an explanation.
public enum Language: String, Sendable, Hashable, CaseIterable {
    case vi
    case en
}

/// Says a checked formula in words, with the names of the questions and indicators it reads:
/// "Tỷ lệ xã đã số hoá = (Số xã đã số hoá ÷ Tổng số xã) × 100".
public struct FormulaExplainer: Sendable {
    public let catalogue: IndicatorCatalogue

    public init(catalogue: IndicatorCatalogue) {
        self.catalogue = catalogue
    }

    public func explain(
        _ definition: IndicatorDefinition,
        _ formula: CheckedFormula,
        in language: Language = .vi
    )
        -> String
    {
        let name = language == .vi ? definition.name.vi : definition.name.en
        var body = words(formula.numerator, language)
        if let denominator = formula.denominator {
            body = "\(wrapped(formula.numerator, language)) ÷ \(wrapped(denominator, language))"
            if formula.factor != 1 { body = "(\(body))" }
        }
        if formula.factor != 1 {
            if formula.denominator == nil, case .binary(let op, _, _, _) = formula.numerator,
                op.precedence == 1
            {
                body = "(\(body))"
            }
            body += " × \(Self.format(formula.factor, language))"
        }
        return "\(name) = \(body)"
    }

    /// An operand of the main division, parenthesised when it is itself an operation.
    private func wrapped(_ expression: Expression, _ language: Language) -> String {
        if case .binary = expression { return "(\(words(expression, language)))" }
        return words(expression, language)
    }

    /// The expression in words; parentheses only where precedence needs them.
    public func words(_ expression: Expression, _ language: Language) -> String {
        switch expression {
        case .number(let value, _): return Self.format(value, language)
        case .answer(let reference, _): return name(of: reference)
        case .indicator(let code, _):
            guard let definition = catalogue.latest(code) else { return "I{\(code)}" }
            return language == .vi ? definition.name.vi : definition.name.en
        case .negate(let inner, _):
            if case .binary = inner { return "−(\(words(inner, language)))" }
            return "−\(words(inner, language))"
        case .binary(let op, let left, let right, _):
            var leftText = words(left, language)
            var rightText = words(right, language)
            if case .binary(let leftOp, _, _, _) = left, leftOp.precedence < op.precedence {
                leftText = "(\(leftText))"
            }
            if case .binary(let rightOp, _, _, _) = right,
                rightOp.precedence < op.precedence
                    || (rightOp.precedence == op.precedence && (op == .subtract || op == .divide))
            {
                rightText = "(\(rightText))"
            }
            return "\(leftText) \(op.rawValue) \(rightText)"
        case .subtree(let function, let inner, _):
            let below = language == .vi ? "các đơn vị trực thuộc" : "the units below"
            let of = language == .vi ? "của" : "of"
            if function == .count {
                return language == .vi
                    ? "số đơn vị trực thuộc có số liệu “\(words(inner, language))”"
                    : "number of units below with data for “\(words(inner, language))”"
            }
            let functionName = language == .vi ? function.vietnamese : function.english
            return "\(functionName) \(of) \(below) (\(words(inner, language)))"
        }
    }

    /// The question's text; for a table cell, the question, the row and the column.
    func name(of reference: AnswerReference) -> String {
        switch IndicatorChecker(catalogue: catalogue).resolve(reference) {
        case .resolved(let question, let row?, let column?): "\(question.text) – \(row.label) – \(column.label)"
        case .resolved(let question, _, _): question.text
        case .failed: reference.description
        }
    }

    /// 100, 73,8 (vi) or 73.8 (en): at most two decimals, no trailing zeros.
    public static func format(_ value: Double, _ language: Language = .vi) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return language == .vi ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}

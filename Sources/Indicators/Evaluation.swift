import Hierarchy
import Reporting

/// The data an evaluation reads, for one period.
public protocol IndicatorData: Sendable {
    /// The unit's approved answer to a form's question; nil when there is none.
    func answer(form: String, question: String, unit: String) -> Answer?
    /// The unit's entered or delivered value of an indicator; nil when there is none.
    func value(indicator: String, unit: String) -> Double?
}

/// What a computation gave: a number, missing data (never read as zero), or no number at all.
public enum Outcome: Sendable, Hashable {
    case value(Double)
    /// What had no data, as named in the formula (`#{FORM.question}`, `I{CODE}`, a unit code).
    case missing([String])
    /// The data is there but gives no number (a denominator of zero); the reason in Vietnamese / English.
    case undefined(String)

    public var value: Double? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// An indicator's value for one unit and period, with its numerator and denominator.
public struct UnitValue: Sendable, Hashable {
    public let indicator: String
    /// The version in force for the period (nil when no version is).
    public let version: Int?
    public let unit: String
    public let outcome: Outcome
    public let numerator: Double?
    public let denominator: Double?
    /// In words: the numbers, or what is missing.
    public let explanation: String

    public var value: Double? { outcome.value }
}

/// An indicator combined over units by its aggregation rule.
public struct AggregateValue: Sendable, Hashable {
    public let indicator: String
    public let version: Int?
    public let rule: IndicatorAggregation
    public let outcome: Outcome
    /// For `weighted`: the sums.
    public let numerator: Double?
    public let denominator: Double?
    /// Units whose value was combined.
    public let contributing: [String]
    /// Units without data: left out, not counted as zero.
    public let missing: [String]
    /// Units whose data gives no number (e.g. a denominator of zero).
    public let undefined: [String]
    public let explanation: String

    public var value: Double? { outcome.value }
    /// True when every unit had a value.
    public var isComplete: Bool { missing.isEmpty && undefined.isEmpty }
}

/// Computes indicators for one period: per unit from the data, and over units by each
/// indicator's rule. Uses the version in force for the period.
public struct IndicatorEvaluator: Sendable {
    public let catalogue: IndicatorCatalogue
    public let tree: UnitTree
    public let period: Period
    public let data: any IndicatorData
    /// The formulas in force for the period, parsed and checked once (not once per unit).
    private let formulas: [String: CheckedFormula]

    public init(catalogue: IndicatorCatalogue, tree: UnitTree, period: Period, data: any IndicatorData) {
        self.catalogue = catalogue
        self.tree = tree
        self.period = period
        self.data = data
        let checker = IndicatorChecker(catalogue: catalogue)
        var formulas: [String: CheckedFormula] = [:]
        for code in catalogue.codes {
            guard let formula = catalogue.definition(code, for: period)?.source.formula,
                case .success(let checked) = checker.check(formula, for: code)
            else { continue }
            formulas[code] = checked
        }
        self.formulas = formulas
    }

    /// The indicator's value for one unit.
    public func value(_ code: String, unit: String) -> UnitValue {
        var visiting = Set<String>()
        return value(code, unit: unit, visiting: &visiting)
    }

    private func value(_ code: String, unit: String, visiting: inout Set<String>) -> UnitValue {
        guard let definition = catalogue.definition(code, for: period) else {
            return UnitValue(
                indicator: code,
                version: nil,
                unit: unit,
                outcome: .undefined("không có phiên bản áp dụng cho kỳ \(period) / no version for \(period)"),
                numerator: nil,
                denominator: nil,
                explanation: "Chỉ số \(code) chưa áp dụng cho kỳ \(period.vietnameseLabel)"
            )
        }
        let name = definition.name.vi
        guard definition.source.formula != nil else {
            let given = data.value(indicator: code, unit: unit)
            return UnitValue(
                indicator: code,
                version: definition.version,
                unit: unit,
                outcome: given.map(Outcome.value) ?? .missing(["I{\(code)}"]),
                numerator: given,
                denominator: nil,
                explanation: given.map { "\(name) = \(FormulaExplainer.format($0))" }
                    ?? "\(name): chưa có số liệu (thiếu, không tính là 0)"
            )
        }
        guard let checked = formulas[code], visiting.insert(code).inserted
        else {
            return UnitValue(
                indicator: code,
                version: definition.version,
                unit: unit,
                outcome: .undefined("công thức không hợp lệ / the formula is invalid"),
                numerator: nil,
                denominator: nil,
                explanation: "\(name): công thức không hợp lệ"
            )
        }
        defer { visiting.remove(code) }
        let numerator = compute(checked.numerator, unit: unit, visiting: &visiting)
        let denominator = checked.denominator.map { compute($0, unit: unit, visiting: &visiting) }
        let outcome: Outcome
        switch (numerator, denominator) {
        case (.value(let top), nil):
            outcome = finite(top * checked.factor)
        case (.value(let top), .value(let bottom)?):
            outcome =
                bottom == 0
                ? .undefined("mẫu số bằng 0 / the denominator is zero") : finite(top / bottom * checked.factor)
        default:
            outcome = Self.combine(numerator, denominator ?? .value(1))
        }
        return UnitValue(
            indicator: code,
            version: definition.version,
            unit: unit,
            outcome: outcome,
            numerator: numerator.value,
            denominator: denominator?.value,
            explanation: explain(name, outcome, numerator: numerator.value, denominator: denominator?.value, checked)
        )
    }

    private func explain(
        _ name: String,
        _ outcome: Outcome,
        numerator: Double?,
        denominator: Double?,
        _ formula: CheckedFormula
    ) -> String {
        switch outcome {
        case .missing(let what):
            return "\(name): thiếu số liệu \(what.joined(separator: ", ")) (không tính là 0)"
        case .undefined(let reason):
            return "\(name): không tính được (\(reason))"
        case .value(let value):
            var working = numerator.map { FormulaExplainer.format($0) } ?? ""
            if let denominator { working += " ÷ \(FormulaExplainer.format(denominator))" }
            if formula.factor != 1 { working += " × \(FormulaExplainer.format(formula.factor))" }
            return "\(name) = \(working) = \(FormulaExplainer.format(value))"
        }
    }

    private func finite(_ value: Double) -> Outcome {
        value.isFinite ? .value(value) : .undefined("kết quả không phải số hữu hạn / the result is not finite")
    }

    /// Missing wins over undefined (it can still come); missing names add up.
    private static func combine(_ outcomes: Outcome...) -> Outcome {
        let missing = outcomes.flatMap { outcome -> [String] in
            if case .missing(let what) = outcome { return what }
            return []
        }
        if !missing.isEmpty {
            var seen = Set<String>()
            return .missing(missing.filter { seen.insert($0).inserted })
        }
        for case .undefined(let reason) in outcomes { return .undefined(reason) }
        return .undefined("không tính được / cannot be computed")
    }

    private func compute(_ expression: Expression, unit: String, visiting: inout Set<String>) -> Outcome {
        switch expression {
        case .number(let value, _):
            return .value(value)
        case .answer(let reference, _):
            return read(reference, unit: unit).map(Outcome.value) ?? .missing([reference.description])
        case .indicator(let code, _):
            let inner = value(code, unit: unit, visiting: &visiting)
            if case .missing = inner.outcome { return .missing(["I{\(code)}"]) }
            return inner.outcome
        case .negate(let inner, _):
            let outcome = compute(inner, unit: unit, visiting: &visiting)
            return outcome.value.map { .value(-$0) } ?? outcome
        case .binary(let op, let left, let right, let at):
            let left = compute(left, unit: unit, visiting: &visiting)
            let right = compute(right, unit: unit, visiting: &visiting)
            guard let a = left.value, let b = right.value else { return Self.combine(left, right) }
            if op == .divide && b == 0 {
                return .undefined("chia cho 0 ở vị trí \(at) / division by zero at position \(at)")
            }
            return op.apply(a, b).map(Outcome.value)
                ?? .undefined("kết quả không phải số hữu hạn / the result is not finite")
        case .subtree(let function, let inner, _):
            var values: [Double] = []
            for below in tree.subtree(of: unit) where below.code != unit {
                if let value = compute(inner, unit: below.code, visiting: &visiting).value { values.append(value) }
            }
            if function == .count { return .value(Double(values.count)) }
            guard !values.isEmpty else { return .missing(["\(function.rawValue)(…) @ \(unit)"]) }
            switch function {
            case .sum: return .value(values.reduce(0, +))
            case .avg: return .value(values.reduce(0, +) / Double(values.count))
            case .min: return .value(values.min() ?? 0)
            case .max: return .value(values.max() ?? 0)
            case .count: return .value(Double(values.count))
            }
        }
    }

    /// A number from an approved answer: a numeric answer, or a table cell.
    private func read(_ reference: AnswerReference, unit: String) -> Double? {
        guard let answer = data.answer(form: reference.form, question: reference.question, unit: unit) else {
            return nil
        }
        switch (answer, reference.row, reference.column) {
        case (.number(let value), nil, nil): return value
        case (.table(let cells), let row?, let column?): return cells[row]?[column]
        default: return nil
        }
    }

    /// The indicator over `units` (e.g. the communes of a province assigned it), by its rule.
    /// Units without data are listed as missing and left out; the value says how many it covers.
    public func aggregate(_ code: String, over units: [String]) -> AggregateValue {
        let definition = catalogue.definition(code, for: period)
        let rule = definition?.aggregation ?? .none
        let values = units.map { value(code, unit: $0) }
        let contributing = values.filter { $0.value != nil }
        let missing = values.filter { if case .missing = $0.outcome { true } else { false } }.map(\.unit)
        var undefined = values.filter { if case .undefined = $0.outcome { true } else { false } }.map(\.unit)
        var numerator: Double?
        var denominator: Double?
        var outcome: Outcome
        var used = contributing.map(\.unit)
        switch rule {
        case .weighted:
            // Units whose own ratio is undefined (0 ÷ 0) still add their numerator and denominator.
            let pairs = values.filter { $0.numerator != nil && $0.denominator != nil }
            used = pairs.map(\.unit)
            undefined.removeAll { used.contains($0) }
            let top = pairs.compactMap(\.numerator).reduce(0, +)
            let bottom = pairs.compactMap(\.denominator).reduce(0, +)
            numerator = pairs.isEmpty ? nil : top
            denominator = pairs.isEmpty ? nil : bottom
            let factor = definition?.source.formula?.factor ?? 1
            if pairs.isEmpty {
                outcome = .missing(missing)
            } else if bottom == 0 {
                outcome = .undefined("tổng mẫu số bằng 0 / the denominators add up to zero")
            } else {
                outcome = finite(top / bottom * factor)
            }
        case .none:
            outcome = .undefined("chỉ số không tổng hợp / the indicator is not aggregated")
        default:
            let numbers = contributing.compactMap(\.value)
            let combined: Double?
            switch rule {
            case .sum: combined = Aggregation.sum.combine(numbers)
            case .average: combined = Aggregation.average.combine(numbers)
            case .min: combined = Aggregation.min.combine(numbers)
            default: combined = Aggregation.max.combine(numbers)
            }
            outcome =
                combined.map(Outcome.value) ?? (missing.isEmpty ? .undefined("không có giá trị") : .missing(missing))
        }
        let name = definition?.name.vi ?? code
        var explanation: String
        switch outcome {
        case .value(let value):
            explanation = "\(name) = \(FormulaExplainer.format(value)) (\(rule.vietnameseName)"
            if let numerator, let denominator {
                explanation += ": \(FormulaExplainer.format(numerator)) ÷ \(FormulaExplainer.format(denominator))"
                if let factor = definition?.source.formula?.factor, factor != 1 {
                    explanation += " × \(FormulaExplainer.format(factor))"
                }
            }
            explanation += "), từ \(used.count)/\(units.count) đơn vị có số liệu"
        case .missing:
            explanation = "\(name): chưa có đơn vị nào có số liệu"
        case .undefined(let reason):
            explanation = "\(name): không tính được (\(reason))"
        }
        if !missing.isEmpty {
            explanation += "; thiếu số liệu (không tính là 0): \(missing.joined(separator: ", "))"
        }
        if !undefined.isEmpty {
            explanation += "; không tính được: \(undefined.joined(separator: ", "))"
        }
        return AggregateValue(
            indicator: code,
            version: definition?.version,
            rule: rule,
            outcome: outcome,
            numerator: numerator,
            denominator: denominator,
            contributing: used,
            missing: missing,
            undefined: undefined,
            explanation: explanation
        )
    }

    /// The indicator over the units at `level` below `unit` (e.g. a province's communes).
    public func aggregate(_ code: String, below unit: String, at level: Level) -> AggregateValue {
        aggregate(code, over: tree.descendants(of: unit, at: level).map(\.code).sorted())
    }
}

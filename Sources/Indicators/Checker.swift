import Reporting

/// A formula parsed and checked: ready to explain and evaluate.
public struct CheckedFormula: Sendable, Hashable {
    public let numerator: Expression
    public let denominator: Expression?
    public let factor: Double
}

/// Checks formulas when an indicator is defined: grammar, references (forms, questions, table
/// cells, indicators) against what the catalogue knows, numbers only (no text or choice
/// question), no division by a constant zero, no cycle between indicators.
public struct IndicatorChecker: Sendable {
    public let catalogue: IndicatorCatalogue

    public init(catalogue: IndicatorCatalogue) {
        self.catalogue = catalogue
    }

    /// Every problem of the definition's formula (none for entered and delivered values).
    public func problems(_ definition: IndicatorDefinition) -> [FormulaProblem] {
        guard let formula = definition.source.formula else { return [] }
        switch check(formula, for: definition.code) {
        case .success: return []
        case .failure(let problems): return problems.problems
        }
    }

    /// Parses and checks a formula of the indicator `code`.
    public func check(_ formula: IndicatorFormula, for code: String) -> Result<CheckedFormula, FormulaProblems> {
        var problems: [FormulaProblem] = []
        var numerator: Expression?
        var denominator: Expression?
        do throws(FormulaProblem) {
            numerator = try FormulaParser.parse(formula.numerator, part: .numerator)
        } catch {
            problems.append(error)
        }
        if let text = formula.denominator {
            do throws(FormulaProblem) {
                denominator = try FormulaParser.parse(text, part: .denominator)
            } catch {
                problems.append(error)
            }
        }
        for (part, expression) in [(FormulaPart.numerator, numerator), (.denominator, denominator)] {
            guard let expression else { continue }
            problems += referenceProblems(expression, part: part)
            problems += divisionProblems(expression, part: part)
            if part == .denominator, expression.constantValue == 0 {
                problems.append(FormulaProblem(part: part, position: 1, kind: .divisionByZero))
            }
            if let cycle = cycle(from: code, through: expression, part: part) { problems.append(cycle) }
        }
        guard problems.isEmpty, let numerator else { return .failure(FormulaProblems(problems: problems)) }
        return .success(CheckedFormula(numerator: numerator, denominator: denominator, factor: formula.factor))
    }

    private func referenceProblems(_ expression: Expression, part: FormulaPart) -> [FormulaProblem] {
        switch expression {
        case .number: return []
        case .answer(let reference, let at):
            return resolve(reference).failure.map { [FormulaProblem(part: part, position: at, kind: $0)] } ?? []
        case .indicator(let code, let at):
            return catalogue.latest(code) == nil
                ? [FormulaProblem(part: part, position: at, kind: .unknownIndicator(code))] : []
        case .negate(let inner, _), .subtree(_, let inner, _):
            return referenceProblems(inner, part: part)
        case .binary(_, let left, let right, _):
            return referenceProblems(left, part: part) + referenceProblems(right, part: part)
        }
    }

    /// The question (and table column) a reference names, or why it names none.
    func resolve(_ reference: AnswerReference) -> Resolution {
        guard let form = catalogue.forms[reference.form] else { return .failed(.unknownForm(reference.form)) }
        guard let question = form.question(reference.question) else {
            return .failed(.unknownQuestion(form: reference.form, question: reference.question))
        }
        let name = "#{\(reference.form).\(reference.question)}"
        switch (question.table, reference.row, reference.column) {
        case (nil, nil, _):
            guard question.kind.isNumeric else {
                return .failed(.notANumber(reference: name, kind: question.kind.rawValue))
            }
            return .resolved(question: question, row: nil, column: nil)
        case (nil, _?, _):
            return .failed(.notATable(reference: name))
        case (_?, nil, _), (_?, _, nil):
            return .failed(.tableNeedsCell(reference: name))
        case (let table?, let row?, let column?):
            guard let tableRow = table.flatRows.first(where: { $0.row.id == row })?.row else {
                return .failed(.unknownRow(reference: name, row: row))
            }
            guard let tableColumn = table.column(column) else {
                return .failed(.unknownColumn(reference: name, column: column))
            }
            return .resolved(question: question, row: tableRow, column: tableColumn)
        }
    }

    enum Resolution {
        case resolved(question: Question, row: TableRow?, column: TableColumn?)
        case failed(FormulaProblem.Kind)

        var failure: FormulaProblem.Kind? {
            if case .failed(let kind) = self { return kind }
            return nil
        }
    }

    private func divisionProblems(_ expression: Expression, part: FormulaPart) -> [FormulaProblem] {
        switch expression {
        case .number, .answer, .indicator: return []
        case .negate(let inner, _), .subtree(_, let inner, _): return divisionProblems(inner, part: part)
        case .binary(let op, let left, let right, let at):
            var problems = divisionProblems(left, part: part) + divisionProblems(right, part: part)
            if op == .divide, right.constantValue == 0 {
                problems.append(FormulaProblem(part: part, position: at, kind: .divisionByZero))
            }
            return problems
        }
    }

    /// A path of indicator references from `code`'s formula back to `code`, reported at the
    /// reference where it starts. Other indicators' formulas are read at their latest version.
    private func cycle(from code: String, through expression: Expression, part: FormulaPart) -> FormulaProblem? {
        var positions: [(String, Int)] = []
        func collect(_ expression: Expression) {
            switch expression {
            case .number, .answer: break
            case .indicator(let name, let at): positions.append((name, at))
            case .negate(let inner, _), .subtree(_, let inner, _): collect(inner)
            case .binary(_, let left, let right, _):
                collect(left)
                collect(right)
            }
        }
        collect(expression)
        for (first, at) in positions {
            var visited = Set<String>()
            if let path = pathBack(to: code, from: first, visited: &visited) {
                return FormulaProblem(part: part, position: at, kind: .cycle([code] + path))
            }
        }
        return nil
    }

    /// Depth-first: the codes from `from` to `target`, both included; nil when `target` is unreachable.
    private func pathBack(to target: String, from: String, visited: inout Set<String>) -> [String]? {
        if from == target { return [from] }
        guard visited.insert(from).inserted, let formula = catalogue.latest(from)?.source.formula else { return nil }
        var next: [String] = []
        for text in [formula.numerator, formula.denominator].compactMap({ $0 }) {
            if let expression = try? FormulaParser.parse(text) { next += expression.indicatorReferences }
        }
        for code in next {
            if let path = pathBack(to: target, from: code, visited: &visited) { return [from] + path }
        }
        return nil
    }
}

/// The problems of a formula, each with its part and position.
public struct FormulaProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public let problems: [FormulaProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

import Foundation

/// Where the names of an expression are read: the form (questions and `question/row/column`
/// cells), one table (`row/column` cells), one column of a table (rows) or one row (columns).
enum RuleContext {
    case form
    case cells(question: String, layout: TableLayout)
    case column(question: String, layout: TableLayout, column: String)
    case row(question: String, layout: TableLayout, row: String)

    /// The label of the column or row a table rule is evaluated in.
    var place: String? {
        switch self {
        case .form, .cells: nil
        case .column(_, let layout, let column): layout.column(column)?.label
        case .row(_, let layout, let row): layout.flatRows.first { $0.row.id == row }?.row.label
        }
    }
}

/// An expression read in its context: a constant and the values it adds or subtracts.
struct ResolvedExpression {
    var constant: Decimal = 0
    var references: [(negative: Bool, cell: CellReference)] = []

    /// The value, or nil when every value it refers to is empty (a constant alone has a value).
    func value(_ lookup: (CellReference) -> Decimal?) -> (value: Decimal, empty: Bool) {
        var total = constant
        var empty = !references.isEmpty
        for (negative, cell) in references {
            guard let value = lookup(cell) else { continue }
            empty = false
            total += negative ? -value : value
        }
        return (total, empty)
    }
}

extension Form {
    /// Reads `source` in `context`: every name resolved to a value of this form, or the
    /// problem (in English, for the form's author).
    func resolve(_ source: String, in context: RuleContext) -> Result<ResolvedExpression, ExpressionProblem> {
        let expression: RuleExpression
        switch RuleExpression.parse(source) {
        case .success(let parsed): expression = parsed
        case .failure(let problem): return .failure(problem)
        }
        var resolved = ResolvedExpression()
        for (negative, term) in expression.terms {
            switch term {
            case .number(let value):
                resolved.constant += negative ? -value : value
            case .name(let name):
                guard let cell = cell(named: name, in: context) else {
                    return .failure(ExpressionProblem("refers to “\(name)”, which is not \(Self.what(context))"))
                }
                resolved.references.append((negative, cell))
            case .range(let first, let last):
                guard let cells = cells(from: first, to: last, in: context) else {
                    return .failure(
                        ExpressionProblem(
                            "sum(\(first)..\(last)) must run forward between two \(Self.what(context)) of one table"
                        )
                    )
                }
                resolved.references += cells.map { (negative, $0) }
            }
        }
        return .success(resolved)
    }

    private static func what(_ context: RuleContext) -> String {
        switch context {
        case .form: "a numeric question or a table cell question/row/column"
        case .cells: "a cell row/column of the table"
        case .column: "a row of the table"
        case .row: "a column of the table"
        }
    }

    private func cell(named name: String, in context: RuleContext) -> CellReference? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch context {
        case .form:
            guard let question = question(parts[0]) else { return nil }
            if parts.count == 1 { return question.kind.isNumeric ? CellReference(question: name) : nil }
            guard parts.count == 3, let layout = question.table, layout.hasCell(row: parts[1], column: parts[2])
            else { return nil }
            return CellReference(question: parts[0], row: parts[1], column: parts[2])
        case .cells(let question, let layout):
            guard parts.count == 2, layout.hasCell(row: parts[0], column: parts[1]) else { return nil }
            return CellReference(question: question, row: parts[0], column: parts[1])
        case .column(let question, let layout, let column):
            guard parts.count == 1, layout.hasCell(row: name, column: column) else { return nil }
            return CellReference(question: question, row: name, column: column)
        case .row(let question, let layout, let row):
            guard parts.count == 1, layout.hasCell(row: row, column: name) else { return nil }
            return CellReference(question: question, row: row, column: name)
        }
    }

    private func cells(from first: String, to last: String, in context: RuleContext) -> [CellReference]? {
        func span(_ ids: [String]) -> ArraySlice<String>? {
            guard let start = ids.firstIndex(of: first), let end = ids.firstIndex(of: last), start <= end else {
                return nil
            }
            return ids[start...end]
        }
        switch context {
        case .form, .cells:
            return nil
        case .column(let question, let layout, let column):
            return span(layout.flatRows.map(\.row.id))?.map {
                CellReference(question: question, row: $0, column: column)
            }
        case .row(let question, let layout, let row):
            return span(layout.columns.map(\.id))?.map { CellReference(question: question, row: row, column: $0) }
        }
    }

    /// Every place a rule is evaluated: the form's rules once, a table's once per column or row.
    func ruleInstances() -> [(rule: ValidationRule, context: RuleContext)] {
        var instances = rules.map { ($0, RuleContext.form) }
        for question in questions {
            guard let layout = question.table else { continue }
            for rule in layout.rules {
                switch rule.each {
                case nil:
                    instances.append((rule, .cells(question: question.id, layout: layout)))
                case .column:
                    for column in layout.columns where rule.columns?.contains(column.id) ?? true {
                        instances.append((rule, .column(question: question.id, layout: layout, column: column.id)))
                    }
                case .row:
                    for (row, _) in layout.flatRows where rule.rows?.contains(row.id) ?? true {
                        instances.append((rule, .row(question: question.id, layout: layout, row: row.id)))
                    }
                }
            }
        }
        return instances
    }

    /// The rules broken by `answers` (already validated, totals computed), in form order.
    public func violations(in answers: Answers) -> [RuleViolation] {
        let values = ReportValues(answers: answers.values)
        var violations: [RuleViolation] = []
        for (rule, context) in ruleInstances() {
            guard case .success(let left) = resolve(rule.left, in: context),
                case .success(let right) = resolve(rule.right, in: context)
            else { continue }
            let leftValue = left.value(values.value)
            let rightValue = right.value(values.value)
            // Nothing typed on either side: not checked yet.
            if leftValue.empty && rightValue.empty { continue }
            if (left.references.isEmpty && rightValue.empty) || (right.references.isEmpty && leftValue.empty) {
                continue
            }
            guard !rule.comparison.holds(leftValue.value, rightValue.value) else { continue }
            let marked = left.references.isEmpty ? right.references : left.references
            violations.append(
                RuleViolation(
                    rule: rule,
                    cells: marked.map(\.cell),
                    left: leftValue.value,
                    right: rightValue.value,
                    place: context.place
                )
            )
        }
        return violations
    }

    /// The table cells computed by a formula (`computed` on a column or a row), per question.
    public func computedCells() -> Set<CellReference> {
        var cells = Set<CellReference>()
        for question in questions {
            guard let layout = question.table else { continue }
            for (row, _) in layout.flatRows {
                for column in layout.columns where layout.formula(row: row.id, column: column.id) != nil {
                    cells.insert(CellReference(question: question.id, row: row.id, column: column.id))
                }
            }
        }
        return cells
    }

    /// The answers with every computed cell set to its formula's value (what was typed there is
    /// ignored); a computed cell whose inputs are all empty stays empty.
    func computingTotals(_ answers: [String: Answer]) -> [String: Answer] {
        var result = answers
        for question in questions {
            guard let layout = question.table, layout.hasFormulas, case .table(var cells)? = answers[question.id]
            else { continue }
            for (row, _) in layout.flatRows {
                for column in layout.columns where layout.formula(row: row.id, column: column.id) != nil {
                    cells[row.id]?[column.id] = nil
                }
            }
            var memo: [CellReference: Decimal?] = [:]
            func value(_ cell: CellReference, _ visiting: Set<CellReference>) -> Decimal? {
                if let known = memo[cell] { return known }
                guard let row = cell.row, let column = cell.column else { return nil }
                guard let (source, context) = layout.formula(question: question.id, row: row, column: column) else {
                    return cells[row]?[column].map(Decimal.exactly)
                }
                guard !visiting.contains(cell), case .success(let expression) = resolve(source, in: context) else {
                    return nil
                }
                let computed = expression.value { value($0, visiting.union([cell])) }
                let result = computed.empty ? nil : computed.value
                memo[cell] = result
                return result
            }
            for (row, _) in layout.flatRows {
                for column in layout.columns where layout.formula(row: row.id, column: column.id) != nil {
                    let cell = CellReference(question: question.id, row: row.id, column: column.id)
                    if let total = value(cell, []) { cells[row.id, default: [:]][column.id] = total.double }
                }
            }
            result[question.id] = .table(cells.filter { !$0.value.isEmpty })
        }
        return result
    }

    /// Problems of the form's rules and totals: unreadable expressions, unknown names, repeated
    /// rule ids, totals that depend on themselves.
    func ruleProblems() -> [String] {
        var problems: [String] = []
        var ids = Set<String>()
        var all = rules.map { (rule: $0, table: String?.none) }
        for question in questions {
            guard let layout = question.table else { continue }
            all += layout.rules.map { ($0, question.id) }
            for rule in layout.rules {
                for column in rule.columns ?? [] where layout.column(column) == nil {
                    problems.append("rule '\(rule.id)': column '\(column)' is not in table '\(question.id)'")
                }
                for row in rule.rows ?? [] where !layout.flatRows.contains(where: { $0.row.id == row }) {
                    problems.append("rule '\(rule.id)': row '\(row)' is not in table '\(question.id)'")
                }
            }
            problems += formulaProblems(question.id, layout)
        }
        for (rule, table) in all {
            if !ids.insert(rule.id).inserted { problems.append("rule id '\(rule.id)' appears twice") }
            if rule.message.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("rule '\(rule.id)' has no message")
            }
            if table == nil && rule.each != nil {
                problems.append("rule '\(rule.id)': `each` is for rules of a table")
            }
            if rule.each != .column && rule.columns != nil {
                problems.append("rule '\(rule.id)': `columns` needs `each: column`")
            }
            if rule.each != .row && rule.rows != nil { problems.append("rule '\(rule.id)': `rows` needs `each: row`") }
        }
        // Each side is read once per place it applies; the first problem of a side is enough.
        var reported = Set<String>()
        for (rule, context) in ruleInstances() {
            for (side, source) in [("left", rule.left), ("right", rule.right)] {
                if case .failure(let problem) = resolve(source, in: context),
                    reported.insert("\(rule.id)/\(side)").inserted
                {
                    problems.append("rule '\(rule.id)': \(side) “\(source)” \(problem.text)")
                }
            }
        }
        return problems
    }

    private func formulaProblems(_ question: String, _ layout: TableLayout) -> [String] {
        var problems: [String] = []
        var dependencies: [CellReference: [CellReference]] = [:]
        var reported = Set<String>()
        for (row, _) in layout.flatRows {
            for column in layout.columns {
                guard let (source, context) = layout.formula(question: question, row: row.id, column: column.id)
                else { continue }
                switch resolve(source, in: context) {
                case .success(let expression):
                    dependencies[CellReference(question: question, row: row.id, column: column.id)] =
                        expression.references.map(\.cell)
                case .failure(let problem):
                    let owner =
                        layout.column(column.id)?.computed == source ? "column '\(column.id)'" : "row '\(row.id)'"
                    if reported.insert(owner).inserted {
                        problems.append("table '\(question)': \(owner) computed “\(source)” \(problem.text)")
                    }
                }
            }
        }
        // A total may not depend on itself, directly or through other totals.
        var state: [CellReference: Bool] = [:]  // false: being visited, true: done
        func cycle(from cell: CellReference) -> Bool {
            if let done = state[cell] { return !done }
            state[cell] = false
            for next in dependencies[cell] ?? [] where cycle(from: next) { return true }
            state[cell] = true
            return false
        }
        for cell in dependencies.keys.sorted() where cycle(from: cell) {
            problems.append(
                "table '\(question)': the total in \(cell.row ?? "")/\(cell.column ?? "") depends on itself"
            )
            break
        }
        return problems
    }
}

extension TableLayout {
    func hasCell(row: String, column: String) -> Bool {
        self.column(column) != nil && flatRows.contains { $0.row.id == row }
    }

    var hasFormulas: Bool { columns.contains { $0.computed != nil } || flatRows.contains { $0.row.computed != nil } }

    /// The formula of a cell: its column's (names are the row's columns), else its row's (names
    /// are the column's rows).
    func formula(row: String, column: String) -> String? {
        self.column(column)?.computed ?? flatRows.first { $0.row.id == row }?.row.computed
    }

    func formula(question: String, row: String, column: String) -> (String, RuleContext)? {
        if let source = self.column(column)?.computed {
            return (source, .row(question: question, layout: self, row: row))
        }
        if let source = flatRows.first(where: { $0.row.id == row })?.row.computed {
            return (source, .column(question: question, layout: self, column: column))
        }
        return nil
    }
}

/// A form's totals and rules with every name resolved to cell keys (`question` or
/// `question/row/column`), for a page to recompute totals and check rules as the person types.
public struct ResolvedChecks: Codable, Sendable, Hashable {
    /// A value added (or subtracted) in a sum.
    public struct Term: Codable, Sendable, Hashable {
        public let key: String
        public let negative: Bool
    }

    /// One side of a comparison, or a total's formula: a constant plus terms.
    public struct Sum: Codable, Sendable, Hashable {
        public let constant: Double
        public let terms: [Term]
    }

    /// A computed cell and its formula.
    public struct Total: Codable, Sendable, Hashable {
        public let key: String
        public let sum: Sum
    }

    /// A rule at one place: both sides, how they compare, the cells it marks.
    public struct Check: Codable, Sendable, Hashable {
        public let rule: String
        public let severity: RuleSeverity
        public let message: String
        public let messageEnglish: String
        public let left: Sum
        public let comparison: RuleComparison
        public let right: Sum
        public let marks: [String]
        /// The column's or row's label for a table rule.
        public let place: String?
    }

    public let totals: [Total]
    public let checks: [Check]

    public var isEmpty: Bool { totals.isEmpty && checks.isEmpty }
}

extension Form {
    /// The totals and rules resolved for a page (what cannot be resolved is left out: a
    /// defined form has no such problem).
    public func resolvedChecks() -> ResolvedChecks {
        func sum(_ expression: ResolvedExpression) -> ResolvedChecks.Sum {
            ResolvedChecks.Sum(
                constant: expression.constant.double,
                terms: expression.references.map { ResolvedChecks.Term(key: $0.cell.key, negative: $0.negative) }
            )
        }
        var totals: [ResolvedChecks.Total] = []
        for question in questions {
            guard let layout = question.table, layout.hasFormulas else { continue }
            for (row, _) in layout.flatRows {
                for column in layout.columns {
                    guard let (source, context) = layout.formula(question: question.id, row: row.id, column: column.id),
                        case .success(let expression) = resolve(source, in: context)
                    else { continue }
                    let key = CellReference(question: question.id, row: row.id, column: column.id).key
                    totals.append(ResolvedChecks.Total(key: key, sum: sum(expression)))
                }
            }
        }
        var checks: [ResolvedChecks.Check] = []
        for (rule, context) in ruleInstances() {
            guard case .success(let left) = resolve(rule.left, in: context),
                case .success(let right) = resolve(rule.right, in: context)
            else { continue }
            let marks = (left.references.isEmpty ? right.references : left.references).map(\.cell.key)
            checks.append(
                ResolvedChecks.Check(
                    rule: rule.id,
                    severity: rule.severity,
                    message: rule.message,
                    messageEnglish: rule.messageEnglish ?? rule.message,
                    left: sum(left),
                    comparison: rule.comparison,
                    right: sum(right),
                    marks: marks,
                    place: context.place
                )
            )
        }
        return ResolvedChecks(totals: totals, checks: checks)
    }
}

import Hierarchy
import Tasks

/// Something a unit owes by a deadline: a task of an assignee, a form's report for a period, or
/// the value of an assigned indicator for a period.
public struct Obligation: Sendable, Hashable {
    public enum Source: String, Sendable {
        case task
        case form
        case indicator
    }

    public let source: Source
    /// The task id or the assignment id.
    public let ref: String
    public let title: String
    public let unit: String
    public let deadline: CalendarDate
    public let done: Bool
    /// Tasks only.
    public let percent: Int?
    /// For a task: its indicator; for a report: its form (question nil).
    public let indicator: IndicatorLink?
    public let formOwner: String?
    public let formCode: String?
    /// An assigned indicator's code, and the period its value is owed for.
    public let indicatorCode: String?
    public let period: String?

    public init(
        source: Source,
        ref: String,
        title: String,
        unit: String,
        deadline: CalendarDate,
        done: Bool,
        percent: Int?,
        indicator: IndicatorLink? = nil,
        formOwner: String? = nil,
        formCode: String? = nil,
        indicatorCode: String? = nil,
        period: String? = nil
    ) {
        self.indicatorCode = indicatorCode
        self.period = period
        self.source = source
        self.ref = ref
        self.title = title
        self.unit = unit
        self.deadline = deadline
        self.done = done
        self.percent = percent
        self.indicator = indicator
        self.formOwner = formOwner
        self.formCode = formCode
    }

    /// A task's assignee, with its derived status.
    public init(task: TaskNotice, unit: String, status: AssigneeStatus) {
        self.init(
            source: .task,
            ref: task.id,
            title: task.title,
            unit: unit,
            deadline: task.deadline,
            done: status.state.isDone,
            percent: status.percent,
            indicator: task.indicator
        )
    }
}

/// A number reported by a unit for a question of a form in a period (from an approved report).
public struct Observation: Sendable, Hashable {
    public let unit: String
    public let period: Period
    public let formOwner: String
    public let formCode: String
    public let question: String
    public let value: Double
    /// The report it comes from.
    public let ref: String

    public init(
        unit: String,
        period: Period,
        formOwner: String,
        formCode: String,
        question: String,
        value: Double,
        ref: String
    ) {
        self.unit = unit
        self.period = period
        self.formOwner = formOwner
        self.formCode = formCode
        self.question = question
        self.value = value
        self.ref = ref
    }
}

/// An alert that should stand now. Raised once per `key`; cleared when no longer found.
public struct Finding: Sendable, Hashable {
    public let rule: String
    public let kind: AlertKind
    public let audience: Audience
    /// The unit concerned (assignee, reporting unit).
    public let unit: String
    /// The task, assignment or report concerned.
    public let ref: String
    /// The deadline or reporting period it is about.
    public let period: String
    public let message: String
    public let messageEN: String

    public var key: String { "\(rule)|\(unit)|\(ref)|\(period)" }
}

/// Evaluates rules against what a node holds; pure, so it is tested without a node.
public struct AlertEvaluation: Sendable {
    public let tree: UnitTree
    public let today: CalendarDate
    /// Fewer reference values than this and nothing is called abnormal.
    public static let minimumBasis = 2

    public init(tree: UnitTree, today: CalendarDate) {
        self.tree = tree
        self.today = today
    }

    /// Every finding of `rules` over the obligations and observations.
    public func findings(rules: [AlertRule], obligations: [Obligation], observations: [Observation]) -> [Finding] {
        rules.flatMap { rule -> [Finding] in
            switch rule.kind {
            case .dueSoon, .overdue, .lowCompletion:
                obligations.filter { applies(rule, to: $0) }.compactMap { finding(rule, $0) }
            case .abnormalValue:
                abnormal(rule, observations)
            case .parkedMessage, .silentNode, .auditCut:
                []
            }
        }
    }

    /// Whether an obligation falls under the rule's scope and the rule unit's subtree.
    public func applies(_ rule: AlertRule, to obligation: Obligation) -> Bool {
        guard tree.isInSubtree(obligation.unit, of: rule.unit) else { return false }
        if let taskId = rule.taskId { return obligation.source == .task && obligation.ref == taskId }
        if let code = rule.indicator { return obligation.source == .indicator && obligation.indicatorCode == code }
        guard let owner = rule.formOwner, let code = rule.formCode else { return obligation.source == .task }
        if let question = rule.question {
            return obligation.source == .task
                && obligation.indicator == IndicatorLink(formOwner: owner, formCode: code, question: question)
        }
        return obligation.source == .form && obligation.formOwner == owner && obligation.formCode == code
    }

    func finding(_ rule: AlertRule, _ o: Obligation) -> Finding? {
        guard !o.done else { return nil }
        let what: String
        let whatEN: String
        switch o.source {
        case .task:
            what = "Nhiệm vụ “\(o.title)”"
            whatEN = "Task “\(o.title)”"
        case .form:
            what = "Báo cáo “\(o.title)”"
            whatEN = "Report “\(o.title)”"
        case .indicator:
            let period = o.period.flatMap(Period.init)
            what = "Số liệu chỉ số “\(o.title)”" + (period.map { " kỳ \($0.vietnameseLabel)" } ?? "")
            whatEN = "The value of indicator “\(o.title)”" + (period.map { " for \($0.englishLabel)" } ?? "")
        }
        let left = today.days(until: o.deadline)
        switch rule.kind {
        case .dueSoon:
            guard let days = rule.days, left >= 0, left <= days else { return nil }
            let when = left == 0 ? "đến hạn hôm nay" : "còn \(left) ngày đến hạn"
            return Finding(
                rule: rule.id,
                kind: .dueSoon,
                audience: rule.audience,
                unit: o.unit,
                ref: o.ref,
                period: o.deadline.description,
                message: "\(what) của đơn vị \(o.unit) \(when) (\(o.deadline.vietnameseLabel))",
                messageEN: "\(whatEN) of \(o.unit) is due in \(left) days (\(o.deadline))"
            )
        case .overdue:
            guard left < 0 else { return nil }
            return Finding(
                rule: rule.id,
                kind: .overdue,
                audience: rule.audience,
                unit: o.unit,
                ref: o.ref,
                period: o.deadline.description,
                message: "\(what) của đơn vị \(o.unit) đã quá hạn \(-left) ngày (hạn \(o.deadline.vietnameseLabel))",
                messageEN: "\(whatEN) of \(o.unit) is \(-left) days overdue (due \(o.deadline))"
            )
        case .lowCompletion:
            guard let threshold = rule.percent, let from = rule.date, let percent = o.percent, today >= from,
                percent < threshold
            else { return nil }
            return Finding(
                rule: rule.id,
                kind: .lowCompletion,
                audience: rule.audience,
                unit: o.unit,
                ref: o.ref,
                period: from.description,
                message:
                    "\(what) của đơn vị \(o.unit) mới đạt \(percent)%, dưới ngưỡng \(threshold)% tính từ \(from.vietnameseLabel)",
                messageEN: "\(whatEN) of \(o.unit) is at \(percent) %, below \(threshold) % since \(from)"
            )
        case .abnormalValue, .parkedMessage, .silentNode, .auditCut:
            return nil
        }
    }

    func abnormal(_ rule: AlertRule, _ observations: [Observation]) -> [Finding] {
        guard let owner = rule.formOwner, let code = rule.formCode, let question = rule.question,
            let factor = rule.factor, let basis = rule.basis
        else { return [] }
        let relevant = observations.filter { $0.formOwner == owner && $0.formCode == code && $0.question == question }
        return relevant.filter { tree.isInSubtree($0.unit, of: rule.unit) }.compactMap { observation -> Finding? in
            let references: [Double]
            switch basis {
            case .history:
                // The same kind of period (months with months), up to the last twelve before this one.
                references = relevant.filter {
                    $0.unit == observation.unit && $0.period.frequency == observation.period.frequency
                        && $0.period < observation.period
                }
                .sorted { $0.period < $1.period }.suffix(12).map(\.value)
            case .peers:
                let parent = tree[observation.unit]?.parent
                references = relevant.filter {
                    $0.unit != observation.unit && $0.period == observation.period && tree[$0.unit]?.parent == parent
                }.map(\.value)
            }
            guard let reference = Self.reference(references),
                Self.isAbnormal(observation.value, reference: reference, factor: factor)
            else { return nil }
            let against = basis == .history ? "mức thường thấy của chính đơn vị" : "các đơn vị cùng cấp"
            let againstEN = basis == .history ? "the unit's own history" : "its peers"
            return Finding(
                rule: rule.id,
                kind: .abnormalValue,
                audience: rule.audience,
                unit: observation.unit,
                ref: observation.ref,
                period: observation.period.description,
                message:
                    "Số liệu “\(question)” kỳ \(observation.period.vietnameseLabel) của đơn vị \(observation.unit) là \(Self.format(observation.value)), chênh hơn \(Self.format(factor)) lần so với \(against) (\(Self.format(reference)))",
                messageEN:
                    "Value of \(question) for \(observation.period) of \(observation.unit) is \(Self.format(observation.value)), beyond \(Self.format(factor))× \(againstEN) (\(Self.format(reference)))"
            )
        }
    }

    /// The median of at least `minimumBasis` values, when positive (a zero reference has no scale).
    public static func reference(_ values: [Double]) -> Double? {
        guard values.count >= minimumBasis else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
        return median > 0 ? median : nil
    }

    /// Beyond `factor` × the reference, or below it ÷ `factor`.
    public static func isAbnormal(_ value: Double, reference: Double, factor: Double) -> Bool {
        value > reference * factor || value < reference / factor
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

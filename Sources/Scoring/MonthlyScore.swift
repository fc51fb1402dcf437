/// What one unit did in a month, as Decision 4587/QĐ-BKHCN scores it. Counts are this unit's;
/// the "best" figures are the highest of any unit scored in the same month.
public struct ScoreInputs: Sendable, Hashable, Codable {
    // A — assigned tasks
    /// Tasks due: due this month plus earlier tasks still open.
    public var tasksDue: Int
    public var completedOnTime: Int
    /// Overdue tasks (of earlier months) completed this month.
    public var completedLate: Int
    /// Tasks assigned to this unit, and the largest number assigned to any unit.
    public var tasksAssigned: Int
    public var mostTasksAssigned: Int
    // B — public services: the index of Decision 766/QĐ-TTg (0–100), from another system.
    public var publicServiceIndex: Double
    // C — data
    public var recordsDigitised: Int
    public var mostRecordsDigitised: Int
    public var sharingTransactions: Int
    public var mostSharingTransactions: Int
    // D — results
    /// S&T tasks accepted since January, of all the unit's S&T tasks.
    public var scienceTasksAccepted: Int
    public var scienceTasks: Int
    /// Share of the year's S&T / digital-transformation funding disbursed so far, in percent.
    public var disbursementPercent: Double
    // E — leadership
    public var meetingsAttended: Int
    public var meetingsHeld: Int
    /// Contributions (speeches sharing experience) at those meetings.
    public var contributions: Int
    public var thematicReports: Int
    /// Share of the monthly reporting done on the system on time, 0–1 (1 = all, on time).
    public var reportingOnTime: Double
    /// Breakthrough initiatives: 0–5 points decided by the steering committee.
    public var bonus: Int

    public init(
        tasksDue: Int = 0,
        completedOnTime: Int = 0,
        completedLate: Int = 0,
        tasksAssigned: Int = 0,
        mostTasksAssigned: Int = 0,
        publicServiceIndex: Double = 0,
        recordsDigitised: Int = 0,
        mostRecordsDigitised: Int = 0,
        sharingTransactions: Int = 0,
        mostSharingTransactions: Int = 0,
        scienceTasksAccepted: Int = 0,
        scienceTasks: Int = 0,
        disbursementPercent: Double = 0,
        meetingsAttended: Int = 0,
        meetingsHeld: Int = 0,
        contributions: Int = 0,
        thematicReports: Int = 0,
        reportingOnTime: Double = 0,
        bonus: Int = 0
    ) {
        self.tasksDue = tasksDue
        self.completedOnTime = completedOnTime
        self.completedLate = completedLate
        self.tasksAssigned = tasksAssigned
        self.mostTasksAssigned = mostTasksAssigned
        self.publicServiceIndex = publicServiceIndex
        self.recordsDigitised = recordsDigitised
        self.mostRecordsDigitised = mostRecordsDigitised
        self.sharingTransactions = sharingTransactions
        self.mostSharingTransactions = mostSharingTransactions
        self.scienceTasksAccepted = scienceTasksAccepted
        self.scienceTasks = scienceTasks
        self.disbursementPercent = disbursementPercent
        self.meetingsAttended = meetingsAttended
        self.meetingsHeld = meetingsHeld
        self.contributions = contributions
        self.thematicReports = thematicReports
        self.reportingOnTime = reportingOnTime
        self.bonus = bonus
    }
}

/// One component of the score, with how it was computed (shown to the unit).
public struct ScoreComponent: Sendable, Hashable, Codable {
    public let code: String
    public let points: Double
    public let maximum: Double
    /// The formula with this unit's figures, e.g. "12 / 15 × 18".
    public let working: String
}

/// The monthly score: components A1…E3 and the bonus, the total rounded to a whole point, and
/// the class (A ≥ 85, B 70–<85, C 50–<70, D < 50).
public struct MonthlyScore: Sendable, Hashable, Codable {
    public let components: [ScoreComponent]
    /// Before rounding.
    public let exact: Double
    public let total: Int
    public let grade: Grade

    /// The classes of Decision 4587, on the rounded total.
    public enum Grade: String, Sendable, Codable, CaseIterable {
        case A, B, C, D

        public init(total: Int) {
            switch total {
            case 85...: self = .A
            case 70..<85: self = .B
            case 50..<70: self = .C
            default: self = .D
            }
        }

        public var vietnameseName: String {
            switch self {
            case .A: "Loại A (xuất sắc)"
            case .B: "Loại B (tốt)"
            case .C: "Loại C (khá)"
            case .D: "Loại D"
            }
        }
    }

    /// Computes the score. Where a ratio has nothing to count (no task due, no meeting held, no
    /// S&T task), nothing was missed and the component is full; where a component compares with
    /// the best unit and no unit did anything, it is 0 for all.
    public init(_ inputs: ScoreInputs) {
        func share(_ part: Int, of whole: Int, points: Double, code: String, factor: Double = 1) -> ScoreComponent {
            guard whole > 0 else {
                return ScoreComponent(
                    code: code,
                    points: points * factor,
                    maximum: points,
                    working: "không có gì phải thực hiện → tối đa"
                )
            }
            let value = min(Double(max(part, 0)) / Double(whole), 1) * points * factor
            let factorText = factor == 1 ? "" : " × \(Self.number(factor * 100))%"
            return ScoreComponent(
                code: code,
                points: value,
                maximum: points * (factor == 1 ? 1 : factor),
                working: "\(part) / \(whole)\(factorText) × \(Self.number(points))"
            )
        }
        func versusBest(_ own: Int, best: Int, points: Double, code: String) -> ScoreComponent {
            let top = max(best, own)
            guard top > 0 else {
                return ScoreComponent(code: code, points: 0, maximum: points, working: "chưa đơn vị nào thực hiện → 0")
            }
            return ScoreComponent(
                code: code,
                points: Double(max(own, 0)) / Double(top) * points,
                maximum: points,
                working: "\(own) / \(top) (cao nhất) × \(Self.number(points))"
            )
        }
        let index = min(max(inputs.publicServiceIndex, 0), 100)
        let disbursed = min(max(inputs.disbursementPercent, 0), 100)
        let onTime = min(max(inputs.reportingOnTime, 0), 1)
        let speeches = inputs.thematicReports > 0 ? 5 : min(max(inputs.contributions, 0), 5)
        let bonus = min(max(inputs.bonus, 0), 5)
        let components = [
            share(inputs.completedOnTime, of: inputs.tasksDue, points: 18, code: "A1"),
            inputs.tasksDue > 0
                ? share(inputs.completedLate, of: inputs.tasksDue, points: 18, code: "A2", factor: 0.5)
                : ScoreComponent(code: "A2", points: 0, maximum: 9, working: "không có nhiệm vụ quá hạn → 0"),
            versusBest(inputs.tasksAssigned, best: inputs.mostTasksAssigned, points: 2, code: "A3"),
            ScoreComponent(
                code: "B",
                points: index / 100 * 20,
                maximum: 20,
                working: "\(Self.number(index)) / 100 × 20"
            ),
            versusBest(inputs.recordsDigitised, best: inputs.mostRecordsDigitised, points: 10, code: "C1"),
            versusBest(inputs.sharingTransactions, best: inputs.mostSharingTransactions, points: 10, code: "C2"),
            share(inputs.scienceTasksAccepted, of: inputs.scienceTasks, points: 10, code: "D1"),
            ScoreComponent(
                code: "D2",
                points: disbursed / 100 * 10,
                maximum: 10,
                working: "\(Self.number(disbursed))% × 10"
            ),
            share(inputs.meetingsAttended, of: inputs.meetingsHeld, points: 5, code: "E1"),
            ScoreComponent(
                code: "E2",
                points: Double(speeches),
                maximum: 5,
                working: inputs.thematicReports > 0
                    ? "có báo cáo chuyên đề → 5" : "\(inputs.contributions) lần phát biểu × 1 (tối đa 5)"
            ),
            ScoreComponent(
                code: "E3",
                points: onTime * 5,
                maximum: 5,
                working: "\(Self.number(onTime * 100))% báo cáo đúng hạn × 5"
            ),
            ScoreComponent(code: "bonus", points: Double(bonus), maximum: 5, working: "điểm khuyến khích \(bonus)"),
        ]
        let exact = components.map(\.points).reduce(0, +)
        self.components = components
        self.exact = exact
        // "Làm tròn đến 1 điểm": half a point rounds up. A tiny allowance absorbs binary fractions
        // (84.5 computed as 84.49999999).
        self.total = Int((exact + 1e-9).rounded(.toNearestOrAwayFromZero))
        self.grade = Grade(total: total)
    }

    public func component(_ code: String) -> ScoreComponent? { components.first { $0.code == code } }

    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// Units ranked by their monthly score, with the change from the month before (a smaller rank
/// number is better; equal totals share a rank).
public struct Ranking: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public let unit: String
        public let total: Int
        public let grade: MonthlyScore.Grade
        public let rank: Int
        /// Places gained since last month (negative when fallen); nil when not ranked then.
        public let change: Int?
    }

    public let rows: [Row]

    public init(scores: [String: MonthlyScore], previous: [String: Int] = [:]) {
        let ordered = scores.sorted { ($0.value.total, $1.key) > ($1.value.total, $0.key) }
        var rows: [Row] = []
        for (position, entry) in ordered.enumerated() {
            let rank = rows.last.flatMap { $0.total == entry.value.total ? $0.rank : nil } ?? position + 1
            rows.append(
                Row(
                    unit: entry.key,
                    total: entry.value.total,
                    grade: entry.value.grade,
                    rank: rank,
                    change: previous[entry.key].map { $0 - rank }
                )
            )
        }
        self.rows = rows
    }
}

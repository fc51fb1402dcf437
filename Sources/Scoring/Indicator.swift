/// One input of Decision 4587's monthly score, as imported, entered or taken from tasks. The raw
/// value names the figure in CSV files and the API.
public enum Indicator: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    // A — from tasks (the `TaskFigures` seam)
    case tasksDue, completedOnTime, completedLate, tasksAssigned
    // B
    case publicServiceIndex
    // C
    case recordsDigitised, sharingTransactions
    // D
    case scienceTasksAccepted, scienceTasks, disbursementPercent
    // E
    case meetingsAttended, meetingsHeld, contributions, thematicReports, reportingOnTime
    case bonus

    /// Who supplies the figure.
    public enum Source: String, Sendable, Codable {
        /// Task figures: from the tasks module when it is plugged in, imported until then.
        case tasks
        /// Decided or measured above the unit (another system, the steering committee's records).
        case scorer
        /// Reported by the scored unit itself, checked by the scorer.
        case unit
    }

    public var source: Source {
        switch self {
        case .tasksDue, .completedOnTime, .completedLate, .tasksAssigned: .tasks
        case .recordsDigitised, .sharingTransactions, .scienceTasksAccepted, .scienceTasks, .disbursementPercent: .unit
        case .publicServiceIndex, .meetingsAttended, .meetingsHeld, .contributions, .thematicReports, .reportingOnTime,
            .bonus:
            .scorer
        }
    }

    /// The component of the score the figure feeds.
    public var component: String {
        switch self {
        case .tasksDue: "A1, A2"
        case .completedOnTime: "A1"
        case .completedLate: "A2"
        case .tasksAssigned: "A3"
        case .publicServiceIndex: "B"
        case .recordsDigitised: "C1"
        case .sharingTransactions: "C2"
        case .scienceTasksAccepted, .scienceTasks: "D1"
        case .disbursementPercent: "D2"
        case .meetingsAttended, .meetingsHeld: "E1"
        case .contributions, .thematicReports: "E2"
        case .reportingOnTime: "E3"
        case .bonus: "bonus"
        }
    }

    /// The values the figure may take.
    public var range: ClosedRange<Double> {
        switch self {
        case .publicServiceIndex, .disbursementPercent: 0...100
        case .reportingOnTime: 0...1
        case .bonus: 0...5
        default: 0...1_000_000_000
        }
    }

    /// Counts and the bonus are whole numbers.
    public var isWhole: Bool {
        switch self {
        case .publicServiceIndex, .disbursementPercent, .reportingOnTime: false
        default: true
        }
    }

    public var vietnameseName: String {
        switch self {
        case .tasksDue: "Số nhiệm vụ đến hạn trong kỳ"
        case .completedOnTime: "Số nhiệm vụ hoàn thành đúng hạn"
        case .completedLate: "Số nhiệm vụ quá hạn đã hoàn thành trong tháng"
        case .tasksAssigned: "Số nhiệm vụ được giao"
        case .publicServiceIndex: "Chỉ số phục vụ người dân, doanh nghiệp (0–100)"
        case .recordsDigitised: "Số hồ sơ được số hoá trong tháng"
        case .sharingTransactions: "Số giao dịch chia sẻ dữ liệu"
        case .scienceTasksAccepted: "Số nhiệm vụ KH&CN được nghiệm thu từ đầu năm"
        case .scienceTasks: "Tổng số nhiệm vụ KH&CN"
        case .disbursementPercent: "Tỷ lệ giải ngân (%)"
        case .meetingsAttended: "Số cuộc họp tham dự"
        case .meetingsHeld: "Số cuộc họp được tổ chức"
        case .contributions: "Số lần phát biểu, chia sẻ kinh nghiệm"
        case .thematicReports: "Số báo cáo chuyên đề"
        case .reportingOnTime: "Tỷ lệ cập nhật kết quả đúng hạn trên hệ thống (0–1)"
        case .bonus: "Điểm khuyến khích (0–5)"
        }
    }

    /// Why `value` is not acceptable for this figure (Vietnamese), nil when it is.
    public func problem(with value: Double) -> String? {
        guard value.isFinite, range.contains(value) else {
            return
                "“\(rawValue)” phải trong khoảng \(MonthlyScore.number(range.lowerBound))–\(MonthlyScore.number(range.upperBound))"
        }
        if isWhole, value != value.rounded() { return "“\(rawValue)” phải là số nguyên" }
        return nil
    }

    public static func < (lhs: Indicator, rhs: Indicator) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A unit's task figures for one month: the seam through which the tasks module feeds A1–A3.
/// Until tasks are plugged in, these come from imported indicator values.
public struct TaskFigures: Sendable, Hashable, Codable {
    /// Due this month plus earlier tasks still open.
    public var due: Int
    public var completedOnTime: Int
    /// Overdue tasks (of earlier months) completed this month.
    public var completedLate: Int
    /// Tasks assigned to the unit (for A3, compared with the unit that has the most).
    public var assigned: Int

    public init(due: Int = 0, completedOnTime: Int = 0, completedLate: Int = 0, assigned: Int = 0) {
        self.due = due
        self.completedOnTime = completedOnTime
        self.completedLate = completedLate
        self.assigned = assigned
    }

    /// The task figures held among imported values.
    public init(values: [Indicator: Double]) {
        self.init(
            due: Int(values[.tasksDue] ?? 0),
            completedOnTime: Int(values[.completedOnTime] ?? 0),
            completedLate: Int(values[.completedLate] ?? 0),
            assigned: Int(values[.tasksAssigned] ?? 0)
        )
    }
}

/// A month parsed from `2026-11`, and the one before it.
public struct ScoreMonth: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]),
            (2000...2200).contains(year), (1...12).contains(month)
        else { return nil }
        self.year = year
        self.month = month
    }

    private init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public var previous: ScoreMonth {
        month == 1 ? ScoreMonth(year: year - 1, month: 12) : ScoreMonth(year: year, month: month - 1)
    }
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (lhs: ScoreMonth, rhs: ScoreMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let month = ScoreMonth(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid month '\(text)' (expected 2026-11)")
            )
        }
        self = month
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

import Alerts
import Auth
import Hierarchy
import Reporting
import Tasks

/// Periods in words, never as codes: "Tháng 12/2026", "Quý IV/2026", "Năm 2026", "Đợt 2026".
enum PeriodWords {
    static func text(_ code: String, _ language: Language) -> String {
        guard let period = Period(code) else { return code }
        return language.pick(period.vietnameseLabel, period.englishLabel)
    }

    /// Periods to choose from, newest first: this year and the last, each as a year, its quarters
    /// and its months, none after `today`; `chosen` is marked (and kept when older, or of a kind
    /// not offered). `kinds` narrows the offer to those frequencies (a one-off round, "Đợt 2026",
    /// only when asked for); `upcoming` also offers next year and the periods after `today`, as a
    /// form is assigned before its period comes.
    static func choices(
        today: CalendarDate,
        chosen: String,
        _ language: Language,
        monthsOnly: Bool = false,
        kinds: Set<Frequency> = [.monthly, .quarterly, .yearly],
        upcoming: Bool = false
    ) -> [Choice] {
        var periods: [Period] = []
        for year in upcoming ? [today.year + 1, today.year, today.year - 1] : [today.year, today.year - 1] {
            let whole = upcoming || year < today.year
            periods.append(.year(year))
            if let round = Period("\(year)-once") { periods.append(round) }
            periods += (1...4).reversed().map { Period.quarter(year, $0) }.filter {
                whole || ($0.index - 1) * 3 < today.month
            }
            periods += (1...12).reversed().map { Period.month(year, $0) }.filter {
                whole || $0.index <= today.month
            }
        }
        let offered = monthsOnly ? [.monthly] : kinds
        periods = periods.filter { offered.contains($0.frequency) }
        if let extra = Period(chosen), !periods.contains(extra) { periods.append(extra) }
        return periods.map {
            Choice(code: $0.description, label: text($0.description, language), selected: $0.description == chosen)
        }
    }

    /// A period to choose in a page's form.
    struct Choice: Sendable {
        let code: String
        let label: String
        let selected: Bool
    }
}

// Names on English pages, so that English mode shows words, not codes ("draft").

extension ReportState {
    var englishName: String {
        switch self {
        case .draft: "Draft"
        case .submitted: "Waiting for approval"
        case .approved: "Approved"
        case .returned: "Returned for revision"
        }
    }
}

extension Role {
    var englishName: String {
        switch self {
        case .admin: "Administrator"
        case .approver: "Approver"
        case .dataEntry: "Data entry"
        case .viewer: "Viewer"
        }
    }
}

extension CongressStatus {
    var englishName: String {
        switch self {
        case .held: "Held"
        case .scheduled: "Scheduled"
        case .unscheduled: "Not scheduled"
        }
    }
}

extension TaskState {
    var englishName: String {
        switch self {
        case .notStarted: "Not started"
        case .inProgress: "In progress"
        case .doneOnTime: "Done on time"
        case .doneLate: "Done late"
        case .overdue: "Overdue"
        }
    }
}

extension ReviewStatus {
    var englishName: String {
        switch self {
        case .pending: "Waiting for review"
        case .confirmed: "Confirmed"
        case .returned: "Returned"
        }
    }
}

extension AlertKind {
    var englishName: String {
        switch self {
        case .dueSoon: "Due soon"
        case .overdue: "Overdue"
        case .lowCompletion: "Low completion"
        case .abnormalValue: "Abnormal value"
        case .parkedMessage: "Message held back"
        case .silentNode: "Silent node"
        case .auditCut: "Audit trail cut"
        }
    }
}

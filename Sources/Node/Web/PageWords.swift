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
        }
    }
}

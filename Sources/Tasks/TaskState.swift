import Hierarchy

/// Where one assignee stands on a task. Never stored: derived from the facts (updates, reviews)
/// and today's date, so it never goes stale.
public enum TaskState: String, Codable, Sendable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case doneOnTime = "done_on_time"
    case doneLate = "done_late"
    case overdue

    public var vietnameseName: String {
        switch self {
        case .notStarted: "Chưa bắt đầu"
        case .inProgress: "Đang thực hiện"
        case .doneOnTime: "Hoàn thành đúng hạn"
        case .doneLate: "Hoàn thành quá hạn"
        case .overdue: "Quá hạn"
        }
    }

    public var isDone: Bool { self == .doneOnTime || self == .doneLate }
}

/// The assigning unit's view of the current completion.
public enum ReviewStatus: String, Codable, Sendable {
    /// Completed, waiting for the assigning unit.
    case pending
    case confirmed
    /// Sent back; stays so until the assignee completes again.
    case returned

    public var vietnameseName: String {
        switch self {
        case .pending: "Chờ xác nhận"
        case .confirmed: "Đã xác nhận"
        case .returned: "Bị trả lại"
        }
    }
}

/// The derived status of one assignee.
public struct AssigneeStatus: Codable, Sendable, Hashable {
    public let state: TaskState
    public let percent: Int
    public let review: ReviewStatus?
    /// The day of the completion that counts (nil unless done).
    public let completedOn: CalendarDate?
    /// The number of the current update (0 when none); the next one made is this + 1.
    public let seq: Int
    /// The reason of the latest return, while it stands.
    public let returnReason: String?
}

/// Everything known about one assignee of a task; the rules of the task's life.
public struct AssigneeFacts: Sendable {
    public let deadline: CalendarDate
    public let updates: [TaskUpdate]
    public let reviews: [TaskReview]

    public init(deadline: CalendarDate, updates: [TaskUpdate], reviews: [TaskReview]) {
        self.deadline = deadline
        self.updates = updates.sorted { $0.seq < $1.seq }
        self.reviews = reviews
    }

    /// The update that counts: the highest-numbered one.
    public var current: TaskUpdate? { updates.last }

    /// The decision on the current update, if it is a completion that was reviewed.
    public var currentReview: TaskReview? {
        guard let current, current.kind == .completed else { return nil }
        return reviews.first { $0.completionSeq == current.seq }
    }

    public func status(today: CalendarDate) -> AssigneeStatus {
        let pastDeadline = today > deadline
        guard let current else {
            return AssigneeStatus(
                state: pastDeadline ? .overdue : .notStarted,
                percent: 0,
                review: nil,
                completedOn: nil,
                seq: 0,
                returnReason: nil
            )
        }
        if current.kind == .completed, let review = currentReview, review.decision == .returned {
            let percent = updates.last { $0.kind == .progress }?.percent ?? 0
            return AssigneeStatus(
                state: pastDeadline ? .overdue : .inProgress,
                percent: percent,
                review: .returned,
                completedOn: nil,
                seq: current.seq,
                returnReason: review.reason
            )
        }
        if current.kind == .completed {
            return AssigneeStatus(
                state: current.day <= deadline ? .doneOnTime : .doneLate,
                percent: 100,
                review: currentReview?.decision == .confirmed ? .confirmed : .pending,
                completedOn: current.day,
                seq: current.seq,
                returnReason: nil
            )
        }
        // Progress after a return keeps the return visible until the next completion.
        let lastCompletion = updates.last { $0.kind == .completed }
        let returned = lastCompletion.flatMap { completion in
            reviews.first { $0.completionSeq == completion.seq && $0.decision == .returned }
        }
        let state: TaskState =
            pastDeadline ? .overdue : (current.percent == 0 && returned == nil ? .notStarted : .inProgress)
        return AssigneeStatus(
            state: state,
            percent: current.percent,
            review: returned == nil ? nil : .returned,
            completedOn: nil,
            seq: current.seq,
            returnReason: returned?.reason
        )
    }

    /// Why the assignee may not report now (progress or completion), or nil.
    public var reportRefusal: TaskRefusal? {
        guard let current, current.kind == .completed else { return nil }
        switch currentReview?.decision {
        case .returned?: return nil
        case .confirmed?: return .alreadyConfirmed
        case nil: return .awaitingReview
        }
    }

    /// Checks a progress report (or completion) the assignee wants to make.
    public func checkReport(kind: TaskUpdate.Kind, percent: Int) -> TaskRefusal? {
        if let refusal = reportRefusal { return refusal }
        if kind == .progress && !(0...100).contains(percent) { return .badPercent }
        return nil
    }

    /// The completion the assigning unit may review now, or why not.
    public func reviewable(decision: TaskReview.Decision, reason: String?) -> Result<TaskUpdate, TaskRefusal> {
        guard let current, current.kind == .completed else { return .failure(.notCompleted) }
        if currentReview != nil { return .failure(.alreadyReviewed) }
        if decision == .returned, (reason ?? "").allSatisfy(\.isWhitespace) { return .failure(.reasonRequired) }
        return .success(current)
    }
}

/// Why an action on a task is refused; Vietnamese first, English second.
public enum TaskRefusal: Error, Sendable, Equatable {
    case awaitingReview
    case alreadyConfirmed
    case badPercent
    case notCompleted
    case alreadyReviewed
    case reasonRequired

    public var message: String {
        switch self {
        case .awaitingReview: "Nhiệm vụ đã báo hoàn thành và đang chờ đơn vị giao xác nhận"
        case .alreadyConfirmed: "Nhiệm vụ đã được xác nhận hoàn thành"
        case .badPercent: "Tiến độ phải từ 0 đến 100%"
        case .notCompleted: "Đơn vị chưa báo hoàn thành nhiệm vụ"
        case .alreadyReviewed: "Lần báo hoàn thành này đã được xem xét"
        case .reasonRequired: "Hãy nêu lý do trả lại"
        }
    }

    public var messageEN: String {
        switch self {
        case .awaitingReview: "The completion awaits the assigning unit's review"
        case .alreadyConfirmed: "The completion was confirmed"
        case .badPercent: "Progress must be 0–100 %"
        case .notCompleted: "The unit has not reported completion"
        case .alreadyReviewed: "This completion was already reviewed"
        case .reasonRequired: "Give a reason for returning it"
        }
    }

    /// A bad value is the caller's input; the others are the task's state.
    public var isInvalidInput: Bool { self == .badPercent || self == .reasonRequired }
}

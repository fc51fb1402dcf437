import Hierarchy

/// A unit's tasks counted for one month the way Decision 4587 counts them for A1–A3: the tasks
/// due (due this month, plus earlier ones still open when the month began), those due this month
/// and done by their deadline, and earlier overdue ones done this month.
public struct MonthlyTally: Sendable, Hashable {
    /// One task of the unit: its deadline and the day of its completion as it stood at the end of
    /// the month (nil when not done, or when the completion was returned).
    public struct Entry: Sendable, Hashable {
        public let deadline: CalendarDate
        public let completedOn: CalendarDate?

        public init(deadline: CalendarDate, completedOn: CalendarDate?) {
            self.deadline = deadline
            self.completedOn = completedOn
        }
    }

    public private(set) var due = 0
    public private(set) var completedOnTime = 0
    public private(set) var completedLate = 0

    /// Counts `entries` for the month running from `first` to `last` (both included).
    public init(_ entries: [Entry], first: CalendarDate, last: CalendarDate) {
        for entry in entries {
            let done = entry.completedOn.flatMap { $0 <= last ? $0 : nil }
            if entry.deadline >= first && entry.deadline <= last {
                due += 1
                if let done, done <= entry.deadline { completedOnTime += 1 }
            } else if entry.deadline < first, done.map({ $0 >= first }) ?? true {
                // Overdue when the month began and still open then.
                due += 1
                if let done, done >= first { completedLate += 1 }
            }
        }
    }

    /// What stood at the end of the month: the facts made on or before `last`, read then.
    public static func entry(_ facts: AssigneeFacts, last: CalendarDate) -> Entry {
        let asOfThen = AssigneeFacts(
            deadline: facts.deadline,
            updates: facts.updates.filter { $0.day <= last },
            reviews: facts.reviews
        )
        return Entry(deadline: facts.deadline, completedOn: asOfThen.status(today: last).completedOn)
    }
}

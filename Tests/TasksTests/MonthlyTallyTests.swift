import Foundation
import Hierarchy
import Testing

@testable import Tasks

/// Decision 4587 counts a unit's tasks per month: due = due this month + earlier ones still open
/// when it began; A1 counts those due this month done by their deadline; A2 the earlier overdue
/// ones done this month.
@Suite struct MonthlyTallyTests {
    static let first = CalendarDate(year: 2026, month: 11, day: 1)
    static let last = CalendarDate(year: 2026, month: 11, day: 30)

    static func day(_ month: Int, _ day: Int) -> CalendarDate { CalendarDate(year: 2026, month: month, day: day) }
    static func entry(_ deadline: CalendarDate, _ done: CalendarDate? = nil) -> MonthlyTally.Entry {
        .init(deadline: deadline, completedOn: done)
    }

    @Test func countsAsTheDecisionSays() {
        let tally = MonthlyTally(
            [
                Self.entry(Self.day(11, 10), Self.day(11, 10)),  // due now, done on the deadline day: on time
                Self.entry(Self.day(11, 20), Self.day(11, 25)),  // due now, done late: due, not on time
                Self.entry(Self.day(11, 30)),  // due now, open
                Self.entry(Self.day(10, 15), Self.day(11, 3)),  // overdue from October, done this month: A2
                Self.entry(Self.day(10, 20)),  // overdue from October, still open: due
                Self.entry(Self.day(10, 1), Self.day(10, 1)),  // done in October: not this month's
                Self.entry(Self.day(12, 5), Self.day(11, 28)),  // due next month: not counted yet
                Self.entry(Self.day(11, 15), Self.day(12, 2)),  // done after the month: open at its end
            ],
            first: Self.first,
            last: Self.last
        )
        #expect(tally.due == 6)
        #expect(tally.completedOnTime == 1)
        #expect(tally.completedLate == 1)
    }

    @Test func noTasksDueCountsNothing() {
        let tally = MonthlyTally([Self.entry(Self.day(9, 1), Self.day(9, 1))], first: Self.first, last: Self.last)
        #expect(tally == MonthlyTally([], first: Self.first, last: Self.last))
        #expect(tally.due == 0)
    }

    @Test func theEntryIsReadAsItStoodAtTheMonthsEnd() {
        let at = Date(timeIntervalSince1970: 0)
        func update(_ seq: Int, _ kind: TaskUpdate.Kind, _ day: CalendarDate) -> TaskUpdate {
            TaskUpdate(
                taskId: "T",
                assignedBy: "TW",
                unit: "BNI",
                seq: seq,
                kind: kind,
                percent: kind == .completed ? 100 : 50,
                note: nil,
                evidence: [],
                by: "bni.entry",
                at: at,
                day: day
            )
        }
        let completedInDecember = AssigneeFacts(
            deadline: Self.day(11, 20),
            updates: [update(1, .progress, Self.day(11, 5)), update(2, .completed, Self.day(12, 2))],
            reviews: []
        )
        #expect(MonthlyTally.entry(completedInDecember, last: Self.last).completedOn == nil)
        let returned = AssigneeFacts(
            deadline: Self.day(11, 20),
            updates: [update(1, .completed, Self.day(11, 18))],
            reviews: [
                TaskReview(
                    taskId: "T",
                    assignedBy: "TW",
                    unit: "BNI",
                    completionSeq: 1,
                    decision: .returned,
                    reason: "Thiếu minh chứng",
                    by: "tw.approver",
                    at: at
                )
            ]
        )
        #expect(
            MonthlyTally.entry(returned, last: Self.last).completedOn == nil,
            "a returned completion does not count"
        )
        let done = AssigneeFacts(
            deadline: Self.day(11, 20),
            updates: [update(1, .completed, Self.day(11, 18))],
            reviews: []
        )
        #expect(MonthlyTally.entry(done, last: Self.last).completedOn == Self.day(11, 18))
    }
}

import Foundation
import Hierarchy
import Testing

@testable import Tasks

/// A task's state is derived from its facts and today's date: these pin the transitions and the
/// edges (the deadline day, a return, progress after a return, late and replayed updates).
@Suite struct TaskStateTests {
    static let deadline = CalendarDate(year: 2026, month: 11, day: 25)

    static func update(
        _ seq: Int,
        _ kind: TaskUpdate.Kind = .progress,
        percent: Int,
        on day: CalendarDate = CalendarDate(year: 2026, month: 11, day: 10)
    ) -> TaskUpdate {
        TaskUpdate(
            taskId: "T",
            assignedBy: "TW",
            unit: "BNI-KB",
            seq: seq,
            kind: kind,
            percent: percent,
            note: nil,
            evidence: [],
            by: "bni-kb.entry",
            at: Date(timeIntervalSince1970: 0),
            day: day
        )
    }

    static func review(_ seq: Int, _ decision: TaskReview.Decision, reason: String? = nil) -> TaskReview {
        TaskReview(
            taskId: "T",
            assignedBy: "TW",
            unit: "BNI-KB",
            completionSeq: seq,
            decision: decision,
            reason: reason,
            by: "tw.approver",
            at: Date(timeIntervalSince1970: 0)
        )
    }

    static func status(
        _ updates: [TaskUpdate],
        _ reviews: [TaskReview] = [],
        today: CalendarDate = CalendarDate(year: 2026, month: 11, day: 20)
    ) -> AssigneeStatus {
        AssigneeFacts(deadline: deadline, updates: updates, reviews: reviews).status(today: today)
    }

    @Test func notStartedUntilProgressThenInProgress() {
        #expect(Self.status([]).state == .notStarted)
        #expect(Self.status([Self.update(1, percent: 0)]).state == .notStarted, "0 % reported is not a start")
        let started = Self.status([Self.update(1, percent: 30)])
        #expect(started.state == .inProgress)
        #expect(started.percent == 30)
        #expect(started.seq == 1)
    }

    @Test func theDeadlineDayIsStillOnTime() {
        let onTheDay = Self.status(
            [Self.update(1, .completed, percent: 100, on: Self.deadline)],
            today: Self.deadline.adding(days: 3)
        )
        #expect(onTheDay.state == .doneOnTime)
        #expect(onTheDay.review == .pending)
        #expect(onTheDay.completedOn == Self.deadline)
        let dayAfter = Self.status(
            [Self.update(1, .completed, percent: 100, on: Self.deadline.adding(days: 1))],
            today: Self.deadline.adding(days: 3)
        )
        #expect(dayAfter.state == .doneLate)
        // Not yet done: overdue only from the day after the deadline.
        #expect(Self.status([Self.update(1, percent: 50)], today: Self.deadline).state == .inProgress)
        #expect(Self.status([Self.update(1, percent: 50)], today: Self.deadline.adding(days: 1)).state == .overdue)
        #expect(Self.status([], today: Self.deadline.adding(days: 1)).state == .overdue)
    }

    @Test func aReturnReopensAndTheNextCompletionCounts() {
        let completed = [Self.update(1, percent: 60), Self.update(2, .completed, percent: 100)]
        let returned = Self.status(completed, [Self.review(2, .returned, reason: "Thiếu minh chứng")])
        #expect(returned.state == .inProgress)
        #expect(returned.review == .returned)
        #expect(returned.percent == 60, "back to the last progress reported")
        #expect(returned.returnReason == "Thiếu minh chứng")
        // Past the deadline a returned task is overdue again.
        #expect(
            Self.status(completed, [Self.review(2, .returned, reason: "x")], today: Self.deadline.adding(days: 1)).state
                == .overdue
        )

        let progressAfter = Self.status(
            completed + [Self.update(3, percent: 90)],
            [Self.review(2, .returned, reason: "Thiếu minh chứng")]
        )
        #expect(progressAfter.state == .inProgress)
        #expect(progressAfter.percent == 90)
        #expect(progressAfter.review == .returned, "the return stands until the next completion")

        let late = CalendarDate(year: 2026, month: 11, day: 28)
        let again = Self.status(
            completed + [Self.update(3, percent: 90), Self.update(4, .completed, percent: 100, on: late)],
            [Self.review(2, .returned, reason: "x")],
            today: late
        )
        #expect(again.state == .doneLate, "the second completion counts, and it is after the deadline")
        #expect(again.review == .pending, "the old return does not apply to the new completion")
        #expect(
            Self.status(
                completed + [Self.update(3, .completed, percent: 100, on: late)],
                [Self.review(2, .returned, reason: "x"), Self.review(3, .confirmed)],
                today: late
            ).review == .confirmed
        )
    }

    @Test func theHighestNumberCountsWhateverTheOrderOfArrival() {
        let arrivedLate = Self.status([Self.update(2, .completed, percent: 100), Self.update(1, percent: 40)])
        #expect(arrivedLate.state == .doneOnTime)
        #expect(arrivedLate.seq == 2)
        // A decision about an older completion does not touch the newer one.
        let stale = Self.status(
            [
                Self.update(1, .completed, percent: 100), Self.update(2, percent: 70),
                Self.update(3, .completed, percent: 100),
            ],
            [Self.review(1, .returned, reason: "x")]
        )
        #expect(stale.state == .doneOnTime)
        #expect(stale.review == .pending)
    }

    @Test func whoMayActWhen() {
        let none = AssigneeFacts(deadline: Self.deadline, updates: [], reviews: [])
        #expect(none.checkReport(kind: .progress, percent: 20) == nil)
        #expect(none.checkReport(kind: .progress, percent: 120) == .badPercent)
        #expect(none.reviewable(decision: .confirmed, reason: nil).failure == .notCompleted)

        let completed = AssigneeFacts(
            deadline: Self.deadline,
            updates: [Self.update(1, .completed, percent: 100)],
            reviews: []
        )
        #expect(completed.checkReport(kind: .progress, percent: 50) == .awaitingReview)
        #expect(completed.reviewable(decision: .returned, reason: "  ").failure == .reasonRequired)
        #expect(completed.reviewable(decision: .confirmed, reason: nil).success?.seq == 1)

        let confirmed = AssigneeFacts(
            deadline: Self.deadline,
            updates: [Self.update(1, .completed, percent: 100)],
            reviews: [Self.review(1, .confirmed)]
        )
        #expect(confirmed.checkReport(kind: .completed, percent: 100) == .alreadyConfirmed)
        #expect(confirmed.reviewable(decision: .returned, reason: "x").failure == .alreadyReviewed)

        let returned = AssigneeFacts(
            deadline: Self.deadline,
            updates: [Self.update(1, .completed, percent: 100)],
            reviews: [Self.review(1, .returned, reason: "x")]
        )
        #expect(returned.checkReport(kind: .progress, percent: 80) == nil, "progress may be reported after a return")
    }

    @Test func receivedUpdatesAreChecked() {
        #expect(Self.update(0, percent: 10).problems.count == 1)
        #expect(Self.update(1, .completed, percent: 90).problems == ["a completion must be 100 %"])
        #expect(Self.update(1, percent: 101).problems.count == 1)
        #expect(Self.update(1, percent: 100).problems.isEmpty)
    }

    @Test func newTasksAreChecked() {
        let today = CalendarDate(year: 2026, month: 11, day: 22)
        func notice(
            title: String = "Số hoá hồ sơ",
            deadline: CalendarDate = today,
            units: [String] = ["BNI"],
            indicator: IndicatorLink? = nil
        ) -> TaskNotice {
            TaskNotice(
                id: "T",
                assignedBy: "TW",
                title: title,
                description: "",
                deadline: deadline,
                expectedResult: "",
                indicator: indicator,
                units: units
            )
        }
        #expect(notice().problems(today: today).isEmpty)
        #expect(
            notice(deadline: today.adding(days: -30)).problems(today: today).isEmpty,
            "a task given earlier may be recorded late"
        )
        #expect(notice(title: "   ").problems(today: today).keys.sorted() == ["title"])
        #expect(notice(deadline: today.adding(days: 3000)).problems(today: today).keys.sorted() == ["deadline"])
        #expect(notice(units: []).problems(today: today).keys.sorted() == ["units"])
        #expect(
            notice(indicator: IndicatorLink(formOwner: "TW", formCode: "", question: "q")).problems(today: today).keys
                .sorted() == ["indicator"]
        )
    }

    @Test func dayArithmetic() {
        let dates = [
            CalendarDate(year: 1970, month: 1, day: 1), CalendarDate(year: 2024, month: 2, day: 29),
            CalendarDate(year: 2026, month: 12, day: 31), CalendarDate(year: 1969, month: 12, day: 31),
        ]
        #expect(dates.map(\.dayNumber) == [0, 19782, 20818, -1])
        for date in dates { #expect(CalendarDate(dayNumber: date.dayNumber) == date) }
        #expect(
            CalendarDate(year: 2026, month: 12, day: 31).adding(days: 1) == CalendarDate(year: 2027, month: 1, day: 1)
        )
        #expect(
            CalendarDate(year: 2028, month: 2, day: 28).adding(days: 1) == CalendarDate(year: 2028, month: 2, day: 29)
        )
        #expect(
            CalendarDate(year: 2026, month: 11, day: 1).days(until: CalendarDate(year: 2026, month: 11, day: 25)) == 24
        )
        // 17:00 UTC is already the next day in Vietnam (UTC+7).
        let evening = Date(
            timeIntervalSince1970: Double(CalendarDate(year: 2026, month: 11, day: 24).dayNumber) * 86_400 + 17 * 3600
        )
        #expect(CalendarDate(evening) == CalendarDate(year: 2026, month: 11, day: 25))
        #expect(CalendarDate(evening, offsetSeconds: 0) == CalendarDate(year: 2026, month: 11, day: 24))
    }
}

extension Result {
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
    var success: Success? { if case .success(let value) = self { value } else { nil } }
}

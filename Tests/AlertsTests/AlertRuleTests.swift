import Foundation
import Hierarchy
import Tasks
import Testing

@testable import Alerts

/// Alert rules found on facts: due soon, overdue, low completion and abnormal numbers, each only
/// within the rule unit's subtree and scope.
@Suite struct AlertRuleTests {
    static let tree = try! UnitTree(units: [
        Unit(code: "TW", name: "Trung ương", level: .central, parent: nil),
        Unit(code: "P1", name: "Tỉnh 1", level: .province, parent: "TW"),
        Unit(code: "P2", name: "Tỉnh 2", level: .province, parent: "TW"),
        Unit(code: "C11", name: "Xã 11", level: .commune, parent: "P1"),
        Unit(code: "C12", name: "Xã 12", level: .commune, parent: "P1"),
        Unit(code: "C13", name: "Xã 13", level: .commune, parent: "P1"),
        Unit(code: "C21", name: "Xã 21", level: .commune, parent: "P2"),
    ])
    static let today = CalendarDate(year: 2026, month: 11, day: 22)

    static func task(
        _ unit: String,
        due: Int,
        done: Bool = false,
        percent: Int = 0,
        ref: String = "T1",
        indicator: IndicatorLink? = nil
    ) -> Obligation {
        Obligation(
            source: .task,
            ref: ref,
            title: "Số hoá",
            unit: unit,
            deadline: today.adding(days: due),
            done: done,
            percent: percent,
            indicator: indicator
        )
    }

    func findings(
        _ rules: [AlertRule],
        _ obligations: [Obligation] = [],
        _ observations: [Observation] = []
    ) -> [Finding] {
        AlertEvaluation(tree: Self.tree, today: Self.today).findings(
            rules: rules,
            obligations: obligations,
            observations: observations
        )
    }

    @Test func dueSoonCountsDaysInclusive() {
        let rule = AlertRule(id: "R", unit: "P1", kind: .dueSoon, days: 3)
        let found = findings(
            [rule],
            [
                Self.task("C11", due: 3), Self.task("C12", due: 4), Self.task("C13", due: 0),
                Self.task("C11", due: -1, ref: "T2"),
                Self.task("C12", due: 1, done: true, percent: 100), Self.task("C21", due: 1),
            ]
        )
        #expect(
            found.map(\.unit).sorted() == ["C11", "C13"],
            "due in 3 and today; not in 4, not past, not done, not outside P1"
        )
        #expect(found.allSatisfy { $0.audience == .operational })
        #expect(found.first { $0.unit == "C13" }?.message.contains("đến hạn hôm nay") == true)
    }

    /// A rule naming an indicator watches only the values its assignments owe, not tasks; a rule
    /// with no scope still watches tasks only.
    @Test func anIndicatorRuleWatchesOnlyThatIndicatorsValues() {
        func owed(_ unit: String, _ code: String, due: Int, done: Bool = false) -> Obligation {
            Obligation(
                source: .indicator,
                ref: "IA",
                title: "Hồ sơ số hoá",
                unit: unit,
                deadline: Self.today.adding(days: due),
                done: done,
                percent: nil,
                indicatorCode: code,
                period: "2026-05"
            )
        }
        let obligations = [
            owed("C11", "HO_SO", due: -2), owed("C12", "HO_SO", due: -2, done: true), owed("C13", "KHAC", due: -2),
            owed("C21", "HO_SO", due: -2), Self.task("C11", due: -2),
        ]
        let rule = AlertRule(id: "R", unit: "P1", kind: .overdue, indicator: "HO_SO")
        let found = findings([rule], obligations)
        #expect(found.map(\.unit) == ["C11"], "missing, of HO_SO, within P1; not the task")
        #expect(found.first?.message.hasPrefix("Số liệu chỉ số “Hồ sơ số hoá” kỳ Tháng 5/2026 của đơn vị C11") == true)
        #expect(findings([AlertRule(id: "R", unit: "P1", kind: .overdue)], obligations).count == 1, "the task only")
        #expect(
            AlertRule(id: "R", unit: "P1", kind: .lowCompletion, percent: 50, indicator: "HO_SO").problems["indicator"]
                != nil
        )
        #expect(
            AlertRule(id: "R", unit: "P1", kind: .overdue, formOwner: "TW", formCode: "F", indicator: "HO_SO").problems[
                "indicator"
            ] != nil
        )
    }

    @Test func overdueFromTheDayAfter() {
        let rule = AlertRule(id: "R", unit: "TW", kind: .overdue)
        let found = findings(
            [rule],
            [Self.task("C11", due: 0), Self.task("C12", due: -1), Self.task("C21", due: -5, done: true, percent: 100)]
        )
        #expect(found.map(\.unit) == ["C12"])
        #expect(found[0].audience == .strategic)
        #expect(found[0].key == "R|C12|T1|\(Self.today.adding(days: -1))")
        #expect(found[0].message.contains("quá hạn 1 ngày"))
    }

    @Test func lowCompletionFromItsDate() {
        let from = AlertRule(id: "R", unit: "TW", kind: .lowCompletion, percent: 50, date: Self.today)
        let later = AlertRule(id: "L", unit: "TW", kind: .lowCompletion, percent: 50, date: Self.today.adding(days: 1))
        let found = findings(
            [from, later],
            [
                Self.task("C11", due: 10, percent: 49), Self.task("C12", due: 10, percent: 50),
                Self.task("C13", due: 10, done: true, percent: 100),
            ]
        )
        #expect(found.map(\.unit) == ["C11"])
        #expect(found[0].rule == "R")
    }

    @Test func scopes() {
        let indicator = IndicatorLink(formOwner: "TW", formCode: "NQ57", question: "so_ho_so")
        let obligations = [
            Self.task("C11", due: -1, ref: "T1"), Self.task("C12", due: -1, ref: "T2", indicator: indicator),
            Obligation(
                source: .form,
                ref: "A1",
                title: "NQ57",
                unit: "C13",
                deadline: Self.today.adding(days: -2),
                done: false,
                percent: nil,
                formOwner: "TW",
                formCode: "NQ57"
            ),
            Obligation(
                source: .form,
                ref: "A1",
                title: "NQ57",
                unit: "C11",
                deadline: Self.today.adding(days: -2),
                done: true,
                percent: nil,
                formOwner: "TW",
                formCode: "NQ57"
            ),
        ]
        #expect(
            findings([AlertRule(id: "R", unit: "TW", kind: .overdue, taskId: "T1")], obligations).map(\.ref) == ["T1"]
        )
        #expect(
            findings([AlertRule(id: "R", unit: "TW", kind: .overdue)], obligations).map(\.ref) == ["T1", "T2"],
            "no scope: every task, no reports"
        )
        #expect(
            findings([AlertRule(id: "R", unit: "TW", kind: .overdue, formOwner: "TW", formCode: "NQ57")], obligations)
                .map(\.unit) == ["C13"],
            "the form's unapproved reports"
        )
        #expect(
            findings(
                [
                    AlertRule(
                        id: "R",
                        unit: "TW",
                        kind: .overdue,
                        formOwner: "TW",
                        formCode: "NQ57",
                        question: "so_ho_so"
                    )
                ],
                obligations
            ).map(\.ref) == ["T2"],
            "tasks linked to the indicator"
        )
    }

    static func value(_ unit: String, _ month: Int, _ value: Double) -> Observation {
        Observation(
            unit: unit,
            period: .month(2026, month),
            formOwner: "TW",
            formCode: "NQ57",
            question: "so_ho_so",
            value: value,
            ref: "\(unit)-\(month)"
        )
    }

    @Test func abnormalAgainstOwnHistory() {
        let rule = AlertRule(
            id: "R",
            unit: "TW",
            kind: .abnormalValue,
            formOwner: "TW",
            formCode: "NQ57",
            question: "so_ho_so",
            factor: 3,
            basis: .history
        )
        let history = [Self.value("C11", 8, 10), Self.value("C11", 9, 12), Self.value("C11", 10, 11)]
        let found = findings([rule], [], history + [Self.value("C11", 11, 40)])
        #expect(found.map(\.ref) == ["C11-11"], "40 > 3 × median 11")
        #expect(found[0].period == "2026-11")
        #expect(findings([rule], [], history + [Self.value("C11", 11, 33)]).isEmpty, "33 is exactly 3 × 11: not beyond")
        #expect(
            findings([rule], [], history + [Self.value("C11", 11, 3)]).map(\.ref) == ["C11-11"],
            "a third of the usual is abnormal too"
        )
        #expect(
            findings([rule], [], [Self.value("C11", 10, 11), Self.value("C11", 11, 400)]).isEmpty,
            "one earlier value is too little to judge"
        )
        #expect(
            findings([rule], [], [Self.value("C11", 9, 0), Self.value("C11", 10, 0), Self.value("C11", 11, 5)]).isEmpty,
            "a zero reference has no scale"
        )
        // A later period is not history for an earlier one.
        #expect(
            findings([rule], [], [Self.value("C11", 1, 10), Self.value("C11", 11, 100), Self.value("C11", 12, 100)])
                .isEmpty
        )
    }

    @Test func abnormalAgainstPeers() {
        let rule = AlertRule(
            id: "R",
            unit: "P1",
            kind: .abnormalValue,
            formOwner: "TW",
            formCode: "NQ57",
            question: "so_ho_so",
            factor: 2,
            basis: .peers
        )
        let found = findings(
            [rule],
            [],
            [
                Self.value("C11", 11, 100), Self.value("C12", 11, 20), Self.value("C13", 11, 25),
                Self.value("C21", 11, 500), Self.value("C12", 10, 999),
            ]
        )
        // C11 against C12, C13 (median 22.5): abnormal. C12 against 100, 25 (62.5): 20 < 31.25, abnormal. C13 against 100, 20 (60): 25 < 30, abnormal.
        // C21 has no peer under P2 and is outside P1 anyway; October's 999 is another period.
        #expect(found.map(\.unit).sorted() == ["C11", "C12", "C13"])
        let calm = findings(
            [rule],
            [],
            [Self.value("C11", 11, 22), Self.value("C12", 11, 20), Self.value("C13", 11, 25)]
        )
        #expect(calm.isEmpty)
    }

    @Test func rulesAreChecked() {
        #expect(AlertRule(id: "R", unit: "TW", kind: .dueSoon).problems.keys.sorted() == ["days"])
        #expect(AlertRule(id: "R", unit: "TW", kind: .dueSoon, days: 3).problems.isEmpty)
        #expect(
            AlertRule(id: "R", unit: "TW", kind: .lowCompletion, percent: 0).problems.keys.sorted() == [
                "date", "percent",
            ]
        )
        #expect(
            AlertRule(id: "R", unit: "TW", kind: .abnormalValue, formOwner: "TW", formCode: "F", factor: 1).problems
                .keys.sorted() == ["basis", "factor", "question"]
        )
        #expect(
            AlertRule(id: "R", unit: "TW", kind: .overdue, taskId: "T", formOwner: "TW", formCode: "F").problems.keys
                .sorted() == ["taskId"]
        )
        #expect(AlertRule(id: "R", unit: "TW", kind: .overdue, formCode: "F").problems.keys.sorted() == ["formCode"])
        #expect(AlertRule(id: "R", unit: "TW", kind: .overdue, audience: .operational).audience == .operational)
    }

    @Test func medianReference() {
        #expect(AlertEvaluation.reference([5]) == nil)
        #expect(AlertEvaluation.reference([1, 9]) == 5)
        #expect(AlertEvaluation.reference([9, 1, 4]) == 4)
        #expect(AlertEvaluation.isAbnormal(31, reference: 10, factor: 3))
        #expect(!AlertEvaluation.isAbnormal(30, reference: 10, factor: 3))
        #expect(AlertEvaluation.isAbnormal(3.2, reference: 10, factor: 3))
    }
}

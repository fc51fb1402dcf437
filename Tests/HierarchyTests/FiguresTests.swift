import Testing

@testable import Hierarchy

/// Progress with the history of units and assignments: what a past period expected stays what it
/// expected, and nothing passes 100%.
@Suite struct ProgressFiguresTests {
    static let tree = try! UnitTree(units: demoUnits)
    static let deadline = CalendarDate(year: 2026, month: 3, day: 25)

    static func placed(_ code: String) -> ExpectedUnit { ExpectedUnit(code: code, in: tree)! }

    /// The March assignment made for the four communes in March.
    static let march = Expectation(initial: ["C11", "C12", "C13", "C21"].map(placed), changes: [])

    static func approved(_ day: Int, month: Int = 3) -> UnitReportStatus {
        UnitReportStatus(submitted: true, approved: true, approvedOn: CalendarDate(year: 2026, month: month, day: day))
    }

    @Test func countsPerLevelAndChildWithApprovalsOnTime() {
        let reports = [
            "C11": Self.approved(25), "C12": Self.approved(26),
            "C13": UnitReportStatus(submitted: true, approved: false),
        ]
        let figures = SubtreeFigures(
            tree: Self.tree,
            unit: "TW",
            expectation: Self.march,
            reports: reports,
            deadline: Self.deadline
        )
        #expect(figures.total.expected == 4 && figures.total.submitted == 3 && figures.total.approved == 2)
        #expect(figures.total.approvedOnTime == 1, "approved on the 25th is on time, on the 26th late")
        #expect(
            figures.total.approvedPercent == 50 && figures.total.approvedOnTimePercent == 25
                && figures.total.submittedPercent == 75
        )
        #expect(figures.levels.map(\.level) == [.commune])
        #expect(figures.children.map(\.unit) == ["P1", "P2"])
        #expect(figures.children[0].figures.expected == 3 && figures.children[0].figures.approved == 2)
        #expect(figures.children[1].figures.expected == 1 && figures.children[1].figures.submitted == 0)
        let province = SubtreeFigures(
            tree: Self.tree,
            unit: "P1",
            expectation: Self.march,
            reports: reports,
            deadline: Self.deadline
        )
        #expect(province.children.map(\.unit) == ["C11", "C12", "C13"] && province.total.expected == 3)
    }

    @Test func aUnitAddedMidYearCountsOnlyFromTheAssignmentThatExpectsIt() throws {
        // C14 is created in June: the tree has it now; March's assignment never expected it.
        let grown = try UnitTree(units: demoUnits + [Unit(code: "C14", name: "Xã 14", level: .commune, parent: "P1")])
        let june = Expectation(
            initial: ["C11", "C12", "C13", "C21"].map(Self.placed),
            changes: [
                ExpectationChange(
                    sequence: 1,
                    kind: .added,
                    unit: ExpectedUnit(code: "C14", in: grown)!,
                    reason: "Xã mới thành lập"
                )
            ]
        )
        let reports = ["C14": Self.approved(20, month: 6)]
        let marchFigures = SubtreeFigures(
            tree: grown,
            unit: "P1",
            expectation: Self.march,
            reports: reports,
            deadline: Self.deadline
        )
        #expect(
            marchFigures.total.expected == 3 && marchFigures.total.approved == 0,
            "a report from a unit March did not expect never counts over"
        )
        #expect(
            marchFigures.children.map(\.unit) == ["C11", "C12", "C13", "C14"],
            "today's child shows, with nothing expected of it"
        )
        #expect(marchFigures.children.last?.figures.expected == 0)
        let juneFigures = SubtreeFigures(
            tree: grown,
            unit: "P1",
            expectation: june,
            reports: reports,
            deadline: CalendarDate(year: 2026, month: 6, day: 25)
        )
        #expect(
            juneFigures.total.expected == 4 && juneFigures.total.approved == 1 && juneFigures.total.approvedOnTime == 1
        )
    }

    @Test func aClosedUnitIsWithdrawnOnlyFromPeriodsItDidNotReach() throws {
        // C13 closes on 10 June (merged into C12) and is removed from the topology in July.
        let closedOn = CalendarDate(year: 2026, month: 6, day: 10)
        #expect(
            !Expectation.closureWithdraws(closedOn: closedOn, deadline: Self.deadline, hasReported: false),
            "March was due before it closed"
        )
        #expect(
            Expectation.closureWithdraws(
                closedOn: closedOn,
                deadline: CalendarDate(year: 2026, month: 6, day: 25),
                hasReported: false
            )
        )
        #expect(
            !Expectation.closureWithdraws(
                closedOn: closedOn,
                deadline: CalendarDate(year: 2026, month: 6, day: 25),
                hasReported: true
            ),
            "a unit that reported before closing keeps its report counted"
        )
        let shrunk = try UnitTree(units: demoUnits.filter { $0.code != "C13" })
        let june = Expectation(
            initial: Self.march.expected,
            changes: [
                ExpectationChange(sequence: 1, kind: .withdrawn, unit: Self.placed("C13"), reason: "Sáp nhập vào C12")
            ]
        )
        let reports = ["C13": Self.approved(20), "C11": Self.approved(20), "C12": Self.approved(20)]
        let march = SubtreeFigures(
            tree: shrunk,
            unit: "TW",
            expectation: Self.march,
            reports: reports,
            deadline: Self.deadline
        )
        #expect(
            march.total.expected == 4 && march.total.approved == 3,
            "March still expected C13, though today's tree lost it"
        )
        #expect(march.children.first { $0.unit == "P1" }?.figures.expected == 3)
        let juneFigures = SubtreeFigures(
            tree: shrunk,
            unit: "TW",
            expectation: june,
            reports: reports,
            deadline: CalendarDate(year: 2026, month: 6, day: 25)
        )
        #expect(juneFigures.total.expected == 3 && juneFigures.total.approved == 2)
        #expect(juneFigures.total.approvedPercent <= 100)
    }

    @Test func amendmentsApplyInOrderAndNeverPassAHundredPercent() {
        let c21 = Self.placed("C21")
        let amended = Expectation(
            initial: Self.march.expected,
            changes: [
                ExpectationChange(sequence: 2, kind: .added, unit: c21, reason: "Giao lại"),
                ExpectationChange(sequence: 1, kind: .withdrawn, unit: c21, reason: "Rút"),
                ExpectationChange(sequence: 3, kind: .withdrawn, unit: Self.placed("C11"), reason: "Rút"),
            ]
        )
        #expect(
            amended.expected.map(\.code) == ["C12", "C13", "C21"],
            "withdrawn then added again by sequence, whatever the list order"
        )
        let everyone = Dictionary(
            uniqueKeysWithValues: ["C11", "C12", "C13", "C21", "P1", "P2"].map { ($0, Self.approved(1)) }
        )
        let figures = SubtreeFigures(
            tree: Self.tree,
            unit: "TW",
            expectation: amended,
            reports: everyone,
            deadline: Self.deadline
        )
        #expect(figures.total.expected == 3 && figures.total.approved == 3 && figures.total.approvedPercent == 100)
        #expect(Self.march.expected.count == 4, "the unamended assignment is untouched")
    }
}

@Suite struct CongressScheduleTests {
    static let tree = try! UnitTree(units: demoUnits)
    static let today = CalendarDate(year: 2026, month: 6, day: 1)
    static let dates: [String: CongressDate] = [
        "P1": CongressDate(unit: "P1", date: CalendarDate(year: 2026, month: 9, day: 15), sequence: 2),
        "C11": CongressDate(unit: "C11", date: CalendarDate(year: 2026, month: 5, day: 20), sequence: 1),
        "C12": CongressDate(
            unit: "C12",
            date: CalendarDate(year: 2026, month: 6, day: 1),
            sequence: 3,
            note: "Đại hội điểm"
        ),
        "C21": CongressDate(unit: "C21", date: CalendarDate(year: 2026, month: 7, day: 2), sequence: 1),
    ]

    func codes(_ filter: CongressFilter) -> [String] {
        CongressSchedule(tree: Self.tree, dates: Self.dates, filter: filter, today: Self.today).rows.map(\.unit)
    }

    @Test func filtersByAreaLevelStatusAndDates() {
        #expect(codes(CongressFilter(area: "TW")) == ["TW", "P1", "P2", "C11", "C12", "C13", "C21"])
        #expect(codes(CongressFilter(area: "P1")) == ["P1", "C11", "C12", "C13"], "the area is a subtree")
        #expect(
            codes(CongressFilter(area: "TW", level: .commune, held: .held)) == ["C11", "C12"],
            "held on or before today"
        )
        #expect(
            codes(CongressFilter(area: "TW", level: .commune, held: .notHeld)) == ["C13", "C21"],
            "not yet held includes units with no date"
        )
        #expect(
            codes(
                CongressFilter(
                    area: "TW",
                    from: CalendarDate(year: 2026, month: 6, day: 1),
                    to: CalendarDate(year: 2026, month: 9, day: 15)
                )
            ) == ["P1", "C12", "C21"],
            "the range is inclusive and leaves out units with no date"
        )
        let schedule = CongressSchedule(
            tree: Self.tree,
            dates: Self.dates,
            filter: CongressFilter(area: "P1"),
            today: Self.today
        )
        #expect(schedule.counts == ["held": 2, "scheduled": 1, "unscheduled": 1])
        #expect(schedule.rows.first { $0.unit == "C12" }?.note == "Đại hội điểm")
    }

    @Test func aHigherSequenceWinsWhateverTheOrder() {
        let first = CongressDate(unit: "C11", date: CalendarDate(year: 2026, month: 5, day: 20), sequence: 1)
        let second = CongressDate(unit: "C11", date: CalendarDate(year: 2026, month: 4, day: 2), sequence: 2)
        #expect(first.supersedes(nil) && second.supersedes(first))
        #expect(!first.supersedes(second), "a late older change never wins, though its date is later")
        #expect(!second.supersedes(second), "a replay changes nothing")
    }
}

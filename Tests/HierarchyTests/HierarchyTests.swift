import Testing

import class Foundation.JSONDecoder
import class Foundation.JSONEncoder
import class Foundation.JSONSerialization

@testable import Hierarchy

/// The demo shape: centre, two provinces, four communes.
let demoUnits: [Unit] = [
    Unit(code: "TW", name: "Trung ương", level: .central, parent: nil),
    Unit(code: "P1", name: "Tỉnh 1", level: .province, parent: "TW"),
    Unit(code: "P2", name: "Tỉnh 2", level: .province, parent: "TW"),
    Unit(code: "C11", name: "Xã 11", level: .commune, parent: "P1"),
    Unit(code: "C12", name: "Xã 12", level: .commune, parent: "P1"),
    Unit(code: "C13", name: "Xã 13", level: .commune, parent: "P1"),
    Unit(code: "C21", name: "Xã 21", level: .commune, parent: "P2"),
]

@Suite struct UnitTreeTests {
    @Test func navigatesTheTree() throws {
        let tree = try UnitTree(units: demoUnits)
        #expect(tree.root.code == "TW")
        #expect(tree.children(of: "P1").map(\.code).sorted() == ["C11", "C12", "C13"])
        #expect(tree.ancestors(of: "C21").map(\.code) == ["P2", "TW"])
        #expect(tree.isInSubtree("C11", of: "P1"))
        #expect(!tree.isInSubtree("C21", of: "P1"))
        #expect(tree.isInSubtree("P1", of: "P1"))
        #expect(!tree.isBelow("P1", "P1"))
        #expect(tree.descendants(of: "TW", at: .commune).count == 4)
        #expect(tree.subtree(of: "P2").map(\.code) == ["P2", "C21"])
        #expect(!tree.isInSubtree("nope", of: "TW"))
    }

    /// `isInSubtree` walks up without building the list of ancestors: it answers as that list
    /// does, for every pair of units and for codes the tree does not hold.
    @Test func subtreeMembershipAgreesWithTheAncestors() throws {
        let tree = try UnitTree(units: demoUnits)
        let codes = demoUnits.map(\.code) + ["nope"]
        for code in codes {
            for ancestor in codes {
                let expected =
                    tree.contains(code)
                    && (code == ancestor || tree.ancestors(of: code).contains { $0.code == ancestor })
                #expect(tree.isInSubtree(code, of: ancestor) == expected, "\(code) in \(ancestor)")
            }
        }
    }

    @Test func refusesMalformedTrees() {
        #expect(throws: TreeError.rootCount(2)) {
            try UnitTree(units: demoUnits + [Unit(code: "TW2", name: "x", level: .central, parent: nil)])
        }
        #expect(throws: TreeError.unknownParent("C9", "P9")) {
            try UnitTree(units: demoUnits + [Unit(code: "C9", name: "x", level: .commune, parent: "P9")])
        }
        #expect(throws: TreeError.wrongLevel("C9")) {
            try UnitTree(units: demoUnits + [Unit(code: "C9", name: "x", level: .commune, parent: "TW")])
        }
        #expect(throws: TreeError.duplicateCode("P1")) {
            try UnitTree(units: demoUnits + [Unit(code: "P1", name: "x", level: .province, parent: "TW")])
        }
        for bad in ["a b", "a_b", "-ab", "ab-", "a.b", "", String(repeating: "a", count: 64)] {
            #expect(throws: TreeError.invalidCode(bad)) {
                try UnitTree(units: demoUnits + [Unit(code: bad, name: "x", level: .province, parent: "TW")])
            }
        }
        #expect(throws: TreeError.duplicateCode("p1")) {
            try UnitTree(units: demoUnits + [Unit(code: "p1", name: "x", level: .province, parent: "TW")])
        }
    }
}

@Suite struct PeriodTests {
    @Test func parsesAndPrints() {
        #expect(Period("2026-11") == .month(2026, 11))
        #expect(Period("2026-Q4") == .quarter(2026, 4))
        #expect(Period("2026") == .year(2026))
        #expect(Period("2026-11")?.description == "2026-11")
        #expect(Period("2026-03")?.description == "2026-03")
        for bad in ["2026-13", "2026-00", "2026-Q5", "26-11", "2026-1", "abc", "", "2026-11-01"] {
            #expect(Period(bad) == nil, "\(bad)")
        }
    }

    @Test func deadlinesAndMonths() {
        #expect(Period.month(2026, 11).deadline().description == "2026-11-25")
        #expect(Period.quarter(2026, 2).deadline().description == "2026-06-25")
        #expect(Period.quarter(2026, 2).months == [.month(2026, 4), .month(2026, 5), .month(2026, 6)])
        #expect(Period.year(2026).months.count == 12)
        #expect(Period.month(2026, 2).deadline().vietnameseLabel == "25/02/2026")
    }
}

@Suite struct ProgressTests {
    /// Reports of units the assignment did not expect never count, so nothing passes 100 %.
    @Test func neverExceedsHundredPercent() throws {
        let tree = try UnitTree(units: demoUnits)
        let deadline = CalendarDate(year: 2026, month: 3, day: 25)
        let reports = [
            "C11": UnitReportStatus(submitted: true, approved: true, approvedOn: deadline),
            "C21": UnitReportStatus(submitted: true, approved: true, approvedOn: deadline),
        ]
        let one = Expectation(initial: [ExpectedUnit(code: "C11", in: tree)!], changes: [])
        let progress = SubtreeFigures(tree: tree, unit: "TW", expectation: one, reports: reports, deadline: deadline)
        #expect(progress.total.approvedPercent == 100)
        #expect(progress.total.expected == 1)
        let none = SubtreeFigures(
            tree: tree,
            unit: "TW",
            expectation: Expectation(initial: [], changes: []),
            reports: reports,
            deadline: deadline
        )
        #expect(none.total.approvedPercent == 0 && none.total.expected == 0)
    }

    /// The deadline travels as the API's date string `2026-03-25`, and reads back.
    @Test func deadlineIsADateString() throws {
        let tree = try UnitTree(units: demoUnits)
        let deadline = CalendarDate(year: 2026, month: 3, day: 25)
        let progress = SubtreeFigures(
            tree: tree,
            unit: "P1",
            expectation: Expectation(initial: [], changes: []),
            reports: [:],
            deadline: deadline
        )
        let json = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(progress)) as? [String: Any]
        )
        #expect(json["deadline"] as? String == "2026-03-25")
        #expect(try JSONDecoder().decode(SubtreeFigures.self, from: JSONEncoder().encode(progress)) == progress)
    }
}

@Suite struct AggregationTests {
    @Test func combines() {
        let values: [Double] = [3, 1, 2]
        #expect(Aggregation.sum.combine(values) == 6)
        #expect(Aggregation.average.combine(values) == 2)
        #expect(Aggregation.min.combine(values) == 1)
        #expect(Aggregation.max.combine(values) == 3)
        #expect(Aggregation.last.combine(values) == 2)
        #expect(Aggregation.none.combine(values) == nil)
        #expect(Aggregation.sum.combine([]) == nil)
        #expect(Aggregation.sum.combine([.greatestFiniteMagnitude, .greatestFiniteMagnitude]) == nil, "never infinite")
        #expect(Aggregation.average.combine([.nan, 4]) == 4)
    }
}

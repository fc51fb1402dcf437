import Testing

@testable import Scoring

/// The score computed from imported figures: the worked example of `MonthlyScoreTests`, arriving
/// as a CSV file, with the "best unit" figures taken from the units scored together.
@Suite struct ScoreBoardTests {
    /// The worked province (BNI) and a weaker one (LCA) that holds the best C2 and the most tasks.
    static let csv = """
        unit,month,indicator,value
        BNI,2026-10,tasksDue,20
        BNI,2026-10,completedOnTime,15
        BNI,2026-10,completedLate,2
        BNI,2026-10,tasksAssigned,20
        BNI,2026-10,publicServiceIndex,82
        BNI,2026-10,recordsDigitised,30000
        BNI,2026-10,sharingTransactions,9000
        BNI,2026-10,scienceTasksAccepted,3
        BNI,2026-10,scienceTasks,4
        BNI,2026-10,disbursementPercent,45
        BNI,2026-10,meetingsAttended,3
        BNI,2026-10,meetingsHeld,4
        BNI,2026-10,contributions,2
        BNI,2026-10,thematicReports,0
        BNI,2026-10,reportingOnTime,1
        BNI,2026-10,bonus,2
        LCA,2026-10,tasksAssigned,40
        LCA,2026-10,recordsDigitised,60000
        LCA,2026-10,sharingTransactions,"9000"
        LCA,2026-10,publicServiceIndex,"70,5"

        """

    static func board(tasks: [String: TaskFigures] = [:]) throws -> ScoreBoard {
        let rows = try IndicatorCSV.parse(csv).get()
        var values: [String: [Indicator: Double]] = [:]
        for row in rows { values[row.unit, default: [:]][row.indicator] = row.value }
        return ScoreBoard(month: ScoreMonth("2026-10")!, units: ["BNI", "LCA", "HNI"], values: values, tasks: tasks)
    }

    @Test func importedFiguresGiveTheWorkedExample() throws {
        let board = try Self.board()
        let bni = try #require(board.entries.first { $0.unit == "BNI" })
        #expect(
            bni.inputs.mostTasksAssigned == 40 && bni.inputs.mostRecordsDigitised == 60_000
                && bni.inputs.mostSharingTransactions == 9000,
            "the best figures come from the units scored together"
        )
        #expect(bni.inputs == MonthlyScoreTests.province)
        #expect(abs(bni.score.exact - 71.55) < 1e-9 && bni.score.total == 72 && bni.score.grade == .B)
        #expect(bni.score.component("C1")?.working == "30000 / 60000 (cao nhất) × 10")
        #expect(bni.missing.isEmpty)
        let lca = try #require(board.entries.first { $0.unit == "LCA" })
        #expect(lca.inputs.publicServiceIndex == 70.5, "a decimal comma is read")
        #expect(lca.score.component("A3")?.points == 2 && lca.score.component("C1")?.points == 10)
        #expect(lca.missing.contains(.bonus) && !lca.missing.contains(.recordsDigitised))
        let hni = try #require(board.entries.first { $0.unit == "HNI" })
        #expect(
            hni.missing.count == Indicator.allCases.count,
            "a unit without figures is scored, and says what is missing"
        )
        let ranking = board.ranking(previous: ["LCA": 1, "BNI": 2])
        #expect(ranking.rows.map(\.unit) == ["BNI", "LCA", "HNI"])
        #expect(ranking.rows.map(\.change) == [1, -1, nil])
    }

    @Test func taskFiguresFromTheTasksSeamReplaceImportedOnes() throws {
        let board = try Self.board(tasks: [
            "BNI": TaskFigures(due: 10, completedOnTime: 10, completedLate: 0, assigned: 50)
        ])
        let bni = try #require(board.entries.first { $0.unit == "BNI" })
        #expect(bni.score.component("A1")?.points == 18 && bni.score.component("A1")?.working == "10 / 10 × 18")
        #expect(bni.inputs.mostTasksAssigned == 50 && bni.score.component("A3")?.points == 2)
        let lca = try #require(board.entries.first { $0.unit == "LCA" })
        #expect(lca.inputs.tasksAssigned == 40, "units without task figures keep their imported ones")
    }

    @Test func aFaultyFileIsRefusedWholeWithItsLines() {
        let bad = """
            unit;month;indicator;value
            BNI;2026-13;tasksDue;3
            BNI;2026-10;nothing;3
            BNI;2026-10;bonus;7
            BNI;2026-10;tasksDue;2.5
            BNI;2026-10;publicServiceIndex;abc
            BNI;2026-10;meetingsHeld;4
            BNI;2026-10;meetingsHeld;5
            """
        guard case .failure(let refused) = IndicatorCSV.parse(bad) else {
            Issue.record("accepted a faulty file")
            return
        }
        let problems = refused.lines
        #expect(problems.map(\.line) == [2, 3, 4, 5, 6, 8])
        #expect(problems[0].message.contains("2026-13") && problems[5].message.contains("dòng 7"))
        guard case .failure(let header) = IndicatorCSV.parse("a,b,c,d\n") else {
            Issue.record("accepted a wrong header")
            return
        }
        #expect(header.lines.first?.line == 1)
        #expect(ScoreMonth("2026-01")!.previous.description == "2025-12")
    }
}

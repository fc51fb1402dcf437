import Testing

@testable import Scoring

/// Decision 4587's monthly score, pinned on worked examples.
@Suite struct MonthlyScoreTests {
    /// A province that did well: every figure worked out by hand below.
    static let province = ScoreInputs(
        tasksDue: 20,
        completedOnTime: 15,
        completedLate: 2,
        tasksAssigned: 20,
        mostTasksAssigned: 40,
        publicServiceIndex: 82,
        recordsDigitised: 30_000,
        mostRecordsDigitised: 60_000,
        sharingTransactions: 9_000,
        mostSharingTransactions: 9_000,
        scienceTasksAccepted: 3,
        scienceTasks: 4,
        disbursementPercent: 45,
        meetingsAttended: 3,
        meetingsHeld: 4,
        contributions: 2,
        thematicReports: 0,
        reportingOnTime: 1,
        bonus: 2
    )

    @Test func workedExample() {
        let score = MonthlyScore(Self.province)
        // A1 15/20×18 = 13.5; A2 2/20×50%×18 = 0.9; A3 20/40×2 = 1; B 82/100×20 = 16.4
        // C1 30000/60000×10 = 5; C2 9000/9000×10 = 10 (the best unit); D1 3/4×10 = 7.5; D2 45%×10 = 4.5
        // E1 3/4×5 = 3.75; E2 2 contributions = 2; E3 on time = 5; bonus 2 → 71.55 → 72, class B.
        let expected: [String: Double] = [
            "A1": 13.5, "A2": 0.9, "A3": 1, "B": 16.4, "C1": 5, "C2": 10, "D1": 7.5, "D2": 4.5, "E1": 3.75, "E2": 2,
            "E3": 5, "bonus": 2,
        ]
        for (code, points) in expected {
            #expect(abs((score.component(code)?.points ?? -1) - points) < 1e-9, "\(code)")
        }
        #expect(abs(score.exact - 71.55) < 1e-9)
        #expect(score.total == 72 && score.grade == .B)
        #expect(score.component("A1")?.working == "15 / 20 × 18")
        #expect(score.component("A2")?.working == "2 / 20 × 50% × 18")
        #expect(score.component("C2")?.working == "9000 / 9000 (cao nhất) × 10")
    }

    @Test func noTasksDueMeansNothingMissed() {
        let score = MonthlyScore(ScoreInputs(tasksDue: 0, tasksAssigned: 0, mostTasksAssigned: 12))
        #expect(score.component("A1")?.points == 18, "nothing was due, nothing was late")
        #expect(score.component("A2")?.points == 0)
        #expect(score.component("A3")?.points == 0, "but no tasks earns no volume points")
        #expect(score.component("D1")?.points == 10 && score.component("E1")?.points == 5)
    }

    @Test func theBestUnitGetsTheWholeComparativeComponent() {
        let best = MonthlyScore(
            ScoreInputs(
                tasksAssigned: 40,
                mostTasksAssigned: 40,
                recordsDigitised: 60_000,
                mostRecordsDigitised: 60_000
            )
        )
        #expect(best.component("A3")?.points == 2 && best.component("C1")?.points == 10)
        let nobody = MonthlyScore(ScoreInputs(recordsDigitised: 0, mostRecordsDigitised: 0))
        #expect(nobody.component("C1")?.points == 0, "when no unit digitised anything, nobody scores")
        let stale = MonthlyScore(ScoreInputs(recordsDigitised: 70_000, mostRecordsDigitised: 60_000))
        #expect(stale.component("C1")?.points == 10, "never above the maximum, even with a stale 'best'")
    }

    @Test func partialReportingAndSpeeches() {
        let score = MonthlyScore(ScoreInputs(contributions: 9, reportingOnTime: 0.6))
        #expect(score.component("E3")?.points == 3, "60% updated on time → 3 of 5")
        #expect(score.component("E2")?.points == 5, "contributions count to 5 at most")
        #expect(
            MonthlyScore(ScoreInputs(contributions: 1, thematicReports: 1)).component("E2")?.points == 5,
            "a thematic report gives the full 5"
        )
        #expect(MonthlyScore(ScoreInputs(bonus: 9)).component("bonus")?.points == 5, "the bonus is 0–5")
    }

    @Test func roundingAtTheClassBorders() {
        // 84.5 rounds to 85 (class A); 84.49… stays 84 (class B); 69.5 → 70 (B); 49.4 → 49 (D).
        func total(index: Double) -> MonthlyScore {
            // Everything else at zero but the vacuous full components A1 18, D1 10, E1 5 = 33.
            MonthlyScore(ScoreInputs(publicServiceIndex: index, disbursementPercent: 0, reportingOnTime: 0, bonus: 0))
        }
        #expect(MonthlyScore(ScoreInputs().with(bonus: 0)).exact == 33)
        #expect(total(index: 100).exact == 53)
        // 33 (vacuous A1, D1, E1) + B 20 + C1 10 + C2 10 + D2 6.5 + E2 5 = 84.5.
        let borderA = MonthlyScore(
            ScoreInputs(
                publicServiceIndex: 100,
                recordsDigitised: 1,
                mostRecordsDigitised: 1,
                sharingTransactions: 1,
                mostSharingTransactions: 1,
                disbursementPercent: 65,
                contributions: 5
            )
        )
        #expect(abs(borderA.exact - 84.5) < 1e-9 && borderA.total == 85 && borderA.grade == .A)
        let belowA = MonthlyScore(
            ScoreInputs(
                publicServiceIndex: 99.95,
                recordsDigitised: 1,
                mostRecordsDigitised: 1,
                sharingTransactions: 1,
                mostSharingTransactions: 1,
                disbursementPercent: 65,
                contributions: 5
            )
        )
        #expect(abs(belowA.exact - 84.49) < 1e-9 && belowA.total == 84 && belowA.grade == .B)
        #expect(
            MonthlyScore.Grade(total: 70) == .B && MonthlyScore.Grade(total: 69) == .C
                && MonthlyScore.Grade(total: 50) == .C && MonthlyScore.Grade(total: 49) == .D
        )
        let borderB = MonthlyScore(
            ScoreInputs(publicServiceIndex: 100, recordsDigitised: 1, mostRecordsDigitised: 1, disbursementPercent: 65)
        )
        #expect(abs(borderB.exact - 69.5) < 1e-9 && borderB.total == 70 && borderB.grade == .B)
    }

    @Test func rankingSharesTiesAndShowsChange() {
        let scores = [
            "BNI": MonthlyScore(Self.province), "LCA": MonthlyScore(ScoreInputs()), "HNI": MonthlyScore(Self.province),
        ]
        let ranking = Ranking(scores: scores, previous: ["BNI": 3, "LCA": 1])
        #expect(ranking.rows.map(\.unit) == ["BNI", "HNI", "LCA"])
        #expect(ranking.rows.map(\.rank) == [1, 1, 3], "equal totals share a rank")
        #expect(ranking.rows.map(\.change) == [2, nil, -2])
    }
}

extension ScoreInputs {
    func with(bonus: Int) -> ScoreInputs {
        var copy = self
        copy.bonus = bonus
        return copy
    }
}

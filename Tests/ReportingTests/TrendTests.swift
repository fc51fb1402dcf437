import Hierarchy
import Testing

@testable import Reporting

/// Comparison between periods: each numeric question as a series with its change.
@Suite struct TrendTests {
    static let form = Form(
        code: "T",
        title: "Tháng",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g",
                title: "G",
                questions: [
                    Question(id: "staff", text: "Số cán bộ", kind: .integer),
                    Question(id: "rate", text: "Tỷ lệ", kind: .percentage),
                    Question(id: "plan", text: "Kế hoạch?", kind: .singleChoice, options: ["Có", "Chưa"]),
                ]
            )
        ]
    )

    static func month(_ m: Int, _ answers: [[String: Answer]]) -> (period: Period, aggregate: AggregatedAnswers) {
        (.month(2026, m), AggregatedAnswers(form: form, answers: answers.map(Answers.init)))
    }

    @Test func seriesInPeriodOrderWithChanges() {
        let trend = Trend(
            form: Self.form,
            aggregates: [
                Self.month(
                    11,
                    [["staff": .number(6), "rate": .number(60)], ["staff": .number(4), "rate": .number(80)]]
                ),
                Self.month(9, [["staff": .number(8), "rate": .number(50)]]),
                Self.month(10, [["plan": .choice("Có")]]),
            ]
        )
        #expect(trend.periods == ["2026-09", "2026-10", "2026-11"])
        #expect(trend.series.map(\.question) == ["staff", "rate"], "numeric questions only")
        let staff = trend.series[0].points
        #expect(staff.map(\.value) == [8, nil, 10], "sum of November's two reports")
        #expect(staff[2].change == 2 && staff[2].changePercent == 25, "compared with the last period that had a value")
        #expect(staff[0].change == nil && staff[1].change == nil)
        let rate = trend.series[1].points
        #expect(rate[2].value == 70 && rate[2].change == 20 && rate[2].changePercent == 40)
        #expect(staff.map(\.reports) == [1, 1, 2])
    }
}

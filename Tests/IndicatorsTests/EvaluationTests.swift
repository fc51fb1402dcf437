import Hierarchy
import Testing

@testable import Indicators

@Suite struct EvaluationTests {
    /// Xã A: 1 of 2 (50%); Xã B: 30 of 40 (75%); Xã C: nothing reported; Xã D (other province): 0 of 0.
    static let data = TestData.numbers([
        "P1-A": ["xa_so_hoa": 1, "tong_xa": 2, "ho_so": 10],
        "P1-B": ["xa_so_hoa": 30, "tong_xa": 40, "ho_so": 0],
        "P2-A": ["xa_so_hoa": 0, "tong_xa": 0, "ho_so": 5],
    ])

    static func evaluator(
        _ definitions: [IndicatorDefinition] = [Fixtures.rate],
        period: Period = .month(2026, 5),
        data: TestData = data
    ) -> IndicatorEvaluator {
        IndicatorEvaluator(catalogue: Fixtures.catalogue(definitions), tree: Fixtures.tree, period: period, data: data)
    }

    @Test func aRatePerUnitWithItsWorking() {
        let value = Self.evaluator().value("TY_LE_SO_HOA", unit: "P1-A")
        #expect(value.value == 50)
        #expect(value.numerator == 1 && value.denominator == 2)
        #expect(value.version == 1)
        #expect(value.explanation == "Tỷ lệ xã đã số hoá = 1 ÷ 2 × 100 = 50")
    }

    @Test func missingDataIsMissingNotZero() {
        let evaluator = Self.evaluator()
        let missing = evaluator.value("TY_LE_SO_HOA", unit: "P1-C")
        #expect(missing.outcome == .missing(["#{so-hoa.xa_so_hoa}", "#{so-hoa.tong_xa}"]))
        #expect(missing.value == nil)
        #expect(
            missing.explanation
                == "Tỷ lệ xã đã số hoá: thiếu số liệu #{so-hoa.xa_so_hoa}, #{so-hoa.tong_xa} (không tính là 0)"
        )
        // Only the denominator missing: still missing, and named.
        let half = Self.evaluator(data: TestData.numbers(["P1-A": ["xa_so_hoa": 3]])).value(
            "TY_LE_SO_HOA",
            unit: "P1-A"
        )
        #expect(half.outcome == .missing(["#{so-hoa.tong_xa}"]))
        #expect(half.numerator == 3)
        // A reported zero is a value.
        let ho = Fixtures.definition("HO_SO", source: Fixtures.computed("#{so-hoa.ho_so}"))
        #expect(Self.evaluator([ho]).value("HO_SO", unit: "P1-B").value == 0)
    }

    @Test func aZeroDenominatorIsUndefinedNotMissing() {
        let value = Self.evaluator().value("TY_LE_SO_HOA", unit: "P2-A")
        #expect(value.outcome == .undefined("mẫu số bằng 0 / the denominator is zero"))
        #expect(value.numerator == 0 && value.denominator == 0)
        let inner = Fixtures.definition("INNER", source: Fixtures.computed("#{so-hoa.ho_so} / #{so-hoa.tong_xa}"))
        let outcome = Self.evaluator([inner]).value("INNER", unit: "P2-A").outcome
        #expect(outcome == .undefined("chia cho 0 ở vị trí 17 / division by zero at position 17"))
    }

    @Test func theWeightedRatioAndTheAverageOfRatiosDifferAndEachIsRight() throws {
        let weighted = Self.evaluator().aggregate("TY_LE_SO_HOA", below: "P1", at: .commune)
        // (1 + 30) ÷ (2 + 40) × 100: the province's own rate, each commune weighing by its size.
        let expected = 31.0 / 42.0 * 100
        #expect(abs(try #require(weighted.value) - expected) < 1e-9)
        #expect(weighted.numerator == 31 && weighted.denominator == 42)
        #expect(weighted.contributing == ["P1-A", "P1-B"])
        #expect(weighted.missing == ["P1-C"])
        #expect(!weighted.isComplete)
        #expect(
            weighted.explanation
                == "Tỷ lệ xã đã số hoá = 73,81 (tính lại từ tổng tử số và tổng mẫu số: 31 ÷ 42 × 100), "
                + "từ 2/3 đơn vị có số liệu; thiếu số liệu (không tính là 0): P1-C"
        )
        let averageDefinition = Fixtures.definition(
            "TY_LE_TB",
            name: "Tỷ lệ bình quân",
            source: .computed(Fixtures.rate.source.formula!),
            aggregation: .average
        )
        let average = Self.evaluator([averageDefinition]).aggregate("TY_LE_TB", below: "P1", at: .commune)
        // (50 + 75) ÷ 2: each commune weighs the same.
        #expect(average.value == 62.5)
        #expect(average.missing == ["P1-C"])
    }

    @Test func aZeroOverZeroUnitStillAddsToTheWeightedSumsButNotToTheAverage() throws {
        let weighted = Self.evaluator().aggregate("TY_LE_SO_HOA", below: "TW", at: .commune)
        #expect(weighted.numerator == 31 && weighted.denominator == 42)
        #expect(weighted.contributing == ["P1-A", "P1-B", "P2-A"])
        #expect(weighted.undefined.isEmpty)
        let averageDefinition = Fixtures.definition(
            "TY_LE_TB",
            source: .computed(Fixtures.rate.source.formula!),
            aggregation: .average
        )
        let average = Self.evaluator([averageDefinition]).aggregate("TY_LE_TB", below: "TW", at: .commune)
        #expect(average.value == 62.5)
        #expect(average.undefined == ["P2-A"])
        #expect(average.missing == ["P1-C"])
    }

    @Test func sumMinMaxAndNothingAtAll() {
        let ho = { (rule: IndicatorAggregation) in
            Fixtures.definition("HO_SO", source: Fixtures.computed("#{so-hoa.ho_so}"), aggregation: rule)
        }
        #expect(Self.evaluator([ho(.sum)]).aggregate("HO_SO", below: "TW", at: .commune).value == 15)
        #expect(Self.evaluator([ho(.min)]).aggregate("HO_SO", below: "TW", at: .commune).value == 0)
        #expect(Self.evaluator([ho(.max)]).aggregate("HO_SO", below: "TW", at: .commune).value == 10)
        let nothing = Self.evaluator([ho(.sum)], data: TestData()).aggregate("HO_SO", below: "P1", at: .commune)
        #expect(nothing.outcome == .missing(["P1-A", "P1-B", "P1-C"]))
        #expect(
            nothing.explanation
                == "Chỉ số HO_SO: chưa có đơn vị nào có số liệu; thiếu số liệu (không tính là 0): P1-A, P1-B, P1-C"
        )
        let unaggregated = Self.evaluator([ho(.none)]).aggregate("HO_SO", below: "TW", at: .commune)
        #expect(unaggregated.value == nil)
    }

    @Test func functionsOverTheUnitsBelowAndIndicatorsOfIndicators() {
        let total = Fixtures.definition("TONG", source: Fixtures.computed("sum(#{so-hoa.ho_so})"))
        let count = Fixtures.definition("DEM", source: Fixtures.computed("count(#{so-hoa.ho_so})"))
        let share = Fixtures.definition(
            "PHAN",
            source: Fixtures.computed("I{TY_LE_SO_HOA}", "100"),
            aggregation: .average
        )
        let evaluator = Self.evaluator([Fixtures.rate, total, count, share])
        #expect(evaluator.value("TONG", unit: "P1").value == 10)
        #expect(evaluator.value("TONG", unit: "TW").value == 15)
        #expect(evaluator.value("DEM", unit: "P1").value == 2)
        #expect(evaluator.value("TONG", unit: "P1-A").outcome == .missing(["sum(…) @ P1-A"]))
        #expect(evaluator.value("PHAN", unit: "P1-B").value == 0.75)
        #expect(evaluator.value("PHAN", unit: "P1-C").outcome == .missing(["I{TY_LE_SO_HOA}"]))
    }

    @Test func tableCellsEnteredAndDeliveredValues() {
        let cell = Fixtures.definition("NU", source: Fixtures.computed("#{so-hoa.bang.cntt.nu}"))
        let entered = Fixtures.definition("NHAP", source: .entered)
        let delivered = Fixtures.definition(
            "DVC",
            source: .delivered(system: "Cổng Dịch vụ công"),
            aggregation: .average
        )
        let data = TestData(
            answers: ["P1-A": ["so-hoa.bang": .table(["cntt": ["nu": 4, "so_luong": 9]])]],
            values: ["P1-A": ["NHAP": 7, "DVC": 80], "P1-B": ["DVC": 60]]
        )
        let evaluator = Self.evaluator([cell, entered, delivered], data: data)
        #expect(evaluator.value("NU", unit: "P1-A").value == 4)
        #expect(evaluator.value("NU", unit: "P1-B").outcome == .missing(["#{so-hoa.bang.cntt.nu}"]))
        #expect(evaluator.value("NHAP", unit: "P1-A").value == 7)
        #expect(evaluator.value("NHAP", unit: "P1-B").outcome == .missing(["I{NHAP}"]))
        #expect(
            evaluator.value("NHAP", unit: "P1-B").explanation == "Chỉ số NHAP: chưa có số liệu (thiếu, không tính là 0)"
        )
        #expect(evaluator.aggregate("DVC", below: "P1", at: .commune).value == 70)
    }
}

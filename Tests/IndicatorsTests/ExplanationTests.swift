import Testing

@testable import Indicators

@Suite struct ExplanationTests {
    static func explain(
        _ numerator: String,
        _ denominator: String? = nil,
        factor: Double = 1,
        name: String = "Chỉ số",
        in language: Language = .vi
    ) throws -> String {
        let catalogue = Fixtures.catalogue()
        let definition = Fixtures.definition(
            "X",
            name: name,
            source: Fixtures.computed(numerator, denominator, factor: factor)
        )
        let formula = try IndicatorChecker(catalogue: catalogue).check(definition.source.formula!, for: "X").get()
        return FormulaExplainer(catalogue: catalogue).explain(definition, formula, in: language)
    }

    @Test func aRateInWords() throws {
        let catalogue = Fixtures.catalogue()
        let formula = try IndicatorChecker(catalogue: catalogue).check(
            Fixtures.rate.source.formula!,
            for: "TY_LE_SO_HOA"
        )
        .get()
        #expect(
            FormulaExplainer(catalogue: catalogue).explain(Fixtures.rate, formula)
                == "Tỷ lệ xã đã số hoá = (Số xã đã số hoá ÷ Tổng số xã) × 100"
        )
        #expect(
            FormulaExplainer(catalogue: catalogue).explain(Fixtures.rate, formula, in: .en)
                == "Indicator TY_LE_SO_HOA = (Số xã đã số hoá ÷ Tổng số xã) × 100"
        )
    }

    @Test func parenthesesOnlyWherePrecedenceNeedsThem() throws {
        #expect(
            try Self.explain("(#{so-hoa.ho_so} + #{so-hoa.xa_so_hoa}) * 2 - 1")
                == "Chỉ số = (Số hồ sơ đã số hoá + Số xã đã số hoá) × 2 − 1"
        )
        #expect(try Self.explain("1 - (2 - #{so-hoa.ho_so})") == "Chỉ số = 1 − (2 − Số hồ sơ đã số hoá)")
        #expect(try Self.explain("1 + 2 * 3") == "Chỉ số = 1 + 2 × 3")
        #expect(
            try Self.explain("#{so-hoa.ho_so} + #{so-hoa.xa_so_hoa}", "#{so-hoa.tong_xa}", factor: 100)
                == "Chỉ số = ((Số hồ sơ đã số hoá + Số xã đã số hoá) ÷ Tổng số xã) × 100"
        )
        #expect(try Self.explain("#{so-hoa.ho_so} + 1", factor: 1000) == "Chỉ số = (Số hồ sơ đã số hoá + 1) × 1000")
    }

    @Test func tableCellsIndicatorsFunctionsAndDecimals() throws {
        #expect(try Self.explain("#{so-hoa.bang.cntt.nu}") == "Chỉ số = Cán bộ – CNTT – Nữ")
        #expect(try Self.explain("I{TY_LE_SO_HOA} * 0.5") == "Chỉ số = Tỷ lệ xã đã số hoá × 0,5")
        #expect(try Self.explain("I{TY_LE_SO_HOA} * 0.5", in: .en) == "Indicator X = Indicator TY_LE_SO_HOA × 0.5")
        #expect(
            try Self.explain("sum(#{so-hoa.ho_so})")
                == "Chỉ số = tổng của các đơn vị trực thuộc (Số hồ sơ đã số hoá)"
        )
        #expect(
            try Self.explain("count(#{so-hoa.ho_so})")
                == "Chỉ số = số đơn vị trực thuộc có số liệu “Số hồ sơ đã số hoá”"
        )
        #expect(try Self.explain("-(1 + #{so-hoa.ho_so})") == "Chỉ số = −(1 + Số hồ sơ đã số hoá)")
    }
}

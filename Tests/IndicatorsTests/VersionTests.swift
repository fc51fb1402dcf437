import Foundation
import Hierarchy
import Testing

@testable import Indicators

@Suite struct VersionTests {
    static let v1 = Fixtures.rate
    /// From June 2026 the rate is a fraction, not a percentage.
    static let v2 = Fixtures.definition(
        "TY_LE_SO_HOA",
        name: "Tỷ lệ xã đã số hoá",
        version: 2,
        from: .month(2026, 6),
        source: Fixtures.computed("#{so-hoa.xa_so_hoa}", "#{so-hoa.tong_xa}"),
        aggregation: .weighted,
        targets: [IndicatorTarget(period: .month(2026, 12), value: 0.9)]
    )

    @Test func eachPeriodUsesTheVersionInForceSoPastValuesNeverChange() throws {
        let catalogue = Fixtures.catalogue([Self.v1, Self.v2])
        #expect(catalogue.definition("TY_LE_SO_HOA", for: .month(2025, 12)) == nil)
        #expect(catalogue.definition("TY_LE_SO_HOA", for: .month(2026, 5))?.version == 1)
        #expect(catalogue.definition("TY_LE_SO_HOA", for: .quarter(2026, 2))?.version == 1)
        #expect(catalogue.definition("TY_LE_SO_HOA", for: .month(2026, 6))?.version == 2)
        #expect(catalogue.latest("TY_LE_SO_HOA")?.target(for: .month(2026, 12)) == 0.9)
        let data = TestData.numbers(["P1-A": ["xa_so_hoa": 1, "tong_xa": 2]])
        let may = IndicatorEvaluator(catalogue: catalogue, tree: Fixtures.tree, period: .month(2026, 5), data: data)
        let june = IndicatorEvaluator(catalogue: catalogue, tree: Fixtures.tree, period: .month(2026, 6), data: data)
        #expect(may.value("TY_LE_SO_HOA", unit: "P1-A").value == 50)
        #expect(may.value("TY_LE_SO_HOA", unit: "P1-A").version == 1)
        #expect(june.value("TY_LE_SO_HOA", unit: "P1-A").value == 0.5)
        #expect(june.value("TY_LE_SO_HOA", unit: "P1-A").version == 2)
        let before = IndicatorEvaluator(catalogue: catalogue, tree: Fixtures.tree, period: .month(2025, 12), data: data)
        #expect(before.value("TY_LE_SO_HOA", unit: "P1-A").value == nil)
    }

    @Test func aNewVersionMustFollowTheLastAndApplyLater() {
        var catalogue = Fixtures.catalogue([Self.v1])
        let backdated = Fixtures.definition(
            "TY_LE_SO_HOA",
            version: 2,
            from: .month(2026, 1),
            source: Fixtures.computed("1")
        )
        #expect(throws: IndicatorRefusal.self) { try catalogue.add(backdated) }
        let skipping = Fixtures.definition("TY_LE_SO_HOA", version: 3, from: .month(2026, 7), source: .entered)
        #expect(throws: IndicatorRefusal.self) { try catalogue.add(skipping) }
        let startsAtTwo = Fixtures.definition("MOI", version: 2, source: .entered)
        #expect(throws: IndicatorRefusal.self) { try catalogue.add(startsAtTwo) }
        #expect(catalogue.latest("TY_LE_SO_HOA")?.version == 1)
        #expect(throws: Never.self) { try catalogue.add(Self.v2) }
        #expect(catalogue.versions["TY_LE_SO_HOA"]?.map(\.version) == [1, 2])
    }

    @Test func definitionsTravelAsJSON() throws {
        let encoded = try JSONEncoder().encode(Self.v2)
        let decoded = try JSONDecoder().decode(IndicatorDefinition.self, from: encoded)
        #expect(decoded == Self.v2)
        let delivered = Fixtures.definition("DVC", source: .delivered(system: "Cổng DVC"))
        #expect(try JSONDecoder().decode(IndicatorDefinition.self, from: JSONEncoder().encode(delivered)) == delivered)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""kind":"computed""#))
        #expect(text.contains(#""layer":"management""#))
    }
}

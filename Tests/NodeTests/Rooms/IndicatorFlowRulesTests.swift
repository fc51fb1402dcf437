import Auth
import Federation
import Foundation
import Hierarchy
import Indicators
import Testing

@testable import Node

/// The indicator catalogue as it arrives from above (`indicator.defined`), on Kinh Bắc's node over
/// a temporary SQLite file: kept once, passed on, and refused from a unit that is not above.
@Suite struct IndicatorFlowRulesTests {
    static let definition = IndicatorDefinition(
        code: "SO_HOA",
        effectiveFrom: .month(2026, 6),
        name: BilingualText(vi: "Số bản ghi số hoá", en: "Records digitised"),
        concept: "Số bản ghi dữ liệu được số hoá trong tháng",
        calculationMethod: "Cộng số bản ghi",
        dataSource: "Biểu mẫu NQ57",
        leadAgency: "Bộ KH&CN",
        implementingAgency: "UBND xã",
        updatedBy: "Văn phòng UBND xã",
        unitOfMeasure: "bản ghi",
        layer: .management,
        sector: "Chuyển đổi số",
        frequency: .monthly,
        source: .entered,
        aggregation: .sum
    )

    @Test func aDefinitionFromAboveIsKeptOnceAndOneFromElsewhereIsRefused() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let commune = try nodes.open("kinh-bac")
        let fromProvince = DefinedIndicator(owner: "BNI", definition: Self.definition, definedBy: "bni.quantri")
        let message = Envelope(
            origin: "BNI",
            kind: .indicatorDefined,
            unit: "BNI",
            body: try JSONEncoder.federation.encode(fromProvince)
        )
        let first = try await commune.database.pool.write { db in
            try commune.indicatorDefinitions.receive(fromProvince, from: message, db)
        }
        #expect(first.detail.contains("kept"))
        let again = try await commune.database.pool.write { db in
            try commune.indicatorDefinitions.receive(fromProvince, from: message, db)
        }
        #expect(again.detail.contains("already held"))
        let listed = try await commune.indicatorDefinitions.visible(
            to: Actor(username: "bni-kb.admin", unit: "BNI-KB", role: .admin)
        )
        #expect(listed.map(\.owner) == ["BNI"])

        // Lào Cai is not above Kinh Bắc: its catalogue is not Kinh Bắc's.
        let foreign = DefinedIndicator(owner: "LCA", definition: Self.definition, definedBy: "lca.quantri")
        let foreignMessage = Envelope(
            origin: "BNI",
            kind: .indicatorDefined,
            unit: "LCA",
            body: try JSONEncoder.federation.encode(foreign)
        )
        await #expect(throws: Refusal.self) {
            try await commune.database.pool.write { db in
                _ = try commune.indicatorDefinitions.receive(foreign, from: foreignMessage, db)
            }
        }
        #expect(
            try await commune.indicatorDefinitions.visible(to: Actor(username: "a", unit: "BNI-KB", role: .admin)).count
                == 1
        )
    }

    /// An indicator of a unit hosted on the province's node (Tiên Du) concerns Tiên Du only: it
    /// goes to no other commune's node; the province's own goes to every node below it.
    @Test func aHostedUnitsIndicatorStaysInItsSubtree() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        _ = try await province.indicatorDefinitions.define(
            Self.definition,
            by: Actor(username: "td.quantri", unit: "BNI-TD", role: .admin)
        )
        var sent = try await province.database.pool.read { db in
            try FeedStore.entries(for: "BNI-KB", after: 0, limit: 10, db).entries
        }
        #expect(sent.isEmpty, "Tiên Du's indicator is not Kinh Bắc's")
        let own = IndicatorDefinition(
            code: "CUA_TINH",
            effectiveFrom: .month(2026, 6),
            name: Self.definition.name,
            concept: Self.definition.concept,
            calculationMethod: Self.definition.calculationMethod,
            dataSource: Self.definition.dataSource,
            leadAgency: Self.definition.leadAgency,
            implementingAgency: Self.definition.implementingAgency,
            updatedBy: Self.definition.updatedBy,
            unitOfMeasure: Self.definition.unitOfMeasure,
            layer: .management,
            sector: Self.definition.sector,
            frequency: .monthly,
            source: .entered,
            aggregation: .sum
        )
        _ = try await province.indicatorDefinitions.define(
            own,
            by: Actor(username: "bni.quantri", unit: "BNI", role: .admin)
        )
        for child in ["BNI-KB", "BNI-YP"] {
            sent = try await province.database.pool.read { db in
                try FeedStore.entries(for: child, after: 0, limit: 10, db).entries
            }
            #expect(sent.map(\.envelope.kind) == [.indicatorDefined], "\(child)")
        }
    }
}

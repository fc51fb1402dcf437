import Auth
import Foundation
import Hierarchy
import Indicators
import Testing

@testable import Node

/// Indicator values that are not computed (issue M.4) on Bắc Ninh's node (hosting BNI and Tiên
/// Du) over a temporary SQLite file: entered by a person for its unit or a hosted unit below,
/// delivered by a machine client within its grant, idempotently, and read by the values view and
/// by formulas over them. The pinned day is 20 November 2026: May is past its deadline, December
/// has not begun.
@Suite struct SuppliedValueRulesTests {
    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)
    static let approver = Actor(username: "bni.lanhdao", unit: "BNI", role: .approver)
    static let provinceClerk = Actor(username: "bni.nhaplieu", unit: "BNI", role: .dataEntry)
    static let viewer = Actor(username: "bni.xem", unit: "BNI", role: .viewer)
    static let clerk = Actor(username: "td.nhaplieu", unit: "BNI-TD", role: .dataEntry)
    static let communeAdmin = Actor(username: "td.quantri", unit: "BNI-TD", role: .admin)

    static func definition(
        _ code: String,
        source: ValueSource,
        aggregation: IndicatorAggregation = .sum,
        direction: IndicatorDirection = .higherIsBetter,
        targets: [IndicatorTarget] = []
    )
        -> IndicatorDefinition
    {
        IndicatorDefinition(
            code: code,
            effectiveFrom: .month(2026, 1),
            name: BilingualText(vi: "Chỉ số \(code)", en: "Indicator \(code)"),
            concept: "Khái niệm",
            calculationMethod: "Phương pháp",
            dataSource: "Nguồn",
            leadAgency: "Bộ Nội vụ",
            implementingAgency: "UBND xã",
            updatedBy: "Văn phòng UBND xã",
            unitOfMeasure: "hồ sơ",
            layer: .management,
            sector: "Dịch vụ công",
            direction: direction,
            frequency: .monthly,
            source: source,
            aggregation: aggregation,
            targets: targets
        )
    }

    /// Records kept (entered), transactions delivered by the national data-sharing platform, and
    /// their ratio in per cent (computed over the two).
    static func defineSet(_ province: LocalNode) async throws {
        _ = try await province.indicatorDefinitions.define(definition("HO_SO", source: .entered), by: admin)
        _ = try await province.indicatorDefinitions.define(
            definition("GIAO_DICH", source: .delivered(system: "Nền tảng chia sẻ dữ liệu quốc gia")),
            by: admin
        )
        _ = try await province.indicatorDefinitions.define(
            definition(
                "TY_LE_GD",
                source: .computed(IndicatorFormula(numerator: "I{GIAO_DICH}", denominator: "I{HO_SO}", factor: 100)),
                aggregation: .weighted
            ),
            by: admin
        )
    }

    /// The refusal `body` met, without the module's prefixes (`notFound(indicator)`), or
    /// "not refused".
    static func refused(_ body: () async throws -> Void) async -> String {
        guard let reason = await refusal(body) else { return "not refused" }
        return "\(reason)".replacingOccurrences(of: "Node.DomainError.Thing.", with: "")
    }

    @Test func aPersonEntersForItsUnitAndLeadersAboveForHostedUnits() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await Self.defineSet(province)

        var entered = try await province.suppliedValues.enter(
            code: "HO_SO",
            unit: "BNI-TD",
            period: "2026-11",
            value: 80,
            by: Self.clerk
        )
        #expect(entered.changed && entered.source == "entered" && !entered.late && entered.previous == nil)
        #expect(entered.deadline == "2026-11-25" && entered.suppliedBy == "td.nhaplieu" && entered.version == 1)

        // The same value again changes nothing; another keeps the first in the history.
        entered = try await province.suppliedValues.enter(
            code: "HO_SO",
            unit: "BNI-TD",
            period: "2026-11",
            value: 80,
            by: Self.clerk
        )
        #expect(!entered.changed)
        entered = try await province.suppliedValues.enter(
            code: "HO_SO",
            unit: "BNI-TD",
            period: "2026-11",
            value: 90,
            by: Self.approver
        )
        #expect(entered.changed && entered.previous == 80 && entered.suppliedBy == "bni.lanhdao")
        let history = try await province.database.pool.read { db in
            try SuppliedValueStore.history(code: "HO_SO", unit: "BNI-TD", period: "2026-11", db)
        }
        #expect(history.map(\.value) == [80] && history.first?.suppliedBy == "td.nhaplieu")

        // May's missing figure, filled in in November: accepted, marked late.
        let may = try await province.suppliedValues.enter(
            code: "HO_SO",
            unit: "BNI-TD",
            period: "2026-05",
            value: 70,
            by: Self.clerk
        )
        #expect(may.late && may.changed)

        let values = try await province.indicatorValues.table(
            code: "HO_SO",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        let tienDu = values.children.first { $0.unit == "BNI-TD" }
        #expect(tienDu?.figure.value == 90 && tienDu?.figure.source == "entered" && tienDu?.figure.late == false)
        #expect(values.figure.value == 90 && Set(values.figure.missing ?? []) == ["BNI-KB", "BNI-YP"])
        let mayValues = try await province.indicatorValues.table(
            code: "HO_SO",
            period: "2026-05",
            unit: nil,
            for: Self.viewer
        )
        #expect(mayValues.children.first { $0.unit == "BNI-TD" }?.figure.late == true)

        let trail = try await province.auditReading.trail(visibleTo: Self.admin, account: nil)
        let entries = trail.entries.filter { $0.action == "indicator.value.enter" }.map { "\($0.actor) \($0.target)" }
        #expect(
            entries.sorted()
                == [
                    "bni.lanhdao HO_SO/BNI-TD/2026-11", "td.nhaplieu HO_SO/BNI-TD/2026-05",
                    "td.nhaplieu HO_SO/BNI-TD/2026-11",
                ],
            "the unchanged value is not audited: \(entries)"
        )
    }

    @Test func entryRefusalsNameWhatIsWrong() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await Self.defineSet(province)
        func enter(_ code: String, _ unit: String, _ period: String, by actor: Actor) async throws -> SuppliedValueView
        {
            try await province.suppliedValues.enter(code: code, unit: unit, period: period, value: 1, by: actor)
        }
        #expect(
            await Self.refused { _ = try await enter("KHONG_CO", "BNI-TD", "2026-11", by: Self.clerk) }.hasPrefix(
                "notFound(indicator)"
            ),
            "unknown code"
        )
        for period in ["2026-Q4", "2026-13", "2026-12", "2025-12"] {
            #expect(
                await Self.refused { _ = try await enter("HO_SO", "BNI-TD", period, by: Self.clerk) }.hasPrefix(
                    "indicatorPeriodInvalid"
                ),
                "period \(period) (not monthly, not a month, not begun, before the indicator)"
            )
        }
        #expect(
            await Self.refused { _ = try await enter("GIAO_DICH", "BNI-TD", "2026-11", by: Self.clerk) }.hasPrefix(
                "indicatorNotEntered"
            ),
            "delivered"
        )
        #expect(
            await Self.refused { _ = try await enter("TY_LE_GD", "BNI-TD", "2026-11", by: Self.clerk) }.hasPrefix(
                "indicatorNotEntered"
            ),
            "computed"
        )
        #expect(
            await Self.refused { _ = try await enter("HO_SO", "BNI", "2026-11", by: Self.clerk) }.hasPrefix(
                "unitOutsideYourSubtree(\"BNI\")"
            ),
            "above"
        )
        #expect(
            await Self.refused { _ = try await enter("HO_SO", "BNI-XX", "2026-11", by: Self.approver) }.hasPrefix(
                "notFound(unit)"
            ),
            "unknown unit"
        )
        #expect(
            await Self.refused { _ = try await enter("HO_SO", "BNI", "2026-11", by: Self.viewer) }.hasPrefix(
                "notAllowed"
            ),
            "a viewer"
        )
        #expect(
            await Self.refused { _ = try await enter("HO_SO", "BNI-TD", "2026-11", by: Self.provinceClerk) }.hasPrefix(
                "notAllowed"
            ),
            "a clerk for a unit below"
        )
        #expect(
            await Self.refused { _ = try await enter("HO_SO", "BNI-YP", "2026-11", by: Self.approver) }.hasPrefix(
                "unitNotServedHere"
            ),
            "a unit with its own node"
        )
        // The province's own figure, by its clerk.
        #expect(try await enter("HO_SO", "BNI", "2026-11", by: Self.provinceClerk).changed)
    }

    @Test func aClientDeliversWithinItsGrantAndAReplayChangesNothing() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await Self.defineSet(province)
        _ = try await province.suppliedValues.enter(
            code: "HO_SO",
            unit: "BNI-TD",
            period: "2026-11",
            value: 80,
            by: Self.clerk
        )
        let client = try await province.indicatorClients.create(
            NewIndicatorClient(name: "Nền tảng NDXP", indicators: ["GIAO_DICH"], units: ["BNI-TD", "BNI"]),
            by: Self.admin
        )
        let token = try #require(client.token)
        #expect(client.units == ["BNI", "BNI-TD"] && client.revokedAt == nil)
        let listed = try await province.indicatorClients.list(for: Self.admin)
        #expect(listed.map(\.id) == [client.id] && listed.allSatisfy { $0.token == nil })

        typealias Item = IndicatorDelivery.Item
        let delivery = IndicatorDelivery(
            delivery: "ndxp-2026-11-01",
            values: [
                Item(indicator: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", value: 40),
                Item(indicator: "GIAO_DICH", unit: "BNI", period: "2026-11", value: nil),
                Item(indicator: "GIAO_DICH", unit: "BNI-KB", period: "2026-11", value: 5),
                Item(indicator: "HO_SO", unit: "BNI-TD", period: "2026-11", value: 5),
                Item(indicator: "KHONG_CO", unit: "BNI-TD", period: "2026-11", value: 5),
                Item(indicator: "GIAO_DICH", unit: "BNI", period: "2026-Q4", value: 5),
                Item(indicator: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", value: 41),
                Item(indicator: "GIAO_DICH", unit: "BNI-TD", period: "2026-05", value: 30),
            ]
        )
        let receipt = try await province.suppliedValues.deliver(delivery, token: token, from: "10.0.0.9")
        #expect(!receipt.replay && receipt.accepted == 2 && receipt.refused == 6 && receipt.unchanged == 0)
        #expect(
            receipt.results.map { $0.reason ?? $0.result } == [
                "accepted", "not_a_number", "outside_grant", "outside_grant", "unknown_indicator", "bad_period",
                "duplicate", "accepted",
            ]
        )
        #expect(receipt.results[7].late == true && receipt.results[0].late == false)

        // The values view shows the delivered value, and the formula over it.
        let delivered = try await province.indicatorValues.table(
            code: "GIAO_DICH",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        let tienDu = delivered.children.first { $0.unit == "BNI-TD" }
        #expect(tienDu?.figure.value == 40 && tienDu?.figure.source == "delivered")
        let ratio = try await province.indicatorValues.table(
            code: "TY_LE_GD",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(ratio.children.first { $0.unit == "BNI-TD" }?.figure.value == 50, "40 ÷ 80 × 100")
        #expect(ratio.figure.value == 50)

        // A replay changes nothing and answers the same.
        func indicatorEntries() async throws -> Int {
            try await province.auditReading.trail(visibleTo: Self.admin, account: nil).entries.filter {
                $0.action.hasPrefix("indicator.")
            }.count
        }
        let trailBefore = try await indicatorEntries()
        let replay = try await province.suppliedValues.deliver(delivery, token: token, from: "10.0.0.9")
        #expect(replay.replay)
        #expect(replay.results.map(\.result) == receipt.results.map(\.result))
        #expect(replay.results.map(\.reason) == receipt.results.map(\.reason))
        #expect(try await indicatorEntries() == trailBefore, "a replay is not audited again")
        let history = try await province.database.pool.read { db in
            try SuppliedValueStore.history(code: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", db)
        }
        #expect(history.isEmpty)

        // The same key with other values is refused; the same value under a new key is unchanged.
        #expect(
            await Self.refused {
                _ = try await province.suppliedValues.deliver(
                    IndicatorDelivery(delivery: "ndxp-2026-11-01", values: [delivery.values[0]]),
                    token: token,
                    from: "10.0.0.9"
                )
            }.hasPrefix("deliveryKeyReused"),
            "key reused"
        )
        let again = try await province.suppliedValues.deliver(
            IndicatorDelivery(
                delivery: "ndxp-2026-11-02",
                values: [
                    delivery.values[0], Item(indicator: "GIAO_DICH", unit: "BNI", period: "2026-11", value: 120),
                ]
            ),
            token: token,
            from: "10.0.0.9"
        )
        #expect(again.results.map(\.result) == ["unchanged", "accepted"])
        // The province's own delivered figure is its figure (not the combination of its communes).
        let province11 = try await province.indicatorValues.table(
            code: "GIAO_DICH",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(province11.figure.value == 120 && province11.figure.source == "delivered")
        // A corrected value replaces the one held, which goes to the history.
        let corrected = try await province.suppliedValues.deliver(
            IndicatorDelivery(
                delivery: "ndxp-2026-11-03",
                values: [Item(indicator: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", value: 44)]
            ),
            token: token,
            from: "10.0.0.9"
        )
        #expect(corrected.results.map(\.result) == ["accepted"])
        let replaced = try await province.database.pool.read { db in
            try SuppliedValueStore.history(code: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", db)
        }
        #expect(replaced.map(\.value) == [40] && replaced.first?.source == "delivered")

        // Revoked, or unknown: 401, nothing written.
        let revoked = try await province.indicatorClients.revoke(client.id, by: Self.admin)
        #expect(revoked.revokedAt != nil && revoked.revokedBy == "bni.quantri")
        for candidate in [token, "rnic_not-a-token", nil] {
            #expect(
                await Self.refused {
                    _ = try await province.suppliedValues.deliver(
                        IndicatorDelivery(
                            delivery: "ndxp-2026-11-03",
                            values: [Item(indicator: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", value: 1)]
                        ),
                        token: candidate,
                        from: "10.0.0.9"
                    )
                }.hasPrefix("deliveryTokenRefused"),
                "token"
            )
        }
        let held = try await province.database.pool.read { db in
            try SuppliedValueStore.held(code: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", db)
        }
        #expect(held?.value == 44 && held?.client == client.id)

        let trail = try await province.auditReading.trail(visibleTo: Self.admin, account: nil).entries
        #expect(trail.contains { $0.action == "indicator.client.create" && $0.actor == "bni.quantri" })
        #expect(trail.contains { $0.action == "indicator.client.revoke" && $0.target == client.id })
        #expect(trail.filter { $0.action == "indicator.value.deliver" }.count == 4)
    }

    @Test func grantsAreCheckedAndOnlyTheOwnersAdminsSeeAndRevokeThem() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await Self.defineSet(province)
        func create(
            _ indicators: [String],
            _ units: [String],
            by actor: Actor = Self.admin
        ) async throws
            -> IndicatorClientView
        {
            try await province.indicatorClients.create(
                NewIndicatorClient(name: "Hệ thống", indicators: indicators, units: units),
                by: actor
            )
        }
        #expect(
            await Self.refused { _ = try await create(["HO_SO", "TY_LE_GD"], ["BNI-TD"]) }.hasPrefix(
                "indicatorClientInvalid"
            ),
            ""
        )
        #expect(
            await Self.refused { _ = try await create([], []) }.hasPrefix("indicatorClientInvalid"),
            "nothing granted"
        )
        #expect(
            await Self.refused { _ = try await create(["GIAO_DICH"], ["LCA"]) }.hasPrefix(
                "unitOutsideYourSubtree(\"LCA\")"
            ),
            "outside"
        )
        #expect(
            await Self.refused { _ = try await create(["GIAO_DICH"], ["BNI-KB"]) }.hasPrefix("unitNotServedHere"),
            "not hosted"
        )
        #expect(
            await Self.refused { _ = try await create(["GIAO_DICH"], ["BNI-TD"], by: Self.approver) }.hasPrefix(
                "notAllowed"
            ),
            "an approver"
        )
        let client = try await create(["GIAO_DICH"], ["BNI-TD"])
        #expect(try await province.indicatorClients.list(for: Self.communeAdmin).isEmpty)
        #expect(
            await Self.refused { _ = try await province.indicatorClients.revoke(client.id, by: Self.communeAdmin) }
                .hasPrefix("notFound(indicatorClient)"),
            "another unit"
        )
        _ = try await province.indicatorClients.revoke(client.id, by: Self.admin)
        let again = try await province.indicatorClients.revoke(client.id, by: Self.admin)
        #expect(again.revokedAt != nil)
        let revocations = try await province.auditReading.trail(visibleTo: Self.admin, account: nil).entries.filter {
            $0.action == "indicator.client.revoke"
        }
        #expect(revocations.count == 1, "revoking twice is audited once")
    }

    /// A commune that defines its own indicator under a code the province's client is granted:
    /// at the commune that indicator is in force (the nearest level's), and the grant, made for
    /// the province's, does not reach it; the province's own unit still takes the delivery.
    @Test func aGrantDoesNotReachACodeAUnitBelowDefinedItself() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        // The commune's first: a level above may still take the code for the rest of its subtree.
        _ = try await province.indicatorDefinitions.define(
            Self.definition("GIAO_DICH", source: .entered),
            by: Self.communeAdmin
        )
        try await Self.defineSet(province)
        let client = try await province.indicatorClients.create(
            NewIndicatorClient(name: "Nền tảng NDXP", indicators: ["GIAO_DICH"], units: ["BNI-TD", "BNI"]),
            by: Self.admin
        )
        typealias Item = IndicatorDelivery.Item
        let receipt = try await province.suppliedValues.deliver(
            IndicatorDelivery(
                delivery: "ndxp-shadowed",
                values: [
                    Item(indicator: "GIAO_DICH", unit: "BNI-TD", period: "2026-11", value: 40),
                    Item(indicator: "GIAO_DICH", unit: "BNI", period: "2026-11", value: 7),
                ]
            ),
            token: client.token,
            from: "10.0.0.9"
        )
        #expect(receipt.results.map { $0.reason ?? $0.result } == ["outside_grant", "accepted"])
        // The commune's own entered indicator is untouched and still takes its staff's entry.
        let entered = try await province.suppliedValues.enter(
            code: "GIAO_DICH",
            unit: "BNI-TD",
            period: "2026-11",
            value: 3,
            by: Self.clerk
        )
        #expect(entered.value == 3)
    }
}

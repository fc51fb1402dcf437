import Auth
import Foundation
import Hierarchy
import Indicators
import Spreadsheet
import TestSupport
import Testing

@testable import Node

/// An indicator's figures (issue M.5) on Bắc Ninh's node over a temporary SQLite file: per unit
/// below its target, distance and whether it is met by the indicator's direction, ranks that tie
/// ("1, 1, 3") and leave units without a value out, the trend over the last periods, and the
/// values table as xlsx and CSV. The pinned day is 20 November 2026.
@Suite struct IndicatorFigureRulesTests {
    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)
    static let viewer = Actor(username: "bni.xem", unit: "BNI", role: .viewer)
    static let leader = Actor(username: "td.lanhdao", unit: "BNI-TD", role: .approver)

    /// Records digitised (higher is better) or days of delay (lower is better), entered, summed up.
    static func definition(
        _ code: String,
        direction: IndicatorDirection,
        targets: [IndicatorTarget]
    ) -> IndicatorDefinition {
        SuppliedValueRulesTests.definition(code, source: .entered, direction: direction, targets: targets)
    }

    /// Values held for the communes, as if entered or delivered (`code|unit|period` → value).
    static func hold(_ node: LocalNode, _ values: [String: Double]) async throws {
        let now = node.clock.now()
        try await node.database.pool.write { db in
            for (key, value) in values {
                let parts = key.split(separator: "|").map(String.init)
                try SuppliedValueStore.set(
                    SuppliedValueStore.Value(
                        code: parts[0],
                        unit: parts[1],
                        period: parts[2],
                        version: 1,
                        value: value,
                        source: "delivered",
                        client: "c1",
                        suppliedBy: "client:c1",
                        suppliedAt: now,
                        late: false
                    ),
                    replacing: nil,
                    at: now,
                    db
                )
            }
        }
    }

    /// Bắc Ninh with two indicators and values for October and November 2026.
    static func province(_ nodes: LocalNodes) async throws -> LocalNode {
        let province = try nodes.open("bac-ninh")
        _ = try await province.indicatorDefinitions.define(
            definition(
                "SO_HOA",
                direction: .higherIsBetter,
                targets: [
                    IndicatorTarget(period: .month(2026, 10), value: 50), .init(period: .month(2026, 11), value: 60),
                ]
            ),
            by: admin
        )
        _ = try await province.indicatorDefinitions.define(
            definition("NGAY_TRE", direction: .lowerIsBetter, targets: [.init(period: .month(2026, 11), value: 5)]),
            by: admin
        )
        try await hold(
            province,
            [
                "SO_HOA|BNI-KB|2026-11": 70, "SO_HOA|BNI-YP|2026-11": 70, "SO_HOA|BNI-TD|2026-11": 40,
                "SO_HOA|BNI-KB|2026-10": 50, "NGAY_TRE|BNI-KB|2026-11": 3, "NGAY_TRE|BNI-YP|2026-11": 8,
            ]
        )
        return province
    }

    @Test func ranksTieAndFollowTheDirection() {
        let higher = IndicatorRanking.ranks([("A", 50), ("B", 70), ("C", 70), ("D", 10)], direction: .higherIsBetter)
        #expect(higher == ["B": 1, "C": 1, "A": 3, "D": 4])
        let lower = IndicatorRanking.ranks([("A", 50), ("B", 70), ("D", 10), ("E", 10)], direction: .lowerIsBetter)
        #expect(lower == ["D": 1, "E": 1, "A": 3, "B": 4])
        #expect(IndicatorRanking.ranks([], direction: .higherIsBetter).isEmpty)
    }

    @Test func distanceAndTargetMetFollowTheDirection() {
        let below = IndicatorRanking.distance(45, target: 60)
        #expect(below.value == -15 && below.percent == -25)
        #expect(
            IndicatorRanking.distance(3, target: 0).value == 3 && IndicatorRanking.distance(3, target: 0).percent == nil
        )
        #expect(
            IndicatorRanking.distance(nil, target: 60).value == nil
                && IndicatorRanking.distance(5, target: nil).value == nil
        )
        // Against a negative target the percentage keeps the sign of value − target.
        #expect(IndicatorRanking.distance(-5, target: -10).percent == 50)
        #expect(IndicatorRanking.meets(60, target: 60, .higherIsBetter) == true)
        #expect(IndicatorRanking.meets(59, target: 60, .higherIsBetter) == false)
        #expect(IndicatorRanking.meets(5, target: 5, .lowerIsBetter) == true)
        #expect(IndicatorRanking.meets(6, target: 5, .lowerIsBetter) == false)
        #expect(IndicatorRanking.meets(nil, target: 5, .lowerIsBetter) == nil)
        #expect(IndicatorRanking.meets(4, target: nil, .lowerIsBetter) == nil)
    }

    @Test func theValuesAnswerHasTargetDistanceMetAndRankPerUnit() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try await Self.province(nodes)

        let values = try await province.indicatorValues.table(
            code: "SO_HOA",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        let rows = Dictionary(uniqueKeysWithValues: values.children.map { ($0.unit, $0) })
        #expect(values.target == 60 && values.figure.value == 180)
        #expect(rows["BNI-KB"]?.rank == 1 && rows["BNI-YP"]?.rank == 1 && rows["BNI-TD"]?.rank == 3)
        #expect(rows["BNI-KB"]?.target == 60 && rows["BNI-KB"]?.distanceToTarget == 10)
        #expect(rows["BNI-TD"]?.distanceToTarget == -20 && rows["BNI-TD"]?.targetMet == false)
        let percent = try #require(rows["BNI-TD"]?.distanceToTargetPercent)
        #expect(abs(percent - (-100.0 / 3)) < 1e-9)
        #expect(rows["BNI-KB"]?.targetMet == true && rows["BNI-YP"]?.targetMet == true)

        // October: the target is met exactly by Kinh Bắc; the others have no value, no rank, no verdict.
        let october = try await province.indicatorValues.table(
            code: "SO_HOA",
            period: "2026-10",
            unit: nil,
            for: Self.viewer
        )
        let kinhBac = october.children.first { $0.unit == "BNI-KB" }
        #expect(kinhBac?.targetMet == true && kinhBac?.distanceToTarget == 0 && kinhBac?.distanceToTargetPercent == 0)
        for row in october.children where row.unit != "BNI-KB" {
            #expect(row.rank == nil && row.targetMet == nil && row.distanceToTarget == nil && row.target == 50)
        }

        // Lower is better: the fewest days of delay rank first and meet the target.
        let delay = try await province.indicatorValues.table(
            code: "NGAY_TRE",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        let delays = Dictionary(uniqueKeysWithValues: delay.children.map { ($0.unit, $0) })
        #expect(delays["BNI-KB"]?.rank == 1 && delays["BNI-KB"]?.targetMet == true)
        #expect(delays["BNI-YP"]?.rank == 2 && delays["BNI-YP"]?.targetMet == false)
        #expect(delays["BNI-YP"]?.distanceToTarget == 3 && delays["BNI-YP"]?.distanceToTargetPercent == 60)
        #expect(delays["BNI-TD"]?.rank == nil)

        // No target for the period: no distance, no verdict, the rank all the same.
        let september = try await province.indicatorValues.table(
            code: "NGAY_TRE",
            period: "2026-10",
            unit: nil,
            for: Self.viewer
        )
        #expect(september.target == nil && september.children.allSatisfy { $0.target == nil && $0.targetMet == nil })
    }

    @Test func theRankingListsTheBestFirstAndSetsApartUnitsWithoutAValue() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try await Self.province(nodes)

        let ranking = try await province.indicatorFigures.ranking(
            code: "SO_HOA",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(ranking.entries.map(\.unit) == ["BNI-KB", "BNI-YP", "BNI-TD"])
        #expect(ranking.entries.map(\.rank) == [1, 1, 3] && ranking.unranked.isEmpty)
        #expect(ranking.entries.map(\.targetMet) == [true, true, false])
        let delay = try await province.indicatorFigures.ranking(
            code: "NGAY_TRE",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(delay.entries.map(\.unit) == ["BNI-KB", "BNI-YP"] && delay.unranked == ["BNI-TD"])
        #expect(delay.direction == .lowerIsBetter)
    }

    @Test func theTrendCoversTheLastPeriodsWithTheirTargets() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try await Self.province(nodes)

        let trend = try await province.indicatorFigures.trend(
            code: "SO_HOA",
            unit: nil,
            to: "2026-11",
            count: 3,
            for: Self.viewer
        )
        #expect(trend.unit == "BNI" && trend.from == "2026-09" && trend.to == "2026-11" && trend.frequency == .monthly)
        #expect(trend.points.map(\.period) == ["2026-09", "2026-10", "2026-11"])
        #expect(trend.points.map(\.target) == [nil, 50, 60])
        #expect(trend.points.map(\.status) == ["missing", "value", "value"])
        #expect(trend.points.map(\.value) == [nil, 50, 180])
        #expect(trend.points.map(\.targetMet) == [nil, true, true])
        #expect(Set(trend.units.map(\.unit)) == ["BNI-KB", "BNI-YP", "BNI-TD"])
        let november = try #require(trend.points.last)
        #expect(november.children.map(\.unit) == trend.units.map(\.unit))
        let tienDu = try #require(november.children.first { $0.unit == "BNI-TD" })
        #expect(tienDu.value == 40 && tienDu.rank == 3 && tienDu.targetMet == false)

        // By default: 12 periods ending with the one holding the pinned day (November 2026).
        let year = try await province.indicatorFigures.trend(
            code: "SO_HOA",
            unit: nil,
            to: nil,
            count: nil,
            for: Self.viewer
        )
        #expect(year.points.count == 12 && year.from == "2025-12" && year.to == "2026-11")
        // Across a year's end, for a commune (no units below).
        let commune = try await province.indicatorFigures.trend(
            code: "SO_HOA",
            unit: "BNI-TD",
            to: "2027-01",
            count: 3,
            for: Self.leader
        )
        #expect(commune.points.map(\.period) == ["2026-11", "2026-12", "2027-01"] && commune.units.isEmpty)
        #expect(commune.points.first?.value == 40)
        let sixty = try await province.indicatorFigures.trend(
            code: "SO_HOA",
            unit: nil,
            to: nil,
            count: 60,
            for: Self.viewer
        )
        #expect(sixty.points.count == 60 && sixty.from == "2021-12")
    }

    @Test func trendRefusalsNameWhatIsWrong() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try await Self.province(nodes)
        func trend(
            _ code: String = "SO_HOA",
            unit: String? = nil,
            to: String? = nil,
            count: Int? = nil,
            _ actor: Actor = Self.viewer
        ) async -> String {
            guard
                let reason = await refusal({
                    _ = try await province.indicatorFigures.trend(
                        code: code,
                        unit: unit,
                        to: to,
                        count: count,
                        for: actor
                    )
                })
            else { return "not refused" }
            return "\(reason)".replacingOccurrences(of: "Node.DomainError.Thing.", with: "")
        }
        #expect(await trend(count: 0) == "indicatorTrendCountInvalid(\"0\")")
        #expect(await trend(count: 61) == "indicatorTrendCountInvalid(\"61\")")
        #expect(await trend(to: "2026-Q4") == "indicatorPeriodInvalid(\"2026-Q4\")")
        #expect(await trend(to: "tháng 11") == "indicatorPeriodInvalid(\"tháng 11\")")
        #expect(await trend("KHONG_CO") == "notFound(indicator)")
        #expect(await trend(unit: "KHONG-CO") == "notFound(unit)")
        #expect(await trend(unit: "BNI", Self.leader) == "outsideYourSubtree")
        #expect(await trend(unit: "BNI-KB", Self.leader) == "outsideYourSubtree")
    }

    @Test func theValuesTableExportsAsAWorkbookAndAsCSV() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try await Self.province(nodes)

        let xlsx = try await province.indicatorFigures.export(
            code: "SO_HOA",
            period: "2026-11",
            unit: nil,
            format: .xlsx,
            for: Self.viewer
        )
        #expect(xlsx.fileName == "chi-so-SO_HOA-BNI-2026-11.xlsx" && xlsx.contentType.contains("spreadsheetml"))
        let book = try await Python.workbook(xlsx.data)
        let sheet = try #require(book["Giá trị chỉ số"])
        #expect(
            sheet.first
                == [
                    "Mã đơn vị", "Tên đơn vị", "Giá trị (hồ sơ)", "Nguồn số liệu", "Chỉ tiêu",
                    "Chênh lệch so với chỉ tiêu",
                    "Chênh lệch (% chỉ tiêu)", "Đạt chỉ tiêu", "Xếp hạng",
                ]
        )
        let byUnit = Dictionary(uniqueKeysWithValues: sheet.dropFirst().map { ($0[0], $0) })
        #expect(
            byUnit["BNI-KB"] == [
                "BNI-KB", "Phường Kinh Bắc", "70", "Hệ thống cung cấp", "60", "10", "16.666666666666664", "Đạt", "1",
            ]
        )
        #expect(
            byUnit["BNI-TD"]?[2...3] == ["40", "Hệ thống cung cấp"] && byUnit["BNI-TD"]?[7...8] == ["Không đạt", "3"]
        )
        #expect(byUnit["BNI-YP"]?[8] == "1")
        // The unit itself last, not ranked.
        #expect(sheet.last?[0] == "BNI" && sheet.last?[2] == "180" && sheet.last?[8] == "" && sheet.count == 5)

        let csv = try await province.indicatorFigures.export(
            code: "SO_HOA",
            period: "2026-10",
            unit: nil,
            format: .csv,
            for: Self.viewer
        )
        #expect(csv.fileName == "chi-so-SO_HOA-BNI-2026-10.csv" && csv.contentType == "text/csv; charset=utf-8")
        #expect(Array(csv.data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = try #require(String(data: csv.data.dropFirst(3), encoding: .utf8))
        let records = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map {
            $0.components(separatedBy: ",")
        }
        #expect(records.first?.first == "Mã đơn vị" && records.first?.count == 9 && records.count == 5)
        let tienDu = try #require(records.first { $0.first == "BNI-TD" })
        #expect(tienDu == ["BNI-TD", "Xã Tiên Du", "", "Thiếu số liệu", "50", "", "", "", ""])
        let kinhBac = try #require(records.first { $0.first == "BNI-KB" })
        #expect(kinhBac == ["BNI-KB", "Phường Kinh Bắc", "50", "Hệ thống cung cấp", "50", "0", "0", "Đạt", "1"])

        // Audited, and refused outside the subtree like the values.
        let audited = try await province.auditReading.trail(visibleTo: Self.admin, account: nil).entries
            .filter { $0.action == "indicator.export" }.map(\.target)
        #expect(audited.contains("SO_HOA/BNI/2026-11") && audited.contains("SO_HOA/BNI/2026-10"))
        let outside = await refusal {
            _ = try await province.indicatorFigures.export(
                code: "SO_HOA",
                period: "2026-11",
                unit: "BNI",
                format: .csv,
                for: Self.leader
            )
        }
        #expect(outside.map { "\($0)" } == "outsideYourSubtree")
    }
}

import Auth
import Federation
import Foundation
import Hierarchy
import Indicators
import Reporting
import Testing

@testable import Node

/// Indicator values (issue M.2/M.5) on Bắc Ninh's node over a temporary SQLite file: computed per
/// commune from approved answers, combined up by the indicator's rule, missing data kept missing,
/// with the target's distance and a ranking of the units below.
@Suite struct IndicatorValueRulesTests {
    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)
    static let viewer = Actor(username: "bni.xem", unit: "BNI", role: .viewer)
    static let clerk = Actor(username: "td.nhaplieu", unit: "BNI-TD", role: .dataEntry)
    static let leader = Actor(username: "td.lanhdao", unit: "BNI-TD", role: .approver)

    static let form = Form(
        code: "HS",
        title: "Hồ sơ trực tuyến",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g",
                title: "Chung",
                questions: [
                    Question(id: "truc_tuyen", text: "Hồ sơ trực tuyến", kind: .integer),
                    Question(id: "tong", text: "Tổng số hồ sơ", kind: .integer),
                ]
            )
        ]
    )

    static let indicator = IndicatorDefinition(
        code: "TY_LE_TT",
        effectiveFrom: .month(2026, 6),
        name: BilingualText(vi: "Tỷ lệ hồ sơ trực tuyến", en: "Share of applications online"),
        concept: "Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận trực tuyến",
        calculationMethod: "Số hồ sơ trực tuyến chia tổng số hồ sơ, nhân 100",
        dataSource: "Biểu mẫu HS",
        leadAgency: "Văn phòng Chính phủ",
        implementingAgency: "UBND xã",
        updatedBy: "Văn phòng UBND xã",
        unitOfMeasure: "%",
        layer: .management,
        sector: "Dịch vụ công",
        frequency: .monthly,
        source: .computed(IndicatorFormula(numerator: "#{HS.truc_tuyen}", denominator: "#{HS.tong}", factor: 100)),
        aggregation: .weighted,
        targets: [IndicatorTarget(period: .month(2026, 11), value: 80)]
    )

    @Test func valuesPerUnitAreComputedFromApprovedAnswersAndCombinedUp() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        _ = try await province.forms.define(Self.form, by: Self.admin)
        _ = try await province.indicatorDefinitions.define(Self.indicator, by: Self.admin)
        let assignment = try await province.formAssignments.assign(
            NewAssignment(form: "HS", period: "2026-11", level: .commune),
            by: Self.admin
        )

        // Before any approval every commune is missing, never zero.
        var values = try await province.indicatorValues.table(
            code: "TY_LE_TT",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(values.figure.status == "missing" && values.figure.value == nil)
        #expect(values.children.allSatisfy { $0.figure.status == "missing" && $0.rank == nil })

        var report = try await province.reports.create(NewReport(assignment: assignment.id), by: Self.clerk)
        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["truc_tuyen": .number(30), "tong": .number(40)]), version: report.version),
            by: Self.clerk
        )
        // Submitted is not approved: still missing.
        report = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        values = try await province.indicatorValues.table(
            code: "TY_LE_TT",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(values.children.first { $0.unit == "BNI-TD" }?.figure.status == "missing")

        _ = try await province.reports.approve(report.id, ReportTransition(), by: Self.leader)
        values = try await province.indicatorValues.table(
            code: "TY_LE_TT",
            period: "2026-11",
            unit: nil,
            for: Self.viewer
        )
        #expect(values.level == .commune && values.target == 80 && values.owner == "BNI")
        let tienDu = values.children.first { $0.unit == "BNI-TD" }
        #expect(tienDu?.figure.value == 75 && tienDu?.rank == 1 && tienDu?.distanceToTarget == -5)
        #expect(values.figure.value == 75, "weighted: 30 ÷ 40 × 100 over the one commune with data")
        #expect(Set(values.figure.missing ?? []) == ["BNI-KB", "BNI-YP"])
        #expect(values.figure.explanation.contains("thiếu số liệu"), "\(values.figure.explanation)")
    }

    @Test func refusalsNameWhatIsWrong() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        _ = try await province.forms.define(Self.form, by: Self.admin)
        _ = try await province.indicatorDefinitions.define(Self.indicator, by: Self.admin)
        do {
            _ = try await province.indicatorValues.table(
                code: "KHONG_CO",
                period: "2026-11",
                unit: nil,
                for: Self.viewer
            )
            Issue.record("an unknown indicator is not found")
        } catch let error as DomainError {
            guard case .notFound(.indicator) = error.reason else {
                Issue.record("\(error.reason)")
                return
            }
        }
        do {
            _ = try await province.indicatorValues.table(
                code: "TY_LE_TT",
                period: "2026-Q4",
                unit: nil,
                for: Self.viewer
            )
            Issue.record("a quarter is not a period of a monthly indicator")
        } catch let error as DomainError {
            guard case .indicatorPeriodInvalid = error.reason else {
                Issue.record("\(error.reason)")
                return
            }
        }
        // Tiên Du's staff see Tiên Du, not the province.
        _ = try await province.indicatorValues.table(
            code: "TY_LE_TT",
            period: "2026-11",
            unit: "BNI-TD",
            for: Self.leader
        )
        for outside in ["BNI", "BNI-KB"] {
            do {
                _ = try await province.indicatorValues.table(
                    code: "TY_LE_TT",
                    period: "2026-11",
                    unit: outside,
                    for: Self.leader
                )
                Issue.record("\(outside) is outside Tiên Du's subtree")
            } catch let error as DomainError {
                guard case .outsideYourSubtree = error.reason else {
                    Issue.record("\(error.reason)")
                    return
                }
            }
        }
    }

    @Test func equalValuesShareARankAndDirectionDecidesTheOrder() {
        let higher = IndicatorRanking.ranks([("A", 50), ("B", 70), ("C", 70), ("D", 10)], direction: .higherIsBetter)
        #expect(higher == ["B": 1, "C": 1, "A": 3, "D": 4])
        let lower = IndicatorRanking.ranks([("A", 50), ("B", 70), ("D", 10)], direction: .lowerIsBetter)
        #expect(lower == ["D": 1, "A": 2, "B": 3])
    }
}

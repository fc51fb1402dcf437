import Alerts
import Auth
import Federation
import Foundation
import Hierarchy
import Indicators
import Testing

@testable import Node

/// Indicators assigned to units below (issue M.3) on Bắc Ninh's node (hosting BNI and Tiên Du)
/// over a temporary SQLite file: refused outside the subtree, sent down to the units' nodes, owed
/// by each period's deadline (the 25th of its last month) and overdue after it, on the to-do list
/// and in alerts, and cleared by a value entered late (the missing-May case). The clock is the
/// pinned 20 November 2026, moved by hand; nothing reads the machine's date.
@Suite struct IndicatorAssignmentRulesTests {
    static let admin = SuppliedValueRulesTests.admin
    static let approver = SuppliedValueRulesTests.approver
    static let clerk = SuppliedValueRulesTests.clerk
    static let communeAdmin = SuppliedValueRulesTests.communeAdmin

    static func assignment(
        _ units: [String],
        code: String = "HO_SO",
        from: String,
        until: String? = nil,
        updatedBy: String? = nil
    ) -> NewIndicatorAssignment {
        NewIndicatorAssignment(indicator: code, units: units, from: from, until: until, updatedBy: updatedBy)
    }

    /// The overdue alerts standing for the indicator, as `unit period-deadline`.
    static func overdueAlerts(_ node: LocalNode) async throws -> [String] {
        try await node.alerts.visible(to: approver, includeCleared: false)
            .filter { $0.kind == .overdue && $0.message.contains("chỉ số") }
            .map { "\($0.unit) \($0.message)" }.sorted()
    }

    @Test func assigningOutsideTheSubtreeIsRefusedWithTheUnit() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await SuppliedValueRulesTests.defineSet(province)

        var reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["LCA-SP"], from: "2026-11"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "indicatorAssignOnlyBelow(\"LCA-SP\")")
        // Its own unit is not below it either; one unit outside refuses the whole assignment.
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-TD", "BNI"], from: "2026-11"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "indicatorAssignOnlyBelow(\"BNI\")")
        // Tiên Du's admin works on this node, but Kinh Bắc is its sibling.
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-KB"], from: "2026-11"),
                by: Self.communeAdmin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "indicatorAssignOnlyBelow(\"BNI-KB\")")
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-XX"], from: "2026-11"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "unknownUnit(\"BNI-XX\")")
        // Data entry does not assign.
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-TD"], from: "2026-11"),
                by: Self.clerk
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "notAllowed")
        // A computed indicator needs nobody; an entered one is not delivered by a system.
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-TD"], code: "TY_LE_GD", from: "2026-11"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")".hasPrefix("indicatorAssignmentInvalid"))
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-TD"], from: "2026-11", updatedBy: "system"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")".hasPrefix("indicatorAssignmentInvalid"))
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-TD"], from: "2026-Q4"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "indicatorPeriodInvalid(\"2026-Q4\")")

        // Nothing was kept, audited or sent down.
        let (held, sent) = try await province.database.pool.read { db in
            (
                try IndicatorAssignmentStore.all(db),
                try FeedStore.entries(for: "BNI-KB", after: 0, limit: 50, db).entries
                    .filter { $0.envelope.kind == .indicatorAssigned }
            )
        }
        let audited = try await province.auditReading.trail(visibleTo: Self.admin, account: nil).entries
            .filter { $0.action == "indicator.assign" }
        #expect(held.isEmpty && sent.isEmpty && audited.isEmpty)

        // Within the subtree it is kept, and the same units again for overlapping periods are 409.
        let made = try await province.indicatorAssignments.assign(
            Self.assignment(["BNI-TD"], from: "2026-05", until: "2026-06"),
            by: Self.admin
        )
        #expect(made.updatedBy == "unit" && made.units == ["BNI-TD"] && made.name == "Chỉ số HO_SO")
        reason = await refusal {
            _ = try await province.indicatorAssignments.assign(
                Self.assignment(["BNI-TD"], from: "2026-06"),
                by: Self.admin
            )
        }
        #expect("\(reason.map { "\($0)" } ?? "none")" == "indicatorAlreadyAssigned(code: \"HO_SO\", unit: \"BNI-TD\")")
        _ = try await province.indicatorAssignments.assign(Self.assignment(["BNI-TD"], from: "2026-07"), by: Self.admin)
        let trail = try await province.auditReading.trail(visibleTo: Self.admin, account: nil).entries
        #expect(trail.filter { $0.action == "indicator.assign" }.count == 2)
    }

    @Test func anAssignmentReachesTheUnitsNodeAndSoDoesItsWithdrawal() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let commune = try nodes.open("kinh-bac")
        try await SuppliedValueRulesTests.defineSet(province)
        let made = try await province.indicatorAssignments.assign(
            Self.assignment(["BNI-KB", "BNI-TD"], from: "2026-11"),
            by: Self.admin
        )

        func feed(_ child: String) async throws -> [Envelope] {
            try await province.database.pool.read { db in
                try FeedStore.entries(for: child, after: 0, limit: 50, db).entries.map(\.envelope)
            }
        }
        #expect(try await feed("BNI-YP").filter { $0.kind == .indicatorAssigned }.isEmpty, "Yên Phong is not assigned")
        let toKinhBac = try await feed("BNI-KB")
        let assigned = try toKinhBac.filter { $0.kind == .indicatorAssigned }.map {
            try JSONDecoder.federation.decode(AssignedIndicator.self, from: $0.body)
        }
        #expect(assigned.map(\.units) == [["BNI-KB"]], "only Kinh Bắc's own unit travels to its node")

        // Kinh Bắc's node applies its feed as it would pull it: the catalogue, then the assignment.
        let results = try await commune.inbox.receive(toKinhBac, direction: .fromParent)
        #expect(results.allSatisfy { $0.status == .applied }, "\(results.map(\.detail))")
        let kinhBacClerk = Actor(username: "kb.nhaplieu", unit: "BNI-KB", role: .dataEntry)
        let listed = try await commune.indicatorAssignments.visible(to: kinhBacClerk)
        #expect(listed.map(\.id) == [made.id] && listed.first?.units == ["BNI-KB"] && listed.first?.owner == "BNI")
        var due = try await commune.toDo.list(for: kinhBacClerk).indicators
        #expect(due.map { "\($0.indicator) \($0.unit) \($0.period) \($0.overdue)" } == ["HO_SO BNI-KB 2026-11 false"])
        #expect(due.first?.name == "Chỉ số HO_SO" && due.first?.daysLeft == 5)

        // Replayed, nothing changes; the withdrawal follows the same way and the value is owed no more.
        let again = try await commune.inbox.receive(toKinhBac, direction: .fromParent)
        #expect(again.count == toKinhBac.count)
        _ = try await province.indicatorAssignments.withdraw(made.id, by: Self.admin)
        let withdrawal = try await feed("BNI-KB").filter { $0.kind == .indicatorAssigned }.dropFirst()
        #expect(withdrawal.count == 1)
        _ = try await commune.inbox.receive(Array(withdrawal), direction: .fromParent)
        #expect(try await commune.indicatorAssignments.visible(to: kinhBacClerk).first?.withdrawnBy == "bni.quantri")
        due = try await commune.toDo.list(for: kinhBacClerk).indicators
        #expect(due.isEmpty)

        // The assignment's older state arriving late (a parked message retried) does not undo it.
        let late = Envelope(
            origin: "BNI",
            kind: .indicatorAssigned,
            unit: "BNI",
            body: try JSONEncoder.federation.encode(try #require(assigned.first))
        )
        let lateResults = try await commune.inbox.receive([late], direction: .fromParent)
        #expect(lateResults.map(\.status) == [.applied], "\(lateResults.map(\.detail))")
        #expect(try await commune.indicatorAssignments.visible(to: kinhBacClerk).first?.withdrawnBy == "bni.quantri")
        #expect(try await commune.toDo.list(for: kinhBacClerk).indicators.isEmpty)
    }

    @Test func aMissingValueIsOverdueAfterTheDeadlineAndNotBefore() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await SuppliedValueRulesTests.defineSet(province)
        _ = try await province.alerts.createRule(NewAlertRule(kind: .overdue, indicator: "HO_SO"), by: Self.approver)
        let unknown = await refusal {
            _ = try await province.alerts.createRule(
                NewAlertRule(kind: .overdue, indicator: "KHONG_CO"),
                by: Self.approver
            )
        }
        #expect(
            unknown.map { "\($0)" }?.hasSuffix("notFound(Node.DomainError.Thing.indicator)") == true,
            "\(String(describing: unknown))"
        )
        _ = try await province.indicatorAssignments.assign(Self.assignment(["BNI-TD"], from: "2026-11"), by: Self.admin)

        // 20 November: November's value is due on the 25th, not overdue.
        var clerkDue = try await province.toDo.list(for: Self.clerk).indicators
        #expect(
            clerkDue.map { "\($0.period) \($0.deadline) \($0.daysLeft) \($0.overdue)" } == [
                "2026-11 2026-11-25 5 false"
            ]
        )
        #expect(try await province.toDo.list(for: Self.approver).indicators.filter { $0.unit == "BNI-TD" }.isEmpty)
        try await province.alerts.refresh()
        #expect(try await Self.overdueAlerts(province).isEmpty)

        // The 25th itself is still in time.
        nodes.clock.advance(by: 5 * 86_400)
        try await province.alerts.refresh()
        #expect(try await Self.overdueAlerts(province).isEmpty)
        #expect(try await province.toDo.list(for: Self.clerk).indicators.first?.overdue == false)

        // 26 November: overdue, for the unit and for the province's leaders, and alerted.
        nodes.clock.advance(by: 86_400)
        clerkDue = try await province.toDo.list(for: Self.clerk).indicators
        #expect(clerkDue.map { "\($0.period) \($0.daysLeft) \($0.overdue)" } == ["2026-11 -1 true"])
        let leaders = try await province.toDo.list(for: Self.approver).indicators
        #expect(leaders.map { "\($0.unit) \($0.period) \($0.overdue)" } == ["BNI-TD 2026-11 true"])
        try await province.alerts.refresh()
        let alerts = try await Self.overdueAlerts(province)
        #expect(
            alerts == [
                "BNI-TD Số liệu chỉ số “Chỉ số HO_SO” kỳ Tháng 11/2026 của đơn vị BNI-TD đã quá hạn 1 ngày (hạn 25/11/2026)"
            ],
            "\(alerts)"
        )
    }

    /// The missing-May case: assigned from May, on 20 November May to October are overdue; May's
    /// figure entered now is accepted, marked late, and its overdue item and alert are gone.
    @Test func aLateValueClearsTheOverdueAndIsMarkedLate() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await SuppliedValueRulesTests.defineSet(province)
        _ = try await province.alerts.createRule(NewAlertRule(kind: .overdue, indicator: "HO_SO"), by: Self.approver)
        _ = try await province.indicatorAssignments.assign(Self.assignment(["BNI-TD"], from: "2026-05"), by: Self.admin)

        var due = try await province.toDo.list(for: Self.clerk).indicators
        #expect(
            due.filter(\.overdue).map(\.period) == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
        )
        #expect(due.filter { !$0.overdue }.map(\.period) == ["2026-11"])
        try await province.alerts.refresh()
        #expect(try await Self.overdueAlerts(province).count == 6)

        let may = try await province.suppliedValues.enter(
            code: "HO_SO",
            unit: "BNI-TD",
            period: "2026-05",
            value: 70,
            by: Self.clerk
        )
        #expect(may.late && may.changed)
        due = try await province.toDo.list(for: Self.clerk).indicators
        #expect(!due.map(\.period).contains("2026-05") && due.count == 6)
        // Entering the value re-evaluated the alerts: May's cleared, the others stand.
        let standing = try await Self.overdueAlerts(province)
        #expect(standing.count == 5 && !standing.contains { $0.contains("Tháng 5/2026") }, "\(standing)")
        let cleared = try await province.alerts.visible(to: Self.approver, includeCleared: true)
            .filter { $0.clearedAt != nil && $0.message.contains("Tháng 5/2026") }
        #expect(cleared.count == 1)
    }

    /// A delivered indicator is owed by the other system: the unit's clerk has nothing to type,
    /// the leaders above see it overdue.
    @Test func aDeliveredIndicatorIsOverdueForTheLeadersNotTheClerk() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await SuppliedValueRulesTests.defineSet(province)
        let made = try await province.indicatorAssignments.assign(
            Self.assignment(["BNI-TD"], code: "GIAO_DICH", from: "2026-10", until: "2026-10"),
            by: Self.admin
        )
        #expect(made.updatedBy == "system")
        #expect(try await province.toDo.list(for: Self.clerk).indicators.isEmpty)
        let leaders = try await province.toDo.list(for: Self.approver).indicators
        #expect(
            leaders.map { "\($0.indicator) \($0.unit) \($0.period) \($0.updatedBy)" } == [
                "GIAO_DICH BNI-TD 2026-10 system"
            ]
        )
    }
}

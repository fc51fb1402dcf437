import Federation
import Foundation
import GRDB
import Logging
import Testing

@testable import Node

/// Indicator values supplied below as they arrive at Bắc Ninh's node (`indicator.value`), over a
/// temporary SQLite file: kept as the supplier's node holds them, counted, clearing what the
/// province's assignment owed; a replay or an older value changes nothing; a value about a unit
/// the sender does not speak for, or for another level's indicator, is parked with its reason.
/// And a node that joins later gets the indicator assignments in force for its units. The day is
/// the pinned 20 November 2026: October is overdue.
@Suite struct IndicatorValueFlowRulesTests {
    static let admin = SuppliedValueRulesTests.admin
    static let approver = SuppliedValueRulesTests.approver

    static func message(
        unit: String = "BNI-KB",
        about valueUnit: String = "BNI-KB",
        owner: String = "BNI",
        value: Double,
        suppliedAt: Date = TestDay.start
    ) throws -> Envelope {
        let supplied = SuppliedValueStore.Value(
            code: "HO_SO",
            unit: valueUnit,
            period: "2026-10",
            version: 1,
            value: value,
            source: "entered",
            client: nil,
            suppliedBy: "kb.nhaplieu",
            suppliedAt: suppliedAt,
            late: true
        )
        return Envelope(
            origin: "BNI-KB",
            kind: .indicatorValue,
            unit: unit,
            body: try JSONEncoder.federation.encode(SuppliedIndicatorValue(supplied, owner: owner))
        )
    }

    static func held(_ node: LocalNode) async throws -> SuppliedValueStore.Value? {
        try await node.database.pool.read { db in
            try SuppliedValueStore.held(code: "HO_SO", unit: "BNI-KB", period: "2026-10", db)
        }
    }

    static func overdue(_ node: LocalNode) async throws -> [String] {
        try await node.toDo.indicatorsDue(for: approver, today: TestDay.today).filter(\.overdue).map {
            "\($0.indicator) \($0.unit) \($0.period)"
        }
    }

    @Test func aValueFromBelowIsKeptOnceAndTheNewestWins() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await SuppliedValueRulesTests.defineSet(province)
        _ = try await province.indicatorAssignments.assign(
            IndicatorAssignmentRulesTests.assignment(["BNI-KB"], from: "2026-10"),
            by: Self.admin
        )
        #expect(try await Self.overdue(province) == ["HO_SO BNI-KB 2026-10"], "Kinh Bắc's October is owed here")

        let first = try Self.message(value: 7)
        var results = try await province.inbox.receive([first], direction: .fromChild)
        #expect(results.map(\.status) == [.applied] && results[0].detail.contains("kept"), "\(results)")
        var held = try #require(try await Self.held(province))
        #expect(held.value == 7 && held.source == "entered" && held.suppliedBy == "kb.nhaplieu" && held.late)
        #expect(held.suppliedAt == TestDay.start && held.version == 1 && held.client == nil)
        #expect(try await Self.overdue(province).isEmpty, "the value clears the overdue entry")
        let values = try await province.indicatorValues.table(
            code: "HO_SO",
            period: "2026-10",
            unit: nil,
            for: Self.admin
        )
        let kinhBac = values.children.first { $0.unit == "BNI-KB" }?.figure
        #expect(kinhBac?.value == 7 && kinhBac?.source == "entered" && kinhBac?.late == true)
        let outbox = try await province.outbox.pending(limit: 10)
        #expect(outbox.isEmpty, "the province owns the indicator: the value goes no further")

        // A replay, the same value under another id, or an older value change nothing.
        results = try await province.inbox.receive([first], direction: .fromChild)
        #expect(results[0].replayed)
        let again = try Self.message(value: 7)
        let older = try Self.message(value: 5, suppliedAt: TestDay.start.addingTimeInterval(-3600))
        results = try await province.inbox.receive([again, older], direction: .fromChild)
        #expect(results.map(\.status) == [.applied, .applied])
        #expect(results.allSatisfy { $0.detail.contains("not newer") }, "\(results.map(\.detail))")
        held = try #require(try await Self.held(province))
        #expect(held.value == 7)
        // A newer one replaces it; the one replaced is kept in the history.
        let newer = try Self.message(value: 9, suppliedAt: TestDay.start.addingTimeInterval(60))
        results = try await province.inbox.receive([newer], direction: .fromChild)
        #expect(results.map(\.status) == [.applied])
        let (history, audited) = try await province.database.pool.read { db in
            (
                try SuppliedValueStore.history(code: "HO_SO", unit: "BNI-KB", period: "2026-10", db).map(\.value),
                try String.fetchAll(
                    db,
                    sql: "SELECT detail FROM audit WHERE action = 'indicator.value.received' ORDER BY seq"
                )
            )
        }
        #expect(try await Self.held(province)?.value == 9 && history == [7])
        #expect(audited.count == 2 && audited[1].contains("value 9.0") && audited[1].contains("was 7.0"), "\(audited)")
    }

    @Test func aValueOutsideTheSendersSubtreeIsParkedVisibly() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        try await SuppliedValueRulesTests.defineSet(province)
        let results = try await province.inbox.receive(
            [
                // Kinh Bắc's node speaking for Yên Phong, its sibling.
                try Self.message(unit: "BNI-YP", about: "BNI-YP", value: 3),
                // The envelope and the body disagree on the unit.
                try Self.message(unit: "BNI-KB", about: "BNI-YP", value: 3),
                // Bắc Ninh's HO_SO is not the centre's.
                try Self.message(owner: "TW", value: 3),
            ],
            direction: .fromChild
        )
        #expect(results.map(\.status) == [.parked, .parked, .parked])
        #expect(results[0].detail.contains("may not speak for unit BNI-YP"), "\(results[0].detail)")
        #expect(results[1].detail.contains("the message says BNI-KB"), "\(results[1].detail)")
        #expect(results[2].detail.contains("defined by BNI here"), "\(results[2].detail)")
        let parked = try await province.parked.visible(to: Self.admin)
        #expect(parked.filter { $0.kind == "indicator.value" }.count == 3, "the refusals are listed for the admins")
        let kept = try await province.database.pool.read { db in
            try SuppliedValueStore.values(period: "2026-10", db)
        }
        #expect(kept.isEmpty)
    }

    /// A unit added below gets its own node: the node receives the catalogue and the indicator
    /// assignments in force for its unit (not the withdrawn ones), carrying its unit only.
    @Test func aJoiningNodeGetsTheAssignmentsInForce() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        var logger = Logger(label: "test.bac-ninh")
        logger.logLevel = .critical
        let description = try #require(nodes.deployment.node(named: "bac-ninh"))
        let province = try LocalNode(
            node: description,
            deployment: nodes.deployment,
            database: try NodeDatabase.open(path: "\(nodes.directory)/bac-ninh.sqlite"),
            credentials: try nodes.credentials("bac-ninh"),
            passwordCost: 4,
            issuer: try NodeCertificates.issuer(
                for: description,
                in: nodes.deployment,
                folder: nodes.directory + "/certs"
            ),
            logger: logger
        )
        try await SuppliedValueRulesTests.defineSet(province)
        _ = try await province.unitChanges.add(NewUnit(code: "BNI-MOI", name: "Xã Mới"), by: Self.admin)
        let inForce = try await province.indicatorAssignments.assign(
            IndicatorAssignmentRulesTests.assignment(["BNI-MOI", "BNI-TD"], from: "2026-10"),
            by: Self.admin
        )
        let withdrawn = try await province.indicatorAssignments.assign(
            IndicatorAssignmentRulesTests.assignment(["BNI-MOI"], code: "GIAO_DICH", from: "2026-10"),
            by: Self.admin
        )
        _ = try await province.indicatorAssignments.withdraw(withdrawn.id, by: Self.admin)

        let token = try await province.pki.createEnrolmentToken(for: "BNI-MOI", by: Self.admin).token
        let key = try KeyRequest.make(unitCode: "BNI-MOI", nodeName: "bni-moi")
        _ = try await province.pki.enrol(
            EnrolmentRequest(token: token, csr: key.csrPEM, web: "127.0.0.1:18449", federation: "127.0.0.1:19449"),
            from: "127.0.0.1"
        )
        let sent = try await province.database.pool.read { db in
            try FeedStore.entries(for: "BNI-MOI", after: 0, limit: 50, db).entries.map(\.envelope)
        }
        #expect(sent.filter { $0.kind == .indicatorDefined }.count == 3, "the catalogue")
        let assigned = try sent.filter { $0.kind == .indicatorAssigned }.map {
            try JSONDecoder.federation.decode(AssignedIndicator.self, from: $0.body)
        }
        #expect(assigned.map(\.id) == [inForce.id], "only the assignment in force")
        #expect(assigned.first?.units == ["BNI-MOI"] && assigned.first?.withdrawnAt == nil)
        let lastDefined = try #require(sent.lastIndex { $0.kind == .indicatorDefined })
        let firstAssigned = try #require(sent.firstIndex { $0.kind == .indicatorAssigned })
        #expect(lastDefined < firstAssigned, "the indicators travel before their assignments")
    }
}

import Auth
import Federation
import Foundation
import Hierarchy
import Reporting
import Testing

@testable import Node

/// The figures room on its own: Bắc Ninh's node over a temporary SQLite file, no listener. The
/// province assigns a form to its three communes; what Tiên Du (hosted here) does moves the
/// province's progress and sums, and a return takes them back.
@Suite struct FiguresRulesTests {
    let nodes: LocalNodes
    let province: LocalNode

    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)
    static let provinceLeader = Actor(username: "bni.lanhdao", unit: "BNI", role: .approver)
    static let clerk = Actor(username: "td.nhaplieu", unit: "BNI-TD", role: .dataEntry)
    static let leader = Actor(username: "td.lanhdao", unit: "BNI-TD", role: .approver)

    static let form = Form(
        code: "SL",
        title: "Số liệu tháng",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g",
                title: "Chung",
                questions: [Question(id: "so", text: "Số hồ sơ", kind: .integer, aggregation: .sum)]
            )
        ]
    )

    init() throws {
        nodes = try LocalNodes()
        province = try nodes.open("bac-ninh")
    }

    @Test func progressAndSumsFollowApprovalsAndReturns() async throws {
        defer { nodes.remove() }
        _ = try await province.forms.define(Self.form, by: Self.admin)
        let assignment = try await province.formAssignments.assign(
            NewAssignment(form: "SL", period: "2026-11", level: .commune),
            by: Self.admin
        )
        #expect(Set(assignment.units) == ["BNI-KB", "BNI-YP", "BNI-TD"])

        var figures = try await province.oversight.figures(
            assignment: assignment.id,
            unit: nil,
            for: Self.provinceLeader
        )
        #expect(figures.total.expected == 3 && figures.total.submitted == 0 && figures.total.approved == 0)

        var report = try await province.reports.create(NewReport(assignment: assignment.id), by: Self.clerk)
        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(1_234)]), version: report.version),
            by: Self.clerk
        )
        report = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        figures = try await province.oversight.figures(assignment: assignment.id, unit: nil, for: Self.provinceLeader)
        #expect(figures.total.submitted == 1 && figures.total.approved == 0)

        report = try await province.reports.approve(report.id, ReportTransition(), by: Self.leader)
        figures = try await province.oversight.figures(assignment: assignment.id, unit: nil, for: Self.provinceLeader)
        #expect(figures.total.approved == 1 && figures.total.approvedOnTime == 1)
        #expect(figures.total.approvedPercent == 33.3, "one decimal")
        #expect(figures.children.first { $0.unit == "BNI-TD" }?.figures.approved == 1)
        #expect(figures.aggregate.items.first { $0.question == "so" }?.value == 1_234)

        // A return takes the report out of the figures until it is approved again.
        _ = try await province.reports.return(
            report.id,
            ReportTransition(message: "Kiểm tra lại"),
            by: Self.provinceLeader
        )
        figures = try await province.oversight.figures(assignment: assignment.id, unit: nil, for: Self.provinceLeader)
        #expect(figures.total.approved == 0 && figures.total.submitted == 0)
        #expect(figures.aggregate.items.first { $0.question == "so" }?.value ?? 0 == 0)
    }

    @Test func figuresAreReadOnlyWithinOnesOwnSubtree() async throws {
        defer { nodes.remove() }
        _ = try await province.forms.define(Self.form, by: Self.admin)
        let assignment = try await province.formAssignments.assign(
            NewAssignment(form: "SL", period: "2026-11", level: .commune),
            by: Self.admin
        )
        // Tiên Du sees its own figures, not the province's; a clerk of Tiên Du does not see Yên Phong's.
        _ = try await province.oversight.figures(assignment: assignment.id, unit: "BNI-TD", for: Self.leader)
        await #expect(throws: DomainError.self) {
            _ = try await province.oversight.figures(assignment: assignment.id, unit: "BNI", for: Self.leader)
        }
        await #expect(throws: DomainError.self) {
            _ = try await province.oversight.figures(assignment: assignment.id, unit: "BNI-YP", for: Self.clerk)
        }
    }
}

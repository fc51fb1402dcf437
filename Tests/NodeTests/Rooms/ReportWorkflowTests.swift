import Auth
import Federation
import Foundation
import Hierarchy
import Reporting
import Testing

@testable import Node

/// The reports room on its own: one node (Bắc Ninh's, which also hosts Xã Tiên Du) over a
/// temporary SQLite file, no listener and no TLS. The workflow of Regulation 02 (draft → submitted
/// → approved, returned with a reason), who may do each step, and what each step records.
@Suite struct ReportWorkflowTests {
    let nodes: LocalNodes
    let province: LocalNode

    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)
    static let provinceLeader = Actor(username: "bni.lanhdao", unit: "BNI", role: .approver)
    static let clerk = Actor(username: "td.nhaplieu", unit: "BNI-TD", role: .dataEntry)
    static let leader = Actor(username: "td.lanhdao", unit: "BNI-TD", role: .approver)
    static let viewer = Actor(username: "td.xem", unit: "BNI-TD", role: .viewer)

    /// One required number and one optional text.
    static let form = Form(
        code: "KS",
        title: "Khảo sát chuyển đổi số",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g",
                title: "Chung",
                questions: [
                    Question(id: "so", text: "Số thủ tục trực tuyến", required: true, kind: .integer, minimum: 0),
                    Question(id: "ghi", text: "Ghi chú", kind: .paragraph),
                ]
            )
        ]
    )

    init() throws {
        nodes = try LocalNodes()
        province = try nodes.open("bac-ninh")
    }

    /// The province defines the form and assigns it to Tiên Du for November 2026; Tiên Du's clerk
    /// opens the report.
    func openReport() async throws -> ReportView {
        _ = try await province.forms.define(Self.form, by: Self.admin)
        let assignment = try await province.formAssignments.assign(
            NewAssignment(form: "KS", period: "2026-11", units: ["BNI-TD"]),
            by: Self.admin
        )
        return try await province.reports.create(NewReport(assignment: assignment.id), by: Self.clerk)
    }

    @Test func aReportGoesFromDraftToApprovedAndIsSignedByTheNode() async throws {
        defer { nodes.remove() }
        var report = try await openReport()
        #expect(report.state == .draft && report.version == 1 && report.unit == "BNI-TD")

        // Submitting without the required answer names the question.
        let missing = await refusal {
            _ = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        }
        guard case .requiredUnanswered(let questions) = missing else {
            Issue.record("expected requiredUnanswered, got \(String(describing: missing))")
            return
        }
        #expect(questions == ["Số thủ tục trực tuyến"])

        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(12)]), version: report.version),
            by: Self.clerk
        )
        #expect(report.version == 2 && report.answers["so"] == .number(12))

        nodes.clock.advance(by: 3_600)
        report = try await province.reports.submit(report.id, ReportTransition(message: "Gửi"), by: Self.clerk)
        #expect(report.state == .submitted)

        // The node's clock, moved a day on, dates the approval (not the machine's).
        nodes.clock.advance(by: 86_400)
        let before = nodes.clock.now()
        report = try await province.reports.approve(report.id, ReportTransition(), by: Self.leader)
        let after = nodes.clock.now()
        #expect(report.state == .approved && report.approvedBy == "td.lanhdao")
        #expect(report.approvedAt.map { before <= $0 && $0 <= after } == true)

        let stored = try await province.reports.report(report.id, for: Self.leader)
        #expect(stored.history?.map(\.action) == ["create", "save", "submit", "approve"])
        #expect(abs(stored.history?.last?.at.timeIntervalSince(report.approvedAt ?? .distantPast) ?? 9) < 1)

        // The node signed what it approved, as Bắc Ninh's node: the signature verifies against
        // the federation's trust and covers the answers.
        let id = report.id
        let record = try await province.database.pool.read { db in try ReportRecord.fetchOne(db, key: id) }
        let signed = try JSONDecoder.federation.decode(SignedPayload.self, from: Data((record?.signed ?? "").utf8))
        let signer = try await province.verifier.verify(signed)
        #expect(signer.unitCode == "BNI")
        let approved = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
        #expect(approved.unit == "BNI-TD" && approved.answers["so"] == .number(12) && approved.approvalCount == 1)
    }

    @Test func aStaleVersionIsRefusedAndNothingIsSaved() async throws {
        defer { nodes.remove() }
        let report = try await openReport()
        _ = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(1)]), version: 1),
            by: Self.clerk
        )
        let stale = await refusal {
            _ = try await province.reports.update(
                report.id,
                ReportUpdate(answers: Answers(["so": .number(2)]), version: 1),
                by: Self.clerk
            )
        }
        guard case .reportChanged = stale else {
            Issue.record("expected reportChanged, got \(String(describing: stale))")
            return
        }
        #expect(try await province.reports.report(report.id, for: Self.clerk).answers["so"] == .number(1))

        // An answer the form refuses is refused whole, with the question named.
        let invalid = await refusal {
            _ = try await province.reports.update(
                report.id,
                ReportUpdate(answers: Answers(["so": .number(-3), "ghi": .text("ok")]), version: 2),
                by: Self.clerk
            )
        }
        guard case .answersInvalid = invalid else {
            Issue.record("expected answersInvalid, got \(String(describing: invalid))")
            return
        }
        let kept = try await province.reports.report(report.id, for: Self.clerk)
        #expect(kept.answers["so"] == .number(1) && kept.answers["ghi"] == nil && kept.version == 2)
    }

    @Test func eachStepIsRefusedToWhoeverMayNotTakeIt() async throws {
        defer { nodes.remove() }
        var report = try await openReport()
        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(5)]), version: report.version),
            by: Self.clerk
        )
        // A viewer cannot submit; the clerk cannot approve.
        #expect(
            await refusal { _ = try await province.reports.submit(report.id, ReportTransition(), by: Self.viewer) }
                != nil
        )
        report = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        let clerkApproves = await refusal {
            _ = try await province.reports.approve(report.id, ReportTransition(), by: Self.clerk)
        }
        #expect(clerkApproves != nil)
        // The province's leader does not approve for the commune, nor return its submitted report.
        let provinceApproves = await refusal {
            _ = try await province.reports.approve(report.id, ReportTransition(), by: Self.provinceLeader)
        }
        #expect(provinceApproves != nil)
        let provinceReturnsSubmitted = await refusal {
            _ = try await province.reports.return(report.id, ReportTransition(message: "Sai"), by: Self.provinceLeader)
        }
        guard case .reportAction(.returnSubmittedNotOwnUnit) = provinceReturnsSubmitted else {
            Issue.record("expected returnSubmittedNotOwnUnit, got \(String(describing: provinceReturnsSubmitted))")
            return
        }
        #expect(try await province.reports.report(report.id, for: Self.leader).state == .submitted)
    }

    @Test func aReturnNeedsAReasonAndTheReportComesBackForRevision() async throws {
        defer { nodes.remove() }
        var report = try await openReport()
        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(5)]), version: report.version),
            by: Self.clerk
        )
        report = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        report = try await province.reports.approve(report.id, ReportTransition(), by: Self.leader)

        let noReason = await refusal {
            _ = try await province.reports.return(report.id, ReportTransition(message: "  "), by: Self.provinceLeader)
        }
        guard case .returnReasonRequired = noReason else {
            Issue.record("expected returnReasonRequired, got \(String(describing: noReason))")
            return
        }

        // The province (the form's owner and Tiên Du's parent) returns the approved report.
        report = try await province.reports.return(
            report.id,
            ReportTransition(message: "Số liệu chưa khớp với biểu 2"),
            by: Self.provinceLeader
        )
        #expect(report.state == .returned)
        let returned = try await province.reports.report(report.id, for: Self.clerk)
        #expect(returned.history?.last?.message == "Số liệu chưa khớp với biểu 2")
        #expect(returned.history?.last?.actor == "bni.lanhdao")

        // The clerk revises it; the leader approves it a second time.
        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(6)]), version: returned.version),
            by: Self.clerk
        )
        report = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        report = try await province.reports.approve(report.id, ReportTransition(), by: Self.leader)
        let again = try await province.reports.report(report.id, for: Self.leader)
        #expect(again.state == .approved && again.answers["so"] == .number(6))
        #expect(again.history?.filter { $0.action == "approve" }.count == 2)
    }

    /// Every change is in the audit trail, under the actor who made it, at the node's time.
    @Test func everyStepIsAudited() async throws {
        defer { nodes.remove() }
        var report = try await openReport()
        report = try await province.reports.update(
            report.id,
            ReportUpdate(answers: Answers(["so": .number(5)]), version: report.version),
            by: Self.clerk
        )
        report = try await province.reports.submit(report.id, ReportTransition(), by: Self.clerk)
        _ = try await province.reports.approve(report.id, ReportTransition(), by: Self.leader)
        let trail = try await province.auditReading.trail(visibleTo: Self.admin, account: nil)
        #expect(trail.broken == nil)
        let steps = Set(trail.entries.filter { $0.target == report.id }.map { "\($0.actor) \($0.action)" })
        #expect(
            steps.isSuperset(of: [
                "td.nhaplieu report.create", "td.nhaplieu report.save", "td.nhaplieu report.submit",
                "td.lanhdao report.approve",
            ]),
            "\(steps)"
        )
        #expect(trail.entries.allSatisfy { $0.at <= nodes.clock.now() })
    }
}

import Foundation
import GRDB
import Hierarchy
import Reporting

/// The oversight figures of every assignment, kept as its reports and expectations change rather
/// than recomputed from every report on each query (docs/figures-and-scoring.md, "Kept figures"):
/// each expected unit's contribution is recorded, and any change to its report or to whether and
/// where it is expected takes the old contribution out of its groups and puts the new one in, in
/// the transaction of the change. Its own service over the context and the stored forms.
package struct KeptFigures: NodeService {
    let context: NodeContext
    /// The stored forms answers are counted by.
    let forms: Forms

    /// Brings the unit's part of the assignment's figures up to date with its report and with
    /// whether (and where) the assignment expects it. Harmless when nothing moved. `answers`, when
    /// the caller holds them decoded, are the report's answers as just stored (not decoded again).
    /// `report`, when the caller has just stored the unit's report for the assignment, is that
    /// report as stored (not read back).
    func refresh(
        assignment id: String,
        unit: String,
        answers: Answers? = nil,
        report: StoredReportState? = nil,
        _ db: Database
    ) throws {
        guard let assignment = try KeptFiguresStore.assignment(id, db) else { return }
        try refresh(assignment, units: [unit], answers: answers, report: report, db)
    }

    /// A unit's report as its caller has just stored it: what its contribution is computed from.
    struct StoredReportState {
        let state: ReportState
        /// The `answers` column as written.
        let answers: String
        /// The approval time as the column holds it (to the millisecond, `StoredDate.asRead`).
        let approvedAt: Date?
    }

    /// `placements`: rows of `KeptFiguresStore.placement` the caller has just read, by unit (not
    /// read again).
    func refresh(
        _ assignment: FiguresAssignment,
        units: some Sequence<String>,
        placements: [String: Row] = [:],
        answers: Answers? = nil,
        report: StoredReportState? = nil,
        _ db: Database
    ) throws {
        guard
            let form = try forms.form(
                owner: assignment.assignedBy,
                code: assignment.formCode,
                version: assignment.formVersion,
                db
            ),
            let deadline = CalendarDate(assignment.deadline)
        else { return }
        for unit in units {
            let now = try contribution(
                of: unit,
                in: assignment,
                placement: placements[unit],
                deadline: deadline,
                report: report,
                db
            )
            let before = try KeptFiguresStore.contribution(of: unit, in: assignment.id, db)
            guard now != before else { continue }
            if let before, let now, before.unit == now.unit {
                try move(from: before, to: now, form: form, answers: answers, in: assignment.id, db)
            } else {
                if let before { try move(before, sign: -1, form: form, in: assignment.id, db) }
                if let now { try move(now, sign: 1, form: form, answers: answers, in: assignment.id, db) }
            }
            if let now {
                try KeptFiguresStore.keep(now, in: assignment.id, db)
            } else {
                try KeptFiguresStore.forget(unit, in: assignment.id, db)
            }
        }
    }

    /// A unit still placed where it was: each group's progress moves by the difference (one
    /// upsert per group), and its former answers go out of the group as its new ones go in.
    private func move(
        from before: UnitContribution,
        to now: UnitContribution,
        form: Form,
        answers: Answers?,
        in assignment: String,
        _ db: Database
    ) throws {
        let difference = ProgressFigures(
            expected: now.progress.expected - before.progress.expected,
            submitted: now.progress.submitted - before.progress.submitted,
            approved: now.progress.approved - before.progress.approved,
            approvedOnTime: now.progress.approvedOnTime - before.progress.approvedOnTime
        )
        let out = try Self.tally(of: before, form: form)
        let into = try Self.tally(of: now, form: form, answers: answers)
        for group in now.unit.figureGroups(upTo: node.unit) {
            // Both count the unit as expected: the row stays, and nothing needs deleting.
            if difference != ProgressFigures() {
                try KeptFiguresStore.move(difference, sign: 1, group, level: now.unit.level, in: assignment, db)
            }
            if let out { try KeptFiguresStore.move(out, sign: -1, group, in: assignment, db) }
            if let into { try KeptFiguresStore.move(into, sign: 1, group, in: assignment, db) }
        }
    }

    /// What the unit adds to the assignment's figures now: nil unless the assignment expects it.
    private func contribution(
        of unit: String,
        in assignment: FiguresAssignment,
        placement: Row?,
        deadline: CalendarDate,
        report stored: StoredReportState?,
        _ db: Database
    ) throws -> UnitContribution? {
        guard let placed = try expected(unit, in: assignment.id, placement: placement, db) else { return nil }
        let report =
            try stored.map { ($0.state, $0.answers, $0.approvedAt) }
            ?? KeptFiguresStore.report(of: unit, in: assignment, db)
        return Self.contribution(
            of: placed,
            state: report?.state,
            answers: report?.answers,
            approvedAt: report?.approvedAt,
            deadline: deadline
        )
    }

    static func contribution(
        of placed: ExpectedUnit,
        state: ReportState?,
        answers: String?,
        approvedAt: Date?,
        deadline: CalendarDate
    ) -> UnitContribution {
        let status = state.map { state in
            UnitReportStatus(
                submitted: state == .submitted || state == .approved,
                approved: state == .approved,
                approvedOn: approvedAt.map { CalendarDate($0) }
            )
        }
        return UnitContribution(
            unit: placed,
            progress: ProgressFigures(unit: status, deadline: deadline),
            answers: status?.approved == true ? answers : nil
        )
    }

    /// The unit as the assignment expects it now (its latest amendment, else the placement it was
    /// made for), as `Expectations.expectation(of:_:)` reads the whole assignment.
    private func expected(
        _ unit: String,
        in assignment: String,
        placement: Row?,
        _ db: Database
    ) throws
        -> ExpectedUnit?
    {
        if let change = try KeptFiguresStore.lastAmendment(of: unit, in: assignment, db) {
            guard change["change"] == ExpectationChange.Kind.added.rawValue,
                let level = (change["level"] as String?).flatMap(Level.init(rawValue:))
            else { return nil }
            return ExpectedUnit(
                code: unit,
                level: level,
                ancestors: ExpectedUnit.ancestors(fromJSON: change["ancestors"]) ?? []
            )
        }
        guard let row = try placement ?? KeptFiguresStore.placement(of: unit, in: assignment, db) else { return nil }
        if let level = (row["level"] as String?).flatMap(Level.init(rawValue:)),
            let ancestors = ExpectedUnit.ancestors(fromJSON: row["ancestors"])
        {
            return ExpectedUnit(code: unit, level: level, ancestors: ancestors)
        }
        return ExpectedUnit(code: unit, in: tree)
    }

    /// Puts a contribution into each of its groups (`sign` 1) or takes it out (-1).
    private func move(
        _ contribution: UnitContribution,
        sign: Int,
        form: Form,
        answers: Answers? = nil,
        in assignment: String,
        _ db: Database
    ) throws {
        let tally = try Self.tally(of: contribution, form: form, answers: answers)
        for group in contribution.unit.figureGroups(upTo: node.unit) {
            try KeptFiguresStore.move(
                contribution.progress,
                sign: sign,
                group,
                level: contribution.unit.level,
                in: assignment,
                db
            )
            if let tally { try KeptFiguresStore.move(tally, sign: sign, group, in: assignment, db) }
        }
    }

    /// What the contribution's approved answers add to a group's tally; nil unless approved.
    static func tally(of contribution: UnitContribution, form: Form, answers: Answers? = nil) throws -> AnswerTally? {
        guard let text = contribution.answers else { return nil }
        let answers = try answers ?? JSONDecoder().decode(Answers.self, from: Data(text.utf8))
        return AnswerTally(form: form, unit: contribution.unit.code, answers: answers)
    }
}

extension Forms {
    /// The kept figures, counted by these forms: every service that moves figures holds the forms.
    var keptFigures: KeptFigures { KeptFigures(context: context, forms: self) }
}

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
    func refresh(assignment id: String, unit: String, answers: Answers? = nil, _ db: Database) throws {
        guard let assignment = try KeptFiguresStore.assignment(id, db) else { return }
        try refresh(assignment, units: [unit], answers: answers, db)
    }

    func refresh(
        _ assignment: FiguresAssignment,
        units: some Sequence<String>,
        answers: Answers? = nil,
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
            let now = try contribution(of: unit, in: assignment, deadline: deadline, db)
            let before = try KeptFiguresStore.contribution(of: unit, in: assignment.id, db)
            guard now != before else { continue }
            if let before { try move(before, sign: -1, form: form, in: assignment.id, db) }
            if let now {
                try move(now, sign: 1, form: form, answers: answers, in: assignment.id, db)
                try KeptFiguresStore.keep(now, in: assignment.id, db)
            } else {
                try KeptFiguresStore.forget(unit, in: assignment.id, db)
            }
        }
    }

    /// What the unit adds to the assignment's figures now: nil unless the assignment expects it.
    private func contribution(
        of unit: String,
        in assignment: FiguresAssignment,
        deadline: CalendarDate,
        _ db: Database
    ) throws -> UnitContribution? {
        guard let placed = try expected(unit, in: assignment.id, db) else { return nil }
        let report = try KeptFiguresStore.report(of: unit, in: assignment, db)
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
    private func expected(_ unit: String, in assignment: String, _ db: Database) throws -> ExpectedUnit? {
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
        guard let row = try KeptFiguresStore.placement(of: unit, in: assignment, db) else { return nil }
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

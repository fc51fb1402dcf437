import Foundation
import GRDB
import Hierarchy
import Reporting

/// The kept figures of one assignment under one unit, read as a handful of rows: progress per
/// child and level, each child's answer tally, and the unit's own part when it is expected itself.
struct KeptSubtree {
    let assignment: AssignmentRecord
    let form: Form
    let deadline: CalendarDate
    /// Progress strictly below the unit, per level and per child.
    let subtree: SubtreeFigures
    /// Answers of each child's part of the subtree, by child.
    let tallies: [String: AnswerTally]
    /// The unit's own progress and answers, when the assignment expects the unit itself.
    let own: (progress: ProgressFigures, tally: AnswerTally?)?

    /// Progress of the unit and below (`includingUnit`) or strictly below.
    func progress(includingUnit: Bool) -> ProgressFigures {
        var total = subtree.total
        if includingUnit, let own { total.add(own.progress) }
        return total
    }

    /// Combined answers of the unit and below (`includingUnit`) or strictly below.
    func aggregate(includingUnit: Bool) -> AggregatedAnswers {
        var tally = AnswerTally()
        for child in tallies.values { tally.add(child) }
        if includingUnit, let ownTally = own?.tally { tally.add(ownTally) }
        tally.reports = progress(includingUnit: includingUnit).approved
        return AggregatedAnswers(form: form, tally: tally)
    }

    /// Combined answers of one child's part of the subtree.
    func aggregate(child: String) -> AggregatedAnswers {
        var tally = tallies[child] ?? AnswerTally()
        tally.reports = subtree.children.first { $0.unit == child }?.figures.approved ?? 0
        return AggregatedAnswers(form: form, tally: tally)
    }
}

extension KeptFigures {
    /// The assignment's kept figures under `unit`; refused when the assignment or its form is unknown.
    func subtree(assignment id: String, under unit: String, answers: Bool = true, _ db: Database) throws -> KeptSubtree
    {
        guard let assignment = try AssignmentRecord.fetchOne(db, key: id),
            let form = try forms.form(
                owner: assignment.assignedBy,
                code: assignment.formCode,
                version: assignment.formVersion,
                db
            ),
            let deadline = CalendarDate(assignment.deadline)
        else {
            throw DomainError(.notFound(.assignment))
        }
        let subtree = SubtreeFigures(
            tree: tree,
            unit: unit,
            deadline: deadline,
            kept: try KeptFiguresStore.progress(under: unit, in: id, db)
        )
        guard answers else {
            return KeptSubtree(
                assignment: assignment,
                form: form,
                deadline: deadline,
                subtree: subtree,
                tallies: [:],
                own: nil
            )
        }
        let keepsValues = form.questions.contains { question in
            AnswerTally.keepsValues(question.aggregation)
                || (question.table?.columns.contains { AnswerTally.keepsValues($0.aggregation) } ?? false)
        }
        let tallies = try KeptFiguresStore.answers(under: unit, in: id, values: keepsValues, db)
        let own = try KeptFiguresStore.contribution(of: unit, in: id, db).map { contribution in
            (contribution.progress, try Self.tally(of: contribution, form: form))
        }
        return KeptSubtree(
            assignment: assignment,
            form: form,
            deadline: deadline,
            subtree: subtree,
            tallies: tallies,
            own: own
        )
    }
}

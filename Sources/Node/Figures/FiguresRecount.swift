import Foundation
import GRDB
import Hierarchy
import Reporting

/// An assignment's figures counted from scratch: the units it expects and every report held, as
/// the figures were computed on each query before they were kept. What an existing database is
/// filled with, and what `reportnet figures check` compares the kept figures with.
struct FiguresRecount: Equatable {
    var contributions: [String: UnitContribution] = [:]
    var progress: [FigureGroup: [Level: ProgressFigures]] = [:]
    var answers: [FigureGroup: AnswerTally] = [:]
}

/// What `reportnet figures check` found: the assignments and units compared, and each difference.
package struct FiguresCheck: Sendable {
    package var assignments = 0
    package var units = 0
    package var differences: [String] = []
}

extension KeptFigures {
    /// Counts the assignment's figures from its expectation and the reports held; nil when its form
    /// or deadline cannot be read (then no figures are kept for it either).
    func recount(_ assignment: AssignmentRecord, _ db: Database) throws -> FiguresRecount? {
        guard
            let form = try forms.form(
                owner: assignment.assignedBy,
                code: assignment.formCode,
                version: assignment.formVersion,
                db
            ),
            let deadline = CalendarDate(assignment.deadline)
        else { return nil }
        var reports: [String: (state: ReportState?, answers: String, approvedAt: Date?)] = [:]
        let rows = try ReportStore.figuresColumns(of: assignment.id, db)
        while let row = try rows.next() {
            reports[row[0]] = (ReportState(rawValue: row[1]), row[2], row[3])
        }
        var recount = FiguresRecount()
        for expected in try Expectations.expectation(of: assignment.id, tree: tree, db).expected {
            let report = reports[expected.code]
            let contribution = Self.contribution(
                of: expected,
                state: report?.state,
                answers: report?.answers,
                approvedAt: report?.approvedAt,
                deadline: deadline
            )
            recount.contributions[expected.code] = contribution
            let tally = try Self.tally(of: contribution, form: form)
            for group in expected.figureGroups(upTo: node.unit) {
                recount.progress[group, default: [:]][expected.level, default: ProgressFigures()]
                    .add(contribution.progress)
                if var tally {
                    tally.reports = 0
                    recount.answers[group, default: AnswerTally()].add(tally)
                }
            }
        }
        return recount
    }

    /// Fills the kept figures from the reports held, once per database (the first start after the
    /// upgrade that brought them), in one transaction.
    func fillIfNeeded() throws {
        try database.pool.write { db in
            guard try !KeptFiguresStore.isFilled(db) else { return }
            try fill(db)
            try KeptFiguresStore.markFilled(db)
        }
    }

    /// Counts every assignment's figures again from scratch and keeps them.
    func fill(_ db: Database) throws {
        try KeptFiguresStore.clearOrphans(db)
        for assignment in try KeptFiguresStore.assignments(db) {
            // One assignment whose reports cannot be read (answers no longer decodable, say) is
            // left out with an error in the log, and `figures check` names it: the node starts.
            do {
                try db.inSavepoint {
                    try fill(assignment, db)
                    return .commit
                }
            } catch {
                logger.error(
                    "figures of an assignment not kept",
                    metadata: ["assignment": "\(assignment.id)", "error": "\(error)"]
                )
            }
        }
    }

    private func fill(_ assignment: AssignmentRecord, _ db: Database) throws {
        try KeptFiguresStore.clear(assignment.id, db)
        guard let recount = try recount(assignment, db) else { return }
        for contribution in recount.contributions.values {
            try KeptFiguresStore.keep(contribution, in: assignment.id, db)
        }
        for (group, levels) in recount.progress {
            for (level, figures) in levels {
                try KeptFiguresStore.move(figures, sign: 1, group, level: level, in: assignment.id, db)
            }
        }
        for (group, tally) in recount.answers {
            try KeptFiguresStore.move(tally, sign: 1, group, in: assignment.id, db)
        }
    }

    /// Counts every assignment's figures again from the reports and compares them with those kept.
    package func check() async throws -> FiguresCheck {
        try await database.pool.read { db in
            var check = FiguresCheck()
            let assignments = try KeptFiguresStore.assignments(db)
            let held = Set(assignments.map(\.id))
            for orphan in try KeptFiguresStore.keptAssignments(db) where !held.contains(orphan) {
                check.differences.append("\(orphan): figures kept for an assignment not held")
            }
            for assignment in assignments {
                check.assignments += 1
                let recount = try recount(assignment, db) ?? FiguresRecount()
                check.units += recount.contributions.count
                check.differences += try differences(assignment.id, recount, db)
            }
            return check
        }
    }

    private func differences(_ id: String, _ recount: FiguresRecount, _ db: Database) throws -> [String] {
        var found: [String] = []
        let kept = Dictionary(
            try KeptFiguresStore.contributions(of: id, db).map { ($0.unit.code, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for unit in Set(kept.keys).union(recount.contributions.keys).sorted()
        where kept[unit] != recount.contributions[unit] {
            found.append(
                "\(id) unit \(unit): kept \(describe(kept[unit])), counted \(describe(recount.contributions[unit]))"
            )
        }
        let progress = try KeptFiguresStore.allProgress(of: id, db)
        for group in Set(progress.keys).union(recount.progress.keys).sorted()
        where progress[group] ?? [:] != recount.progress[group] ?? [:] {
            found.append(
                "\(id) \(group.anchor)/\(group.child) progress: kept \(describe(progress[group])), counted \(describe(recount.progress[group]))"
            )
        }
        let answers = try KeptFiguresStore.allAnswers(of: id, db)
        for group in Set(answers.keys).union(recount.answers.keys).sorted() {
            let keptTally = answers[group] ?? AnswerTally()
            let counted = recount.answers[group] ?? AnswerTally()
            for key in Set(keptTally.measures.keys).union(counted.measures.keys).sorted() {
                let a = keptTally.measures[key]
                let b = counted.measures[key]
                guard !Self.same(a, b) else { continue }
                found.append(
                    "\(id) \(group.anchor)/\(group.child) \(key.question) \(key.part.stored): kept \(describe(a)), counted \(describe(b))"
                )
            }
            for key in Set(keptTally.values.keys).union(counted.values.keys).sorted()
            where keptTally.values[key] ?? [:] != counted.values[key] ?? [:] {
                found.append(
                    "\(id) \(group.anchor)/\(group.child) \(key.question) \(key.part.stored) values: kept \(keptTally.values[key] ?? [:]), counted \(counted.values[key] ?? [:])"
                )
            }
        }
        return found
    }

    /// Counts equal, sums equal but for the rounding of adding and taking out in another order.
    static func same(_ a: AnswerTally.Measure?, _ b: AnswerTally.Measure?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        let scale = max(1, abs(a.total), abs(b.total))
        return a.count == b.count && a.finite == b.finite && abs(a.total - b.total) <= scale * 1e-9
    }

    private func describe(_ value: (some Any)?) -> String {
        value.map { "\($0)" } ?? "nothing"
    }
}

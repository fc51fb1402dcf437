import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting

/// When a child's data last reached this node: live when the child is hosted here, else the
/// last contact with the child node that speaks for it.
package struct SyncMark: Codable, Sendable {
    package let hostedHere: Bool
    let node: String?
    package let lastContact: Date?
}

/// One child of the unit viewed: its progress, the combined answers of its subtree, and when its
/// data last arrived (drill down by asking for the child's own figures).
package struct ChildFigures: Codable, Sendable {
    package let unit: String
    package let name: String
    package let figures: ProgressFigures
    package let aggregate: AggregatedAnswers
    package let sync: SyncMark
}

/// The oversight figures of one assignment for a unit's subtree: progress per level and per
/// child (with approvals on time, by the assignment's deadline), combined answers in total and
/// per child, and the assignment's amendments. Computed from what the node holds now.
package struct AssignmentFigures: Codable, Sendable {
    let assignment: String
    let form: String
    let title: String
    let period: String
    let deadline: String
    let assignedBy: String
    let unit: String
    let computedAt: Date
    package let total: ProgressFigures
    package let levels: [SubtreeFigures.LevelRow]
    package let children: [ChildFigures]
    package let aggregate: AggregatedAnswers
    let amendments: [AmendmentView]
}

/// Units side by side for one assignment: each one's progress and combined answers (the unit and below).
package struct UnitComparison: Codable, Sendable {
    struct Row: Codable, Sendable {
        let unit: String
        let name: String
        let figures: ProgressFigures
        let aggregate: AggregatedAnswers
    }

    let assignment: String
    let period: String
    let rows: [Row]
}

/// A form's figures across the periods it was assigned for, for a unit and below.
package struct FormTrend: Codable, Sendable {
    package struct PeriodRow: Codable, Sendable {
        package let period: String
        let assignment: String
        let deadline: String
        package let figures: ProgressFigures
    }

    let owner: String
    let form: String
    let unit: String
    package let periods: [PeriodRow]
    package let trend: Trend
}

/// What figures are computed from, read in one transaction.
struct FiguresSource {
    let assignment: AssignmentRecord
    let form: Form
    let expectation: Expectation
    let statuses: [String: UnitReportStatus]
    /// Approved reports of expected units, by unit.
    let approved: [String: Answers]
    let deadline: CalendarDate

    func aggregate(_ include: (ExpectedUnit) -> Bool) -> AggregatedAnswers {
        AggregatedAnswers(form: form, answers: expectation.expected.filter(include).compactMap { approved[$0.code] })
    }
}

extension Oversight {
    /// What the figures of an assignment are computed from; with `unit`, only the expected units
    /// in its subtree (placed where they stood) are read — a province's view decodes no answers of
    /// the other provinces.
    func figuresSource(assignment id: String, within unit: String? = nil, _ db: Database) throws -> FiguresSource {
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
        let expectation = try expectations.expectation(of: id, db)
        let placed = Dictionary(expectation.expected.map { ($0.code, $0) }) { first, _ in first }
        var statuses: [String: UnitReportStatus] = [:]
        var approved: [String: Answers] = [:]
        // Only the four columns figures need: at the centre an assignment holds a report per
        // commune, and decoding whole records (with their signed copies) costs far more. Answers
        // are decoded for approved reports only.
        let decoder = JSONDecoder()
        let rows = try ReportStore.figuresColumns(of: id, db)
        while let row = try rows.next() {
            let code: String = row[0]
            guard let expected = placed[code], unit.map(expected.isInSubtree) ?? true else { continue }
            let state = ReportState(rawValue: row[1])
            let isApproved = state == .approved
            let approvedAt: Date? = row[3]
            statuses[code] = UnitReportStatus(
                submitted: state == .submitted || isApproved,
                approved: isApproved,
                approvedOn: approvedAt.map { CalendarDate($0) }
            )
            if isApproved { approved[code] = try decoder.decode(Answers.self, from: Data((row[2] as String).utf8)) }
        }
        return FiguresSource(
            assignment: assignment,
            form: form,
            expectation: expectation,
            statuses: statuses,
            approved: approved,
            deadline: deadline
        )
    }

    func syncMark(of child: String, contacts: [String: Date]) -> SyncMark {
        if let peer = deployment.childNode(of: node, toward: child) {
            return SyncMark(hostedHere: false, node: peer.name, lastContact: contacts[peer.unit])
        }
        return SyncMark(hostedHere: true, node: node.name, lastContact: nil)
    }

    package func figures(
        assignment id: String,
        unit requested: String?,
        for actor: Actor
    ) async throws -> AssignmentFigures {
        let unit = try overseenUnit(requested, for: actor)
        return try await database.pool.read { db in
            let source = try figuresSource(assignment: id, within: unit, db)
            let subtree = SubtreeFigures(
                tree: tree,
                unit: unit,
                expectation: source.expectation,
                reports: source.statuses,
                deadline: source.deadline
            )
            let contacts = try PeerStore.all(db).reduce(into: [String: Date]()) { $0[$1.unit] = $1.lastContact }
            let children = subtree.children.map { row in
                ChildFigures(
                    unit: row.unit,
                    name: row.name,
                    figures: row.figures,
                    aggregate: source.aggregate { $0.isInSubtree(of: row.unit) },
                    sync: syncMark(of: row.unit, contacts: contacts)
                )
            }
            return AssignmentFigures(
                assignment: id,
                form: source.form.code,
                title: source.form.title,
                period: source.assignment.period,
                deadline: source.assignment.deadline,
                assignedBy: source.assignment.assignedBy,
                unit: unit,
                computedAt: clock.now(),
                total: subtree.total,
                levels: subtree.levels,
                children: children,
                aggregate: source.aggregate { $0.child(below: unit) != nil },
                amendments: try expectations.amendments(of: id, db)
            )
        }
    }

    package func compare(assignment id: String, units: [String], for actor: Actor) async throws -> UnitComparison {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let units = units.filter { !$0.isEmpty }
        guard !units.isEmpty, units.count <= 100 else {
            throw DomainError(.unitCountOutOfRange)
        }
        for unit in units where !tree.isInSubtree(unit, of: actor.unit) {
            throw DomainError(.unitOutsideYourSubtree(unit))
        }
        return try await database.pool.read { db in
            let source = try figuresSource(assignment: id, db)
            let rows = units.map { unit in
                UnitComparison.Row(
                    unit: unit,
                    name: tree[unit]?.name ?? unit,
                    figures: ProgressFigures(
                        units: source.expectation.expected.filter { $0.isInSubtree(of: unit) },
                        reports: source.statuses,
                        deadline: source.deadline
                    ),
                    aggregate: source.aggregate { $0.isInSubtree(of: unit) }
                )
            }
            return UnitComparison(assignment: id, period: source.assignment.period, rows: rows)
        }
    }

    /// The form's figures across the periods it was assigned for; with `latest`, only the latest
    /// that many periods are computed (a dashboard's chart, not the form's whole history).
    package func trend(
        owner: String,
        form code: String,
        unit requested: String?,
        latest: Int? = nil,
        for actor: Actor
    ) async throws -> FormTrend {
        let unit = try overseenUnit(requested, for: actor)
        return try await database.pool.read { db in
            var assignments = try AssignmentStore.assignments(by: owner, formCode: code, db)
            if let latest {
                assignments = Array(
                    assignments.filter { Period($0.period) != nil }.sorted { Period($0.period)! < Period($1.period)! }
                        .suffix(latest)
                )
            }
            guard let latest = try forms.form(owner: owner, code: code, db), !assignments.isEmpty else {
                throw DomainError(.notFound(.assignedForm))
            }
            var rows: [FormTrend.PeriodRow] = []
            var aggregates: [(period: Period, aggregate: AggregatedAnswers)] = []
            for assignment in assignments {
                guard let period = Period(assignment.period) else { continue }
                let source = try figuresSource(assignment: assignment.id, within: unit, db)
                let inArea = source.expectation.expected.filter { $0.isInSubtree(of: unit) }
                rows.append(
                    FormTrend.PeriodRow(
                        period: assignment.period,
                        assignment: assignment.id,
                        deadline: assignment.deadline,
                        figures: ProgressFigures(units: inArea, reports: source.statuses, deadline: source.deadline)
                    )
                )
                aggregates.append((period, source.aggregate { $0.isInSubtree(of: unit) }))
            }
            // Only parsable periods were kept above.
            rows.sort { Period($0.period)! < Period($1.period)! }
            return FormTrend(
                owner: owner,
                form: code,
                unit: unit,
                periods: rows,
                trend: Trend(form: latest, aggregates: aggregates)
            )
        }
    }

    /// Progress per child of `unit` for one assignment: counts only (no answers decoded), from the
    /// units the assignment expected and the reports held here.
    func progressBelow(_ unit: String, assignment id: String, _ db: Database) throws -> [SubtreeFigures.ChildRow] {
        guard let record = try AssignmentRecord.fetchOne(db, key: id), let deadline = CalendarDate(record.deadline)
        else { return [] }
        var statuses: [String: UnitReportStatus] = [:]
        for row in try ReportStore.progressColumns(of: id, db) {
            let state = ReportState(rawValue: row.state)
            let approvedAt = row.approvedAt
            statuses[row.unit] = UnitReportStatus(
                submitted: state == .submitted || state == .approved,
                approved: state == .approved,
                approvedOn: approvedAt.map { CalendarDate($0) }
            )
        }
        return SubtreeFigures(
            tree: tree,
            unit: unit,
            expectation: try expectations.expectation(of: id, db),
            reports: statuses,
            deadline: deadline
        ).children
    }
}

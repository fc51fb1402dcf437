import Auth
import Foundation
import GRDB
import Hierarchy
import Indicators
import Reporting

/// What one person has to do now (issue L, "home = what to do now"): the forms their unit must
/// fill with their deadlines, the unit's reports returned for revision with the reason, the
/// unit's reports waiting for their approval, and, for upper levels, the units below that are
/// late. "Today" is the node's clock, in Vietnam time.
package struct ToDoList: Codable, Sendable {
    /// A form assigned to the person's unit, not yet submitted.
    package struct FormToFill: Codable, Sendable {
        package let assignment: String
        package let form: String
        package let title: String
        package let period: String
        package let deadline: String
        /// Days left until the deadline; negative when it is past.
        package let daysLeft: Int
        package let overdue: Bool
        /// The unit's report when one was opened (a draft).
        package let report: String?
        package let state: ReportState?
    }

    /// A report of the person's unit returned for revision, with the last return's reason.
    package struct ReturnedReport: Codable, Sendable {
        package let report: String
        package let assignment: String
        package let title: String
        package let period: String
        package let deadline: String
        package let overdue: Bool
        package let reason: String?
        package let returnedBy: String?
        /// The full name when this node knows the account.
        package let returnedByName: String?
        package let returnedByUnit: String?
        package let returnedAt: Date?
    }

    /// A submitted report the person may approve.
    package struct AwaitingApproval: Codable, Sendable {
        package let report: String
        package let assignment: String
        package let title: String
        package let period: String
        package let deadline: String
        package let overdue: Bool
        package let unit: String
        package let submittedBy: String?
        package let submittedByName: String?
        package let submittedAt: Date?
        package let message: String?
    }

    /// A child unit whose subtree has not all been approved although the deadline is past.
    package struct LateUnit: Codable, Sendable {
        package let assignment: String
        package let title: String
        package let period: String
        package let deadline: String
        package let daysLate: Int
        package let unit: String
        package let name: String
        package let expected: Int
        package let submitted: Int
        package let approved: Int
    }

    /// A value an assigned indicator owes (issue M.3): for the person's own unit when it enters
    /// the indicator (due or overdue), or for a unit below (overdue only, entered or delivered).
    package struct IndicatorDue: Codable, Sendable {
        package let assignment: String
        package let indicator: String
        package let name: String
        package let unit: String
        package let period: String
        package let deadline: String
        /// Days left until the deadline; negative when it is past.
        package let daysLeft: Int
        package let overdue: Bool
        /// `unit` (entered by the unit) or `system` (delivered by another system).
        package let updatedBy: String
    }

    package let unit: String
    package let today: String
    package let toFill: [FormToFill]
    package let returned: [ReturnedReport]
    package let awaitingApproval: [AwaitingApproval]
    package let lateUnits: [LateUnit]
    /// Values of assigned indicators owed, the deadline's order.
    package let indicators: [IndicatorDue]

    package var isEmpty: Bool {
        toFill.isEmpty && returned.isEmpty && awaitingApproval.isEmpty && lateUnits.isEmpty && indicators.isEmpty
    }
}

/// The to-do lists of the people of this node's units, and the indicator values they may enter
/// now, read from what the node holds. Its own service over the context, the progress figures
/// (`Oversight`), the indicator assignments, the form assignments, the reports' history and
/// actions, and the indicator catalogue.
package struct ToDoLists: NodeService {
    let context: NodeContext
    let oversight: Oversight
    let indicatorAssignments: IndicatorAssignments
    /// The assignments that concern the actor's unit.
    let formAssignments: FormAssignments
    /// A report's history and what an actor may do with it.
    let reports: Reports
    /// The indicator catalogue in force at a unit.
    let definitions: IndicatorDefinitions

    /// The to-do list of `actor`, from what this node holds now.
    package func list(for actor: Actor) async throws -> ToDoList {
        let today = clock.today()
        let assignments = try await formAssignments.visible(to: actor)
        let byId = Dictionary(assignments.map { ($0.id, $0) }) { first, _ in first }
        func deadline(_ text: String) -> CalendarDate? { CalendarDate(String(text.prefix(10))) }
        func overdue(_ text: String) -> Bool { deadline(text).map { today > $0 } ?? false }
        let mayWork = actor.holds(.enterData) || actor.holds(.approveReports) || actor.holds(.viewReports)

        struct Read {
            var own: [ReportRecord] = []
            var returns: [String: HistoryEntry] = [:]
            var submits: [String: HistoryEntry] = [:]
            var names: [String: String] = [:]
        }
        let read: Read =
            mayWork
            ? try await database.pool.read { db in
                var read = Read()
                read.own = try ReportStore.reports(of: actor.unit, db)
                for record in read.own where record.state == .returned || record.state == .submitted {
                    let history = try reports.history(of: record.id, db)
                    if record.state == .returned, let last = history.last(where: { $0.action == "return" }) {
                        read.returns[record.id] = last
                    }
                    if record.state == .submitted, let last = history.last(where: { $0.action == "submit" }) {
                        read.submits[record.id] = last
                    }
                }
                let people = Set((read.returns.values.map(\.actor)) + read.submits.values.map(\.actor))
                for username in people {
                    if let account = try AccountRecord.fetchOne(db, key: username) {
                        read.names[username] = account.fullName
                    }
                }
                return read
            } : Read()
        let ownByAssignment = Dictionary(read.own.map { ($0.assignmentId, $0) }) { first, _ in first }

        var toFill: [ToDoList.FormToFill] = []
        if actor.holds(.enterData) {
            for assignment in assignments where assignment.units.contains(actor.unit) {
                let report = ownByAssignment[assignment.id]
                guard report == nil || report?.state == .draft else { continue }
                toFill.append(
                    ToDoList.FormToFill(
                        assignment: assignment.id,
                        form: assignment.form,
                        title: assignment.title,
                        period: assignment.period,
                        deadline: assignment.deadline,
                        daysLeft: deadline(assignment.deadline).map { today.days(until: $0) } ?? 0,
                        overdue: overdue(assignment.deadline),
                        report: report?.id,
                        state: report?.state
                    )
                )
            }
            toFill.sort { ($0.deadline, $0.title) < ($1.deadline, $1.title) }
        }

        let returned = read.own.filter { $0.state == .returned }.sorted { $0.updatedAt > $1.updatedAt }.map {
            record -> ToDoList.ReturnedReport in
            let assignment = byId[record.assignmentId]
            let entry = read.returns[record.id]
            return ToDoList.ReturnedReport(
                report: record.id,
                assignment: record.assignmentId,
                title: assignment?.title ?? record.formCode,
                period: record.period,
                deadline: assignment?.deadline ?? "",
                overdue: overdue(assignment?.deadline ?? ""),
                reason: entry?.message,
                returnedBy: entry?.actor,
                returnedByName: entry.flatMap { read.names[$0.actor] },
                returnedByUnit: entry?.unit,
                returnedAt: entry?.at
            )
        }

        let awaiting = read.own.filter {
            $0.state == .submitted && reports.actions(on: ReportView($0), for: actor).approve
        }.sorted { ($0.submittedAt ?? $0.updatedAt) < ($1.submittedAt ?? $1.updatedAt) }.map {
            record -> ToDoList.AwaitingApproval in
            let assignment = byId[record.assignmentId]
            let entry = read.submits[record.id]
            return ToDoList.AwaitingApproval(
                report: record.id,
                assignment: record.assignmentId,
                title: assignment?.title ?? record.formCode,
                period: record.period,
                deadline: assignment?.deadline ?? "",
                overdue: overdue(assignment?.deadline ?? ""),
                unit: record.unit,
                submittedBy: entry?.actor,
                submittedByName: entry.flatMap { read.names[$0.actor] },
                submittedAt: record.submittedAt ?? entry?.at,
                message: entry?.message
            )
        }

        // Upper levels: children whose subtree is not all approved though the deadline is past.
        var late: [ToDoList.LateUnit] = []
        if actor.holds(.viewReports), !tree.children(of: actor.unit).isEmpty {
            let past = assignments.filter { overdue($0.deadline) }
            let progress = try await database.pool.read { db in
                try past.map { try oversight.progressBelow(actor.unit, assignment: $0.id, db) }
            }
            for (assignment, children) in zip(past, progress) {
                let days = deadline(assignment.deadline).map { $0.days(until: today) } ?? 0
                for child in children where child.figures.expected > child.figures.approved {
                    late.append(
                        ToDoList.LateUnit(
                            assignment: assignment.id,
                            title: assignment.title,
                            period: assignment.period,
                            deadline: assignment.deadline,
                            daysLate: days,
                            unit: child.unit,
                            name: child.name,
                            expected: child.figures.expected,
                            submitted: child.figures.submitted,
                            approved: child.figures.approved
                        )
                    )
                }
            }
        }

        return ToDoList(
            unit: actor.unit,
            today: today.description,
            toFill: toFill,
            returned: returned,
            awaitingApproval: awaiting,
            lateUnits: late,
            indicators: try await indicatorsDue(for: actor, today: today)
        )
    }

    /// The values assigned indicators owe that concern the person, from the units of this node's
    /// subtree (values supplied below come up as `indicator.value`): their own unit's values to enter
    /// (begun periods without a value, due or overdue) for its data entry and leaders, and the
    /// overdue values of the units below for those who watch reports.
    func indicatorsDue(for actor: Actor, today: CalendarDate) async throws -> [ToDoList.IndicatorDue] {
        let enters = actor.holds(.enterData) || actor.holds(.approveReports)
        let watches = actor.holds(.viewReports)
        guard enters || watches else { return [] }
        return try await database.pool.read { db -> [ToDoList.IndicatorDue] in
            let owed = try indicatorAssignments.owed(
                for: { unit in
                    (enters && unit == actor.unit) || (watches && tree.isBelow(unit, actor.unit))
                },
                today: today,
                db
            ).filter { owed in
                guard !owed.supplied else { return false }
                if owed.unit == actor.unit { return owed.assignment.updatedBy == "unit" }
                return owed.overdue(today: today)
            }
            return try dueItems(owed, today: today, db)
        }
    }

    /// The values of assigned indicators that `actor` may enter now, for the indicator entry
    /// page: begun periods without a value (due or overdue, the missing May of a November too)
    /// of the indicators its units enter themselves, for its own unit and, for the leaders who
    /// may enter for the units below (`SuppliedValues.enter`), for those this node hosts.
    package func indicatorValuesToEnter(by actor: Actor) async throws -> [ToDoList.IndicatorDue] {
        guard actor.holds(.enterData) || actor.holds(.approveReports) else { throw DomainError(.notAllowed) }
        let today = clock.today()
        let leads = actor.holds(.approveReports)
        return try await database.pool.read { db -> [ToDoList.IndicatorDue] in
            let owed = try indicatorAssignments.owed(
                // Values are entered where the unit is hosted (`SuppliedValues.enter`); those of
                // units on nodes below reach this one as `indicator.value` and are owed, not entered, here.
                for: { unit in hosts(unit) && (unit == actor.unit || (leads && tree.isBelow(unit, actor.unit))) },
                today: today,
                db
            ).filter { !$0.supplied && $0.assignment.updatedBy == "unit" }
            return try dueItems(owed, today: today, db)
        }
    }

    /// Owed values as the to-do list and the entry page show them, with the indicators' names,
    /// the deadline's order.
    private func dueItems(
        _ owed: [OwedIndicatorValue],
        today: CalendarDate,
        _ db: Database
    ) throws -> [ToDoList.IndicatorDue] {
        var names: [String: String] = [:]
        for owner in Set(owed.map(\.assignment.owner)) {
            let catalogue = try definitions.catalogue(for: owner, db).0
            for code in Set(owed.filter { $0.assignment.owner == owner }.map(\.assignment.code)) {
                names["\(owner)|\(code)"] = catalogue.latest(code)?.name.vi
            }
        }
        return owed.map { owed in
            ToDoList.IndicatorDue(
                assignment: owed.assignment.id,
                indicator: owed.assignment.code,
                name: names["\(owed.assignment.owner)|\(owed.assignment.code)"] ?? owed.assignment.code,
                unit: owed.unit,
                period: owed.period.description,
                deadline: owed.deadline.description,
                daysLeft: today.days(until: owed.deadline),
                overdue: owed.overdue(today: today),
                updatedBy: owed.assignment.updatedBy
            )
        }.sorted { ($0.deadline, $0.unit, $0.indicator) < ($1.deadline, $1.unit, $1.indicator) }
    }
}

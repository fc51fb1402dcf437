import Alerts
import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting
import Tasks

/// A rule as the API takes it; it applies to the actor's unit's subtree.
package struct NewAlertRule: Codable, Sendable {
    var kind: AlertKind
    var audience: Audience?
    var taskId: String?
    var formOwner: String?
    var formCode: String?
    var question: String?
    var days: Int?
    var percent: Int?
    var date: String?
    var factor: Double?
    var basis: Basis?
    /// An indicator of the catalogue: the values its assignments owe (issue M.3).
    var indicator: String?

    package init(
        kind: AlertKind,
        audience: Audience? = nil,
        taskId: String? = nil,
        formOwner: String? = nil,
        formCode: String? = nil,
        question: String? = nil,
        days: Int? = nil,
        percent: Int? = nil,
        date: String? = nil,
        factor: Double? = nil,
        basis: Basis? = nil,
        indicator: String? = nil
    ) {
        self.indicator = indicator
        self.kind = kind
        self.audience = audience
        self.taskId = taskId
        self.formOwner = formOwner
        self.formCode = formCode
        self.question = question
        self.days = days
        self.percent = percent
        self.date = date
        self.factor = factor
        self.basis = basis
    }
}

/// A rule as the API shows it.
package struct AlertRuleView: Codable, Sendable {
    package let rule: AlertRule
    package let kindName: String
    let createdBy: String
    let createdAt: Date
}

/// An alert as the API shows it.
package struct AlertView: Codable, Sendable {
    package let id: String
    let rule: String
    package let kind: AlertKind
    package let kindName: String
    let audience: Audience
    package let unit: String
    let ref: String
    let period: String
    package let message: String
    package let messageEN: String
    package let raisedAt: Date
    package let acknowledgedBy: String?
    package let acknowledgedAt: Date?
    package let clearedAt: Date?
}

/// Alerts (cảnh báo) and the rules that raise them: leaders set rules for their subtree, the
/// rules are evaluated on what this node holds (as data arrives, and by `AlertWatch` for what only
/// the date changes), and the people concerned see and acknowledge what stands. Its own service so
/// that alerting reaches only the shared context, the tasks it watches, and the stored forms.
package struct NodeAlerts: NodeService {
    let context: NodeContext
    /// The tasks rules may name (a rule's task must concern the rule's subtree).
    let tasks: AssignedTasks
    /// The forms rules may name (a rule's question must be one of the form's latest version).
    let forms: Forms

    /// Today in Vietnam: deadlines are Vietnamese days.
    var today: CalendarDate { clock.today() }

    // MARK: - Rules

    /// Admins and approvers (leaders) of a unit set rules for its subtree.
    private func requireRuleMaker(_ actor: Actor) throws {
        guard actor.holds(.approveReports) else {
            throw DomainError(.alertRulesOnlyLeaders)
        }
    }

    package func createRule(_ request: NewAlertRule, by actor: Actor) async throws -> AlertRuleView {
        try requireRuleMaker(actor)
        var date: CalendarDate?
        if let text = request.date {
            guard let parsed = CalendarDate(text) else {
                throw DomainError(.alertDateInvalid(text), details: ["date": "invalid"])
            }
            date = parsed
        }
        let rule = AlertRule(
            id: UUID().uuidString,
            unit: actor.unit,
            kind: request.kind,
            audience: request.audience,
            taskId: request.taskId,
            formOwner: request.formOwner,
            formCode: request.formCode,
            question: request.question,
            days: request.days,
            percent: request.percent,
            date: date,
            factor: request.factor,
            basis: request.basis,
            indicator: request.indicator
        )
        let problems = rule.problems
        guard problems.isEmpty else {
            throw DomainError(.alertRuleInvalid(problems.keys.sorted().compactMap { problems[$0] }), details: problems)
        }
        let now = clock.now()
        try await database.pool.write { db in
            if let taskId = rule.taskId {
                // The task must concern the rule's subtree (assigned by it or to units in it).
                _ = try tasks.taskView(taskId, for: actor, history: false, db)
            }
            if let code = rule.indicator {
                // An indicator of the rule unit's catalogue: its own or of a unit above.
                let owners = [rule.unit] + tree.ancestors(of: rule.unit).map(\.code)
                guard try IndicatorStore.all(owners: owners, db).contains(where: { $0.definition.code == code }) else {
                    throw DomainError(.notFound(.indicator), details: ["indicator": "unknown"])
                }
            }
            if let owner = rule.formOwner, let code = rule.formCode {
                guard let form = try forms.form(owner: owner, code: code, db) else {
                    throw DomainError(.alertFormUnknown(code: code, owner: owner), details: ["formCode": "unknown"])
                }
                if let question = rule.question {
                    guard let found = form.groups.flatMap(\.questions).first(where: { $0.id == question }),
                        found.kind.isNumeric
                    else {
                        throw DomainError(.alertQuestionUnknown(question), details: ["question": "unknown"])
                    }
                }
            }
            try AlertStore.addRule(
                id: rule.id,
                unit: rule.unit,
                body: String(decoding: try JSONEncoder.federation.encode(rule), as: UTF8.self),
                createdBy: actor.username,
                at: now,
                db
            )
            try audit.record(
                db,
                actor,
                action: "alert.rule.create",
                target: rule.id,
                detail: "\(rule.kind.rawValue) unit=\(rule.unit)"
            )
        }
        await refreshQuietly()
        return AlertRuleView(rule: rule, kindName: rule.kind.vietnameseName, createdBy: actor.username, createdAt: now)
    }

    /// Rules set by the actor's unit or units below it.
    package func rules(for actor: Actor) async throws -> [AlertRuleView] {
        try requireRuleMaker(actor)
        return try await database.pool.read { db in
            try AlertStore.rules(db)
                .compactMap { held -> AlertRuleView? in
                    let rule = try JSONDecoder.federation.decode(
                        AlertRule.self,
                        from: Data(held.body.utf8)
                    )
                    guard tree.isInSubtree(rule.unit, of: actor.unit) else { return nil }
                    return AlertRuleView(
                        rule: rule,
                        kindName: rule.kind.vietnameseName,
                        createdBy: held.createdBy,
                        createdAt: held.createdAt
                    )
                }
        }
    }

    /// Removes a rule of the actor's unit; its standing alerts clear.
    package func removeRule(_ id: String, by actor: Actor) async throws {
        try requireRuleMaker(actor)
        try await database.pool.write { db in
            guard
                let unit = try AlertStore.ruleUnit(id, db),
                tree.isInSubtree(unit, of: actor.unit)
            else { throw DomainError(.notFound(.alertRule)) }
            guard unit == actor.unit else {
                throw DomainError(.alertRuleOnlySetterRemoves)
            }
            try AlertStore.removeRule(id, at: clock.now(), db)
            try audit.record(db, actor, action: "alert.rule.remove", target: id)
        }
    }

    // MARK: - Alerts

    /// Who sees an alert: the unit concerned is the actor's or below it, and the audience fits
    /// the role — leaders and approvers (and view accounts) strategic, data entry operational.
    func sees(_ audience: Audience, _ unit: String, _ actor: Actor) -> Bool {
        guard tree.isInSubtree(unit, of: actor.unit) else { return false }
        switch audience {
        case .strategic: return actor.holds(.approveReports) || actor.role == .viewer
        case .operational: return actor.holds(.enterData)
        }
    }

    /// The alerts for the actor: standing ones, or all (with cleared) when asked.
    package func visible(to actor: Actor, includeCleared: Bool) async throws -> [AlertView] {
        try await database.pool.read { db in
            try AlertStore.alerts(includeCleared: includeCleared, db).filter { sees($0.audience, $0.unit, actor) }
        }
    }

    package func acknowledge(_ id: String, by actor: Actor) async throws -> AlertView {
        try await database.pool.write { db in
            guard let alert = try AlertStore.alert(id, db), sees(alert.audience, alert.unit, actor) else {
                throw DomainError(.notFound(.alert))
            }
            if alert.acknowledgedAt == nil {
                try AlertStore.acknowledge(id, by: actor.username, at: clock.now(), db)
                try audit.record(db, actor, action: "alert.acknowledge", target: id)
            }
            return try AlertStore.alert(id, db)!
        }
    }

    // MARK: - Evaluation

    /// Re-evaluates every rule on what this node holds: new findings are raised (once per key),
    /// findings whose cause is gone are cleared. Returns (raised, cleared).
    @discardableResult
    func refresh(today: CalendarDate? = nil) async throws -> (raised: Int, cleared: Int) {
        let today = today ?? self.today
        return try await database.pool.write { db in try refresh(today: today, db) }
    }

    /// After data arrives: failures are logged, never passed to the caller (the data is in).
    func refreshQuietly() async {
        do {
            try await refresh()
        } catch {
            logger.error("alert evaluation failed", metadata: ["error": "\(error)"])
        }
    }

    /// After receiving messages, in the batch's own transaction (no second trip through the
    /// writer): re-evaluates when task or report data was applied. A failure is undone alone and
    /// logged, never passed to the caller (the data is in).
    func refresh(after messages: [Envelope], results: [MessageResult], _ db: Database) {
        let watched: Set<MessageKind> = [
            .taskAssigned, .taskProgress, .taskReviewed, .reportApproved, .reportReturned, .assignmentCreated,
            .indicatorAssigned, .indicatorValue,
        ]
        let applied = Set(results.filter { $0.status == .applied && !$0.replayed }.map(\.id))
        guard messages.contains(where: { applied.contains($0.id) && watched.contains($0.kind) }) else { return }
        do {
            try db.inSavepoint {
                _ = try refresh(today: today, db)
                return .commit
            }
        } catch {
            logger.error("alert evaluation failed", metadata: ["error": "\(error)"])
        }
    }

    func refresh(today: CalendarDate, _ db: Database) throws -> (raised: Int, cleared: Int) {
        let rules = try AlertStore.ruleBodies(db)
            .map { try JSONDecoder.federation.decode(AlertRule.self, from: Data($0.utf8)) }
        let findings =
            rules.isEmpty
            ? []
            : AlertEvaluation(tree: tree, today: today)
                .findings(
                    rules: rules,
                    obligations: try obligations(for: rules, today: today, db),
                    observations: try observations(for: rules, db)
                )
        let now = clock.now()
        var raised = 0
        var cleared = 0
        var standing = Set<String>()
        for finding in findings {
            standing.insert(finding.key)
            if let held = try AlertStore.alert(key: finding.key, db) {
                guard held.clearedAt != nil else { continue }
                // The cause came back: the same alert stands again, unacknowledged.
                try AlertStore.raiseAgain(finding, at: now, db)
            } else {
                try AlertStore.raise(finding, id: UUID().uuidString, at: now, db)
            }
            raised += 1
        }
        // Parked-message alerts are raised and cleared by the inbox, silent-node ones by the
        // node watch, audit-cut ones by the audit witness (never cleared), not by rules.
        for alert in try AlertStore.standing(except: [.parkedMessage, .silentNode, .auditCut], db)
        where !standing.contains(alert.key) {
            try AlertStore.clear(alert.id, at: now, db)
            cleared += 1
        }
        return (raised, cleared)
    }

    /// What units owe: every task's assignees (with their derived status) and, for rules on a
    /// form, each assigned unit's report (done once approved).
    private func obligations(for rules: [AlertRule], today: CalendarDate, _ db: Database) throws -> [Obligation] {
        var obligations: [Obligation] = []
        let records = Dictionary(uniqueKeysWithValues: try TaskStore.all(db).map { ($0.id, $0) })
        for (task, unit) in try TaskStore.assignees(db) {
            guard let record = records[task] else { continue }
            let status = try AssignedTasks.facts(record, unit: unit, db).status(today: today)
            obligations.append(Obligation(task: record.notice(units: [unit]), unit: unit, status: status))
        }
        obligations += try indicatorObligations(for: rules, today: today, db)
        let forms = Set(
            rules.filter { $0.kind != .abnormalValue && $0.question == nil }.compactMap { rule in
                rule.formCode.map { "\(rule.formOwner ?? "")|\($0)" }
            }
        )
        guard !forms.isEmpty else { return obligations }
        for placement in try AssignmentStore.reportStates(db) {
            let owner = placement.assignedBy
            let code = placement.formCode
            guard forms.contains("\(owner)|\(code)"), let deadline = CalendarDate(placement.deadline) else {
                continue
            }
            obligations.append(
                Obligation(
                    source: .form,
                    ref: placement.assignment,
                    title: code,
                    unit: placement.unit,
                    deadline: deadline,
                    done: placement.state == ReportState.approved.rawValue,
                    percent: nil,
                    formOwner: owner,
                    formCode: code
                )
            )
        }
        return obligations
    }

    /// The values that assigned indicators owe for the units of this node's subtree (hosted here,
    /// where values are supplied, or below, whose values come up as `indicator.value`), for the
    /// indicators rules watch: done once a value is held.
    private func indicatorObligations(
        for rules: [AlertRule],
        today: CalendarDate,
        _ db: Database
    ) throws -> [Obligation] {
        let codes = Set(rules.compactMap(\.indicator))
        guard !codes.isEmpty else { return [] }
        let assignments = try IndicatorAssignmentStore.standing(db).filter { codes.contains($0.code) }
        guard !assignments.isEmpty else { return [] }
        let held = try SuppliedValueStore.keys(codes: Array(codes), db)
        // The indicator's name, from its owner: the assigning unit or a unit above it.
        let owners = Set(assignments.flatMap { [$0.owner] + tree.ancestors(of: $0.owner).map(\.code) })
        var names: [String: String] = [:]
        for row in try IndicatorStore.all(owners: Array(owners), db) {
            names[row.definition.code] = row.definition.name.vi
        }
        return OwedIndicatorValue.owed(
            by: assignments,
            units: { deployment.node(node, speaksFor: $0) },
            held: held,
            today: today
        ).map { owed in
            Obligation(
                source: .indicator,
                ref: owed.assignment.id,
                title: names[owed.assignment.code] ?? owed.assignment.code,
                unit: owed.unit,
                deadline: owed.deadline,
                done: owed.supplied,
                percent: nil,
                indicatorCode: owed.assignment.code,
                period: owed.period.description
            )
        }
    }

    /// The numbers of approved reports for the questions that abnormal-value rules watch.
    private func observations(for rules: [AlertRule], _ db: Database) throws -> [Observation] {
        var observations: [Observation] = []
        let watched = rules.filter { $0.kind == .abnormalValue }
        let forms = Set(watched.compactMap { rule in rule.formCode.map { "\(rule.formOwner ?? "")|\($0)" } })
        guard !forms.isEmpty else { return [] }
        let questions = Set(watched.compactMap(\.question))
        for report in try ReportStore.reports(in: .approved, db) {
            guard forms.contains("\(report.formOwner)|\(report.formCode)"), let period = Period(report.period) else {
                continue
            }
            for question in questions {
                guard let value = report.answers[question]?.number else { continue }
                observations.append(
                    Observation(
                        unit: report.unit,
                        period: period,
                        formOwner: report.formOwner,
                        formCode: report.formCode,
                        question: question,
                        value: value,
                        ref: report.id
                    )
                )
            }
        }
        return observations
    }
}

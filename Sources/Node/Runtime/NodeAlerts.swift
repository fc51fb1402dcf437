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
        basis: Basis? = nil
    ) {
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

    init(_ row: Row) {
        id = row["id"]
        rule = row["rule_id"]
        kind = AlertKind(rawValue: row["kind"]) ?? .overdue
        kindName = kind.vietnameseName
        audience = Audience(rawValue: row["audience"]) ?? .strategic
        unit = row["unit"]
        ref = row["ref"]
        period = row["period"]
        message = row["message"]
        messageEN = row["message_en"]
        raisedAt = row["raised_at"]
        acknowledgedBy = row["acknowledged_by"]
        acknowledgedAt = row["acknowledged_at"]
        clearedAt = row["cleared_at"]
    }
}

extension LocalNode {
    // MARK: - Rules

    /// Admins and approvers (leaders) of a unit set rules for its subtree.
    private func requireRuleMaker(_ actor: Actor) throws {
        guard actor.holds(.approveReports) else {
            throw DomainError(.alertRulesOnlyLeaders)
        }
    }

    package func createAlertRule(_ request: NewAlertRule, by actor: Actor) async throws -> AlertRuleView {
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
            basis: request.basis
        )
        let problems = rule.problems
        guard problems.isEmpty else {
            throw DomainError(.alertRuleInvalid(problems.keys.sorted().compactMap { problems[$0] }), details: problems)
        }
        let now = clock.now()
        try await database.pool.write { db in
            if let taskId = rule.taskId {
                // The task must concern the rule's subtree (assigned by it or to units in it).
                _ = try taskView(taskId, for: actor, history: false, db)
            }
            if let owner = rule.formOwner, let code = rule.formCode {
                guard let form = try form(owner: owner, code: code, db) else {
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
            try db.execute(
                sql: "INSERT INTO alert_rules (id, unit, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    rule.id, rule.unit, String(decoding: try JSONEncoder.federation.encode(rule), as: UTF8.self),
                    actor.username, now,
                ]
            )
            try audit.record(
                db,
                actor,
                action: "alert.rule.create",
                target: rule.id,
                detail: "\(rule.kind.rawValue) unit=\(rule.unit)"
            )
        }
        await refreshAlertsQuietly()
        return AlertRuleView(rule: rule, kindName: rule.kind.vietnameseName, createdBy: actor.username, createdAt: now)
    }

    /// Rules set by the actor's unit or units below it.
    package func alertRules(for actor: Actor) async throws -> [AlertRuleView] {
        try requireRuleMaker(actor)
        return try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_rules WHERE removed_at IS NULL ORDER BY created_at, id")
                .compactMap { row -> AlertRuleView? in
                    let rule = try JSONDecoder.federation.decode(
                        AlertRule.self,
                        from: Data((row["body"] as String).utf8)
                    )
                    guard tree.isInSubtree(rule.unit, of: actor.unit) else { return nil }
                    return AlertRuleView(
                        rule: rule,
                        kindName: rule.kind.vietnameseName,
                        createdBy: row["created_by"],
                        createdAt: row["created_at"]
                    )
                }
        }
    }

    /// Removes a rule of the actor's unit; its standing alerts clear.
    package func removeAlertRule(_ id: String, by actor: Actor) async throws {
        try requireRuleMaker(actor)
        try await database.pool.write { db in
            guard
                let unit = try String.fetchOne(
                    db,
                    sql: "SELECT unit FROM alert_rules WHERE id = ? AND removed_at IS NULL",
                    arguments: [id]
                ),
                tree.isInSubtree(unit, of: actor.unit)
            else { throw DomainError(.notFound(.alertRule)) }
            guard unit == actor.unit else {
                throw DomainError(.alertRuleOnlySetterRemoves)
            }
            let now = clock.now()
            try db.execute(sql: "UPDATE alert_rules SET removed_at = ? WHERE id = ?", arguments: [now, id])
            try db.execute(
                sql: "UPDATE alerts SET cleared_at = ? WHERE rule_id = ? AND cleared_at IS NULL",
                arguments: [now, id]
            )
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
    package func alerts(for actor: Actor, includeCleared: Bool) async throws -> [AlertView] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM alerts \(includeCleared ? "" : "WHERE cleared_at IS NULL") ORDER BY raised_at DESC, id LIMIT 5000"
            )
            .map(AlertView.init).filter { sees($0.audience, $0.unit, actor) }
        }
    }

    package func acknowledgeAlert(_ id: String, by actor: Actor) async throws -> AlertView {
        try await database.pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]),
                sees(AlertView(row).audience, row["unit"], actor)
            else {
                throw DomainError(.notFound(.alert))
            }
            if (row["acknowledged_at"] as Date?) == nil {
                try db.execute(
                    sql: "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
                    arguments: [actor.username, clock.now(), id]
                )
                try audit.record(db, actor, action: "alert.acknowledge", target: id)
            }
            return AlertView(try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id])!)
        }
    }

    // MARK: - Evaluation

    /// Re-evaluates every rule on what this node holds: new findings are raised (once per key),
    /// findings whose cause is gone are cleared. Returns (raised, cleared).
    @discardableResult
    func refreshAlerts(today: CalendarDate? = nil) async throws -> (raised: Int, cleared: Int) {
        let today = today ?? self.today
        return try await database.pool.write { db in try refreshAlerts(today: today, db) }
    }

    /// After data arrives: failures are logged, never passed to the caller (the data is in).
    func refreshAlertsQuietly() async {
        do {
            try await refreshAlerts()
        } catch {
            logger.error("alert evaluation failed", metadata: ["error": "\(error)"])
        }
    }

    /// After receiving messages: re-evaluates when task or report data was applied.
    func refreshAlerts(after messages: [Envelope], results: [MessageResult]) async {
        let watched: Set<MessageKind> = [
            .taskAssigned, .taskProgress, .taskReviewed, .reportApproved, .reportReturned, .assignmentCreated,
        ]
        let applied = Set(results.filter { $0.status == .applied && !$0.replayed }.map(\.id))
        guard messages.contains(where: { applied.contains($0.id) && watched.contains($0.kind) }) else { return }
        await refreshAlertsQuietly()
    }

    func refreshAlerts(today: CalendarDate, _ db: Database) throws -> (raised: Int, cleared: Int) {
        let rules = try String.fetchAll(db, sql: "SELECT body FROM alert_rules WHERE removed_at IS NULL")
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
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT id, cleared_at FROM alerts WHERE key = ?",
                arguments: [finding.key]
            ) {
                guard (row["cleared_at"] as Date?) != nil else { continue }
                // The cause came back: the same alert stands again, unacknowledged.
                try db.execute(
                    sql:
                        "UPDATE alerts SET cleared_at = NULL, acknowledged_by = NULL, acknowledged_at = NULL, mailed_at = NULL, raised_at = ?, message = ?, message_en = ? WHERE key = ?",
                    arguments: [now, finding.message, finding.messageEN, finding.key]
                )
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO alerts (id, key, rule_id, kind, audience, unit, ref, period, message, message_en, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        UUID().uuidString, finding.key, finding.rule, finding.kind.rawValue, finding.audience.rawValue,
                        finding.unit, finding.ref,
                        finding.period, finding.message, finding.messageEN, now,
                    ]
                )
            }
            raised += 1
        }
        // Parked-message alerts are raised and cleared by the inbox, silent-node ones by the
        // node watch, not by rules.
        for row in try Row.fetchAll(
            db,
            sql: "SELECT id, key FROM alerts WHERE cleared_at IS NULL AND kind NOT IN (?, ?)",
            arguments: [AlertKind.parkedMessage.rawValue, AlertKind.silentNode.rawValue]
        )
        where !standing.contains(row["key"] as String) {
            try db.execute(sql: "UPDATE alerts SET cleared_at = ? WHERE id = ?", arguments: [now, row["id"] as String])
            cleared += 1
        }
        return (raised, cleared)
    }

    /// What units owe: every task's assignees (with their derived status) and, for rules on a
    /// form, each assigned unit's report (done once approved).
    private func obligations(for rules: [AlertRule], today: CalendarDate, _ db: Database) throws -> [Obligation] {
        var obligations: [Obligation] = []
        let records = Dictionary(uniqueKeysWithValues: try TaskRecord.fetchAll(db).map { ($0.id, $0) })
        for row in try Row.fetchAll(db, sql: "SELECT task_id, unit FROM task_units ORDER BY task_id, unit") {
            guard let record = records[row["task_id"]] else { continue }
            let unit: String = row["unit"]
            let status = try facts(record, unit: unit, db).status(today: today)
            obligations.append(Obligation(task: record.notice(units: [unit]), unit: unit, status: status))
        }
        let forms = Set(
            rules.filter { $0.kind != .abnormalValue && $0.question == nil }.compactMap { rule in
                rule.formCode.map { "\(rule.formOwner ?? "")|\($0)" }
            }
        )
        guard !forms.isEmpty else { return obligations }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.assigned_by, a.form_code, a.deadline, u.unit, r.state FROM assignments a
                JOIN assignment_units u ON u.assignment_id = a.id
                LEFT JOIN reports r ON r.assignment_id = a.id AND r.unit = u.unit
                """
        ) {
            let owner: String = row["assigned_by"]
            let code: String = row["form_code"]
            guard forms.contains("\(owner)|\(code)"), let deadline = CalendarDate(row["deadline"] as String) else {
                continue
            }
            obligations.append(
                Obligation(
                    source: .form,
                    ref: row["id"],
                    title: code,
                    unit: row["unit"],
                    deadline: deadline,
                    done: (row["state"] as String?) == ReportState.approved.rawValue,
                    percent: nil,
                    formOwner: owner,
                    formCode: code
                )
            )
        }
        return obligations
    }

    /// The numbers of approved reports for the questions that abnormal-value rules watch.
    private func observations(for rules: [AlertRule], _ db: Database) throws -> [Observation] {
        var observations: [Observation] = []
        let watched = rules.filter { $0.kind == .abnormalValue }
        let forms = Set(watched.compactMap { rule in rule.formCode.map { "\(rule.formOwner ?? "")|\($0)" } })
        guard !forms.isEmpty else { return [] }
        let questions = Set(watched.compactMap(\.question))
        for report in try ReportRecord.filter(Column("state") == ReportState.approved.rawValue).fetchAll(db) {
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

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import NIOCore
import Reporting

/// A report as the API shows it.
package struct ReportView: Codable, Sendable {
    package let id: String
    package let assignment: String
    package let formOwner: String
    package let form: String
    package let formVersion: Int
    package let period: String
    package let unit: String
    package let state: ReportState
    let stateName: String
    package let answers: Answers
    package let version: Int
    let approvalCount: Int
    package let updatedAt: Date
    package let approvedBy: String?
    package let approvedAt: Date?
    /// True when the report came from a node below (signed by the approving node).
    let received: Bool
    package var history: [HistoryEntry]?
    package var corrections: [CorrectionView]?
    package var evidence: [Evidence]?
    /// Where its latest approval went (from the receipts that came back), and where the latest
    /// return decided here went; only on a single report's view.
    package var journey: Journey?
    package var returnJourney: Journey?

    init(_ record: ReportRecord) {
        id = record.id
        assignment = record.assignmentId
        formOwner = record.formOwner
        form = record.formCode
        formVersion = record.formVersion
        period = record.period
        unit = record.unit
        state = record.state
        stateName = record.state.vietnameseName
        answers = record.answers
        version = record.version
        approvalCount = record.approvalCount
        updatedAt = record.updatedAt
        approvedBy = record.approvedBy
        approvedAt = record.approvedAt
        received = !record.hostedHere
    }
}

/// A quarterly or yearly report's values computed from the unit's approved monthly reports.
package struct RollupView: Codable, Sendable {
    struct Month: Codable, Sendable {
        let period: String
        let report: String
    }

    let period: String
    let monthlyForm: String
    let months: [Month]
    /// Months without an approved monthly report (their values are missing from the totals).
    let missing: [String]
    let answers: Answers
}

/// A change the unit leader made to submitted data before approving it.
package struct CorrectionView: Codable, Sendable {
    package let question: String
    package let old: String?
    package let new: String?
    package let actor: String
    package let at: Date
}

/// Filters of the report lists.
package struct ReportFilter: Sendable {
    package var assignment: String?
    package var owner: String?
    package var form: String?
    package var period: String?
    package var state: ReportState?
    package var unit: String?

    package init(
        assignment: String? = nil,
        owner: String? = nil,
        form: String? = nil,
        period: String? = nil,
        state: ReportState? = nil,
        unit: String? = nil
    ) {
        self.assignment = assignment
        self.owner = owner
        self.form = form
        self.period = period
        self.state = state
        self.unit = unit
    }
    /// A page: at most `limit` reports (1–1000) after skipping `offset`.
    package var limit = 200
    package var offset = 0
}

package struct NewReport: Codable, Sendable {
    var assignment: String

    package init(assignment: String) {
        self.assignment = assignment
    }
}

package struct ReportUpdate: Codable, Sendable {
    var answers: Answers
    /// The version the client last read; a stale one is refused.
    var version: Int

    package init(answers: Answers, version: Int) {
        self.answers = answers
        self.version = version
    }
}

package struct ReportTransition: Codable, Sendable {
    var message: String?

    package init(message: String? = nil) {
        self.message = message
    }

    static let longestMessage = 2_000

    /// The message, trimmed; refused when too long (it travels in the signed report).
    func checkedMessage() throws -> String? {
        guard let text = message?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        guard text.count <= Self.longestMessage else {
            throw DomainError(.messageTooLong(limit: Self.longestMessage), details: ["message": "too_long"])
        }
        return text
    }
}

/// Reports (báo cáo) and their workflow: a unit's report for an assignment opened, filled,
/// corrected, submitted to its leader, approved (signed by this node and sent up toward the
/// form's owner) or returned for revision, with its history, corrections, evidence and journey.
/// Its own service so that the workflow reaches only the shared context, the evidence files, the
/// node's signing key, the stored forms and the alerts.
package struct Reports: ReportAccess {
    let context: NodeContext
    /// Evidence files, next to the database, and what the node accepts of them.
    let evidence: EvidenceStore
    let evidencePolicy: EvidencePolicy
    /// The node's certificate and key: approvals are signed with the current one.
    let identity: NodeTLSIdentity
    /// The stored forms a report's answers must fit.
    let forms: Forms
    /// Brought up to date after a change.
    let alerts: NodeAlerts

    /// Signs with the current certificate's key.
    var signer: PayloadSigner { identity.current.signer }
    /// The evidence files of the reports, with the same store and policy.
    var attachments: ReportEvidence {
        ReportEvidence(context: context, evidence: evidence, evidencePolicy: evidencePolicy)
    }

    func form(owner: String, code: String, version: Int, _ db: Database) throws -> Form? {
        try forms.form(owner: owner, code: code, version: version, db)
    }

    /// What `actor` may do with a report here (the pages show their buttons from it).
    package func actions(on report: ReportView, for actor: Actor) -> ReportActions {
        ReportActions(ReportFacts(report, tree: tree), by: ReportActor(actor))
    }

    /// Opens the one report of the actor's unit for an assignment (a draft).
    package func create(_ request: NewReport, by actor: Actor) async throws -> ReportView {
        try requireRight(for: .create, actor)
        return try await database.pool.write { db in
            guard let assignment = try AssignmentRecord.fetchOne(db, key: request.assignment),
                try AssignmentStore.isAssigned(actor.unit, to: assignment.id, db)
            else {
                throw DomainError(.assignmentNotForYourUnit, details: ["assignment": "unknown"])
            }
            if let existing = try ReportStore.report(
                unit: actor.unit,
                formOwner: assignment.assignedBy,
                formCode: assignment.formCode,
                period: assignment.period,
                db
            ) {
                throw DomainError(.reportAlreadyCreated, details: ["report": existing.id])
            }
            let now = clock.now()
            // A quarterly or yearly report starts from its unit's monthly reports, to be checked before sending.
            let rolled =
                try rollup(
                    unit: actor.unit,
                    owner: assignment.assignedBy,
                    code: assignment.formCode,
                    version: assignment.formVersion,
                    period: assignment.period,
                    db
                )?.answers ?? Answers()
            let prefill =
                try form(owner: assignment.assignedBy, code: assignment.formCode, version: assignment.formVersion, db)
                .map { rolled.fitting($0) } ?? Answers()
            let record = ReportRecord(
                id: UUID().uuidString,
                assignmentId: assignment.id,
                formOwner: assignment.assignedBy,
                formCode: assignment.formCode,
                formVersion: assignment.formVersion,
                period: assignment.period,
                unit: actor.unit,
                state: .draft,
                answers: prefill,
                version: 1,
                hostedHere: true,
                createdBy: actor.username,
                createdAt: now,
                updatedAt: now,
                submittedAt: nil,
                approvedAt: nil,
                approvedBy: nil,
                approvalCount: 0,
                signed: nil
            )
            try record.insert(db)
            try event(db, record.id, "create", actor, from: nil, to: .draft, message: nil)
            return ReportView(record)
        }
    }

    /// A report the actor may read (of its unit or a unit below), with its history, corrections and evidence.
    package func report(_ id: String, for actor: Actor) async throws -> ReportView {
        try await database.pool.write { db in
            let record = try readable(id, actor, db)
            var view = ReportView(record)
            view.history = try history(of: id, db)
            view.corrections = try ReportStore.corrections(of: id, db)
                .map {
                    CorrectionView(
                        question: $0.question,
                        old: $0.oldValue,
                        new: $0.newValue,
                        actor: $0.actor,
                        at: $0.at
                    )
                }
            view.evidence = try evidence(of: id, db)
            view.journey = try approvalJourney(of: record, db)
            view.returnJourney = try returnJourney(of: record, db)
            try audit.record(db, actor, action: "report.read", target: id)
            return view
        }
    }

    package func list(visibleTo actor: Actor, filter: ReportFilter) async throws -> [ReportView] {
        guard actor.holds(.viewReports) || actor.holds(.enterData) else { throw DomainError(.notAllowed) }
        if let unit = filter.unit, !tree.isInSubtree(unit, of: actor.unit) {
            throw DomainError(.reportsOutsideYourSubtree)
        }
        let scope = filter.unit ?? actor.unit
        // The subtree is filtered in SQL (nothing to filter at the root), then a page is read.
        let units = scope == tree.root.code ? nil : tree.subtree(of: scope).map(\.code)
        return try await database.pool.read { db in
            try ReportStore.page(units: units, filter, db).map { ReportView($0) }
        }
    }

    /// Saves answers: data entry on a draft or returned report; the unit leader on a submitted
    /// one, each changed answer recorded as a correction (who, when, old → new). A stale version
    /// is refused.
    package func update(_ id: String, _ update: ReportUpdate, by actor: Actor) async throws -> ReportView {
        try await database.pool.write { db in
            var record = try readable(id, actor, db)
            let correcting = record.state == .submitted
            try permitted(ReportActions.editAction(in: record.state), record, actor)
            guard update.version == record.version else {
                throw DomainError(.reportChanged, details: ["version": "\(record.version)"])
            }
            guard let form = try form(owner: record.formOwner, code: record.formCode, version: record.formVersion, db)
            else { throw DomainError(.notFound(.form)) }
            let answers: Answers
            switch update.answers.validated(against: form) {
            case .success(let valid): answers = valid
            case .failure(let problems):
                throw DomainError(.answersInvalid, details: problems.byQuestion)
            }
            if correcting {
                // Stored answers come back unshaped (a choice reads as text): compare them shaped.
                let before = (try? record.answers.validated(against: form).get()) ?? record.answers
                let changed = Set(answers.values.keys).union(before.values.keys).filter { answers[$0] != before[$0] }
                    .sorted()
                guard !changed.isEmpty else { return ReportView(record) }
                let now = clock.now()
                for question in changed {
                    let correction = CorrectionRecord(
                        id: nil,
                        reportId: id,
                        question: question,
                        oldValue: try Self.text(record.answers[question]),
                        newValue: try Self.text(answers[question]),
                        actor: actor.username,
                        at: now
                    )
                    try correction.insert(db)
                }
                try event(
                    db,
                    id,
                    "correct",
                    actor,
                    from: record.state,
                    to: record.state,
                    message: "Sửa: \(changed.joined(separator: ", "))"
                )
            } else if let last = try ReportStore.lastEvent(of: id, db), last.action == "save",
                last.actor == actor.username
            {
                // Saving again and again is one step of the history (the audit trail keeps each save).
                try ReportStore.moveEvent(last.id, to: clock.now(), db)
                try audit.record(db, actor, action: "report.save", target: id)
            } else {
                try event(db, id, "save", actor, from: record.state, to: record.state, message: nil)
            }
            record.answers = answers
            record.version += 1
            record.updatedAt = clock.now()
            try record.update(db)
            return ReportView(record)
        }
    }

    /// Deletes a draft (nothing else is ever deleted).
    package func delete(_ id: String, by actor: Actor) async throws {
        try requireRight(for: .delete, actor)
        try await database.pool.write { db in
            let record = try readable(id, actor, db)
            try permitted(.delete, record, actor)
            try ReportStore.deleteHistory(of: id, db)
            _ = try record.delete(db)
            try audit.record(db, actor, action: "report.delete", target: id)
        }
    }

    /// What a report's period rolls up from the unit's approved monthly reports, or nil when its
    /// form does not roll up.
    package func rollup(of id: String, for actor: Actor) async throws -> RollupView {
        try await database.pool.read { db in
            let record = try readable(id, actor, db)
            guard
                let view = try rollup(
                    unit: record.unit,
                    owner: record.formOwner,
                    code: record.formCode,
                    version: record.formVersion,
                    period: record.period,
                    db
                )
            else {
                throw DomainError(.formDoesNotRollUp)
            }
            return view
        }
    }

    func rollup(
        unit: String,
        owner: String,
        code: String,
        version: Int,
        period text: String,
        _ db: Database
    ) throws -> RollupView? {
        guard let form = try form(owner: owner, code: code, version: version, db), let monthly = form.rollupOf,
            let period = Period(text)
        else { return nil }
        let months = period.months.map(\.description)
        let reports = try ReportStore.approvedMonthlies(
            unit: unit,
            formOwner: owner,
            formCode: monthly,
            months: months,
            db
        )
        let used = Set(reports.map(\.period))
        return RollupView(
            period: period.description,
            monthlyForm: monthly,
            months: reports.map { RollupView.Month(period: $0.period, report: $0.id) },
            missing: months.filter { !used.contains($0) },
            answers: Rollup.answers(for: form, from: reports.map(\.answers))
        )
    }

    func history(of id: String, _ db: Database) throws -> [HistoryEntry] {
        try ReportStore.events(of: id, db).map(\.entry)
    }

    func evidence(of id: String, _ db: Database) throws -> [Evidence] {
        try AttachmentStore.files(of: id, db).map(\.evidence)
    }

    func event(
        _ db: Database,
        _ id: String,
        _ action: String,
        _ actor: Actor,
        from: ReportState?,
        to: ReportState?,
        message: String?
    ) throws {
        try ReportEventRecord.keep(
            HistoryEntry(
                action: action,
                actor: actor.username,
                unit: actor.unit,
                from: from,
                to: to,
                message: message,
                at: clock.now()
            ),
            of: id,
            db
        )
        try audit.record(db, actor, action: "report.\(action)", target: id)
    }

    /// An answer as JSON text, for the corrections log.
    private static func text(_ answer: Answer?) throws -> String? {
        try answer.map { String(decoding: try JSONEncoder.federation.encode($0), as: UTF8.self) }
    }
}

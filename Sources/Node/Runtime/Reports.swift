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

extension LocalNode {
    /// Opens the one report of the actor's unit for an assignment (a draft).
    package func createReport(_ request: NewReport, by actor: Actor) async throws -> ReportView {
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
                try forms.form(
                    owner: assignment.assignedBy,
                    code: assignment.formCode,
                    version: assignment.formVersion,
                    db
                )
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

    package func reports(visibleTo actor: Actor, filter: ReportFilter) async throws -> [ReportView] {
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
    package func updateReport(_ id: String, _ update: ReportUpdate, by actor: Actor) async throws -> ReportView {
        try await database.pool.write { db in
            var record = try readable(id, actor, db)
            let correcting = record.state == .submitted
            try permitted(ReportActions.editAction(in: record.state), record, actor)
            guard update.version == record.version else {
                throw DomainError(.reportChanged, details: ["version": "\(record.version)"])
            }
            guard
                let form = try forms.form(
                    owner: record.formOwner,
                    code: record.formCode,
                    version: record.formVersion,
                    db
                )
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
    package func deleteReport(_ id: String, by actor: Actor) async throws {
        try requireRight(for: .delete, actor)
        try await database.pool.write { db in
            let record = try readable(id, actor, db)
            try permitted(.delete, record, actor)
            try ReportStore.deleteHistory(of: id, db)
            _ = try record.delete(db)
            try audit.record(db, actor, action: "report.delete", target: id)
        }
    }

    /// Sends the report to the unit leader; refused while required answers are missing.
    /// `files` (the submit dialog's evidence) are recorded with the step, all or none: a refused
    /// step leaves nothing attached, so sending again does not attach them twice.
    package func submitReport(
        _ id: String,
        _ request: ReportTransition,
        files: [(name: String, data: ByteBuffer)] = [],
        by actor: Actor
    ) async throws -> ReportView {
        try requireRight(for: .submit, actor)
        let uploads = try await storedEvidence(files, for: id, by: actor)
        return try await database.pool.write { db in
            var record = try readable(id, actor, db)
            let next = try permitted(.submit, record, actor)
            guard
                let form = try forms.form(
                    owner: record.formOwner,
                    code: record.formCode,
                    version: record.formVersion,
                    db
                )
            else { throw DomainError(.notFound(.form)) }
            // Answers are checked again: the form's rules hold whatever path the answers took.
            let answers: Answers
            switch record.answers.validated(against: form) {
            case .success(let valid): answers = valid
            case .failure(let problems): throw DomainError(.answersInvalid, details: problems.byQuestion)
            }
            let missing = record.answers.missingRequired(in: form)
            guard missing.isEmpty else {
                throw DomainError(
                    .requiredUnanswered(missing.map(\.text)),
                    details: Dictionary(uniqueKeysWithValues: missing.map { ($0.id, "Bắt buộc") })
                )
            }
            if let refusal = DomainError(brokenRules: form.violations(in: answers)) { throw refusal }
            _ = try recordEvidence(uploads, on: id, by: actor, db)
            let from = record.state
            record.state = next
            record.submittedAt = clock.now()
            record.updatedAt = clock.now()
            record.version += 1
            try record.update(db)
            try event(db, id, "submit", actor, from: from, to: next, message: try request.checkedMessage())
            return ReportView(record)
        }
    }

    /// The unit leader approves: the report, its history and its evidence list are signed by this
    /// node and, in the same transaction, queued to travel up toward the unit that assigned it.
    /// `files` (the approval dialog's evidence) are recorded with the step, all or none, and
    /// signed with the rest.
    package func approveReport(
        _ id: String,
        _ request: ReportTransition,
        files: [(name: String, data: ByteBuffer)] = [],
        by actor: Actor
    ) async throws -> ReportView {
        try requireRight(for: .approve, actor)
        let uploads = try await storedEvidence(files, for: id, by: actor)
        let view = try await database.pool.write { db -> ReportView in
            var record = try readable(id, actor, db)
            let next = try permitted(.approve, record, actor)
            // The leader's corrections are held to the form's blocking rules too.
            if let form = try forms.form(
                owner: record.formOwner,
                code: record.formCode,
                version: record.formVersion,
                db
            ),
                let answers = try? record.answers.validated(against: form).get(),
                let refusal = DomainError(brokenRules: form.violations(in: answers))
            {
                throw refusal
            }
            guard let period = Period(record.period) else {
                throw Refusal("stored period \(record.period) is unreadable")
            }
            _ = try recordEvidence(uploads, on: id, by: actor, db)
            let now = clock.now()
            let from = record.state
            record.state = next
            record.approvedAt = now
            record.approvedBy = actor.username
            record.approvalCount += 1
            record.updatedAt = now
            record.version += 1
            let message = try request.checkedMessage()
            try event(db, id, "approve", actor, from: from, to: next, message: message)
            let approved = ApprovedReport(
                reportId: record.id,
                assignmentId: record.assignmentId,
                formOwner: record.formOwner,
                formCode: record.formCode,
                formVersion: record.formVersion,
                period: period,
                unit: record.unit,
                answers: record.answers,
                approvedBy: actor.username,
                approvedAt: now,
                message: message,
                approvalCount: record.approvalCount,
                history: try history(of: id, db),
                evidence: try evidence(of: id, db)
            )
            let signed = try signer.sign(try JSONEncoder.federation.encode(approved))
            record.signed = String(decoding: try JSONEncoder.federation.encode(signed), as: UTF8.self)
            try record.update(db)
            // Up toward the unit that assigned (and owns) the form, unless it is hosted here.
            if !hosts(record.formOwner) {
                try enqueueUp(db, kind: .reportApproved, unit: record.unit, body: signed)
            }
            return ReportView(record)
        }
        outboxSignal.notify()
        await alerts.refreshQuietly()
        return view
    }

    /// Returns a report for revision, with a reason: the unit leader returns a submitted report of
    /// its unit; the form's owner or the unit's direct parent returns an approved one, and that
    /// decision travels down to the reporting unit's node and up to the form's owner.
    /// Files sent with the decision (the return dialog's) are checked and stored first and named
    /// by it; a refused decision leaves only unreferenced content, which the evidence sweep removes.
    package func returnReport(
        _ id: String,
        _ request: ReportTransition,
        files: [(name: String, data: ByteBuffer)] = [],
        by actor: Actor
    ) async throws -> ReportView {
        try requireRight(for: .return, actor)
        guard let reason = try request.checkedMessage() else {
            throw DomainError(.returnReasonRequired, details: ["message": "required"])
        }
        var attached: [Evidence] = []
        if !files.isEmpty {
            // Refuse before storing a byte when the report cannot be returned by this actor (a
            // state that cannot be returned is refused by the write below, after the files' names).
            try await database.pool.read { db in
                let facts = ReportFacts(try self.readable(id, actor, db), tree: self.tree)
                switch ReportActions.decide(.return, on: facts, by: ReportActor(actor)) {
                case .success, .failure(.state): break
                case .failure(let refusal): throw refusal.domainError
                }
            }
            for file in files {
                let (fileName, contentType) = try evidencePolicy.checkedName(file.name)
                let stored = try await evidence.accept([file.data].asyncSequence, under: evidencePolicy)
                attached.append(
                    Evidence(
                        id: UUID().uuidString,
                        stage: .return,
                        fileName: fileName,
                        contentType: contentType,
                        size: stored.size,
                        sha256: stored.sha256
                    )
                )
            }
        }
        let view = try await database.pool.write { [attached] db -> ReportView in
            var record = try readable(id, actor, db)
            let next = try permitted(.return, record, actor)
            guard
                try AttachmentStore.count(of: id, db) + attached.count
                    <= Self.evidencePerReport
            else {
                throw DomainError(.tooManyEvidenceFiles(limit: Self.evidencePerReport))
            }
            if record.state == .submitted {
                record.state = next
                record.version += 1
                record.updatedAt = clock.now()
                try record.update(db)
                try event(db, id, "return", actor, from: .submitted, to: next, message: reason)
                try keepReturnEvidence(attached, of: id, by: actor.username, at: record.updatedAt, db)
                return ReportView(record)
            }
            let entry = HistoryEntry(
                action: "return",
                actor: actor.username,
                unit: actor.unit,
                from: .approved,
                to: .returned,
                message: reason,
                at: clock.now()
            )
            let decision = ReviewDecision(
                reportId: id,
                unit: record.unit,
                approvalCount: record.approvalCount,
                entry: entry,
                evidence: attached.isEmpty ? nil : attached
            )
            _ = try apply(decision, arrivedFrom: nil, db)
            try audit.record(db, actor, action: "report.return", target: id, detail: reason)
            return ReportView(try ReportRecord.fetchOne(db, key: id) ?? record)
        }
        outboxSignal.notify()
        return view
    }

    /// Records the files of a return decision on the report, once; their content must be here.
    ///
    /// Content already held for other reports, anywhere, is recorded for this one too (one letter
    /// attached in two provinces is normal): a child naming content gains no right to fetch it
    /// (`mayFetchReturnEvidence`). From the parent, a file that could not be fetched parks the
    /// decision with that reason instead of holding up everything behind it.
    func keepReturnEvidence(
        _ items: [Evidence],
        of id: String,
        by actor: String,
        at: Date,
        arrivedFrom direction: Direction? = nil,
        _ db: Database
    ) throws {
        for item in items {
            if let held = try EvidenceRecord.fetchOne(db, key: item.id) {
                guard held.reportId == id, held.sha256 == item.sha256 else {
                    throw Refusal("evidence id \(item.id) already names another file or report")
                }
                continue
            }
            guard evidence.contains(item.sha256, size: item.size) else {
                if direction == .fromParent {
                    throw Refusal(
                        "evidence file \(item.fileName) (\(item.sha256)) could not be fetched from the parent"
                    )
                }
                throw EvidenceMissing(fileName: item.fileName, sha256: item.sha256)
            }
            try EvidenceRecord(
                id: item.id,
                reportId: id,
                stage: .return,
                fileName: item.fileName,
                contentType: evidencePolicy.contentType(of: item.fileName) ?? "application/octet-stream",
                size: item.size,
                sha256: item.sha256,
                uploadedBy: actor,
                at: at
            ).insert(db)
        }
    }

    /// Applies a return decision to this node's copy and passes it on: down toward the reporting
    /// unit's node and up toward the form's owner, never back where it came from. A decision
    /// about an earlier approval changes nothing.
    func apply(_ decision: ReviewDecision, arrivedFrom direction: Direction?, _ db: Database) throws -> Effect {
        guard var record = try ReportRecord.fetchOne(db, key: decision.reportId), record.unit == decision.unit else {
            throw Refusal("report \(decision.reportId) of \(decision.unit) is not held here")
        }
        let returner = decision.entry.unit
        guard ReportFacts(record, tree: tree).isReviewer(returner) else {
            throw Refusal("unit \(returner) may not return reports of \(record.unit)")
        }
        guard decision.approvalCount == record.approvalCount, record.state == .approved else {
            // Kept for the record (a second reason is still read), but marked as changing nothing.
            let entry = decision.entry
            try ReportEventRecord.keep(
                HistoryEntry(
                    id: entry.id,
                    action: "return-superseded",
                    actor: entry.actor,
                    unit: entry.unit,
                    from: nil,
                    to: nil,
                    message: entry.message,
                    at: entry.at
                ),
                of: record.id,
                db
            )
            return Effect(
                detail:
                    "return of approval \(decision.approvalCount) of report \(record.id) superseded (now approval \(record.approvalCount), \(record.state.rawValue))"
            )
        }
        try ReportEventRecord.keep(decision.entry, of: record.id, db)
        try keepReturnEvidence(
            decision.evidence ?? [],
            of: record.id,
            by: decision.entry.actor,
            at: decision.entry.at,
            arrivedFrom: direction,
            db
        )
        record.state = .returned
        record.version += 1
        record.updatedAt = clock.now()
        try record.update(db)
        var effect = Effect(detail: "report \(record.id) returned by \(returner)")
        if direction != .fromChild, !hosts(record.unit), let child = deployment.childNode(of: node, toward: record.unit)
        {
            try appendToFeed(db, audience: child.unit, kind: .reportReturned, unit: record.unit, body: decision)
            effect.feed = true
        }
        if direction != .fromParent, !hosts(record.formOwner), tree.isBelow(unit, record.formOwner) {
            try enqueueUp(db, kind: .reportReturned, unit: record.unit, body: decision)
            effect.outbox = true
        }
        return effect
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
        guard let form = try forms.form(owner: owner, code: code, version: version, db), let monthly = form.rollupOf,
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

    func readable(_ id: String, _ actor: Actor, _ db: Database) throws -> ReportRecord {
        guard actor.holds(.viewReports) || actor.holds(.enterData), let record = try ReportRecord.fetchOne(db, key: id),
            tree.isInSubtree(record.unit, of: actor.unit)
        else { throw DomainError(.notFound(.report)) }
        return record
    }

    private func event(
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

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import NIOCore
import Reporting

/// The steps that move a report on: submitted to the unit leader, approved and sent up, returned
/// for revision (here, or by a decision that arrives from above or below).
extension Reports {
    /// Sends the report to the unit leader; refused while required answers are missing.
    /// `files` (the submit dialog's evidence) are recorded with the step, all or none: a refused
    /// step leaves nothing attached, so sending again does not attach them twice.
    package func submit(
        _ id: String,
        _ request: ReportTransition,
        files: [(name: String, data: ByteBuffer)] = [],
        by actor: Actor
    ) async throws -> ReportView {
        try requireRight(for: .submit, actor)
        let uploads = try await attachments.stored(files, for: id, by: actor)
        return try await database.pool.write { db in
            var record = try readable(id, actor, db)
            let next = try permitted(.submit, record, actor)
            guard let form = try form(owner: record.formOwner, code: record.formCode, version: record.formVersion, db)
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
            _ = try attachments.record(uploads, on: id, by: actor, db)
            let from = record.state
            record.state = next
            record.submittedAt = clock.now()
            record.updatedAt = clock.now()
            record.version += 1
            try record.update(db)
            try forms.keptFigures.refresh(assignment: record.assignmentId, unit: record.unit, db)
            try event(db, id, "submit", actor, from: from, to: next, message: try request.checkedMessage())
            return ReportView(record)
        }
    }

    /// The unit leader approves: the report, its history and its evidence list are signed by this
    /// node and, in the same transaction, queued to travel up toward the unit that assigned it.
    /// `files` (the approval dialog's evidence) are recorded with the step, all or none, and
    /// signed with the rest.
    package func approve(
        _ id: String,
        _ request: ReportTransition,
        files: [(name: String, data: ByteBuffer)] = [],
        by actor: Actor
    ) async throws -> ReportView {
        try requireRight(for: .approve, actor)
        let uploads = try await attachments.stored(files, for: id, by: actor)
        let view = try await database.pool.write { db -> ReportView in
            var record = try readable(id, actor, db)
            let next = try permitted(.approve, record, actor)
            // The leader's corrections are held to the form's blocking rules too.
            if let form = try form(owner: record.formOwner, code: record.formCode, version: record.formVersion, db),
                let answers = try? record.answers.validated(against: form).get(),
                let refusal = DomainError(brokenRules: form.violations(in: answers))
            {
                throw refusal
            }
            guard let period = Period(record.period) else {
                throw Refusal("stored period \(record.period) is unreadable")
            }
            _ = try attachments.record(uploads, on: id, by: actor, db)
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
            try forms.keptFigures.refresh(assignment: record.assignmentId, unit: record.unit, db)
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
    package func `return`(
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
                    <= ReportEvidence.perReport
            else {
                throw DomainError(.tooManyEvidenceFiles(limit: ReportEvidence.perReport))
            }
            if record.state == .submitted {
                record.state = next
                record.version += 1
                record.updatedAt = clock.now()
                try record.update(db)
                try forms.keptFigures.refresh(assignment: record.assignmentId, unit: record.unit, db)
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
            return ReportView(try ReportStore.report(id: id, db) ?? record)
        }
        outboxSignal.notify()
        return view
    }

    /// Records the files of a return decision on the report, once; their content must be here.
    ///
    /// Content already held for other reports, anywhere, is recorded for this one too (one letter
    /// attached in two provinces is normal): a child naming content gains no right to fetch it
    /// (`ReportEvidence.mayFetchReturnFile`). From the parent, a file that could not be fetched parks the
    /// decision with that reason instead of holding up everything behind it.
    func keepReturnEvidence(
        _ items: [Evidence],
        of id: String,
        by actor: String,
        at: Date,
        arrivedFrom direction: Inbox.Direction? = nil,
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
    func apply(
        _ decision: ReviewDecision,
        arrivedFrom direction: Inbox.Direction?,
        _ db: Database
    ) throws -> Inbox.Effect {
        guard var record = try ReportStore.report(id: decision.reportId, db), record.unit == decision.unit else {
            throw Refusal("report \(decision.reportId) of \(decision.unit) is not held here")
        }
        // Its unit moves and its old node no longer serves it: the decision waits for its life here.
        if direction != .fromChild, try HandoverStore.moveAwaited(touching: record.unit, db) {
            guard direction == nil else { throw Refusal("unit \(record.unit) is moving: its reports have not come up") }
            throw DomainError(.handoverUnderWay(record.unit))
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
            return Inbox.Effect(
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
        try forms.keptFigures.refresh(assignment: record.assignmentId, unit: record.unit, db)
        var effect = Inbox.Effect(detail: "report \(record.id) returned by \(returner)")
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
}

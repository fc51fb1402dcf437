import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Applies messages from peers exactly once, keyed by (origin, message id) forever: a replay
/// returns the original result and changes nothing. A message that cannot be applied is parked
/// with its reason and does not hold back the ones behind it.
extension LocalNode {
    /// Which way a message travels, so that a parent cannot push reports nor a child assignments.
    package enum Direction {
        case fromChild
        case fromParent
    }

    /// Applies a batch in one transaction, one savepoint per message. Transient database failures
    /// abort the whole batch (nothing applied, the sender retries); refusals park one message.
    package func receive(
        _ messages: [Envelope],
        direction: Direction,
        cursor: (peer: String, position: Int64)? = nil,
        retrying: Bool = false
    ) async throws -> [MessageResult] {
        // Signatures are checked, and signed bodies decoded, before the write transaction and in
        // parallel, so that the writer is never held by crypto or decoding; messages already
        // received are answered from the inbox and need no check.
        let verifiedSigners = try await checkSignatures(of: messages, retrying: retrying)
        // A unit change swaps the live deployment inside the transaction (later messages of the
        // batch may concern the new unit); a failed batch rebuilds it from what was committed.
        let outcome = try await keepingUnitsInStep {
            try await database.pool.write { db -> (results: [MessageResult], feed: Bool, outbox: Bool) in
                var results: [MessageResult] = []
                var feedChanged = false
                var outboxChanged = false
                for message in messages {
                    let held = try InboxStore.held(origin: message.origin, id: message.id, db)
                    // A retry applies again only what is still parked (and not set aside).
                    var again = false
                    if retrying, held?.status == MessageResult.Status.parked.rawValue {
                        again = try ParkedStore.one(origin: message.origin, id: message.id, db)?.state == "parked"
                    }
                    if let held, !again {
                        let status = MessageResult.Status(rawValue: held.status) ?? .parked
                        results.append(
                            MessageResult(id: message.id, status: status, detail: held.detail, replayed: true)
                        )
                        continue
                    }
                    var result: MessageResult
                    do {
                        var effect = Effect()
                        try db.inSavepoint {
                            effect = try apply(message, direction: direction, signer: verifiedSigners[message.id], db)
                            return .commit
                        }
                        feedChanged = feedChanged || effect.feed
                        outboxChanged = outboxChanged || effect.outbox
                        result = MessageResult(id: message.id, status: .applied, detail: effect.detail)
                    } catch let error where !Self.parks(error) {
                        // Not a refusal of the message itself: the whole batch fails, nothing is
                        // applied or recorded, and the sender retries.
                        throw error
                    } catch {
                        result = MessageResult(id: message.id, status: .parked, detail: Self.reason(error))
                    }
                    if again {
                        try InboxStore.update(
                            origin: message.origin,
                            id: message.id,
                            status: result.status.rawValue,
                            detail: result.detail,
                            db
                        )
                    } else {
                        try InboxStore.record(
                            origin: message.origin,
                            id: message.id,
                            kind: message.kind.rawValue,
                            status: result.status.rawValue,
                            detail: result.detail,
                            at: clock.now(),
                            db
                        )
                    }
                    switch (result.status, again) {
                    case (.parked, false):
                        try ParkedStore.park(
                            message,
                            fromChild: direction == .fromChild,
                            reason: result.detail,
                            at: clock.now(),
                            db
                        )
                    case (.parked, true):
                        try ParkedStore.stillParked(
                            origin: message.origin,
                            id: message.id,
                            reason: result.detail,
                            at: clock.now(),
                            db
                        )
                    case (.applied, true):
                        try ParkedStore.applied(origin: message.origin, id: message.id, at: clock.now(), db)
                    case (.applied, false): break
                    }
                    let sent = try recordFate(
                        of: message,
                        direction: direction,
                        result: result,
                        trace: try? verifiedSigners[message.id]?.get().report?.get().trace,
                        db
                    )
                    feedChanged = feedChanged || sent.feed
                    outboxChanged = outboxChanged || sent.outbox
                    results.append(result)
                }
                if let cursor {
                    try PeerStore.noteContact(cursor.peer, cursor: cursor.position, at: clock.now(), db)
                }
                return (results, feedChanged, outboxChanged)
            }
        }
        if outcome.outbox { outboxSignal.notify() }
        await alerts.refresh(after: messages, results: outcome.results)
        // Logged only once committed: "parked" in the log means parked in the inbox.
        for (message, result) in zip(messages, outcome.results)
        where result.status == .parked && !result.replayed && !retrying {
            logger.warning(
                "parked message",
                metadata: [
                    "peer": "\(message.origin)", "message": "\(message.id)", "kind": "\(message.kind)",
                    "reason": "\(result.detail)",
                ]
            )
        }
        for (message, result) in zip(messages, outcome.results) where result.status == .applied {
            logger.debug(
                result.replayed ? "replayed message" : "applied message",
                metadata: [
                    "peer": "\(message.origin)", "message": "\(result.id)", "kind": "\(message.kind)",
                    "detail": "\(result.detail)",
                ]
            )
        }
        if !retrying, ParkedMessages.mayUnpark(messages, outcome.results) {
            await parked.retryAll()
        }
        return outcome.results
    }

    /// What applying one message did.
    struct Effect {
        var detail = ""
        var feed = false
        var outbox = false
    }

    /// A signed message (an approved report, a revocation) as checked before the write
    /// transaction: its body decoded once, who signed it, and for a report what the writer needs.
    struct SignedArrival: Sendable {
        let signed: SignedPayload
        /// The signer's chain as validated before the transaction. Who signed is read from it by
        /// `signer(judgedBy:)` in the writer: a revocation applied in between (earlier in the
        /// same batch, or by a batch that committed meanwhile) holds.
        let chain: ValidatedChain
        /// The signer certificate's fingerprint, as `signer_certificates` keeps it.
        let signerFingerprint: String
        /// For an approved report: the report with its columns encoded, or why it could not be
        /// decoded (a refusal of the message, met after its signature was found good).
        let report: Result<PreparedReport, any Error>?

        /// The signer, judged again against the revocations and the tree as they stand now.
        func signer(judgedBy trust: ChainTrust) throws -> NodeIdentity { try trust.judge(chain) }
    }

    /// An approved report decoded from its signed payload, with what is written of it encoded
    /// once, off the writer.
    struct PreparedReport: Sendable {
        let report: ApprovedReport
        let answersColumn: String
        let signedText: String
        let trace: MessageTrace

        init(_ signed: SignedPayload) throws {
            report = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
            answersColumn = try ReceivedReportStore.answersColumn(report.answers)
            signedText = String(decoding: try JSONEncoder.federation.encode(signed), as: UTF8.self)
            trace = MessageTrace(report: report.reportId, approval: report.approvalCount)
        }
    }

    /// Checks the signatures of a batch's signed messages not received before: each body decoded
    /// once; each signer's first sighting read in one read for the whole batch; the checks spread
    /// over the cores, each signer's chain validated once (`VerifiedSigners`), and approved
    /// reports decoded and encoded for the writer in the same pass.
    private func checkSignatures(
        of messages: [Envelope],
        retrying: Bool
    ) async throws -> [String: Result<SignedArrival, any Error>] {
        let signedKinds: Set<MessageKind> = [.reportApproved, .pkiRevoked]
        let candidates = messages.filter { signedKinds.contains($0.kind) }
        guard !candidates.isEmpty else { return [:] }
        let signers = revocations.verifiedSigners
        var results: [String: Result<SignedArrival, any Error>] = [:]
        var decoded: [(message: Envelope, signed: SignedPayload, fingerprint: String)] = []
        for message in candidates {
            do {
                let signed = try JSONDecoder.federation.decode(SignedPayload.self, from: message.body)
                decoded.append((message, signed, try signers.fingerprint(of: signed.signerCertificate)))
            } catch {
                results[message.id] = .failure(error)
            }
        }
        let fingerprints = Set(decoded.map(\.fingerprint))
        let (seen, firstSeen) = try await database.pool.read { db in
            let seen = try Set(
                candidates.filter { message in
                    try InboxStore.contains(origin: message.origin, id: message.id, exceptParked: retrying, db)
                }.map(\.id)
            )
            var firstSeen: [String: Date] = [:]
            for fingerprint in fingerprints {
                firstSeen[fingerprint] = try PKIStore.signerFirstSeen(fingerprint, db)
            }
            return (seen, firstSeen)
        }
        for message in candidates where seen.contains(message.id) { results[message.id] = nil }
        let work = decoded.filter { !seen.contains($0.message.id) }
        let verifier = self.verifier
        let now = certificateClock.now()
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, work.count))
        let checked = await withTaskGroup(of: [(String, Result<SignedArrival, any Error>)].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var part: [(String, Result<SignedArrival, any Error>)] = []
                    for index in stride(from: lane, to: work.count, by: lanes) {
                        let item = work[index]
                        do {
                            let signer = try await verifier.verifySigner(
                                item.signed,
                                at: firstSeen[item.fingerprint],
                                now: now
                            )
                            let report =
                                item.message.kind == .reportApproved ? Result { try PreparedReport(item.signed) } : nil
                            part.append(
                                (
                                    item.message.id,
                                    .success(
                                        SignedArrival(
                                            signed: item.signed,
                                            chain: signer.chain,
                                            signerFingerprint: signer.fingerprint,
                                            report: report
                                        )
                                    )
                                )
                            )
                        } catch {
                            part.append((item.message.id, .failure(error)))
                        }
                    }
                    return part
                }
            }
            var all: [(String, Result<SignedArrival, any Error>)] = []
            for await part in group { all += part }
            return all
        }
        for (id, result) in checked { results[id] = result }
        return results
    }

    private func apply(
        _ message: Envelope,
        direction: Direction,
        signer: Result<SignedArrival, any Error>?,
        _ db: Database
    ) throws -> Effect {
        if direction == .fromParent, message.origin != parent?.unit {
            throw Refusal("feed entry names origin \(message.origin), not this node's parent")
        }
        switch (message.kind, direction) {
        case (.reportApproved, .fromChild):
            guard let signer else { throw Refusal("missing signature") }
            return try receiveApprovedReport(message, arrival: try signer.get(), db)
        case (.assignmentCreated, .fromParent):
            let notice = try JSONDecoder.federation.decode(AssignmentNotice.self, from: message.body)
            return try distribute(notice, db)
        case (.reportReturned, _):
            let decision = try JSONDecoder.federation.decode(ReviewDecision.self, from: message.body)
            guard decision.unit == message.unit else {
                throw Refusal("the decision is about unit \(decision.unit), the message says \(message.unit)")
            }
            // A child speaks only for its own subtree; a parent's decisions come from above this node.
            let returner = decision.entry.unit
            switch direction {
            case .fromChild:
                guard let sender = deployment.node(forUnit: message.origin),
                    deployment.node(sender, speaksFor: returner)
                else {
                    throw Refusal("node \(message.origin) may not speak for unit \(returner)")
                }
            case .fromParent:
                guard !deployment.node(node, speaksFor: returner) else {
                    throw Refusal("a parent may not speak for unit \(returner), which is hosted here or below")
                }
            }
            return try reports.apply(decision, arrivedFrom: direction, db)
        case (.pkiRevoked, _):
            guard let signer else { throw Refusal("missing signature") }
            return try pki.receiveRevocation(
                message,
                signer: try signer.get().signer(judgedBy: trust),
                direction: direction,
                db
            )
        case (.accountChanged, .fromParent):
            return try accounts.receive(try JSONDecoder.federation.decode(AccountChange.self, from: message.body), db)
        case (.accountRegistered, .fromChild):
            return try accounts.receive(
                try JSONDecoder.federation.decode(RegisteredAdmin.self, from: message.body),
                unit: message.unit,
                db
            )
        case (.taskAssigned, .fromParent):
            return try receiveTask(message, db)
        case (.taskProgress, .fromChild):
            return try receiveTaskUpdate(message, db)
        case (.taskReviewed, .fromParent):
            return try receiveTaskReview(message, db)
        case (.accountProvisioned, .fromParent):
            let account = try JSONDecoder.federation.decode(ProvisionedAccount.self, from: message.body)
            let detail = try accounts.receive(account, db)
            return Effect(detail: detail, feed: !hosts(account.unit))
        case (.assignmentAmended, .fromParent):
            return try expectations.receive(
                try JSONDecoder.federation.decode(AssignmentAmendment.self, from: message.body),
                db
            )
        case (.indicatorsReported, .fromChild):
            return try selfReportedFigures.receive(
                try JSONDecoder.federation.decode(IndicatorReport.self, from: message.body),
                from: message,
                db
            )
        case (.indicatorDefined, .fromParent):
            return try indicatorDefinitions.receive(
                try JSONDecoder.federation.decode(DefinedIndicator.self, from: message.body),
                from: message,
                db
            )
        case (.indicatorAssigned, .fromParent):
            return try indicatorAssignments.receive(
                try JSONDecoder.federation.decode(AssignedIndicator.self, from: message.body),
                from: message,
                db
            )
        case (.indicatorValue, .fromChild):
            return try suppliedValues.receive(
                try JSONDecoder.federation.decode(SuppliedIndicatorValue.self, from: message.body),
                from: message,
                db
            )
        case (.congressScheduled, .fromChild):
            return try congresses.receive(
                try JSONDecoder.federation.decode(CongressNotice.self, from: message.body),
                from: message,
                db
            )
        case (.unitChanged, _):
            return try unitChanges.receive(
                try JSONDecoder.federation.decode(UnitChange.self, from: message.body),
                from: message,
                direction: direction,
                db
            )
        case (.receipt, _):
            return try receiveReceipt(message, direction: direction, db)
        case (.unitClosed, _):
            return try unitClosures.receive(
                try JSONDecoder.federation.decode(UnitClosureNotice.self, from: message.body),
                from: message,
                direction: direction,
                db
            )
        default:
            throw Refusal(
                "message kind '\(message.kind)' is not accepted \(direction == .fromChild ? "from a child" : "from a parent") (protocol \(ProtocolVersion.current))"
            )
        }
    }

    /// Keeps an approved report from below, after checking that the node hosting its unit signed
    /// it and that it fits its assignment, and relays it further up unless this node hosts the
    /// unit that assigned the form. The report arrives decoded and encoded for its columns
    /// (`checkSignatures`): the writer only checks and writes.
    private func receiveApprovedReport(_ message: Envelope, arrival: SignedArrival, _ db: Database) throws -> Effect {
        let signer = try arrival.signer(judgedBy: trust)
        let signed = arrival.signed
        guard let received = arrival.report else { throw Refusal("missing report") }
        let prepared = try received.get()
        let report = prepared.report
        guard report.unit == message.unit else {
            throw Refusal("the signed report is for unit \(report.unit), the message says \(message.unit)")
        }
        guard let host = deployment.hostingNode(of: report.unit), host.unit == signer.unitCode else {
            throw Refusal("report of \(report.unit) is signed by \(signer.unitCode), which does not host that unit")
        }
        let keepHere = hosts(report.formOwner)
        guard keepHere || tree.isBelow(unit, report.formOwner) else {
            throw Refusal("form owner \(report.formOwner) is neither hosted here nor above this node")
        }
        try check(report, db, assignmentRequired: keepHere)
        try ReceivedReportStore.rememberSigner(
            fingerprint: arrival.signerFingerprint,
            unit: signer.unitCode,
            der: signed.signerCertificate,
            firstSeen: certificateClock.now(),
            db
        )
        try requireEvidence(of: report)
        let existing = try ReceivedReportStore.held(report.reportId, db)
        if let existing {
            guard existing.unit == report.unit, existing.formOwner == report.formOwner,
                existing.formCode == report.formCode, existing.period == report.period.description
            else {
                throw Refusal("report \(report.reportId) already exists for another unit, form or period")
            }
            if existing.approvalCount >= report.approvalCount {
                return Effect(detail: "report \(report.reportId) approval \(report.approvalCount) already held")
            }
        } else if let clash = try ReceivedReportStore.id(
            unit: report.unit,
            formOwner: report.formOwner,
            formCode: report.formCode,
            period: report.period.description,
            db
        ) {
            throw Refusal("unit \(report.unit) already has report \(clash) for \(report.formCode) \(report.period)")
        }
        let now = clock.now()
        try ReceivedReportStore.keep(
            report,
            answers: prepared.answersColumn,
            signed: prepared.signedText,
            at: now,
            replacing: existing != nil,
            db
        )
        // The whole history travels with the report; each level keeps every entry once. The
        // signing node vouches only for what happened in its own subtree: entries it claims for
        // units above are kept only when this level already holds them.
        let held = try ReceivedReportStore.eventIDs(of: report.reportId, db)
        for entry in report.history where deployment.node(host, speaksFor: entry.unit) || held.contains(entry.id) {
            try ReceivedReportStore.keepEvent(entry, of: report.reportId, db)
        }
        try ReceivedReportStore.keepEvent(
            HistoryEntry(
                action: "received",
                actor: "node:\(message.origin)",
                unit: unit,
                from: nil,
                to: .approved,
                message: nil,
                at: now
            ),
            of: report.reportId,
            db
        )
        // The evidence list is the one approved now (a revision may have removed files). Types are
        // this node's own reading of the file name, never what the sender claims.
        let listed = report.evidence.map(\.id)
        try ReceivedReportStore.keepOnlyEvidence(listed, of: report.reportId, db)
        for evidence in report.evidence {
            if let owner = try ReportStore.evidenceOwner(evidence.id, db), owner != report.reportId {
                throw Refusal("evidence id \(evidence.id) already belongs to another report")
            }
            try EvidenceRecord(
                id: evidence.id,
                reportId: report.reportId,
                stage: evidence.stage,
                fileName: evidence.fileName,
                contentType: evidencePolicy.contentType(of: evidence.fileName) ?? "application/octet-stream",
                size: evidence.size,
                sha256: evidence.sha256,
                uploadedBy: report.approvedBy,
                at: report.approvedAt
            ).save(db)
        }
        if keepHere {
            return Effect(detail: "report \(report.reportId) of \(report.unit) kept here")
        }
        try enqueueUp(db, kind: .reportApproved, unit: report.unit, body: signed)
        return Effect(detail: "report \(report.reportId) of \(report.unit) kept and relayed up", outbox: parent != nil)
    }

    /// A received report must match the assignment this node passed down: same form and period,
    /// an assigned unit, answers that fit the form. Where the form's owner is hosted here the
    /// assignment must be known; on a relay it may be missing (then only the signature vouches).
    private func check(_ report: ApprovedReport, _ db: Database, assignmentRequired: Bool) throws {
        guard let assignment = try ReceivedReportStore.assignment(report.assignmentId, db) else {
            if assignmentRequired { throw Refusal("assignment \(report.assignmentId) is unknown here") }
            return
        }
        guard assignment.assignedBy == report.formOwner, assignment.formCode == report.formCode,
            assignment.formVersion == report.formVersion, assignment.period == report.period.description
        else {
            throw Refusal("report \(report.reportId) does not match assignment \(report.assignmentId) (form or period)")
        }
        guard try ReceivedReportStore.isAssigned(report.unit, to: report.assignmentId, db) else {
            throw Refusal("unit \(report.unit) is not assigned \(report.assignmentId)")
        }
        if let form = try forms.form(owner: report.formOwner, code: report.formCode, version: report.formVersion, db),
            case .failure(let problems) = report.answers.validated(against: form)
        {
            throw Refusal("answers do not fit the form: \(problems.byQuestion.keys.sorted().joined(separator: ", "))")
        }
    }

    /// Stores an assignment (and its form) and passes each child node the part that concerns it.
    /// Used both where an assignment is made and where it arrives from above.
    func distribute(_ notice: AssignmentNotice, _ db: Database) throws -> Effect {
        let now = clock.now()
        if let existing = try forms.form(
            owner: notice.assignedBy,
            code: notice.form.code,
            version: notice.form.version,
            db
        ) {
            guard existing == notice.form else {
                throw Refusal(
                    "form \(notice.assignedBy)/\(notice.form.code) v\(notice.form.version) differs from the one held"
                )
            }
        } else {
            try FormRecord(
                ownerUnit: notice.assignedBy,
                code: notice.form.code,
                version: notice.form.version,
                definition: notice.form,
                createdAt: now
            ).insert(db)
        }
        try AssignmentRecord(
            id: notice.id,
            formCode: notice.form.code,
            formVersion: notice.form.version,
            period: notice.period.description,
            assignedBy: notice.assignedBy,
            deadline: notice.deadline.description,
            createdAt: now
        ).insert(db, onConflict: .ignore)
        let mine = notice.units.filter { deployment.node(node, speaksFor: $0) }
        for target in mine {
            try AssignmentStore.addUnit(
                target,
                to: notice.id,
                level: tree[target]?.level.rawValue,
                ancestors: ExpectedUnit(code: target, in: tree).map(\.ancestorsJSON),
                db
            )
        }
        var forwarded = 0
        for child in deployment.children(of: node) {
            let theirs = mine.filter { deployment.node(child, speaksFor: $0) }
            guard !theirs.isEmpty else { continue }
            let part = AssignmentNotice(
                id: notice.id,
                form: notice.form,
                period: notice.period,
                assignedBy: notice.assignedBy,
                deadline: notice.deadline,
                units: theirs
            )
            try appendToFeed(db, audience: child.unit, kind: .assignmentCreated, unit: notice.assignedBy, body: part)
            forwarded += 1
        }
        return Effect(
            detail: "assignment \(notice.id) for \(mine.count) units, passed to \(forwarded) child nodes",
            feed: forwarded > 0
        )
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case let refusal as Refusal: refusal.reason
        case let domain as DomainError: domain.summary
        case is DecodingError: "malformed body: \(error)"
        default: "\(error)"
        }
    }
}

/// A message that will never apply as sent; it is parked with this reason.
struct Refusal: Error, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

extension DatabaseError {
    var isConstraintViolation: Bool { resultCode == .SQLITE_CONSTRAINT }
}

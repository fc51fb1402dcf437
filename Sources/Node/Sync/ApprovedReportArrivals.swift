import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Approved reports arriving from below: checked against who signed them, their assignment, their
/// form and their evidence, kept, and relayed further up unless their form's owner is hosted here.
extension Inbox {
    /// Keeps an approved report from below, after checking that the node hosting its unit signed
    /// it and that it fits its assignment, and relays it further up unless this node hosts the
    /// unit that assigned the form. The report arrives decoded and encoded for its columns
    /// (`checkSignatures`): the writer only checks and writes.
    func receiveApprovedReport(_ message: Envelope, arrival: SignedArrival, _ db: Database) throws -> Effect {
        let signer = try arrival.signer(judgedBy: trust())
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
        let assigned = try check(report, db, assignmentRequired: keepHere, answersFit: prepared.answersFit)
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
        if let assigned {
            try forms.keptFigures.refresh(
                assigned.assignment,
                units: [report.unit],
                placements: [report.unit: assigned.placement],
                answers: report.answers,
                report: KeptFigures.StoredReportState(
                    state: .approved,
                    answers: prepared.answersColumn,
                    approvedAt: report.approvedAt.stored.asRead
                ),
                db
            )
        }
        // The whole history travels with the report; each level keeps every entry once. The
        // signing node vouches only for what happened in its own subtree: entries it claims for
        // units above are kept only when this level already holds them.
        let held = try ReceivedReportStore.eventIDs(of: report.reportId, db)
        let vouched = report.history.filter { deployment.node(host, speaksFor: $0.unit) || held.contains($0.id) }
        let receivedHere = HistoryEntry(
            action: "received",
            actor: "node:\(message.origin)",
            unit: unit,
            from: nil,
            to: .approved,
            message: nil,
            at: now
        )
        try ReceivedReportStore.keepEvents(vouched + [receivedHere], of: report.reportId, db)
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
    /// an assigned unit, answers that fit the form (unless found fitting before the transaction,
    /// `answersFit`). Where the form's owner is hosted here the
    /// assignment must be known; on a relay it may be missing (then only the signature vouches).
    /// Returns the assignment, which the kept figures are counted by, and the unit's placement in
    /// it (`KeptFiguresStore.placement`, read once for both).
    private func check(
        _ report: ApprovedReport,
        _ db: Database,
        assignmentRequired: Bool,
        answersFit: Bool
    ) throws -> (assignment: FiguresAssignment, placement: Row)? {
        guard let assignment = try KeptFiguresStore.assignment(report.assignmentId, db) else {
            if assignmentRequired { throw Refusal("assignment \(report.assignmentId) is unknown here") }
            return nil
        }
        guard assignment.assignedBy == report.formOwner, assignment.formCode == report.formCode,
            assignment.formVersion == report.formVersion, assignment.period == report.period.description
        else {
            throw Refusal("report \(report.reportId) does not match assignment \(report.assignmentId) (form or period)")
        }
        guard let placement = try KeptFiguresStore.placement(of: report.unit, in: report.assignmentId, db) else {
            throw Refusal("unit \(report.unit) is not assigned \(report.assignmentId)")
        }
        if !answersFit,
            let form = try forms.form(owner: report.formOwner, code: report.formCode, version: report.formVersion, db),
            case .failure(let problems) = report.answers.validated(against: form)
        {
            throw Refusal("answers do not fit the form: \(problems.byQuestion.keys.sorted().joined(separator: ", "))")
        }
        return (assignment, placement)
    }

    /// Every evidence file a received report names must be here, with its declared size (its
    /// content was checked against the hash as it arrived).
    func requireEvidence(of report: ApprovedReport) throws {
        for item in report.evidence where !evidence.contains(item.sha256, size: item.size) {
            throw EvidenceMissing(fileName: item.fileName, sha256: item.sha256)
        }
    }
}

import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Applies messages from peers exactly once, keyed by (origin, message id) forever: a replay
/// returns the original result and changes nothing. A message that cannot be applied is parked
/// with its reason and does not hold back the ones behind it. Its own service so that receiving
/// reaches the shared context, the node's judgement of signatures (passed in: the node's identity
/// stays with `LocalNode`), the evidence files, and the services each kind of message goes to.
package struct Inbox: NodeService {
    let context: NodeContext
    /// How this node judges a certificate chain, asked again each time: a revocation or a unit
    /// change applied earlier in the same batch holds for the messages behind it.
    let trust: @Sendable () -> ChainTrust
    /// Verifies signed payloads, reusing the signer chains validated since the last revocation.
    let verifier: PayloadVerifier
    /// Revoked certificates, and the signer chains verified since the last revocation.
    let revocations: RevocationList
    /// The time certificates are judged by (see `LocalNode.certificateClock`).
    let certificateClock: any WallClock
    /// Evidence files, which a received report or task update must find here.
    let evidence: EvidenceStore
    let evidencePolicy: EvidencePolicy
    /// What became of each message, sent back the way it came.
    let receipts: Receipts
    let accounts: Accounts
    let unitChanges: UnitChanges
    let congresses: Congresses
    let assignedTasks: AssignedTasks
    let indicatorAssignments: IndicatorAssignments
    let pki: NodePKI
    /// Refreshed after a batch that concerns what they watch.
    let alerts: NodeAlerts
    /// Retried when a batch applied what a parked message may have lacked.
    let parked: ParkedMessages
    let reports: Reports
    let formAssignments: FormAssignments
    /// The forms a received report's answers must fit.
    let forms: Forms
    let expectations: Expectations
    /// A retirement of this node from its parent (`node.retiring`).
    let handovers: UnitHandovers
    let selfReportedFigures: SelfReportedFigures
    let unitClosures: UnitClosures
    let indicatorDefinitions: IndicatorDefinitions
    let suppliedValues: SuppliedValues

    /// Which way a message travels, so that a parent cannot push reports nor a child assignments.
    package enum Direction {
        case fromChild
        case fromParent
    }

    /// Applies a batch in one transaction, one savepoint per message (`applyBatch`), and answers
    /// once it is committed. Transient database failures abort the whole batch (nothing applied,
    /// the sender retries); refusals park one message. A child's push may share its transaction
    /// with other children's pushes (`InboxGroupCommit`), in a savepoint of its own.
    /// `alongside` writes in the same transaction, after the batch (a child's outbox settled by
    /// the answer that brought these receipts).
    package func receive(
        _ messages: [Envelope],
        direction: Direction,
        cursor: (peer: String, position: Int64)? = nil,
        contact: String? = nil,
        retrying: Bool = false,
        alongside: (@Sendable (Database) throws -> Void)? = nil
    ) async throws -> [MessageResult] {
        try await receiveBatch(
            messages,
            direction: direction,
            cursor: cursor,
            contact: contact,
            retrying: retrying,
            alongside: alongside
        ).results
    }

    /// A child's push: its results, and this node's receipts for it when the child reads them in
    /// the answer (protocol 4 or later) rather than from its feed.
    package func receive(
        _ push: PushRequest,
        from child: String
    ) async throws -> (results: [MessageResult], receipts: [Envelope]?) {
        let answering = push.protocolVersion >= ProtocolVersion.receiptsInPushAnswers
        let outcome = try await receiveBatch(
            push.messages,
            direction: .fromChild,
            contact: child,
            answering: answering ? child : nil
        )
        return (outcome.results, answering ? outcome.answer : nil)
    }

    private func receiveBatch(
        _ messages: [Envelope],
        direction: Direction,
        cursor: (peer: String, position: Int64)? = nil,
        contact: String? = nil,
        answering: String? = nil,
        retrying: Bool = false,
        alongside: (@Sendable (Database) throws -> Void)? = nil
    ) async throws -> BatchOutcome {
        // Signatures are checked, and signed bodies decoded, before the write transaction and in
        // parallel, so that the writer is never held by crypto or decoding; messages already
        // received are answered from the inbox and need no check.
        let verifiedSigners = try await checkSignatures(of: messages, retrying: retrying)
        // A unit change swaps the live deployment inside the transaction (later messages of the
        // batch may concern the new unit); a failed batch rebuilds it from what was committed.
        // A child's push of reports and receipts waits for the next group transaction with the
        // pushes of other children (`InboxGroupCommit`); a batch that may swap the live
        // deployment or change who is trusted is written alone.
        let grouped =
            contact != nil && cursor == nil && !retrying && alongside == nil
            && messages.allSatisfy { Self.groupedKinds.contains($0.kind) }
        let outcome = try await context.keepingUnitsInStep {
            if grouped {
                try await context.inboxGroup.write(database.pool) { db in
                    try applyBatch(
                        messages,
                        direction: direction,
                        signers: verifiedSigners,
                        contact: contact,
                        answering: answering,
                        db
                    )
                }
            } else {
                try await database.pool.write { db in
                    let outcome = try applyBatch(
                        messages,
                        direction: direction,
                        signers: verifiedSigners,
                        cursor: cursor,
                        contact: contact,
                        answering: answering,
                        retrying: retrying,
                        db
                    )
                    try alongside?(db)
                    return outcome
                }
            }
        }
        // Told once committed (the write returns after the commit); registering a hook for the
        // commit instead made GRDB prepare again every cached statement that deletes rows.
        if let cursor {
            contacts.written(cursor.peer, at: outcome.contactAt)
        } else if let contact {
            contacts.written(contact, at: outcome.contactAt)
        }
        if outcome.outbox { outboxSignal.notify() }
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
        if !retrying, outcome.parkedHere, ParkedMessages.mayUnpark(messages, outcome.results) {
            await parked.retryAll()
        }
        return outcome
    }

    /// What applying one message did.
    struct Effect {
        var detail = ""
        var feed = false
        var outbox = false
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

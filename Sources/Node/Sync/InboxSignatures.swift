import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Signed messages (approved reports, revocations) are checked before the inbox's write
/// transaction, in parallel, so that the writer is never held by crypto or decoding.
extension Inbox {
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
        /// The answers fit their form version, as already decoded here (`FormCache`): a version
        /// never changes once stored, so the writer need not check them again. False when the
        /// form was not at hand or they do not fit (the writer checks, and says why).
        let answersFit: Bool

        init(_ signed: SignedPayload, forms: FormCache) throws {
            report = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
            answersColumn = try ReceivedReportStore.answersColumn(report.answers)
            signedText = String(decoding: try JSONEncoder.federation.encode(signed), as: UTF8.self)
            trace = MessageTrace(report: report.reportId, approval: report.approvalCount)
            if let form = forms.form(owner: report.formOwner, code: report.formCode, version: report.formVersion),
                case .success = report.answers.validated(against: form)
            {
                answersFit = true
            } else {
                answersFit = false
            }
        }
    }

    /// Checks the signatures of a batch's signed messages not received before: each body decoded
    /// once; each signer's first sighting read in one read for the whole batch; the checks spread
    /// over the cores, each signer's chain validated once (`VerifiedSigners`), and approved
    /// reports decoded and encoded for the writer in the same pass.
    func checkSignatures(
        of messages: [Envelope],
        retrying: Bool
    ) async throws -> [String: Result<SignedArrival, any Error>] {
        let signedKinds: Set<MessageKind> = [.reportApproved, .pkiRevoked]
        let candidates = messages.filter { signedKinds.contains($0.kind) }
        guard !candidates.isEmpty else { return [:] }
        let signers = revocations.verifiedSigners
        var results: [String: Result<SignedArrival, any Error>] = [:]
        typealias Decoded = (message: Envelope, signed: SignedPayload, fingerprint: String)
        var decoded: [Decoded] = []
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
        let formCache = forms.cache
        let now = certificateClock.now()
        @Sendable func check(_ item: Decoded) async -> (String, Result<SignedArrival, any Error>) {
            do {
                let signer = try await verifier.verifySigner(item.signed, at: firstSeen[item.fingerprint], now: now)
                let report =
                    item.message.kind == .reportApproved
                    ? Result { try PreparedReport(item.signed, forms: formCache) } : nil
                return (
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
            } catch {
                return (item.message.id, .failure(error))
            }
        }
        // A commune pushes its one report alone: checked here, without a task group.
        if work.count == 1 {
            let (id, result) = await check(work[0])
            results[id] = result
            return results
        }
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, work.count))
        let checked = await withTaskGroup(of: [(String, Result<SignedArrival, any Error>)].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var part: [(String, Result<SignedArrival, any Error>)] = []
                    for index in stride(from: lane, to: work.count, by: lanes) { part.append(await check(work[index])) }
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
}

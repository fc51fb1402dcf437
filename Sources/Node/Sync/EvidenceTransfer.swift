import Federation
import Foundation
import Reporting
import Tasks

/// A report named evidence this node does not hold yet: the batch is refused as a whole and the
/// sender, which uploads evidence before reports, tries again.
package struct EvidenceMissing: Error, CustomStringConvertible {
    let fileName: String
    let sha256: String

    package var description: String { "evidence file \(fileName) (\(sha256)) has not arrived yet" }
}

/// Evidence files travelling between a node and its parent ahead of the messages that name them:
/// sent up before the reports and task updates of a push, fetched down before the return
/// decisions of a pulled page. Its own service so that the sync loop's file transfer needs only
/// the shared context, the evidence files and their policy, and the outbox (where a message whose
/// files cannot go is parked).
struct EvidenceTransfer: NodeService {
    let context: NodeContext
    /// Evidence files, next to the database.
    let evidence: EvidenceStore
    let evidencePolicy: EvidencePolicy
    let outbox: Outbox

    /// Sends the parent the evidence files that the batch's reports name and it lacks. A report
    /// whose evidence is missing here is parked with that reason and left out of the batch.
    func send(for batch: [Envelope], using client: FederationClient) async throws -> [Envelope] {
        var ready: [Envelope] = []
        var present = Set<String>()
        for message in batch {
            guard let files = Self.evidenceFiles(named: message) else {
                ready.append(message)
                continue
            }
            var refusal: String?
            for item in files where !present.contains(item.sha256) {
                guard evidence.contains(item.sha256, size: item.size) else {
                    refusal = "evidence file \(item.fileName) (\(item.sha256)) is missing on this node"
                    break
                }
                do {
                    if try await !client.hasEvidence(item.sha256, size: item.size) {
                        try await client.sendEvidence(item.sha256, from: evidence.path(item.sha256), size: item.size)
                        logger.info(
                            "evidence sent",
                            metadata: [
                                "peer": "\(client.peer.unitCode)", "sha256": "\(item.sha256)", "bytes": "\(item.size)",
                            ]
                        )
                    }
                } catch let error as FederationCallError where (400..<500).contains(error.status) {
                    // The parent will never take this file (too large for it, refused): park the
                    // report that needs it rather than hold every message behind it.
                    refusal = "the parent refused evidence file \(item.fileName): \(error)"
                    break
                }
                present.insert(item.sha256)
            }
            if let refusal {
                try await outbox.park(message, reason: refusal)
            } else {
                ready.append(message)
            }
        }
        return ready
    }

    /// The evidence files a message names (an approved report's, a task update's); nil for others.
    static func evidenceFiles(named message: Envelope) -> [(fileName: String, sha256: String, size: Int64)]? {
        switch message.kind {
        case .reportApproved:
            guard let signed = try? JSONDecoder.federation.decode(SignedPayload.self, from: message.body),
                let report = try? JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
            else { return nil }
            return report.evidence.map { ($0.fileName, $0.sha256, $0.size) }
        case .taskProgress:
            guard let update = try? JSONDecoder.federation.decode(TaskUpdate.self, from: message.body) else {
                return nil
            }
            return update.evidence.map { ($0.fileName, $0.sha256, $0.size) }
        case .reportReturned:
            guard let decision = try? JSONDecoder.federation.decode(ReviewDecision.self, from: message.body),
                let files = decision.evidence
            else { return nil }
            return files.map { ($0.fileName, $0.sha256, $0.size) }
        default:
            return nil
        }
    }

    /// Fetches from the parent the evidence files that pulled feed entries name (a return
    /// decision's) and this node lacks, before the entries are applied. A failed connection fails
    /// the pull, which is tried again. A file the parent refuses, or one too large here or not as
    /// declared, is left out: its entry is then parked with that reason when applied, and the
    /// entries behind it go on — nothing is applied without its files.
    func fetch(for entries: [Envelope], using client: FederationClient) async throws {
        for message in entries {
            for item in Self.evidenceFiles(named: message) ?? [] where !evidence.contains(item.sha256, size: item.size)
            {
                do {
                    let stored = try await evidence.store(
                        try await client.evidence(item.sha256),
                        limit: evidencePolicy.maximumBytes,
                        expected: item.sha256
                    )
                    guard stored.size == item.size else {
                        logger.warning(
                            "evidence not as declared",
                            metadata: [
                                "peer": "\(client.peer.unitCode)", "sha256": "\(item.sha256)",
                                "declared": "\(item.size)", "bytes": "\(stored.size)",
                            ]
                        )
                        continue
                    }
                    logger.info(
                        "evidence fetched",
                        metadata: [
                            "peer": "\(client.peer.unitCode)", "sha256": "\(item.sha256)", "bytes": "\(item.size)",
                        ]
                    )
                } catch let error as FederationCallError where (400..<500).contains(error.status) {
                    logger.warning(
                        "evidence refused by the parent",
                        metadata: ["peer": "\(client.peer.unitCode)", "sha256": "\(item.sha256)", "error": "\(error)"]
                    )
                } catch let refused as EvidenceRefused {
                    logger.warning(
                        "evidence not kept",
                        metadata: [
                            "peer": "\(client.peer.unitCode)", "sha256": "\(item.sha256)", "reason": "\(refused)",
                        ]
                    )
                }
            }
        }
    }
}

import Auth
import Federation
import Foundation
import GRDB
import Spreadsheet
import X509

/// Who signed a report's last approval, and whether that signature verifies on this node now.
package struct ApprovalSignatureView: Sendable {
    package let signer: ProofSigner
    package let approvedBy: String
    package let approvedAt: Date
    package let approvalCount: Int
    package let check: ApprovalProof.Check
}

/// "Proof for anyone" (Regulation 02 Art. 7.7): every node holding a report hands out its signed
/// approval as a ZIP that verifies with OpenSSL alone, to whoever may read the report. Its own
/// service because it alone needs the federation's root and the node's signature check.
package struct ReportProofs: ReportAccess {
    let context: NodeContext
    /// The federation's root certificate, which the proof names and its chain ends at.
    let root: X509.Certificate
    /// Verifies a signed payload as it arrives (`LocalNode.verifySignature(_:)`). A closure because
    /// the check is the node's own identity (its trust, revocations and remembered signers), which
    /// stays with `LocalNode` rather than being a service.
    let verifySignature: @Sendable (SignedPayload) async throws -> NodeIdentity

    static let proofContentType = "application/zip"

    /// The report's signed approval (see `ApprovalProof`) as a ZIP; the download is audited.
    /// Not found when the caller may not read the report or it was never approved.
    package func proof(_ id: String, for actor: Actor) async throws -> Download {
        let signed = try await database.pool.write { db -> SignedPayload in
            let record = try readable(id, actor, db)
            let signed = try Self.signedApproval(of: record)
            try audit.record(db, actor, action: "report.proof", target: id)
            return signed
        }
        let proof = try ApprovalProof(signed: signed, root: root)
        let check = await checkApproval(signed, of: id)
        let data = try ZIPWriter.data(try proof.files(check: check), modified: clock.now())
        return Download(data: data, contentType: Self.proofContentType, fileName: "\(proof.folderName).zip")
    }

    /// The signer of the report's last approval, checked now; nil when it was never approved.
    /// Reading it is part of reading the report (the caller audits that).
    package func approvalSignature(of id: String, for actor: Actor) async throws -> ApprovalSignatureView? {
        let signed = try await database.pool.read { db -> SignedPayload? in
            let record = try readable(id, actor, db)
            return record.signed == nil ? nil : try Self.signedApproval(of: record)
        }
        guard let signed else { return nil }
        let proof = try ApprovalProof(signed: signed, root: root)
        return ApprovalSignatureView(
            signer: proof.signer,
            approvedBy: proof.report.approvedBy,
            approvedAt: proof.report.approvedAt,
            approvalCount: proof.report.approvalCount,
            check: await checkApproval(signed, of: id)
        )
    }

    /// Checks the chain (to this node's root, revocations and subtree rule included) and the
    /// signature now, as for a report arriving, and that the signed report is this one.
    func checkApproval(_ signed: SignedPayload, of id: String) async -> ApprovalProof.Check {
        var problem: String?
        do {
            _ = try await verifySignature(signed)
            let report = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
            if report.reportId != id { problem = "the signed report is \(report.reportId), not \(id)" }
        } catch {
            problem = "\(error)"
        }
        return ApprovalProof.Check(node: node.name, at: clock.now(), problem: problem)
    }

    private static func signedApproval(of record: ReportRecord) throws -> SignedPayload {
        guard let text = record.signed else {
            throw DomainError(.notFound(.signedApproval))
        }
        return try JSONDecoder.federation.decode(SignedPayload.self, from: Data(text.utf8))
    }
}

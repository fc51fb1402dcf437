import Foundation
import Hierarchy
import Reporting
import TestSupport
import Testing

@testable import Federation

/// The pure proof builder: a signer the root certified directly (a province's node) needs no
/// intermediates; the README's commands then verify with the real `openssl`.
@Suite struct ApprovalProofBundleTests {
    @Test func aRootCertifiedSignerVerifiesWithTheREADMECommands() async throws {
        let root = try CertificateAuthority.makeRoot(commonName: "ReportNet Proof Root")
        let credential = try root.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "BNI", nodeName: "bac-ninh", dnsNames: ["bni.unit.reportnet"])
        )
        let signer = try PayloadSigner(
            certificatePEM: credential.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM
        )
        let approvedAt = Date(timeIntervalSince1970: 1_795_140_000)
        let report = ApprovedReport(
            reportId: "r-1",
            assignmentId: "a-1",
            formOwner: "TW",
            formCode: "NQ57-THANG",
            formVersion: 1,
            period: try #require(Period("2026-11")),
            unit: "BNI-TD",
            answers: Answers(["staff": .number(3)]),
            approvedBy: "bni-td.approver",
            approvedAt: approvedAt,
            message: "Đồng ý",
            approvalCount: 1
        )
        let signed = try signer.sign(try JSONEncoder.federation.encode(report))
        let proof = try ApprovalProof(signed: signed, root: root.certificate)
        #expect(proof.signer.unitCode == "BNI" && proof.signer.nodeName == "bac-ninh")
        let files = try proof.files(check: .init(node: "centre", at: approvedAt, problem: nil))
        let folder = "bang-chung-NQ57-THANG-BNI-TD-2026-11"
        #expect(
            files.map(\.path)
                == ["README.txt", "signed.json", "signature.der", "signer.pem", "root.pem", "SHA256SUMS"].map {
                    "\(folder)/\($0)"
                }
        )
        #expect(proof.commands[0] == "openssl verify -CAfile root.pem signer.pem")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proof-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in files {
            let url = directory.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try file.data.write(to: url)
        }
        let readme = String(decoding: files[0].data, as: UTF8.self)
        #expect(readme.contains(ApprovalProof.colonFingerprint(proof.signer.fingerprint)))
        #expect(readme.contains("Đồng ý"))
        for command in proof.commands {
            #expect(readme.contains(command))
            let run = try await Self.shell(command, in: directory.appendingPathComponent(folder))
            #expect(run.status == 0, "`\(command)`: \(run.output)")
        }
        let fingerprint = try await Self.shell(
            "openssl x509 -in signer.pem -noout -fingerprint -sha256",
            in: directory.appendingPathComponent(folder)
        )
        #expect(fingerprint.output.contains(ApprovalProof.colonFingerprint(proof.signer.fingerprint)))

        let failed = proof.readme(check: .init(node: "centre", at: approvedAt, problem: "Revoked: key lost"))
        #expect(failed.contains("KHÔNG HỢP LỆ / NOT VALID — Revoked: key lost"))
    }

    static func shell(_ command: String, in folder: URL) async throws -> (status: Int32, output: String) {
        let result = try await Command.shell(command, in: folder)
        return (result.status, result.output)
    }
}

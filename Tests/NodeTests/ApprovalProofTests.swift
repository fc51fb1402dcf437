import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue H point 6, "proof for anyone" (Regulation 02 Art. 7.7): a commune's approved report,
/// downloaded as a ZIP at every level that holds it, verifies with the real `openssl` and the
/// commands of its own README.txt, without ReportNet; one changed byte fails; only readers of the
/// report get it.
@Suite(.serialized) struct ApprovalProofTests {
    @Test func theSignedApprovalVerifiesWithOpenSSLAtEveryLevel() async throws {
        try await TestFederation.run { f in
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            var report: String?
            try await f.eventually("the assignment reaches kinh-bac and the report is approved") {
                report = try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: assignment, staff: 4)
                return report != nil
            }
            let id = try #require(report)
            let province = try await f.login("bni.approver", at: "bac-ninh")
            let centre = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre holds the approved report") {
                try await centre.call(.GET, "/api/v1/reports/\(id)").status == 200
            }
            let commune = try await f.login("bni-kb.approver", at: "kinh-bac")
            var fingerprint = ""
            for (node, client) in [("kinh-bac", commune), ("bac-ninh", province), ("centre", centre)] {
                let reply = try await client.call(.GET, "/api/v1/reports/\(id)/proof")
                #expect(reply.status == 200, "\(node): \(reply.status) \(reply.text)")
                #expect(reply.headers["content-type"] == "application/zip")
                let folderName = "bang-chung-NQ57-THANG-BNI-KB-2026-11"
                #expect(reply.headers["content-disposition"]?.contains("\(folderName).zip") == true)
                if node == "centre" {
                    // Kept for people to look at (test-artifacts/ is not committed).
                    let artifacts = BrowserFlowTests.root.appendingPathComponent("test-artifacts/proof")
                    try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
                    try reply.data.write(to: artifacts.appendingPathComponent("\(folderName).zip"))
                }
                let folder = try await Self.unpack(reply.data, folderName: folderName)
                defer { try? FileManager.default.removeItem(atPath: folder.deletingLastPathComponent().path) }
                let readme = try String(contentsOf: folder.appendingPathComponent("README.txt"), encoding: .utf8)
                #expect(readme.contains("kinh-bac (đơn vị / unit BNI-KB, reportnet://unit/BNI-KB)"), "\(readme)")
                #expect(readme.contains("Kiểm tra tại nút / Checked at node \(node)"))
                #expect(readme.contains("HỢP LỆ"), "\(node) checked it now: \(readme)")
                #expect(!readme.contains("KHÔNG HỢP LỆ"))

                // Every OpenSSL command of the README, as written there, in the unpacked folder.
                let commands = readme.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { $0.hasPrefix("openssl ") }
                #expect(
                    commands.contains(
                        "openssl verify -CAfile root.pem -untrusted intermediates.pem signer.pem"
                    ),
                    "a commune is certified by its province's intermediate"
                )
                #expect(commands.contains("openssl x509 -in signer.pem -pubkey -noout > signer.pub"))
                #expect(
                    commands.contains("openssl dgst -sha256 -verify signer.pub -signature signature.der signed.json")
                )
                var outputs: [String] = []
                for command in commands {
                    let run = try await Self.shell(command, in: folder)
                    #expect(run.status == 0, "\(node): `\(command)` failed: \(run.output)")
                    outputs.append(run.output)
                }
                #expect(outputs.contains { $0.contains("signer.pem: OK") }, "\(outputs)")
                #expect(outputs.contains { $0.contains("Verified OK") }, "\(outputs)")
                #expect(outputs.contains { $0.contains("URI:reportnet://unit/BNI-KB") }, "\(outputs)")
                let sums = try await Self.shell("sha256sum -c SHA256SUMS", in: folder)
                #expect(sums.status == 0, "\(sums.output)")

                // What was signed is the approved report, byte for byte as the commune signed it.
                let signedURL = folder.appendingPathComponent("signed.json")
                let signed = try Data(contentsOf: signedURL)
                let approved = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed)
                #expect(
                    approved.reportId == id && approved.unit == "BNI-KB" && approved.approvedBy == "bni-kb.approver"
                )
                let stored = try await f.local(node).database.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT signed FROM reports WHERE id = ?", arguments: [id])
                }
                let payload = try JSONDecoder.federation.decode(
                    SignedPayload.self,
                    from: Data(try #require(stored).utf8)
                )
                #expect(payload.payload == signed)
                #expect(try Data(contentsOf: folder.appendingPathComponent("signature.der")) == payload.signature)
                fingerprint = try PayloadVerifier.signerCertificate(of: payload).fingerprint
                #expect(readme.contains(fingerprint))

                // One byte changed and OpenSSL refuses it.
                var tampered = signed
                let index = try #require(tampered.firstIndex(of: UInt8(ascii: "4")))
                tampered[index] = UInt8(ascii: "5")
                try tampered.write(to: signedURL)
                let refused = try await Self.shell(
                    "openssl dgst -sha256 -verify signer.pub -signature signature.der signed.json",
                    in: folder
                )
                #expect(refused.status != 0, "a changed byte must not verify: \(refused.output)")
                #expect(refused.output.contains("Verification failure"), "\(refused.output)")
                #expect(try await Self.shell("sha256sum -c SHA256SUMS", in: folder).status != 0)
            }

            // Only those who may read the report get its proof; every download is audited.
            let sibling = try await f.login("bni-td.entry", at: "bac-ninh")
            #expect(try await sibling.call(.GET, "/api/v1/reports/\(id)/proof").status == 404)
            let elsewhere = try await f.login("lca.approver", at: "lao-cai")
            #expect(try await elsewhere.call(.GET, "/api/v1/reports/\(id)/proof").status == 404)
            let anonymous = APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca)
            #expect(try await anonymous.call(.GET, "/api/v1/reports/\(id)/proof").status == 401)
            #expect(
                try await f.count(
                    "bac-ninh",
                    "SELECT COUNT(*) FROM audit WHERE action = 'report.proof' AND target = ?",
                    [id]
                ) == 1
            )
            // A report never approved has no proof.
            let entry = try await f.login("bni-yp.entry", at: "yen-phong")
            let draft = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment])
            let draftID = try #require(draft.json["id"] as? String, "\(draft.text)")
            #expect(try await entry.call(.GET, "/api/v1/reports/\(draftID)/proof").status == 404)

            // The report page shows who signed it and that it verifies here, with the download.
            let page = try await WebPageTests.browser(f, "bni.entry", at: "bac-ninh").get("/app/reports/\(id)")
            #expect(page.status == 200)
            #expect(page.text.contains("<code id=\"signer-fingerprint\">\(fingerprint)</code>"), "\(page.text)")
            #expect(page.text.contains("Hợp lệ: chuỗi chứng thư và chữ ký"))
            #expect(page.text.contains("href=\"/api/v1/reports/\(id)/proof\""))
            #expect(page.text.contains("kinh-bac"))
        }
    }

    /// Unpacks with the system's `unzip`; returns the bundle's folder.
    static func unpack(_ zip: Data, folderName: String) async throws -> URL {
        let scratch = URL(fileURLWithPath: TestFederation.scratchFolder("proof"))
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let file = scratch.appendingPathComponent("proof.zip")
        try zip.write(to: file)
        let run = try await shell("unzip -q proof.zip", in: scratch)
        guard run.status == 0 else { throw TestFailure("unzip: \(run.output)") }
        return scratch.appendingPathComponent(folderName)
    }

    static func shell(_ command: String, in folder: URL) async throws -> (status: Int32, output: String) {
        let result = try await Command.shell(command, in: folder)
        return (result.status, result.output)
    }
}

import Federation
import Foundation
import Reporting
import Testing
@testable import Node

/// Issue D's return dialog with files: a return decision carries files (stage `return`) that
/// travel with it — fetched down by the reporting unit's node over mutual TLS, pushed up to the
/// form's owner — byte for byte; a refused return keeps nothing; only a child whose subtree the
/// decision concerns may fetch them.
@Suite(.serialized) struct ReturnEvidenceTests {
    static func multipart(_ fields: [(String, String)], files: [(name: String, content: Data)], csrf: String? = nil) -> (body: Data, type: String) {
        let boundary = "rn-return-evidence-test"
        var body = Data()
        for (name, value) in (csrf.map { [("_csrf", $0)] } ?? []) + fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(file.content)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// A submitted monthly report of Kinh Bắc on a form the centre assigned (with a submit-stage
    /// file); its id and that file's digest.
    static func submittedReport(_ f: TestFederation, form code: String, unit: String = "BNI-KB", node: String = "kinh-bac",
                                file: Data = Data("Bảng kê".utf8)) async throws -> (id: String, submitFile: String) {
        let centre = try await f.login("tw.admin", at: "centre")
        #expect(try await centre.call(.POST, "/api/v1/forms", body: AccessMatrixTests.Matrix.form(code)).status == 201)
        let assignment = try #require(try await centre.call(.POST, "/api/v1/assignments", body: ["form": code, "period": "2026-11", "units": [unit]]).json["id"] as? String)
        let entry = try await f.login("\(unit.lowercased()).entry", at: node)
        try await f.eventually("the assignment reaches the commune") {
            try await entry.call(.GET, "/api/v1/assignments").items.contains { $0["id"] as? String == assignment }
        }
        let id = try #require(try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String)
        #expect(try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": ["staff": 3], "version": 1]).status == 200)
        let attached = try await entry.call(.POST, "/api/v1/reports/\(id)/evidence?name=bang-ke.txt", body: file)
        let submitFile = try #require(attached.json["sha256"] as? String)
        #expect(try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"]).status == 200)
        return (id, submitFile)
    }

    static func returnFiles(_ report: [String: Any]) -> [[String: Any]] {
        (report["evidence"] as? [[String: Any]] ?? []).filter { $0["stage"] as? String == "return" }
    }

    @Test func filesGoWithTheProvincesReturnDownAndUp() async throws {
        try await TestFederation.run { f in
            let (id, submitFile) = try await Self.submittedReport(f, form: "TRA-LAI")
            #expect(try await f.login("bni-kb.approver", at: "kinh-bac").call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]).status == 200)
            let province = try await f.login("bni.approver", at: "bac-ninh")
            try await f.eventually("the province holds the approved report") { try await province.call(.GET, "/api/v1/reports/\(id)").json["state"] as? String == "approved" }

            // A file of a refused type: nothing is returned and nothing is kept.
            let refused = Self.multipart([("message", "Thiếu số liệu")], files: [("chuong-trinh.exe", Data("MZ".utf8))])
            let bad = try await province.call(.POST, "/api/v1/reports/\(id)/return", body: refused.body, contentType: refused.type)
            #expect(bad.status == 422 && bad.json["details"] as? [String: String] == ["name": "type"], "\(bad.text)")
            let unchanged = try await province.call(.GET, "/api/v1/reports/\(id)").json
            #expect(unchanged["state"] as? String == "approved" && Self.returnFiles(unchanged).isEmpty)

            // The return with a guide: every level holds it, the same bytes.
            let guide = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let sent = Self.multipart([("message", "Số liệu chưa khớp, xem hướng dẫn")], files: [("Hướng dẫn.pdf", guide)])
            let returned = try await province.call(.POST, "/api/v1/reports/\(id)/return", body: sent.body, contentType: sent.type)
            #expect(returned.status == 200 && returned.json["state"] as? String == "returned", "\(returned.text)")
            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            let centre = try await f.login("tw.approver", at: "centre")
            for (client, name) in [(province, "province"), (entry, "commune"), (centre, "centre")] {
                try await f.eventually("the return and its file reach the \(name)") {
                    let report = try await client.call(.GET, "/api/v1/reports/\(id)").json
                    return report["state"] as? String == "returned" && Self.returnFiles(report).count == 1
                }
                let file = try #require(Self.returnFiles(try await client.call(.GET, "/api/v1/reports/\(id)").json).first)
                #expect(file["fileName"] as? String == "Hướng dẫn.pdf")
                let bytes = try await client.call(.GET, "/api/v1/reports/\(id)/evidence/\(file["id"] as! String)")
                #expect(bytes.status == 200 && bytes.data == guide, "\(name) serves the same bytes")
            }
            // The decision's file is part of the record: data entry cannot remove it.
            let guideID = try #require(Self.returnFiles(try await entry.call(.GET, "/api/v1/reports/\(id)").json).first?["id"] as? String)
            #expect(try await entry.call(.DELETE, "/api/v1/reports/\(id)/evidence/\(guideID)").status == 409)

            // Only a direct child whose subtree the decision concerns fetches the file.
            let digest = ReportCycleTests.sha256(guide)
            for (node, status, why) in [("yen-phong", 404, "a child whose subtree the report is not in"), ("lao-cai", 403, "not a child of the province")] {
                let client = try f.federationClient(as: node, to: "bac-ninh")
                await #expect(throws: FederationCallError.self, "\(why)") { _ = try await client.evidence(digest) }
                do { _ = try await client.evidence(digest) } catch let error as FederationCallError { #expect(error.status == status, "\(why): \(error)") }
                try await client.shutdown()
            }
            let commune = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
            do { _ = try await commune.evidence(submitFile); Issue.record("a submit-stage file is not served down") } catch let error as FederationCallError { #expect(error.status == 404) }
            try await commune.shutdown()

            // Revised and approved again: the centre's copy still names the guide.
            let version = try #require(try await entry.call(.GET, "/api/v1/reports/\(id)").json["version"] as? Int)
            #expect(try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": ["staff": 4], "version": version]).status == 200)
            #expect(try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Đã sửa"]).status == 200)
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")
            #expect(try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]).status == 200)
            try await f.eventually("the second approval reaches the centre") { try await centre.call(.GET, "/api/v1/reports/\(id)").json["approvalCount"] as? Int == 2 }
            #expect(Self.returnFiles(try await centre.call(.GET, "/api/v1/reports/\(id)").json).first?["sha256"] as? String == digest)
        }
    }

    @Test func theLeadersReturnDialogTakesFiles() async throws {
        try await TestFederation.run { f in
            let (id, _) = try await Self.submittedReport(f, form: "TRA-LAI-2")
            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            let leader = try await WebPageTests.browser(f, "bni-kb.approver", at: "kinh-bac")
            let page = try await leader.get("/app/reports/\(id)")
            #expect(page.text.contains("id=\"return-evidence\"") && page.text.contains("action=\"/app/reports/\(id)/return\" enctype=\"multipart/form-data\""))
            let note = Data("Cần bổ sung biên bản".utf8)
            let form = Self.multipart([("message", "Thiếu biên bản")], files: [("ghi-chu.txt", note)], csrf: leader.csrf)
            let posted = try await leader.client.call(.POST, "/app/reports/\(id)/return", body: form.body, contentType: form.type)
            #expect(posted.status == 303, "\(posted.status) \(posted.text.prefix(300))")
            let report = try await entry.call(.GET, "/api/v1/reports/\(id)").json
            #expect(report["state"] as? String == "returned")
            let file = try #require(Self.returnFiles(report).first)
            #expect(try await entry.call(.GET, "/api/v1/reports/\(id)/evidence/\(file["id"] as! String)").data == note)
            #expect(try await leader.get("/app/reports/\(id)").text.contains("Khi trả lại"), "the report page names the file's stage")
        }
    }

    /// A province may not name, in a return decision it sends up, content that a report outside
    /// its subtree holds: the centre parks the decision, and never serves that file down to it.
    @Test func aChildCannotAttachContentOthersHold() async throws {
        try await TestFederation.run { f in
            let (ownID, _) = try await Self.submittedReport(f, form: "TRA-LAI-3")
            let secret = Data("Biên bản mật của Sa Pa".utf8)
            let (otherID, secretSHA) = try await Self.submittedReport(f, form: "TRA-LAI-4", unit: "LCA-SP", node: "sa-pa", file: secret)
            for (unit, node, id) in [("bni-kb", "kinh-bac", ownID), ("lca-sp", "sa-pa", otherID)] {
                #expect(try await f.login("\(unit).approver", at: node).call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]).status == 200)
            }
            let centre = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre holds both approved reports") {
                let own = try await centre.call(.GET, "/api/v1/reports/\(ownID)").json["state"] as? String
                let other = try await centre.call(.GET, "/api/v1/reports/\(otherID)").json["state"] as? String
                return own == "approved" && other == "approved"
            }
            let entry = HistoryEntry(action: "return", actor: "bni.approver", unit: "BNI", from: .approved, to: .returned, message: "Xem tệp", at: Date())
            let decision = ReviewDecision(reportId: ownID, unit: "BNI-KB", approvalCount: 1, entry: entry,
                                          evidence: [Evidence(id: UUID().uuidString, stage: .return, fileName: "lay-ve.txt", contentType: "text/plain",
                                                              size: Int64(secret.count), sha256: secretSHA)])
            let province = try f.federationClient(as: "bac-ninh", to: "centre")
            let pushed = try await province.push(PushRequest(messages: [Envelope(origin: "BNI", kind: .reportReturned, unit: "BNI-KB",
                                                                                 body: try JSONEncoder.federation.encode(decision))]))
            #expect(pushed.results.first?.status == .parked && pushed.results.first?.detail.contains("may not attach it") == true, "\(pushed.results)")
            #expect(try await centre.call(.GET, "/api/v1/reports/\(ownID)").json["state"] as? String == "approved", "nothing applied")
            do {
                _ = try await province.evidence(secretSHA)
                Issue.record("the centre served Sa Pa's file to Bắc Ninh")
            } catch let error as FederationCallError {
                #expect(error.status == 404)
            }
            try await province.shutdown()
        }
    }
}

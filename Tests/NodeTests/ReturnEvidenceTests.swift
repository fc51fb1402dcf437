import Federation
import Foundation
import GRDB
import NIOFoundationCompat
import Reporting
import Testing

@testable import Node

/// Issue D's return dialog with files: a return decision carries files (stage `return`) that
/// travel with it — fetched down by the reporting unit's node over mutual TLS, pushed up to the
/// form's owner — byte for byte; a refused return keeps nothing; only a child whose subtree the
/// decision concerns may fetch them.
@Suite(.serialized) struct ReturnEvidenceTests {
    static func multipart(
        _ fields: [(String, String)],
        files: [(name: String, content: Data)],
        csrf: String? = nil,
        fileField: String = "evidence"
    ) -> (body: Data, type: String) {
        let boundary = "rn-return-evidence-test"
        var body = Data()
        for (name, value) in (csrf.map { [("_csrf", $0)] } ?? []) + fields {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            )
        }
        for file in files {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        .utf8
                )
            )
            body.append(file.content)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// A submitted monthly report of Kinh Bắc on a form the centre assigned (with a submit-stage
    /// file); its id and that file's digest.
    static func submittedReport(
        _ f: TestFederation,
        form code: String,
        unit: String = "BNI-KB",
        node: String = "kinh-bac",
        file: Data = Data("Bảng kê".utf8)
    ) async throws -> (id: String, submitFile: String) {
        let centre = try await f.login("tw.admin", at: "centre")
        #expect(try await centre.call(.POST, "/api/v1/forms", body: AccessMatrixTests.Matrix.form(code)).status == 201)
        let assignment = try #require(
            try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": code, "period": "2026-11", "units": [unit]]
            ).json["id"] as? String
        )
        let entry = try await f.login("\(unit.lowercased()).entry", at: node)
        try await f.eventually("the assignment reaches the commune") {
            try await entry.call(.GET, "/api/v1/assignments").items.contains { $0["id"] as? String == assignment }
        }
        let id = try #require(
            try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String
        )
        #expect(
            try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": ["staff": 3], "version": 1]).status
                == 200
        )
        let attached = try await entry.call(.POST, "/api/v1/reports/\(id)/evidence?name=bang-ke.txt", body: file)
        let submitFile = try #require(attached.json["sha256"] as? String)
        #expect(
            try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"]).status == 200
        )
        return (id, submitFile)
    }

    static func returnFiles(_ report: [String: Any]) -> [[String: Any]] {
        (report["evidence"] as? [[String: Any]] ?? []).filter { $0["stage"] as? String == "return" }
    }

    @Test func filesGoWithTheProvincesReturnDownAndUp() async throws {
        try await TestFederation.run { f in
            let (id, submitFile) = try await Self.submittedReport(f, form: "TRA-LAI")
            #expect(
                try await f.login("bni-kb.approver", at: "kinh-bac").call(
                    .POST,
                    "/api/v1/reports/\(id)/approve",
                    body: ["message": "Đồng ý"]
                ).status == 200
            )
            let province = try await f.login("bni.approver", at: "bac-ninh")
            try await f.eventually("the province holds the approved report") {
                try await province.call(.GET, "/api/v1/reports/\(id)").json["state"] as? String == "approved"
            }

            // A file of a refused type: nothing is returned and nothing is kept.
            let refused = Self.multipart([("message", "Thiếu số liệu")], files: [("chuong-trinh.exe", Data("MZ".utf8))])
            let bad = try await province.call(
                .POST,
                "/api/v1/reports/\(id)/return",
                body: refused.body,
                contentType: refused.type
            )
            #expect(bad.status == 422 && bad.json["details"] as? [String: String] == ["name": "type"], "\(bad.text)")
            let unchanged = try await province.call(.GET, "/api/v1/reports/\(id)").json
            #expect(unchanged["state"] as? String == "approved" && Self.returnFiles(unchanged).isEmpty)

            // The return with a guide: every level holds it, the same bytes.
            let guide = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let sent = Self.multipart(
                [("message", "Số liệu chưa khớp, xem hướng dẫn")],
                files: [("Hướng dẫn.pdf", guide)]
            )
            let returned = try await province.call(
                .POST,
                "/api/v1/reports/\(id)/return",
                body: sent.body,
                contentType: sent.type
            )
            #expect(returned.status == 200 && returned.json["state"] as? String == "returned", "\(returned.text)")
            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            let centre = try await f.login("tw.approver", at: "centre")
            for (client, name) in [(province, "province"), (entry, "commune"), (centre, "centre")] {
                try await f.eventually("the return and its file reach the \(name)") {
                    let report = try await client.call(.GET, "/api/v1/reports/\(id)").json
                    return report["state"] as? String == "returned" && Self.returnFiles(report).count == 1
                }
                let file = try #require(
                    Self.returnFiles(try await client.call(.GET, "/api/v1/reports/\(id)").json).first
                )
                #expect(file["fileName"] as? String == "Hướng dẫn.pdf")
                let bytes = try await client.call(.GET, "/api/v1/reports/\(id)/evidence/\(file["id"] as! String)")
                #expect(bytes.status == 200 && bytes.data == guide, "\(name) serves the same bytes")
            }
            // The decision's file is part of the record: data entry cannot remove it.
            let guideID = try #require(
                Self.returnFiles(try await entry.call(.GET, "/api/v1/reports/\(id)").json).first?["id"] as? String
            )
            #expect(try await entry.call(.DELETE, "/api/v1/reports/\(id)/evidence/\(guideID)").status == 409)

            // Only a direct child whose subtree the decision concerns fetches the file.
            let digest = ReportCycleTests.sha256(guide)
            for (node, status, why) in [
                ("yen-phong", 404, "a child whose subtree the report is not in"),
                ("lao-cai", 403, "not a child of the province"),
            ] {
                let client = try f.federationClient(as: node, to: "bac-ninh")
                await #expect(throws: FederationCallError.self, "\(why)") { _ = try await client.evidence(digest) }
                do { _ = try await client.evidence(digest) } catch let error as FederationCallError {
                    #expect(error.status == status, "\(why): \(error)")
                }
                try await client.shutdown()
            }
            let commune = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
            do {
                _ = try await commune.evidence(submitFile)
                Issue.record("a submit-stage file is not served down")
            } catch let error as FederationCallError { #expect(error.status == 404) }
            try await commune.shutdown()

            // Revised and approved again: the centre's copy still names the guide.
            let version = try #require(try await entry.call(.GET, "/api/v1/reports/\(id)").json["version"] as? Int)
            #expect(
                try await entry.call(
                    .PUT,
                    "/api/v1/reports/\(id)",
                    body: ["answers": ["staff": 4], "version": version]
                ).status == 200
            )
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Đã sửa"]).status == 200
            )
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")
            #expect(
                try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]).status == 200
            )
            try await f.eventually("the second approval reaches the centre") {
                try await centre.call(.GET, "/api/v1/reports/\(id)").json["approvalCount"] as? Int == 2
            }
            #expect(
                Self.returnFiles(try await centre.call(.GET, "/api/v1/reports/\(id)").json).first?["sha256"] as? String
                    == digest
            )
        }
    }

    @Test func theLeadersReturnDialogTakesFiles() async throws {
        try await TestFederation.run { f in
            let (id, _) = try await Self.submittedReport(f, form: "TRA-LAI-2")
            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            let leader = try await WebPageTests.browser(f, "bni-kb.approver", at: "kinh-bac")
            let page = try await leader.get("/app/reports/\(id)")
            #expect(
                page.text.contains("id=\"return-evidence\"")
                    && page.text.contains("action=\"/app/reports/\(id)/return\" enctype=\"multipart/form-data\"")
            )
            let note = Data("Cần bổ sung biên bản".utf8)
            let form = Self.multipart(
                [("message", "Thiếu biên bản")],
                files: [("ghi-chu.txt", note)],
                csrf: leader.csrf
            )
            let posted = try await leader.client.call(
                .POST,
                "/app/reports/\(id)/return",
                body: form.body,
                contentType: form.type
            )
            #expect(posted.status == 303, "\(posted.status) \(posted.text.prefix(300))")
            let report = try await entry.call(.GET, "/api/v1/reports/\(id)").json
            #expect(report["state"] as? String == "returned")
            let file = try #require(Self.returnFiles(report).first)
            #expect(try await entry.call(.GET, "/api/v1/reports/\(id)/evidence/\(file["id"] as! String)").data == note)
            #expect(
                try await leader.get("/app/reports/\(id)").text.contains("Khi trả lại"),
                "the report page names the file's stage"
            )
        }
    }

    /// One official letter attached in two provinces is normal. The letter is a submit file of
    /// Kinh Bắc's report, which the centre holds. The centre returns Sa Pa's report with that
    /// letter: Lào Cai, which lacks it, fetches bytes that Kinh Bắc's report holds too. Bắc Ninh
    /// then returns Kinh Bắc's report with it: the centre holds those bytes under Sa Pa's report.
    /// Both returns reach every level, the letter with them, and nothing is parked.
    @Test func theSameLetterGoesWithReturnsInTwoProvinces() async throws {
        try await TestFederation.run { f in
            let letter = Data("Công văn số 12/TW-VP: hướng dẫn số liệu tháng 11".utf8)
            let (ownID, digest) = try await Self.submittedReport(f, form: "TRA-LAI-5", file: letter)
            let (otherID, _) = try await Self.submittedReport(
                f,
                form: "TRA-LAI-6",
                unit: "LCA-SP",
                node: "sa-pa",
                file: Data("Bảng kê Sa Pa".utf8)
            )
            for (unit, node, id) in [("bni-kb", "kinh-bac", ownID), ("lca-sp", "sa-pa", otherID)] {
                #expect(
                    try await f.login("\(unit).approver", at: node).call(
                        .POST,
                        "/api/v1/reports/\(id)/approve",
                        body: ["message": "Đồng ý"]
                    ).status == 200
                )
            }
            let centre = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre holds both approved reports") {
                let own = try await centre.call(.GET, "/api/v1/reports/\(ownID)").json["state"] as? String
                let other = try await centre.call(.GET, "/api/v1/reports/\(otherID)").json["state"] as? String
                return own == "approved" && other == "approved"
            }

            let form = Self.multipart([("message", "Xem công văn")], files: [("cong-van.pdf", letter)])
            let down = try await centre.call(
                .POST,
                "/api/v1/reports/\(otherID)/return",
                body: form.body,
                contentType: form.type
            )
            #expect(down.status == 200 && down.json["state"] as? String == "returned", "\(down.text)")
            let province = try await f.login("bni.approver", at: "bac-ninh")
            let up = try await province.call(
                .POST,
                "/api/v1/reports/\(ownID)/return",
                body: form.body,
                contentType: form.type
            )
            #expect(up.status == 200 && up.json["state"] as? String == "returned", "\(up.text)")

            let laoCai = try await f.login("lca.approver", at: "lao-cai")
            let saPa = try await f.login("lca-sp.entry", at: "sa-pa")
            let kinhBac = try await f.login("bni-kb.entry", at: "kinh-bac")
            for (client, name, id) in [
                (laoCai, "the centre's return, at Lào Cai", otherID), (saPa, "the centre's return, at Sa Pa", otherID),
                (centre, "Bắc Ninh's return, at the centre", ownID), (kinhBac, "Bắc Ninh's return, at Kinh Bắc", ownID),
            ] {
                try await f.eventually("\(name): returned, with the letter") {
                    let report = try await client.call(.GET, "/api/v1/reports/\(id)").json
                    return report["state"] as? String == "returned" && Self.returnFiles(report).count == 1
                }
                let file = try #require(
                    Self.returnFiles(try await client.call(.GET, "/api/v1/reports/\(id)").json).first
                )
                #expect(file["sha256"] as? String == digest && file["fileName"] as? String == "cong-van.pdf")
                #expect(
                    try await client.call(.GET, "/api/v1/reports/\(id)/evidence/\(file["id"] as! String)").data
                        == letter,
                    "\(name): the same bytes"
                )
            }
            for node in ["centre", "bac-ninh", "lao-cai", "kinh-bac", "sa-pa"] {
                let parked = try await f.local(node).database.pool.read { db in
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT (SELECT count(*) FROM inbox WHERE status = 'parked') + (SELECT count(*) FROM outbox WHERE state = 'parked')"
                    )
                }
                #expect(parked == 0, "nothing parked at \(node)")
            }
        }
    }

    /// Naming content is no right to it. A province names, in a return decision it sends up
    /// without ever holding the bytes, a file that only Sa Pa's report holds: the centre holds
    /// that content, so it applies the decision and records the file on Kinh Bắc's report like
    /// any shared file, but it never serves those bytes down to the province — it sent Bắc Ninh
    /// no decision naming them.
    @Test func aChildCannotFetchContentByNamingIt() async throws {
        try await TestFederation.run { f in
            let (ownID, _) = try await Self.submittedReport(f, form: "TRA-LAI-3")
            let secret = Data("Biên bản mật của Sa Pa".utf8)
            let (otherID, secretSHA) = try await Self.submittedReport(
                f,
                form: "TRA-LAI-4",
                unit: "LCA-SP",
                node: "sa-pa",
                file: secret
            )
            for (unit, node, id) in [("bni-kb", "kinh-bac", ownID), ("lca-sp", "sa-pa", otherID)] {
                #expect(
                    try await f.login("\(unit).approver", at: node).call(
                        .POST,
                        "/api/v1/reports/\(id)/approve",
                        body: ["message": "Đồng ý"]
                    ).status == 200
                )
            }
            let centre = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre holds both approved reports") {
                let own = try await centre.call(.GET, "/api/v1/reports/\(ownID)").json["state"] as? String
                let other = try await centre.call(.GET, "/api/v1/reports/\(otherID)").json["state"] as? String
                return own == "approved" && other == "approved"
            }
            let entry = HistoryEntry(
                action: "return",
                actor: "bni.approver",
                unit: "BNI",
                from: .approved,
                to: .returned,
                message: "Xem tệp",
                at: TestDay.start
            )
            let decision = ReviewDecision(
                reportId: ownID,
                unit: "BNI-KB",
                approvalCount: 1,
                entry: entry,
                evidence: [
                    Evidence(
                        id: UUID().uuidString,
                        stage: .return,
                        fileName: "lay-ve.txt",
                        contentType: "text/plain",
                        size: Int64(secret.count),
                        sha256: secretSHA
                    )
                ]
            )
            let province = try f.federationClient(as: "bac-ninh", to: "centre")
            let pushed = try await province.push(
                PushRequest(messages: [
                    Envelope(
                        origin: "BNI",
                        kind: .reportReturned,
                        unit: "BNI-KB",
                        body: try JSONEncoder.federation.encode(decision)
                    )
                ])
            )
            #expect(pushed.results.first?.status == .applied, "\(pushed.results)")
            let held = try await centre.call(.GET, "/api/v1/reports/\(ownID)").json
            #expect(
                held["state"] as? String == "returned"
                    && Self.returnFiles(held).first?["sha256"] as? String == secretSHA,
                "the centre records the named file on Kinh Bắc's report"
            )
            do {
                _ = try await province.evidence(secretSHA)
                Issue.record("the centre served Sa Pa's file to Bắc Ninh")
            } catch let error as FederationCallError {
                #expect(error.status == 404)
            }

            // What the centre did send Bắc Ninh — a return of another Kinh Bắc report, with a note —
            // is served; the named file still is not.
            let (noteID, _) = try await Self.submittedReport(f, form: "TRA-LAI-7")
            #expect(
                try await f.login("bni-kb.approver", at: "kinh-bac").call(
                    .POST,
                    "/api/v1/reports/\(noteID)/approve",
                    body: ["message": "Đồng ý"]
                ).status == 200
            )
            try await f.eventually("the centre holds the other report") {
                try await centre.call(.GET, "/api/v1/reports/\(noteID)").json["state"] as? String == "approved"
            }
            let note = Data("Ghi chú của Trung ương".utf8)
            let form = Self.multipart([("message", "Bổ sung")], files: [("ghi-chu.txt", note)])
            #expect(
                try await centre.call(
                    .POST,
                    "/api/v1/reports/\(noteID)/return",
                    body: form.body,
                    contentType: form.type
                ).status == 200
            )
            let served = try await province.evidence(ReportCycleTests.sha256(note)).collect(upTo: 1 << 20)
            #expect(Data(buffer: served) == note, "a file the centre sent Bắc Ninh is served")
            do {
                _ = try await province.evidence(secretSHA)
                Issue.record(
                    "the centre served Sa Pa's file to Bắc Ninh once it had sent Bắc Ninh a return about Kinh Bắc"
                )
            } catch let error as FederationCallError {
                #expect(error.status == 404)
            }
            try await province.shutdown()
        }
    }
}

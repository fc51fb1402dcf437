import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node
@testable import NodeHTTP

/// Items 7 and 8 of the federation issue, end to end over real mutual-TLS HTTP/2 on loopback.
@Suite(.serialized) struct FederationFlowTests {
    static var form: [String: Any] {
        [
            "code": "NQ57-THANG", "title": "Báo cáo tháng thực hiện Nghị quyết 57", "frequency": "monthly",
            "groups": [
                [
                    "id": "g1", "title": "Chuyển đổi số",
                    "questions": [
                        [
                            "id": "staff", "text": "Số cán bộ chuyên trách chuyển đổi số", "kind": "integer",
                            "required": true, "minimum": 0,
                        ],
                        ["id": "online", "text": "Tỷ lệ hồ sơ trực tuyến (%)", "kind": "percentage"],
                        [
                            "id": "plan", "text": "Đã ban hành kế hoạch năm?", "kind": "single_choice",
                            "options": ["Có", "Chưa"], "required": true,
                        ],
                    ],
                ]
            ],
        ]
    }

    /// Fills, submits and approves the report of `unit` on `node`; returns its id.
    static func report(
        _ f: TestFederation,
        unit: String,
        node: String,
        assignment: String,
        answers: [String: Any]
    ) async throws -> String {
        let entry = try await f.login("\(unit.lowercased()).entry", at: node)
        let created = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        let again = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment])
        #expect(again.status == 409)
        #expect(again.json["message"] as? String == "Đơn vị của bạn đã tạo loại báo cáo này")
        #expect((again.json["details"] as? [String: String])?["report"] == id)
        let early = try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: [:] as [String: String])
        #expect(early.status == 422, "submitting with required answers missing is refused")
        let saved = try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": answers, "version": 1])
        #expect(saved.status == 200, "\(saved.text)")
        let stale = try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": answers, "version": 1])
        #expect(stale.status == 409, "a stale save never overwrites")
        let submitted = try await entry.call(
            .POST,
            "/api/v1/reports/\(id)/submit",
            body: ["message": "Kính trình lãnh đạo"]
        )
        #expect(submitted.json["state"] as? String == "submitted")
        let entryApproves = try await entry.call(.POST, "/api/v1/reports/\(id)/approve", body: [:] as [String: String])
        #expect(entryApproves.status == 403, "data entry cannot approve")
        let approver = try await f.login("\(unit.lowercased()).approver", at: node)
        let approved = try await approver.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"])
        #expect(approved.json["state"] as? String == "approved", "\(approved.text)")
        return id
    }

    static func progress(_ client: APIClient, _ assignment: String) async throws -> [String: Any] {
        try await client.call(.GET, "/api/v1/assignments/\(assignment)/oversight").json
    }

    static func total(_ oversight: [String: Any]) -> [String: Any] {
        ((oversight["progress"] as? [String: Any])?["total"] as? [String: Any]) ?? [:]
    }

    static func aggregate(_ oversight: [String: Any], _ question: String) -> Any? {
        let items = ((oversight["aggregate"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []
        guard let item = items.first(where: { $0["question"] as? String == question }) else { return nil }
        return item["value"] ?? item["counts"]
    }

    @Test func assignmentFlowsDownAndApprovedReportsFlowUp() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: Self.form).status == 201)
            let assigned = try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "NQ57-THANG", "period": "2026-11", "level": "commune"]
            )
            #expect(assigned.status == 201, "\(assigned.text)")
            let assignment = try #require(assigned.json["id"] as? String)

            // It reaches every commune, including Tiên Du, which works in its province's node.
            for (node, unit) in [
                ("kinh-bac", "BNI-KB"), ("yen-phong", "BNI-YP"), ("bac-ninh", "BNI-TD"), ("sa-pa", "LCA-SP"),
            ] {
                let entry = try await f.login("\(unit.lowercased()).entry", at: node)
                try await f.eventually("assignment reaches \(unit)") {
                    try await entry.call(.GET, "/api/v1/assignments").items.contains {
                        $0["id"] as? String == assignment && ($0["units"] as? [String]) == [unit]
                    }
                }
            }

            let kinhBacReport = try await Self.report(
                f,
                unit: "BNI-KB",
                node: "kinh-bac",
                assignment: assignment,
                answers: ["staff": 4, "online": 60, "plan": "Có"]
            )
            let province = try await f.login("bni.approver", at: "bac-ninh")
            let national = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre holds the first approved report") {
                Self.total(try await Self.progress(national, assignment))["approved"] as? Int == 1
            }
            var atCentre = try await Self.progress(national, assignment)
            #expect(
                Self.total(atCentre)["approvedPercent"] as? Double == 25,
                "1 of 4 communes approved → 25% nationally"
            )
            #expect(Self.aggregate(atCentre, "staff") as? Double == 4)
            let atProvince = try await Self.progress(province, assignment)
            #expect(Self.total(atProvince)["expected"] as? Int == 3)
            #expect(Self.total(atProvince)["approvedPercent"] as? Double == 33.3)

            // The commune without a node reports through its province's node.
            _ = try await Self.report(
                f,
                unit: "BNI-TD",
                node: "bac-ninh",
                assignment: assignment,
                answers: ["staff": 3, "online": 80, "plan": "Chưa"]
            )
            try await f.eventually("the centre holds the second approved report") {
                Self.total(try await Self.progress(national, assignment))["approved"] as? Int == 2
            }
            atCentre = try await Self.progress(national, assignment)
            #expect(Self.total(atCentre)["approvedPercent"] as? Double == 50)
            #expect(Self.aggregate(atCentre, "staff") as? Double == 7, "values are summed up the tree")
            #expect(Self.aggregate(atCentre, "online") as? Double == 70, "percentages are averaged")
            #expect(
                Self.aggregate(atCentre, "plan") as? [String: Int] == ["Có": 1, "Chưa": 1],
                "choices count per option"
            )
            let levels = try #require((atCentre["progress"] as? [String: Any])?["levels"] as? [[String: Any]])
            #expect(levels.count == 1 && levels[0]["level"] as? String == "commune")
            let children = try #require((atCentre["progress"] as? [String: Any])?["children"] as? [[String: Any]])
            #expect(
                children.map { ($0["figures"] as? [String: Any])?["approvedPercent"] as? Double } == [66.7, 0],
                "per province: Bắc Ninh 2/3, Lào Cai 0/1"
            )

            // The centre can check who approved the commune's report, though the province relayed it.
            let signedText = try await f.local("centre").database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT signed FROM reports WHERE id = ?", arguments: [kinhBacReport])
            }
            let signed = try JSONDecoder.federation.decode(
                SignedPayload.self,
                from: Data(try #require(signedText).utf8)
            )
            let verifier = try PayloadVerifier(trustedRootPEM: String(contentsOfFile: f.manifest.ca, encoding: .utf8))
            #expect(try await verifier.verify(signed).unitCode == "BNI-KB")

            try await replayAndImpostors(f, signed: signed, assignment: assignment)
        }
    }

    /// A replayed push changes nothing; a tampered report, a push for a sibling, a call that skips
    /// a level and a certificate from another CA are all refused.
    func replayAndImpostors(_ f: TestFederation, signed: SignedPayload, assignment: String) async throws {
        let commune = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
        defer { Task { try? await commune.shutdown() } }
        let provinceDB = f.local("bac-ninh").database.pool
        func counts() async throws -> (reports: Int, inbox: Int, outbox: Int) {
            try await provinceDB.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports")!,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox")!
                )
            }
        }
        try await f.eventually("the province's outbox drains") { try await counts().outbox == 0 }
        let before = try await counts()
        let message = Envelope(
            origin: "BNI-KB",
            kind: .reportApproved,
            unit: "BNI-KB",
            body: try JSONEncoder.federation.encode(signed)
        )
        let first = try await commune.push(PushRequest(messages: [message]))
        let second = try await commune.push(PushRequest(messages: [message]))
        #expect(first.results.count == 1 && second.results.count == 1)
        #expect(first.results[0].status == .applied && !first.results[0].replayed)
        #expect(second.results[0].replayed, "a replay is recognised")
        #expect(
            second.results[0].status == first.results[0].status && second.results[0].detail == first.results[0].detail,
            "and returns the original result"
        )
        let after = try await counts()
        #expect(after.reports == before.reports, "no duplicate report")
        #expect(after.inbox == before.inbox + 1, "one inbox entry for the two pushes")
        #expect(after.outbox == 0, "an already-held approval is not relayed again")

        // Tampered: the answers changed after signing. Parked with a reason; nothing changes.
        let original = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
        let report = ApprovedReport(
            reportId: original.reportId,
            assignmentId: original.assignmentId,
            formOwner: original.formOwner,
            formCode: original.formCode,
            formVersion: original.formVersion,
            period: original.period,
            unit: original.unit,
            answers: .init(["staff": .number(400)]),
            approvedBy: original.approvedBy,
            approvedAt: original.approvedAt,
            message: original.message,
            approvalCount: original.approvalCount + 1
        )
        let forged = SignedPayload(
            payload: try JSONEncoder.federation.encode(report),
            signature: signed.signature,
            signerCertificate: signed.signerCertificate
        )
        let tampered = try await commune.push(
            PushRequest(messages: [
                Envelope(
                    origin: "BNI-KB",
                    kind: .reportApproved,
                    unit: "BNI-KB",
                    body: try JSONEncoder.federation.encode(forged)
                )
            ])
        )
        #expect(tampered.results[0].status == .parked, "\(tampered.results[0].detail)")
        let staff = try await provinceDB.read { db in
            try String.fetchOne(db, sql: "SELECT answers FROM reports WHERE id = ?", arguments: [report.reportId])
        }
        #expect(staff?.contains("400") == false)
        let status = try await f.login("bni.admin", at: "bac-ninh").call(.GET, "/api/v1/sync")
        let refused = status.json["parkedReceived"] as? [[String: Any]] ?? []
        #expect(
            refused.count == 1 && refused[0]["origin"] as? String == "BNI-KB",
            "the province admin sees what was parked: \(status.text)"
        )

        // A commune pushing for its sibling commune.
        let sibling = Envelope(
            origin: "BNI-KB",
            kind: .reportApproved,
            unit: "BNI-YP",
            body: try JSONEncoder.federation.encode(signed)
        )
        await #expect(throws: FederationCallError.self) { _ = try await commune.push(PushRequest(messages: [sibling])) }
        do { _ = try await commune.push(PushRequest(messages: [sibling])) } catch let error as FederationCallError {
            #expect(error.status == 403)
        }

        // A commune calling the centre directly skips a level.
        let skipping = try f.federationClient(as: "kinh-bac", to: "centre")
        defer { Task { try? await skipping.shutdown() } }
        do {
            _ = try await skipping.feed(after: 0)
            Issue.record("the centre served a grandchild")
        } catch let error as FederationCallError {
            #expect(error.status == 403)
        }

        // A certificate from another CA, naming the same unit: the handshake fails.
        let rogueFolder = f.directory + "/rogue"
        let rogueCA = try CertificateAuthority.makeRoot(commonName: "rogue")
        let rogue = try rogueCA.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac", ipAddresses: ["127.0.0.1"])
        )
        try CredentialFiles.write(
            certificatePEM: rogue.certificatePEM,
            privateKeyPEM: rogue.privateKeyPEM,
            certificatePath: rogueFolder + "/c.pem",
            keyPath: rogueFolder + "/k.pem"
        )
        let impostor = try f.federationClient(
            as: "kinh-bac",
            to: "bac-ninh",
            certificate: rogueFolder + "/c.pem",
            key: rogueFolder + "/k.pem"
        )
        defer { Task { try? await impostor.shutdown() } }
        do {
            _ = try await impostor.push(PushRequest(messages: [message]))
            Issue.record("a certificate from another CA was accepted")
        } catch let error as FederationCallError {
            Issue.record("the handshake should fail, got an HTTP answer \(error)")
        } catch {
            // Refused in the TLS handshake, as required.
        }
        #expect(try await counts().inbox == after.inbox + 1, "only the tampered message reached the inbox")

        // A child dials its parent by the parent unit's certificate name: another node answering
        // at that address (here a sibling commune) fails the handshake, whatever it would serve.
        let wrongParent = try f.federationClient(
            as: "kinh-bac",
            to: "bac-ninh",
            address: f.node("yen-phong").federationURL
        )
        defer { Task { try? await wrongParent.shutdown() } }
        do {
            _ = try await wrongParent.feed(after: 0)
            Issue.record("a node that is not the parent was accepted as the parent")
        } catch let error as FederationCallError {
            Issue.record("the handshake should fail, got an HTTP answer \(error)")
        } catch let error as PeerIdentityMismatch {
            #expect(error.presented?.unitCode == "BNI-YP", "the connection was closed because it named another unit")
        } catch {
            Issue.record("expected a peer identity mismatch, got \(error)")
        }
        // A misconfigured node retries forever: the refusal must hold (and never crash) every time.
        for attempt in 0..<2 {
            do {
                if attempt.isMultiple(of: 2) {
                    _ = try await wrongParent.feed(after: 0)
                } else {
                    _ = try await wrongParent.push(PushRequest(messages: [message]))
                }
                Issue.record("attempt \(attempt) reached a node that is not the parent")
            } catch is PeerIdentityMismatch {
            } catch {
                Issue.record("attempt \(attempt): expected a peer identity mismatch, got \(error)")
            }
        }

        // An independent HTTP/2 client: curl with and without a client certificate.
        let node = f.node("bac-ninh")
        let kinhBac = f.node("kinh-bac")
        let withCertificate = try await Self.curl([
            "--cert", kinhBac.cert, "--key", kinhBac.key, "--cacert", f.manifest.ca, node.federationURL + "/healthz",
        ])
        #expect(withCertificate.status == 0)
        #expect(withCertificate.output.hasPrefix("2 200"), "HTTP/2 answer: \(withCertificate.output)")
        let withoutCertificate = try await Self.curl(["--cacert", f.manifest.ca, node.federationURL + "/healthz"])
        #expect(withoutCertificate.status != 0, "no certificate, no connection")
    }

    static func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Command.run(
            "/usr/bin/curl",
            ["-s", "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", "--max-time", "30"] + arguments
        )
        return (result.status, result.output)
    }

    @Test func delegatedAccountsTravelDownAndActivateWithACode() async throws {
        try await TestFederation.run { f in
            let centreAdmin = try await f.login("tw.admin", at: "centre")
            let created = try await centreAdmin.call(
                .POST,
                "/api/v1/accounts",
                body: [
                    "username": "bni.quantri", "fullName": "Nguyễn Văn An", "citizenId": "027090001234", "unit": "BNI",
                    "role": "admin",
                ]
            )
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["deliveredTo"] as? String == "bac-ninh")
            let code = try #require(created.json["activationCode"] as? String)

            // Outside the centre's reach: a commune (two levels down), or a non-admin below.
            #expect(
                try await centreAdmin.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": "x.one", "fullName": "X", "unit": "BNI-KB", "role": "admin"]
                ).status == 403
            )
            #expect(
                try await centreAdmin.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": "x.two", "fullName": "X", "unit": "BNI", "role": "data_entry"]
                ).status == 403
            )
            let duplicate = try await centreAdmin.call(
                .POST,
                "/api/v1/accounts",
                body: [
                    "username": "x.three", "fullName": "X", "citizenId": "027090001234", "unit": "TW", "role": "viewer",
                ]
            )
            #expect(duplicate.status == 409)
            #expect(
                duplicate.json["message"] as? String
                    == "Công dân Nguyễn Văn An đã được tạo tài khoản đang hoạt động trong hệ thống"
            )

            let provinceWeb = APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca)
            let password = "Sông Cầu nước chảy 2026"
            try await f.eventually("the account reaches the province node") {
                let attempt = try await provinceWeb.call(
                    .POST,
                    "/api/v1/activate",
                    body: ["username": "bni.quantri", "code": "0000-0000-0000", "password": password]
                )
                let pending = try await f.local("bac-ninh").database.pool.read { db in
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM accounts WHERE username = 'bni.quantri' AND status = 'pending'"
                    )
                }
                return attempt.status == 401 && pending == 1
            }
            let weak = try await provinceWeb.call(
                .POST,
                "/api/v1/activate",
                body: ["username": "bni.quantri", "code": code, "password": "short"]
            )
            #expect(weak.status == 422, "the password policy applies")
            let activated = try await provinceWeb.call(
                .POST,
                "/api/v1/activate",
                body: ["username": "bni.quantri", "code": code.lowercased(), "password": password]
            )
            #expect(activated.status == 200, "\(activated.text)")
            let reused = try await provinceWeb.call(
                .POST,
                "/api/v1/activate",
                body: ["username": "bni.quantri", "code": code, "password": password]
            )
            #expect(reused.status == 401, "a one-time code works once")
            #expect(
                try await APIClient(baseURL: f.node("centre").webURL, caPath: f.manifest.ca)
                    .call(.POST, "/api/v1/session", body: ["username": "bni.quantri", "password": password]).status
                    == 401,
                "the account lives on its own node"
            )

            let provinceAdmin = try await f.login("bni.quantri", at: "bac-ninh", password: password)
            let communeAdmin = try await provinceAdmin.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "kb.quantri", "fullName": "Trần Thị Bình", "unit": "BNI-KB", "role": "admin"]
            )
            #expect(communeAdmin.status == 201, "\(communeAdmin.text)")
            #expect(communeAdmin.json["deliveredTo"] as? String == "kinh-bac")
            #expect(
                try await provinceAdmin.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": "sp.quantri", "fullName": "X", "unit": "LCA-SP", "role": "admin"]
                ).status == 403,
                "not another province's commune"
            )
            #expect(
                try await provinceAdmin.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": "lca.quantri", "fullName": "X", "unit": "LCA", "role": "admin"]
                ).status == 403,
                "not a sibling province"
            )
            #expect(
                try await provinceAdmin.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": "bni.nhaplieu", "fullName": "X", "unit": "BNI", "role": "data_entry"]
                ).status == 201,
                "any role in its own unit"
            )
            // The hosted commune's admin lives on the province node, delivered at once.
            let hosted = try await provinceAdmin.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "td.quantri", "fullName": "X", "unit": "BNI-TD", "role": "admin"]
            )
            #expect(hosted.json["deliveredTo"] as? String == "bac-ninh")

            let communeCode = try #require(communeAdmin.json["activationCode"] as? String)
            let communeWeb = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            try await f.eventually("the commune admin reaches the commune node") {
                try await communeWeb.call(
                    .POST,
                    "/api/v1/activate",
                    body: ["username": "kb.quantri", "code": communeCode, "password": "Đường làng 2026 quê tôi"]
                ).status == 200
            }
            let commune = try await f.login("kb.quantri", at: "kinh-bac", password: "Đường làng 2026 quê tôi")
            #expect(
                try await commune.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": "bni.other", "fullName": "X", "unit": "BNI", "role": "viewer"]
                ).status == 403,
                "nothing above"
            )
        }
    }
}

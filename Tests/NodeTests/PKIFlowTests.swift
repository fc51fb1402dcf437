import Auth
import Federation
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import TestSupport
import Testing
import X509

@testable import Node
@testable import NodeCommands
@testable import NodeHTTP

/// Issue C, node identity: enrolment across three levels, renewal without downtime, revocation
/// within one sync, a forged intermediate refused, and report signatures across a key rotation —
/// live, over mutual-TLS HTTP/2 on loopback.
@Suite(.serialized) struct PKIFlowTests {
    /// A form assigned by the centre to every commune; returns the assignment id.
    static func assignToCommunes(_ f: TestFederation, code: String) async throws -> String {
        let centre = try await f.login("tw.admin", at: "centre")
        var form = FederationFlowTests.form
        form["code"] = code
        let created = try await centre.call(.POST, "/api/v1/forms", body: form)
        #expect(created.status == 201, "\(created.text)")
        let assigned = try await centre.call(
            .POST,
            "/api/v1/assignments",
            body: ["form": code, "period": "2026-11", "level": "commune"]
        )
        #expect(assigned.status == 201, "\(assigned.text)")
        return try #require(assigned.json["id"] as? String)
    }

    static func holds(_ local: LocalNode, assignment: String, unit: String) async throws -> Bool {
        try await local.database.pool.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM assignment_units WHERE assignment_id = ? AND unit = ?",
                arguments: [assignment, unit]
            ) == true
        }
    }

    /// Runs one more node of the demo topology with the given credentials, for the length of `body`.
    static func runNode(
        _ f: TestFederation,
        _ name: String,
        credentials: NodeCredentials,
        folder: String,
        files: (certificate: String, key: String)? = nil,
        parent: Bool = true,
        _ body: (LocalNode, Int) async throws -> Void
    ) async throws {
        let deployment = f.federation.deployment
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = .critical
        let local = try LocalNode(
            node: try #require(deployment.node(named: name)),
            deployment: deployment,
            database: try NodeDatabase.open(path: "\(folder)/\(name).sqlite"),
            credentials: credentials,
            passwordCost: 4,
            credentialFiles: files,
            logger: logger
        )
        let parentURL = parent ? deployment.parent(of: local.node).map { f.node($0.name).federationURL } : nil
        let ports = AddressBook()
        let server = try NodeServer(
            local: local,
            credentials: credentials,
            web: ListenAddress(host: "127.0.0.1", port: 0),
            federation: ListenAddress(host: "127.0.0.1", port: 0),
            parentURL: parentURL.map { url in { @Sendable in url } },
            pollWait: 2,
            onListening: { listener, port in await ports.record(node: name, listener: listener, port: port) }
        )
        let group = ServiceGroup(
            configuration: .init(services: server.services.map { .init(service: $0) }, logger: logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(local, try await ports.port(node: name, listener: "federation"))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The centre's revocation of Kinh Bắc's certificate (key lost), as the province receives it
    /// from its parent.
    static func revokeKinhBac(
        _ fingerprint: String,
        signedBy centre: LocalNode,
        at province: LocalNode
    ) async throws -> [MessageResult] {
        let revocation = Revocation(
            fingerprint: fingerprint,
            unit: "BNI-KB",
            revokedBy: "TW",
            revokedAt: TestDay.start,
            reason: "khóa bị lộ"
        )
        let signed = try centre.signer.sign(try JSONEncoder.federation.encode(revocation))
        return try await province.inbox.receive(
            [
                Envelope(
                    origin: "TW",
                    kind: .pkiRevoked,
                    unit: "BNI-KB",
                    body: try JSONEncoder.federation.encode(signed)
                )
            ],
            direction: .fromParent
        )
    }

    static func openssl(_ arguments: [String], input: String = "") async throws -> (status: Int32, output: String) {
        let result = try await Command.run("/usr/bin/openssl", arguments, input: Data(input.utf8), mergingErrors: true)
        return (result.status, result.output)
    }

    /// The fingerprint of the certificate a listener presents to a new connection, as openssl sees it.
    static func presentedFingerprint(
        port: Int,
        serverName: String,
        client: DemoManifest.Node,
        ca: String
    ) async throws -> String {
        let handshake = try await openssl([
            "s_client", "-connect", "127.0.0.1:\(port)", "-servername", serverName, "-cert", client.cert, "-key",
            client.key,
            "-CAfile", ca, "-showcerts",
        ])
        guard let start = handshake.output.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = handshake.output.range(
                of: "-----END CERTIFICATE-----",
                range: start.upperBound..<handshake.output.endIndex
            )
        else {
            throw TestFailure("no certificate from s_client: \(handshake.output.prefix(400))")
        }
        let pem = String(handshake.output[start.lowerBound..<end.upperBound])
        let x509 = try await openssl(["x509", "-noout", "-fingerprint", "-sha256"], input: pem).output
        return String(x509.split(separator: "=").last ?? "").replacingOccurrences(of: ":", with: "").trimmingCharacters(
            in: .whitespacesAndNewlines
        ).lowercased()
    }

    static func write(
        _ credentials: NodeCredentials,
        to folder: String,
        as name: String
    ) throws -> (certificate: String, key: String) {
        let files = ("\(folder)/\(name).pem", "\(folder)/\(name).key.pem")
        try CredentialFiles.write(
            certificatePEM: credentials.certificatePEM,
            privateKeyPEM: credentials.privateKeyPEM,
            certificatePath: files.0,
            keyPath: files.1
        )
        return files
    }

    /// Yên Phong's node is new: the Bắc Ninh admin hands it a token, it makes its key and CSR, the
    /// province's intermediate (issued by the centre's root) certifies it, and it syncs.
    @Test func aCommuneNodeEnrolsWithItsProvinceAndSyncs() async throws {
        try await TestFederation.run(skip: ["yen-phong"]) { f in
            let admin = try await f.login("bni.admin", at: "bac-ninh")
            let entry = try await f.login("bni.entry", at: "bac-ninh")
            let refusedRole = try await entry.call(.POST, "/api/v1/enrolment-tokens", body: ["unit": "BNI-YP"])
            #expect(refusedRole.status == 403, "only the admin hands out tokens")
            let notAChild = try await admin.call(.POST, "/api/v1/enrolment-tokens", body: ["unit": "LCA-SP"])
            #expect(notAChild.status == 422, "\(notAChild.text)")
            let granted = try await admin.call(.POST, "/api/v1/enrolment-tokens", body: ["unit": "BNI-YP"])
            #expect(granted.status == 201, "\(granted.text)")
            let token = try #require(granted.json["token"] as? String)
            let stored = try await f.local("bac-ninh").database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT token_hash FROM enrolment_tokens")
            }
            #expect(!stored.contains(token), "only the token's hash is stored")

            let folder = f.directory + "/enrolled"
            let rootPEM = try String(contentsOfFile: f.manifest.ca, encoding: .utf8)
            let files = ("\(folder)/yen-phong.pem", "\(folder)/yen-phong.key.pem")
            let chainPEM = try await NodeEnrolment.enrol(
                parentURL: f.node("bac-ninh").webURL,
                token: token,
                unit: "BNI-YP",
                nodeName: "yen-phong",
                trustRootPEM: rootPEM,
                certificatePath: files.0,
                keyPath: files.1,
                dnsNames: ["localhost"]
            )
            let chain = try parseCertificateChain(pem: chainPEM)
            let root = try Certificate(pemEncoded: rootPEM)
            #expect(chain.count == 2)
            #expect(
                CertificateAuthority.unit(ofCA: chain[0].issuer) == "BNI",
                "the commune is certified by its province's intermediate"
            )
            #expect(chain[1].issuer == root.subject, "whose certificate the centre's root issued")
            #expect(try NodeIdentity.from(certificate: chain[0]).unitCode == "BNI-YP")
            let mode = try FileManager.default.attributesOfItem(atPath: files.1)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            // An independent check of the three-level chain.
            let verified = try await Self.openssl(["verify", "-CAfile", f.manifest.ca, "-untrusted", files.0, files.0])
            #expect(verified.status == 0, "\(verified.output)")
            // The token was spent.
            await #expect(throws: EnrolmentFailed.self) {
                try await NodeEnrolment.enrol(
                    parentURL: f.node("bac-ninh").webURL,
                    token: token,
                    unit: "BNI-YP",
                    nodeName: "yen-phong",
                    trustRootPEM: rootPEM,
                    certificatePath: folder + "/again.pem",
                    keyPath: folder + "/again.key.pem"
                )
            }
            let issued = try await admin.call(.GET, "/api/v1/node-certificates")
            #expect(
                (issued.json["issued"] as? [[String: Any]])?.contains {
                    $0["fingerprint"] as? String == chain[0].fingerprint && $0["via"] as? String == "enrolment"
                } == true
            )

            let credentials = try NodeCredentials.load(certificate: files.0, key: files.1, trustRoot: f.manifest.ca)
            try await Self.runNode(f, "yen-phong", credentials: credentials, folder: folder, files: files) {
                yenPhong,
                _ in
                let assignment = try await Self.assignToCommunes(f, code: "NQ57-ENROL")
                try await f.eventually("the enrolled node receives the centre's assignment through its province") {
                    try await Self.holds(yenPhong, assignment: assignment, unit: "BNI-YP")
                }
            }
        }
    }

    /// Renewal without downtime, signatures across the key rotation, revocation both ways within
    /// one sync, and a forged intermediate, in one federation.
    @Test func renewalRevocationAndTheForgedIntermediate() async throws {
        try await TestFederation.run { f in
            let deployment = f.federation.deployment
            let folder = f.directory + "/kept"
            let root = try Certificate(pemEncoded: String(contentsOfFile: f.manifest.ca, encoding: .utf8))

            // A forged certificate: Bắc Ninh's intermediate (its key is at the province) mints one for Sa Pa.
            let bacNinhNode = try #require(deployment.node(named: "bac-ninh"))
            let bacNinhCA = try #require(
                try NodeCertificates.issuer(for: bacNinhNode, in: deployment, folder: f.directory + "/certs")
            )
            let forged = try bacNinhCA.issueNodeCertificate(
                NodeCertificateRequest(unitCode: "LCA-SP", nodeName: "sa-pa", ipAddresses: ["127.0.0.1"])
            )
            let forgedFiles = try Self.write(
                NodeCredentials(
                    certificatePEM: forged.certificatePEM,
                    privateKeyPEM: forged.privateKeyPEM,
                    trustRootPEM: ""
                ),
                to: folder,
                as: "forged-sa-pa"
            )
            let impostor = try f.federationClient(
                as: "sa-pa",
                to: "lao-cai",
                certificate: forgedFiles.certificate,
                key: forgedFiles.key
            )
            await #expect(throws: (any Error).self, "lao-cai refuses Bắc Ninh's certificate for Sa Pa") {
                _ = try await impostor.feed(after: 0)
            }
            try await impostor.shutdown()
            let real = try f.federationClient(as: "sa-pa", to: "lao-cai")
            _ = try await real.feed(after: 0)
            try await real.shutdown()

            // Renewal of a province, while its commune long-polls it: new connections get the new certificate.
            let bacNinh = f.local("bac-ninh")
            let kinhBac = f.local("kinh-bac")
            let oldBacNinh = bacNinh.identity.credentials
            let oldBacNinhLeaf = try parseCertificateChain(pem: oldBacNinh.certificatePEM)[0]
            try await f.eventually("kinh-bac is in contact with bac-ninh") {
                let peers = try await kinhBac.syncLinks.status().peers
                return peers.contains { $0.unit == "BNI" && $0.lastContact != nil }
            }
            bacNinh.renewalSignal.notify()
            try await f.eventually("bac-ninh renewed its certificate") { bacNinh.identity.generation == 1 }
            let newBacNinhLeaf = try parseCertificateChain(pem: bacNinh.identity.credentials.certificatePEM)[0]
            #expect(newBacNinhLeaf.fingerprint != oldBacNinhLeaf.fingerprint)
            #expect(newBacNinhLeaf.issuer == root.subject, "a province's certificate comes from the centre's root")
            #expect(
                try String(contentsOfFile: f.node("bac-ninh").cert, encoding: .utf8)
                    == bacNinh.identity.credentials.certificatePEM,
                "the file was replaced"
            )
            let federationPort = Int(f.node("bac-ninh").federationURL.split(separator: ":").last!)!
            let webPort = Int(f.node("bac-ninh").webURL.split(separator: ":").last!)!
            for port in [federationPort, webPort] {
                #expect(
                    try await Self.presentedFingerprint(
                        port: port,
                        serverName: "bni.unit.reportnet",
                        client: f.node("centre"),
                        ca: f.manifest.ca
                    ) == newBacNinhLeaf.fingerprint,
                    "a new connection is served with the new certificate, without a restart"
                )
            }
            let first = try await Self.assignToCommunes(f, code: "NQ57-RENEW")
            try await f.eventually("sync goes on through the renewed province") {
                try await Self.holds(kinhBac, assignment: first, unit: "BNI-KB")
            }

            // A commune's key rotates: what it signed before and after both verify at the centre.
            let oldKinhBac = kinhBac.identity.credentials
            let oldKinhBacFiles = try Self.write(oldKinhBac, to: folder, as: "kinh-bac-old")
            let oldKinhBacLeaf = try parseCertificateChain(pem: oldKinhBac.certificatePEM)[0]
            let signedBefore = try kinhBac.signer.sign(Data("{\"report\":\"before\"}".utf8))
            kinhBac.renewalSignal.notify()
            try await f.eventually("kinh-bac renewed its certificate") { kinhBac.identity.generation == 1 }
            let signedAfter = try kinhBac.signer.sign(Data("{\"report\":\"after\"}".utf8))
            let newKinhBacLeaf = try parseCertificateChain(pem: kinhBac.identity.credentials.certificatePEM)[0]
            #expect(
                CertificateAuthority.unit(ofCA: newKinhBacLeaf.issuer) == "BNI",
                "renewed by its province's intermediate"
            )
            let centre = f.local("centre")
            #expect(try await centre.verifySignature(signedBefore).unitCode == "BNI-KB")
            #expect(try await centre.verifySignature(signedAfter).unitCode == "BNI-KB")

            // Revocation by the issuer: only inside its subtree, once, refused at once as a caller.
            let admin = try await f.login("bni.admin", at: "bac-ninh")
            let saPaPEM = try String(contentsOfFile: f.node("sa-pa").cert, encoding: .utf8)
            let saPaFingerprint = try parseCertificateChain(pem: saPaPEM)[0].fingerprint
            let outside = try await admin.call(
                .POST,
                "/api/v1/node-certificates/\(saPaFingerprint)/revoke",
                body: ["reason": "thử", "certificate": saPaPEM]
            )
            #expect(outside.status == 403, "a province never revokes another province's commune: \(outside.text)")
            let revoke = try await admin.call(
                .POST,
                "/api/v1/node-certificates/\(oldKinhBacLeaf.fingerprint)/revoke",
                body: ["reason": "Khóa cũ sau khi gia hạn", "certificate": oldKinhBac.certificatePEM]
            )
            #expect(revoke.status == 200, "\(revoke.text)")
            let twice = try await admin.call(
                .POST,
                "/api/v1/node-certificates/\(oldKinhBacLeaf.fingerprint)/revoke",
                body: ["reason": "lần nữa", "certificate": oldKinhBac.certificatePEM]
            )
            #expect(twice.status == 409)
            let oldCaller = try f.federationClient(
                as: "kinh-bac",
                to: "bac-ninh",
                certificate: oldKinhBacFiles.certificate,
                key: oldKinhBacFiles.key
            )
            await #expect(throws: (any Error).self, "the revoked certificate is refused by its issuer at once") {
                _ = try await oldCaller.feed(after: 0)
            }
            try await oldCaller.shutdown()

            // It travels up to the centre (and down from there): a signature by the revoked key that
            // arrives now is refused; the new key's still verifies.
            try await f.eventually("the centre holds the revocation") {
                centre.revocations.contains(oldKinhBacLeaf.fingerprint)
            }
            await #expect(throws: PKIError.self) { _ = try await centre.verifySignature(signedBefore) }
            #expect(try await centre.verifySignature(signedAfter).unitCode == "BNI-KB")
            try await f.eventually("lao-cai and sa-pa hold the revocation") {
                f.local("lao-cai").revocations.contains(oldKinhBacLeaf.fingerprint)
                    && f.local("sa-pa").revocations.contains(oldKinhBacLeaf.fingerprint)
            }

            // The client side: the centre revokes bac-ninh's old certificate; kinh-bac learns it
            // through bac-ninh's feed and refuses a server that still presents it.
            let tw = try await f.login("tw.admin", at: "centre")
            let revokedProvince = try await tw.call(
                .POST,
                "/api/v1/node-certificates/\(oldBacNinhLeaf.fingerprint)/revoke",
                body: ["reason": "Khóa cũ của tỉnh", "certificate": oldBacNinh.certificatePEM]
            )
            #expect(revokedProvince.status == 200, "\(revokedProvince.text)")
            try await f.eventually("kinh-bac holds the revocation of bac-ninh's old certificate") {
                kinhBac.revocations.contains(oldBacNinhLeaf.fingerprint)
            }
            try await Self.runNode(f, "bac-ninh", credentials: oldBacNinh, folder: folder, parent: false) { _, port in
                let dialling = try FederationClient(
                    address: "127.0.0.1:\(port)",
                    peer: NodeIdentity(unitCode: "BNI"),
                    credentials: kinhBac.identity.credentials,
                    trust: kinhBac.trust
                )
                do {
                    _ = try await dialling.feed(after: 0)
                    Issue.record("kinh-bac accepted a parent presenting a revoked certificate")
                } catch let refused as PeerCertificateRefused {
                    #expect(refused.reason.contains("revoked"))
                }
                try await dialling.shutdown()
            }

            // Within one sync, as a caller: the centre revokes kinh-bac's current certificate;
            // once bac-ninh pulls it, kinh-bac's connections (open or new) are refused there.
            let current = try await tw.call(
                .POST,
                "/api/v1/node-certificates/\(newKinhBacLeaf.fingerprint)/revoke",
                body: ["reason": "Nút bị xâm nhập", "certificate": kinhBac.identity.credentials.certificatePEM]
            )
            #expect(current.status == 200, "\(current.text)")
            try await f.eventually("bac-ninh pulls the revocation", seconds: 10) {
                bacNinh.revocations.contains(newKinhBacLeaf.fingerprint)
            }
            let revokedCaller = try f.federationClient(
                as: "kinh-bac",
                to: "bac-ninh",
                certificate: f.node("kinh-bac").cert,
                key: f.node("kinh-bac").key
            )
            await #expect(throws: (any Error).self) { _ = try await revokedCaller.feed(after: 0) }
            try await revokedCaller.shutdown()
            try await f.eventually("kinh-bac's own sync is refused") {
                (try await kinhBac.syncLinks.status().peers.first { $0.unit == "BNI" }?.lastError)?.isEmpty == false
            }
        }
    }

    /// A revocation is authorised by its signature: a province may not revoke outside its subtree,
    /// even when its message is relayed by a parent.
    @Test func aRevocationByANonAncestorIsParked() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let bacNinh = try nodes.open("bac-ninh")
        let laoCai = try nodes.open("lao-cai")
        let saPaFingerprint = try parseCertificateChain(pem: try nodes.credentials("sa-pa").certificatePEM)[0]
            .fingerprint
        let revocation = Revocation(
            fingerprint: saPaFingerprint,
            unit: "LCA-SP",
            revokedBy: "BNI",
            revokedAt: TestDay.start,
            reason: "giả mạo"
        )
        let signed = try bacNinh.signer.sign(try JSONEncoder.federation.encode(revocation))
        let message = Envelope(
            origin: "TW",
            kind: .pkiRevoked,
            unit: "LCA-SP",
            body: try JSONEncoder.federation.encode(signed)
        )
        let results = try await laoCai.inbox.receive([message], direction: .fromParent)
        #expect(results.first?.status == .parked)
        #expect(results.first?.detail.contains("not an ancestor") == true, "\(results.first?.detail ?? "")")
        #expect(!laoCai.revocations.contains(saPaFingerprint))
    }

    /// A province enrolling with the centre makes two keys, its node's and its intermediate CA's,
    /// and gets both certified by the root; the intermediate then certifies its own communes only.
    @Test func aProvinceEnrolsWithTheCentreAndGetsItsIntermediate() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        func open(_ name: String) throws -> LocalNode {
            var logger = Logger(label: "test.\(name)")
            logger.logLevel = .critical
            let description = try #require(nodes.deployment.node(named: name))
            return try LocalNode(
                node: description,
                deployment: nodes.deployment,
                database: try NodeDatabase.open(path: "\(nodes.directory)/\(name).sqlite"),
                credentials: try nodes.credentials(name),
                passwordCost: 4,
                issuer: try NodeCertificates.issuer(
                    for: description,
                    in: nodes.deployment,
                    folder: nodes.directory + "/certs"
                ),
                logger: logger
            )
        }
        let centre = try open("centre")
        let token = try await centre.pki.createEnrolmentToken(
            for: "LCA",
            by: Actor(username: "tw.admin", unit: "TW", role: .admin)
        ).token
        let node = try KeyRequest.make(unitCode: "LCA", nodeName: "lao-cai")
        let ca = try KeyRequest.make(unitCode: "LCA", nodeName: "lao-cai CA")
        let answer = try await centre.pki.enrol(
            EnrolmentRequest(token: token, csr: node.csrPEM, caCsr: ca.csrPEM),
            from: "127.0.0.1"
        )
        let intermediate = try CertificateAuthority(
            certificatePEM: try #require(answer.intermediate),
            privateKeyPEM: ca.privateKeyPEM
        )
        #expect(intermediate.unitCode == "LCA")
        #expect(intermediate.certificate.issuer == centre.root.subject)
        await #expect(throws: DomainError.self, "a token works once") {
            _ = try await centre.pki.enrol(EnrolmentRequest(token: token, csr: node.csrPEM), from: "127.0.0.1")
        }

        let trust = ChainTrust(root: centre.root, tree: nodes.deployment.tree, isRevoked: { _ in false })
        let saPa = try parseCertificateChain(
            pem: try intermediate.issueNodeCertificate(
                NodeCertificateRequest(unitCode: "LCA-SP", nodeName: "sa-pa", dnsNames: ["lca-sp.unit.reportnet"])
            ).certificatePEM
        )
        #expect(try await trust.verify(leaf: saPa[0], intermediates: Array(saPa.dropFirst())).unitCode == "LCA-SP")
        let kinhBac = try parseCertificateChain(
            pem: try intermediate.issueNodeCertificate(NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac"))
                .certificatePEM
        )
        await #expect(throws: PKIError.self, "Lào Cai's new intermediate cannot certify Bắc Ninh's commune") {
            _ = try await trust.verify(leaf: kinhBac[0], intermediates: Array(kinhBac.dropFirst()))
        }

        // A commune cannot get a CA: one asked for is not made (its unit has no level below), and
        // what it gets is a node certificate that certifies nothing.
        let bacNinh = try open("bac-ninh")
        let communeToken = try await bacNinh.pki.createEnrolmentToken(
            for: "BNI-KB",
            by: Actor(username: "bni.admin", unit: "BNI", role: .admin)
        ).token
        let commune = try KeyRequest.make(unitCode: "BNI-KB", nodeName: "kinh-bac")
        let communeAnswer = try await bacNinh.pki.enrol(
            EnrolmentRequest(token: communeToken, csr: commune.csrPEM, caCsr: commune.csrPEM),
            from: "127.0.0.1"
        )
        #expect(communeAnswer.intermediate == nil, "a province issued a CA")
        let communeLeaf = try parseCertificateChain(pem: communeAnswer.certificate)[0]
        #expect(try communeLeaf.extensions.basicConstraints == .notCertificateAuthority)
    }

    /// The rule for revoked keys at the inbox: what arrived before the revocation stays; a report
    /// signed by the revoked key that arrives after it is parked, whatever date it claims.
    @Test func aReportSignedByARevokedKeyIsParkedAfterTheRevocation() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let centre = try nodes.open("centre")
        let kinhBacLeaf = try parseCertificateChain(pem: try nodes.credentials("kinh-bac").certificatePEM)[0]
        let before = try InboxTests().approvedReport(unit: "BNI-KB", signedBy: "kinh-bac", in: nodes)
        let first = try await province.inbox.receive(
            [Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: before)],
            direction: .fromChild
        )
        #expect(first.map(\.status) == [.applied], "\(first.map(\.detail))")
        let kept = try await province.database.pool.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT unit FROM signer_certificates WHERE fingerprint = ?",
                arguments: [kinhBacLeaf.fingerprint]
            )
        }
        #expect(kept == "BNI-KB", "the signer's certificate is kept by fingerprint")

        let applied = try await Self.revokeKinhBac(kinhBacLeaf.fingerprint, signedBy: centre, at: province)
        #expect(applied.map(\.status) == [.applied], "\(applied.map(\.detail))")
        let relayedDown = try await province.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM feed WHERE CAST(envelope AS TEXT) LIKE '%pki.revoked%'")
        }
        #expect(relayedDown == 2, "relayed to both commune nodes below")

        let after = try InboxTests().approvedReport(
            unit: "BNI-KB",
            signedBy: "kinh-bac",
            in: nodes,
            period: .month(2026, 12)
        )
        let second = try await province.inbox.receive(
            [Envelope(origin: "BNI-KB", kind: .reportApproved, unit: "BNI-KB", body: after)],
            direction: .fromChild
        )
        #expect(second.map(\.status) == [.parked])
        #expect(second.first?.detail.contains("revoked") == true, "\(second.first?.detail ?? "")")
        let reports = try await province.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports")
        }
        #expect(reports == 1, "the report received before the revocation stays")
    }

    /// A signer's chain is validated once, not once per report, and a revocation makes it judged
    /// again at once: the chains held are forgotten when the revocation is applied, and the
    /// revoked signer's next report is parked while other signers' reports still apply.
    @Test func aSignerChainIsKeptUntilARevocationReachesTheNode() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let centre = try nodes.open("centre")
        let signers = province.revocations.verifiedSigners
        let kinhBacLeaf = try parseCertificateChain(pem: try nodes.credentials("kinh-bac").certificatePEM)[0]
        func report(_ unit: String, by node: String, month: Int) throws -> Envelope {
            Envelope(
                origin: unit,
                kind: .reportApproved,
                unit: unit,
                body: try InboxTests().approvedReport(
                    unit: unit,
                    signedBy: node,
                    in: nodes,
                    period: .month(2026, month)
                )
            )
        }
        let batch = try await province.inbox.receive(
            [try report("BNI-KB", by: "kinh-bac", month: 9), try report("BNI-KB", by: "kinh-bac", month: 10)],
            direction: .fromChild
        )
        #expect(batch.map(\.status) == [.applied, .applied], "\(batch.map(\.detail))")
        #expect(signers.count == 1, "one chain for two reports of one signer")
        let later = try await province.inbox.receive(
            [try report("BNI-KB", by: "kinh-bac", month: 11)],
            direction: .fromChild
        )
        #expect(later.map(\.status) == [.applied], "\(later.map(\.detail))")
        #expect(signers.count == 1, "the kept chain serves the next batch")

        let applied = try await Self.revokeKinhBac(kinhBacLeaf.fingerprint, signedBy: centre, at: province)
        #expect(applied.map(\.status) == [.applied], "\(applied.map(\.detail))")
        #expect(signers.count == 0, "the revocation made the node forget every chain it held")

        let after = try await province.inbox.receive(
            [try report("BNI-KB", by: "kinh-bac", month: 12), try report("BNI-YP", by: "yen-phong", month: 12)],
            direction: .fromChild
        )
        #expect(after.map(\.status) == [.parked, .applied], "\(after.map(\.detail))")
        #expect(after.first?.detail.contains("revoked") == true, "\(after.first?.detail ?? "")")
        let reports = try await province.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports")
        }
        #expect(reports == 4, "three of Kinh Bắc's before the revocation, one of Yên Phong's after it")
    }

    /// Signatures are checked before the write transaction; a revocation applied in between (here
    /// earlier in the same batch: the province revokes Kinh Bắc's certificate and relays one of
    /// its reports in one push) still refuses what the revoked key signed.
    @Test func aRevocationEarlierInTheBatchRefusesWhatTheRevokedKeySigned() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        let centre = try nodes.open("centre")
        let kinhBacLeaf = try parseCertificateChain(pem: try nodes.credentials("kinh-bac").certificatePEM)[0]
        let revocation = Revocation(
            fingerprint: kinhBacLeaf.fingerprint,
            unit: "BNI-KB",
            revokedBy: "BNI",
            revokedAt: TestDay.start,
            reason: "khóa bị lộ"
        )
        let signed = try province.signer.sign(try JSONEncoder.federation.encode(revocation))
        let report = Envelope(
            origin: "BNI",
            kind: .reportApproved,
            unit: "BNI-KB",
            body: try InboxTests().approvedReport(
                unit: "BNI-KB",
                signedBy: "kinh-bac",
                in: nodes,
                period: .month(2026, 9)
            )
        )
        let results = try await centre.inbox.receive(
            [
                Envelope(
                    origin: "BNI",
                    kind: .pkiRevoked,
                    unit: "BNI-KB",
                    body: try JSONEncoder.federation.encode(signed)
                ),
                report,
            ],
            direction: .fromChild
        )
        #expect(results.first?.status == .applied, "\(results.map(\.detail))")
        #expect(
            results.last?.status == .parked && results.last?.detail.contains("revoked") == true,
            "\(results.map(\.detail))"
        )
    }

    /// A child gets a few renewals a day, never a stream of certificates (a stolen key cannot mint
    /// fresh ones at will); the refusal is 429 and records nothing.
    @Test func renewalsAreLimitedPerDay() async throws {
        try await TestFederation.run { f in
            let client = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
            for _ in 0..<NodePKI.renewalsPerDay {
                let request = try KeyRequest.make(unitCode: "BNI-KB", nodeName: "kinh-bac")
                _ = try await client.renew(RenewalRequest(csr: request.csrPEM, dnsNames: nil))
            }
            let request = try KeyRequest.make(unitCode: "BNI-KB", nodeName: "kinh-bac")
            do {
                _ = try await client.renew(RenewalRequest(csr: request.csrPEM, dnsNames: nil))
                Issue.record("a renewal beyond the day's limit was granted")
            } catch let error as FederationCallError {
                #expect(error.status == 429, "\(error)")
            }
            try await client.shutdown()
            let issued = try await f.local("bac-ninh").database.pool.read { db in
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM issued_certificates WHERE unit = 'BNI-KB' AND via = 'renewal'"
                ) ?? 0
            }
            #expect(issued == NodePKI.renewalsPerDay)
        }
    }
}

import Foundation
import Hierarchy
import Synchronization
import Testing
import X509

@testable import Federation

/// The PKI follows the tree: a province's intermediate certifies only its own subtree, and every
/// check a node makes (a caller's chain, the parent it dials, a signed payload) refuses the rest.
@Suite struct TreePKITests {
    /// The demo tree: TW → BNI (BNI-KB, BNI-YP, BNI-TD), LCA (LCA-SP).
    static let tree = try! UnitTree(units: [
        Unit(code: "TW", name: "Trung ương", level: .central, parent: nil),
        Unit(code: "BNI", name: "Bắc Ninh", level: .province, parent: "TW"),
        Unit(code: "BNI-KB", name: "Kinh Bắc", level: .commune, parent: "BNI"),
        Unit(code: "BNI-YP", name: "Yên Phong", level: .commune, parent: "BNI"),
        Unit(code: "LCA", name: "Lào Cai", level: .province, parent: "TW"),
        Unit(code: "LCA-SP", name: "Sa Pa", level: .commune, parent: "LCA"),
    ])

    struct Fixture {
        let root: CertificateAuthority
        /// Bắc Ninh's intermediate, with name constraints on its subtree's DNS names.
        let bacNinh: CertificateAuthority
        /// The same province's intermediate without name constraints: only our subtree rule stops it.
        let bacNinhUnconstrained: CertificateAuthority

        init() throws {
            root = try CertificateAuthority.makeRoot(commonName: "Test root")
            bacNinh = try root.issueIntermediate(
                unitCode: "BNI",
                nodeName: "bac-ninh",
                permittedDNSNames: [
                    "bni.unit.reportnet", "bni-kb.unit.reportnet", "bni-yp.unit.reportnet", "localhost",
                ]
            )
            bacNinhUnconstrained = try root.issueIntermediate(
                unitCode: "BNI",
                nodeName: "bac-ninh",
                permittedDNSNames: []
            )
        }

        func trust(revoked: Set<String> = []) -> ChainTrust {
            ChainTrust(root: root.certificate, tree: TreePKITests.tree, isRevoked: { revoked.contains($0) })
        }
    }

    static func leaf(_ credential: IssuedCredential) throws -> (leaf: Certificate, intermediates: [Certificate]) {
        let chain = try parseCertificateChain(pem: credential.certificatePEM)
        return (chain[0], Array(chain.dropFirst()))
    }

    @Test func subtreePolicyDecidesFromTheTree() {
        let policy = SubtreePolicy(tree: Self.tree)
        #expect(policy.refusal(subject: "BNI-KB", issuerUnits: ["BNI"]) == nil)
        #expect(policy.refusal(subject: "BNI", issuerUnits: ["BNI"]) == nil, "a CA may certify its own unit's node")
        #expect(policy.refusal(subject: "LCA-SP", issuerUnits: [nil]) == nil, "the root certifies anyone")
        #expect(
            policy.refusal(subject: "LCA-SP", issuerUnits: ["BNI"]) != nil,
            "a province never certifies another province's commune"
        )
        #expect(policy.refusal(subject: "LCA", issuerUnits: ["BNI"]) != nil)
        #expect(policy.refusal(subject: "TW", issuerUnits: ["BNI"]) != nil, "nor a unit above it")
        #expect(policy.refusal(subject: "XX-99", issuerUnits: [nil]) != nil, "units outside the topology are refused")
    }

    @Test func intermediateCarriesItsUnitAndConstraints() throws {
        let f = try Fixture()
        #expect(f.bacNinh.unitCode == "BNI")
        #expect(f.root.unitCode == nil)
        #expect(
            try f.bacNinh.certificate.extensions.nameConstraints?.permittedDNSDomains.contains("bni-kb.unit.reportnet")
                == true
        )
        guard case .isCertificateAuthority(let length) = try f.bacNinh.certificate.extensions.basicConstraints else {
            Issue.record("not a CA")
            return
        }
        #expect(length == 0, "an intermediate signs node certificates only, never another CA")
    }

    @Test func aCommuneCertifiedByItsProvinceIsTrusted() async throws {
        let f = try Fixture()
        let credential = try f.bacNinh.issueNodeCertificate(
            NodeCertificateRequest(
                unitCode: "BNI-KB",
                nodeName: "kinh-bac",
                dnsNames: ["bni-kb.unit.reportnet", "localhost"],
                ipAddresses: ["127.0.0.1"]
            )
        )
        let (leaf, intermediates) = try Self.leaf(credential)
        #expect(intermediates.count == 1, "the node's file holds its chain")
        #expect(try await f.trust().verify(leaf: leaf, intermediates: intermediates).unitCode == "BNI-KB")
        #expect(f.trust().refusal(peerLeaf: leaf) == nil)
        // Without the intermediate no chain leads to the root.
        await #expect(throws: PKIError.self) { try await f.trust().verify(leaf: leaf, intermediates: []) }
    }

    /// The forged case: Bắc Ninh's intermediate issues a certificate for Sa Pa (Lào Cai). It is
    /// refused by the chain check (handshakes, signatures), the client's check and the verifier.
    @Test func bacNinhIntermediateIssuingForSaPaIsRefusedEverywhere() async throws {
        let f = try Fixture()
        for ca in [f.bacNinhUnconstrained, f.bacNinh] {
            // Only the identity URI (and an IP), so that name constraints on DNS names do not apply.
            let forged = try ca.issueNodeCertificate(
                NodeCertificateRequest(unitCode: "LCA-SP", nodeName: "sa-pa", ipAddresses: ["127.0.0.1"])
            )
            let (leaf, intermediates) = try Self.leaf(forged)
            do {
                _ = try await f.trust().verify(leaf: leaf, intermediates: intermediates)
                Issue.record("a forged chain was trusted")
            } catch let error as PKIError {
                guard case .outsideSubtree(let message) = error else {
                    Issue.record("wrong refusal: \(error)")
                    continue
                }
                #expect(message.contains("BNI") && message.contains("LCA-SP"))
            }
            #expect(
                f.trust().refusal(peerLeaf: leaf)?.contains("subtree") == true,
                "a child dialling its parent refuses it too"
            )

            let signer = try PayloadSigner(certificatePEM: forged.certificatePEM, privateKeyPEM: forged.privateKeyPEM)
            let signed = try signer.sign(Data("{\"unit\":\"LCA-SP\"}".utf8))
            #expect(signed.intermediates?.count == 1)
            await #expect(throws: PKIError.self) { try await PayloadVerifier(trust: f.trust()).verify(signed) }
        }
        // With a DNS name of Sa Pa, the name constraints alone refuse it as well.
        let named = try f.bacNinh.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "LCA-SP", nodeName: "sa-pa", dnsNames: ["lca-sp.unit.reportnet"])
        )
        let (leaf, intermediates) = try Self.leaf(named)
        let unconstrainedTrust = ChainTrust(root: f.root.certificate, tree: nil, isRevoked: { _ in false })
        await #expect(throws: PKIError.self) {
            try await unconstrainedTrust.verify(leaf: leaf, intermediates: intermediates)
        }
    }

    @Test func revokedLeafOrIntermediateIsRefused() async throws {
        let f = try Fixture()
        let credential = try f.bacNinh.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac")
        )
        let (leaf, intermediates) = try Self.leaf(credential)
        for revoked in [leaf.fingerprint, f.bacNinh.certificate.fingerprint] {
            await #expect(throws: PKIError.self) {
                try await f.trust(revoked: [revoked]).verify(leaf: leaf, intermediates: intermediates)
            }
        }
        #expect(f.trust(revoked: [leaf.fingerprint]).refusal(peerLeaf: leaf) != nil)
    }

    /// A CSR proves the node holds its key; the certificate says what the CA decides, not the CSR.
    @Test func certificateFromACSRKeepsTheKeyWithTheNode() async throws {
        let f = try Fixture()
        let request = try KeyRequest.make(unitCode: "LCA-SP", nodeName: "sa-pa")
        let csr = try KeyRequest.parseCSR(pem: request.csrPEM)
        let issued = try f.bacNinh.issue(
            csr: csr,
            for: NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac")
        )
        #expect(try NodeIdentity.from(certificate: issued.certificate).unitCode == "BNI-KB")
        #expect(
            issued.certificate.publicKey == (try Certificate.PrivateKey(pemEncoded: request.privateKeyPEM)).publicKey
        )
        #expect(!issued.chainPEM.contains("PRIVATE KEY"))
        // A CSR whose signature does not match its key is refused (no proof of possession).
        let other = try KeyRequest.make(unitCode: "BNI-KB", nodeName: "kinh-bac")
        let forgedCSR = try CertificateSigningRequest(
            version: .v1,
            subject: csr.subject,
            publicKey: csr.publicKey,
            attributes: csr.attributes,
            signatureAlgorithm: csr.signatureAlgorithm,
            signature: try KeyRequest.parseCSR(pem: other.csrPEM).signature
        )
        #expect(throws: PKIError.self) {
            try f.bacNinh.issue(csr: forgedCSR, for: NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac"))
        }
    }

    /// Report signatures after a rotation: an expired certificate verifies as of when it was
    /// first seen, not now.
    @Test func aRotatedExpiredKeyStillVerifiesAsOfWhenItWasSeen() async throws {
        let f = try Fixture()
        let old = try f.bacNinh.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac"),
            validityDays: 0
        )
        let signed = try PayloadSigner(certificatePEM: old.certificatePEM, privateKeyPEM: old.privateKeyPEM).sign(
            Data("báo cáo".utf8)
        )
        let verifier = PayloadVerifier(trust: f.trust())
        // validityDays 0: valid from an hour ago until now.
        try await Task.sleep(for: .milliseconds(1100))
        await #expect(throws: PKIError.self) { try await verifier.verify(signed) }
        #expect(try await verifier.verify(signed, at: Date().addingTimeInterval(-600)).unitCode == "BNI-KB")
    }

    /// A signer's chain is validated once and reused, but what can change is judged at every use:
    /// a revocation refuses the next payload even while the chain is still held, the chain is not
    /// reused outside its certificates' validity, and a tampered payload never passes.
    @Test func aKeptSignerChainIsJudgedAgainAtEveryUse() async throws {
        let f = try Fixture()
        let credential = try f.bacNinh.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "BNI-KB", nodeName: "kinh-bac")
        )
        let signer = try PayloadSigner(
            certificatePEM: credential.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM
        )
        let (leaf, _) = try Self.leaf(credential)
        let revoked = Mutex<Set<String>>([])
        let trust = ChainTrust(
            root: f.root.certificate,
            tree: TreePKITests.tree,
            isRevoked: { fingerprint in revoked.withLock { $0.contains(fingerprint) } }
        )
        let signers = VerifiedSigners()
        let verifier = PayloadVerifier(trust: trust, signers: signers)
        // An instant inside the certificates' validity, read from the leaf (not today's date).
        let now = leaf.notValidBefore.addingTimeInterval(3_600)
        let first = try await verifier.verifySigner(signer.sign(Data("một".utf8)), now: now)
        #expect(first.identity.unitCode == "BNI-KB")
        #expect(first.fingerprint == leaf.fingerprint)
        #expect(try signers.fingerprint(of: Data(leaf.derBytes)) == leaf.fingerprint)
        #expect(signers.count == 1)
        _ = try await verifier.verifySigner(signer.sign(Data("hai".utf8)), now: now)
        #expect(signers.count == 1, "the same chain is kept once")

        let good = try signer.sign(Data("ba".utf8))
        let tampered = SignedPayload(
            payload: Data("bốn".utf8),
            signature: good.signature,
            signerCertificate: good.signerCertificate,
            intermediates: good.intermediates
        )
        await #expect(throws: PKIError.badSignature) { try await verifier.verifySigner(tampered, now: now) }

        // Far beyond the certificates' validity the kept chain is not used: validated anew, refused.
        await #expect(throws: PKIError.self) {
            try await verifier.verifySigner(good, at: now.addingTimeInterval(3_650 * 86_400), now: now)
        }

        for fingerprint in [leaf.fingerprint, f.bacNinh.certificate.fingerprint] {
            revoked.withLock { $0 = [fingerprint] }
            #expect(signers.count == 1, "still held: only the judgement refuses it")
            do {
                _ = try await verifier.verifySigner(good, now: now)
                Issue.record("a payload signed under a revoked certificate passed")
            } catch let error as PKIError {
                guard case .revoked = error else {
                    Issue.record("expected a revocation, got \(error)")
                    continue
                }
            }
        }
        revoked.withLock { $0 = [] }
        #expect(try await verifier.verifySigner(good, now: now).identity.unitCode == "BNI-KB")
        signers.forgetAll()
        #expect(signers.count == 0)
    }
}

import Foundation
import TestSupport
import Testing

@testable import Federation

/// Runs a tool and returns its exit status and combined stdout/stderr.
private func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let result = try await Command.run(executable, arguments, mergingErrors: true)
    return (result.status, result.output)
}

private func makeTemporaryFolder() throws -> URL { try ScratchDirectory(prefix: "pki-tests").url }

private func permissions(_ path: String) throws -> Int {
    let value = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
    return (value as? NSNumber)?.intValue ?? (value as? Int) ?? -1
}

private let p01Request = NodeCertificateRequest(
    unitCode: "P01",
    nodeName: "Province 01",
    dnsNames: ["p01.reportnet.local"],
    ipAddresses: ["127.0.0.1"]
)

@Suite struct PKITests {
    @Test func issuedNodeCertificateCarriesIdentityAndVerifiesWithOpenSSL() async throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "ReportNet Test Root")
        let credential = try ca.issueNodeCertificate(p01Request)
        #expect(
            try PayloadSigner(certificatePEM: credential.certificatePEM, privateKeyPEM: credential.privateKeyPEM)
                .identity == NodeIdentity(unitCode: "P01")
        )
        #expect(throws: PKIError.self) { try NodeIdentity.from(certificate: ca.certificate) }

        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let caPath = folder.appendingPathComponent("ca.pem").path
        let certPath = folder.appendingPathComponent("nested/node.pem").path
        let keyPath = folder.appendingPathComponent("nested/private/node.key").path
        try CredentialFiles.writeCertificate(pem: ca.certificatePEM, path: caPath)
        try CredentialFiles.write(
            certificatePEM: credential.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM,
            certificatePath: certPath,
            keyPath: keyPath
        )
        #expect(try permissions(keyPath) == 0o600)
        #expect(try permissions(certPath) == 0o644)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == credential.privateKeyPEM + "\n")

        // What every operator does: a chain bundle by concatenation, which OpenSSL must read whole.
        let chain = try await Command.shell("cat nested/node.pem ca.pem > chain.pem", in: folder)
        #expect(chain.status == 0)
        let bundle = try await Command.shell(
            "openssl crl2pkcs7 -nocrl -certfile chain.pem | openssl pkcs7 -print_certs -noout",
            in: folder
        )
        #expect(bundle.output.components(separatedBy: "subject=").count - 1 == 2, "\(bundle.output)")

        // Independent checks with the openssl CLI.
        let text = try await run("/usr/bin/openssl", ["x509", "-in", certPath, "-noout", "-text"]).output
        #expect(text.components(separatedBy: "URI:").count - 1 == 1)
        #expect(text.contains("URI:reportnet://unit/P01"))
        #expect(text.contains("DNS:p01.reportnet.local"))
        #expect(text.contains("IP Address:127.0.0.1"))
        #expect(text.contains("TLS Web Server Authentication"))
        #expect(text.contains("TLS Web Client Authentication"))
        #expect(text.contains("CA:FALSE"))
        #expect(
            text.contains("Subject: CN=Province 01, O=ReportNet")
                || text.contains("Subject: CN = Province 01, O = ReportNet")
        )

        let verified = try await run("/usr/bin/openssl", ["verify", "-CAfile", caPath, certPath])
        #expect(verified.status == 0)
        #expect(verified.output.contains("OK"))
        let keyCheck = try await run("/usr/bin/openssl", ["pkey", "-in", keyPath, "-noout"])
        #expect(keyCheck.status == 0)

        let otherCA = try CertificateAuthority.makeRoot(commonName: "Someone Else")
        let foreign = try otherCA.issueNodeCertificate(p01Request)
        let foreignPath = folder.appendingPathComponent("foreign.pem").path
        try CredentialFiles.writeCertificate(pem: foreign.certificatePEM, path: foreignPath)
        #expect(try await run("/usr/bin/openssl", ["verify", "-CAfile", caPath, foreignPath]).status != 0)
    }

    @Test func keyFileOverwriteTightensPermissions() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPath = folder.appendingPathComponent("node.key").path
        #expect(
            FileManager.default.createFile(
                atPath: keyPath,
                contents: Data("old".utf8),
                attributes: [.posixPermissions: 0o644]
            )
        )
        try CredentialFiles.write(
            certificatePEM: "cert",
            privateKeyPEM: "new key",
            certificatePath: folder.appendingPathComponent("node.pem").path,
            keyPath: keyPath
        )
        #expect(try permissions(keyPath) == 0o600)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == "new key\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["node.key", "node.pem"])
    }

    @Test func caRoundTripsThroughPEM() throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "Root")
        let reloaded = try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)
        #expect(reloaded.certificate == ca.certificate)
        let other = try CertificateAuthority.makeRoot(commonName: "Other")
        #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        let leaf = try reloaded.issueNodeCertificate(p01Request)
        #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
    }

    @Test(arguments: ["1.2.3", "256.0.0.1", "", "localhost", "::g", "fe80::1%eth0"])
    func invalidAddressesAreRejected(address: String) throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "Root")
        var request = p01Request
        request.ipAddresses = [address]
        #expect(throws: PKIError.invalidAddress(address)) { try ca.issueNodeCertificate(request) }
    }

    @Test func ipAddressConversion() throws {
        #expect(try Federation.ipAddressBytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(try Federation.ipAddressBytes("::1") == Array(repeating: 0, count: 15) + [1])
        #expect(try Federation.ipAddressBytes("2001:db8::2").prefix(4) == [0x20, 0x01, 0x0d, 0xb8])
    }

    @Test func invalidUnitCodeIsRejected() throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "Root")
        var request = p01Request
        request.unitCode = "P 01"
        #expect(throws: PKIError.self) { try ca.issueNodeCertificate(request) }
    }

    @Test func signAndVerifyRoundTrip() async throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "Root")
        let credential = try ca.issueNodeCertificate(p01Request)
        let signer = try PayloadSigner(
            certificatePEM: credential.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM
        )
        let verifier = try PayloadVerifier(trustedRootPEM: ca.certificatePEM)

        let signed = try signer.sign(Data(#"{"report":42}"#.utf8))
        #expect(try await verifier.verify(signed) == NodeIdentity(unitCode: "P01"))
        #expect(try NodeIdentity.from(derEncoded: [UInt8](signed.signerCertificate)).unitCode == "P01")

        // Relayed as JSON by an intermediate node, still verifies.
        let relayed = try JSONDecoder().decode(SignedPayload.self, from: JSONEncoder().encode(signed))
        #expect(relayed == signed)
        #expect(try await verifier.verify(relayed).unitCode == "P01")
    }

    @Test func tamperedPayloadIsRejected() async throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "Root")
        let credential = try ca.issueNodeCertificate(p01Request)
        let signer = try PayloadSigner(
            certificatePEM: credential.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM
        )
        let verifier = try PayloadVerifier(trustedRootPEM: ca.certificatePEM)
        let signed = try signer.sign(Data("total=100".utf8))

        var bytes = [UInt8](signed.payload)
        bytes[6] ^= 0x01
        let tampered = SignedPayload(
            payload: Data(bytes),
            signature: signed.signature,
            signerCertificate: signed.signerCertificate
        )
        await #expect(throws: PKIError.badSignature) { try await verifier.verify(tampered) }

        let garbage = SignedPayload(
            payload: signed.payload,
            signature: Data([1, 2, 3]),
            signerCertificate: signed.signerCertificate
        )
        await #expect(throws: PKIError.badSignature) { try await verifier.verify(garbage) }
    }

    @Test func signerFromAnotherCAIsRejected() async throws {
        let trusted = try CertificateAuthority.makeRoot(commonName: "Root")
        let rogue = try CertificateAuthority.makeRoot(commonName: "Root")  // same name, different key
        let credential = try rogue.issueNodeCertificate(p01Request)
        let signer = try PayloadSigner(
            certificatePEM: credential.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM
        )
        let verifier = try PayloadVerifier(trustedRootPEM: trusted.certificatePEM)
        let signed = try signer.sign(Data("hello".utf8))
        await #expect {
            try await verifier.verify(signed)
        } throws: { error in
            guard case PKIError.untrustedSigner = error else { return false }
            return true
        }

        // A trusted node's certificate swapped in under a rogue signature also fails.
        let honest = try trusted.issueNodeCertificate(p01Request)
        let honestSigner = try PayloadSigner(certificatePEM: honest.certificatePEM, privateKeyPEM: honest.privateKeyPEM)
        let forged = SignedPayload(
            payload: signed.payload,
            signature: signed.signature,
            signerCertificate: try honestSigner.sign(Data()).signerCertificate
        )
        await #expect(throws: PKIError.badSignature) { try await verifier.verify(forged) }

        let junk = SignedPayload(
            payload: signed.payload,
            signature: signed.signature,
            signerCertificate: Data([0x30, 0x00])
        )
        await #expect(throws: PKIError.self) { try await verifier.verify(junk) }
    }

    @Test func signerRejectsMismatchedKey() throws {
        let ca = try CertificateAuthority.makeRoot(commonName: "Root")
        let a = try ca.issueNodeCertificate(p01Request)
        let b = try ca.issueNodeCertificate(p01Request)
        #expect(throws: PKIError.self) {
            try PayloadSigner(certificatePEM: a.certificatePEM, privateKeyPEM: b.privateKeyPEM)
        }
    }

    @Test func nodeIdentityURIParsing() {
        #expect(NodeIdentity(uri: "reportnet://unit/P01")?.unitCode == "P01")
        #expect(NodeIdentity(uri: "reportnet://unit/BNI-KB9")?.unitCode == "BNI-KB9")
        #expect(NodeIdentity(uri: "reportnet://unit/a.b_c-9") == nil, "unit codes are DNS labels")
        #expect(NodeIdentity(unitCode: "BNI-KB").dnsName == "bni-kb.unit.reportnet")
        #expect(NodeIdentity(unitCode: "P01").uri == "reportnet://unit/P01")
        for bad in [
            "reportnet://unit/", "reportnet://unit", "reportnet://unit/P 01", "reportnet://unit/P01/x",
            "reportnet://unit/P01?x", "REPORTNET://unit/P01", "https://unit/P01", " reportnet://unit/P01",
            "reportnet://unit/P01\n", "reportnet://unit/Pé", "",
        ] {
            #expect(NodeIdentity(uri: bad) == nil, "\(bad)")
        }
    }

    @Test func identityNeedsExactlyOneReportNetURI() throws {
        #expect(try NodeIdentity.from(uriNames: ["https://example.org", "reportnet://unit/X"]).unitCode == "X")
        #expect(throws: PKIError.self) { try NodeIdentity.from(uriNames: []) }
        #expect(throws: PKIError.self) { try NodeIdentity.from(uriNames: ["https://example.org"]) }
        #expect(throws: PKIError.self) {
            try NodeIdentity.from(uriNames: ["reportnet://unit/A", "reportnet://unit/B"])
        }
        #expect(throws: PKIError.self) { try NodeIdentity.from(uriNames: ["reportnet://unit/"]) }
        #expect(throws: PKIError.self) { try NodeIdentity.from(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x00]) }
    }

    @Test func errorsDescribeThemselves() {
        #expect(PKIError.badSignature.description.contains("signature"))
        #expect(PKIError.invalidAddress("x").description.contains("'x'"))
    }
}

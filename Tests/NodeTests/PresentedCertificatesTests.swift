import Federation
import Foundation
import Testing
import X509

@testable import NodeHTTP

/// The federation listener's memory of the client certificates presented to it
/// (`PresentedCertificates`): a certificate's bytes give the node and fingerprint that parsing them
/// gives, the first time and every time after, also once the memory was emptied for growing past
/// its capacity; bytes that are no certificate are refused, and not remembered.
@Suite struct PresentedCertificatesTests {
    @Test func eachCertificateNamesItsOwnNodeEveryTime() throws {
        let authority = try CertificateAuthority.makeRoot(commonName: "Presented Certificates Test Root")
        let presented = try ["BNI", "BNI-KB", "LCA"].map { unit in
            let issued = try authority.issueNodeCertificate(
                NodeCertificateRequest(unitCode: unit, nodeName: unit.lowercased())
            )
            let leaf = try #require(try parseCertificateChain(pem: issued.certificatePEM).first)
            return (unit: unit, der: leaf.derBytes, fingerprint: leaf.fingerprint)
        }
        let memory = PresentedCertificates(capacity: 2)
        for _ in 0..<3 {
            for certificate in presented {
                let (identity, fingerprint) = try memory.identity(of: certificate.der)
                #expect(identity.unitCode == certificate.unit)
                #expect(fingerprint == certificate.fingerprint)
            }
        }
        #expect(throws: (any Error).self) { try memory.identity(of: Array(presented[0].der.dropLast(7))) }
        #expect(throws: (any Error).self) { try memory.identity(of: Array(presented[0].der.dropLast(7))) }
    }
}

import AsyncHTTPClient
import Federation
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOSSL
import X509

/// The new node's side of enrolment: makes its key here, sends only the CSR with the one-time
/// token to its parent's web listener (trusting only the federation's root), checks what comes
/// back, and writes the key (0600) and the certificate chain.
public enum NodeEnrolment {
    /// - Parameters:
    ///   - parentURL: the parent's web listener, `https://host:port`.
    ///   - unit: the unit this node will be (the token decides; a mismatch is refused here).
    /// - Returns: the issued chain, PEM.
    @discardableResult
    public static func enrol(
        parentURL: String,
        token: String,
        unit: String,
        nodeName: String,
        trustRootPEM: String,
        certificatePath: String,
        keyPath: String,
        dnsNames: [String] = [],
        ipAddresses: [String] = [],
        intermediatePaths: (certificate: String, key: String)? = nil
    ) async throws -> String {
        let request = try KeyRequest.make(unitCode: unit, nodeName: nodeName)
        // A province also makes its intermediate CA's key here and asks the centre to certify it.
        let caRequest = try intermediatePaths.map { _ in try KeyRequest.make(unitCode: unit, nodeName: nodeName + " CA")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootPEM.utf8)))
        tls.minimumTLSVersion = .tlsv12
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: .init(tlsConfiguration: tls)
        )
        let answer: EnrolmentAnswer
        do {
            var call = HTTPClientRequest(
                url: parentURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/enrol"
            )
            call.method = .POST
            call.headers.add(name: "Content-Type", value: "application/json")
            call.body = .bytes(
                ByteBuffer(
                    data: try JSONEncoder().encode(
                        EnrolmentRequest(
                            token: token,
                            csr: request.csrPEM,
                            dnsNames: dnsNames,
                            ipAddresses: ipAddresses,
                            caCsr: caRequest?.csrPEM
                        )
                    )
                )
            )
            let response = try await http.execute(call, timeout: .seconds(30))
            let body = Data(buffer: try await response.body.collect(upTo: 1024 * 1024))
            guard response.status == .created else {
                let message = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["message"] as? String
                throw EnrolmentFailed(
                    "enrolment refused (HTTP \(response.status.code)): \(message ?? String(decoding: body, as: UTF8.self))"
                )
            }
            answer = try JSONDecoder().decode(EnrolmentAnswer.self, from: body)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        guard answer.unit == unit else { throw EnrolmentFailed("the token is for unit \(answer.unit), not \(unit)") }
        let chain = try parseCertificateChain(pem: answer.certificate)
        let key = try Certificate.PrivateKey(pemEncoded: request.privateKeyPEM)
        guard chain[0].publicKey == key.publicKey else {
            throw EnrolmentFailed("the parent returned a certificate for another key")
        }
        let root = try Certificate(pemEncoded: trustRootPEM)
        let identity = try await ChainTrust(root: root, tree: nil, isRevoked: { _ in false }).verify(
            leaf: chain[0],
            intermediates: Array(chain.dropFirst())
        )
        guard identity.unitCode == unit else {
            throw EnrolmentFailed("the certificate names unit \(identity.unitCode), not \(unit)")
        }
        if let caRequest, let intermediatePaths {
            guard let pem = answer.intermediate, let intermediate = try? Certificate(pemEncoded: pem),
                intermediate.publicKey == (try Certificate.PrivateKey(pemEncoded: caRequest.privateKeyPEM)).publicKey,
                CertificateAuthority.unit(ofCA: intermediate.subject) == unit
            else {
                throw EnrolmentFailed("the parent did not certify this node's intermediate CA")
            }
            // Loads as a CA (checks it is one and the key matches) before anything is written.
            _ = try CertificateAuthority(certificatePEM: pem, privateKeyPEM: caRequest.privateKeyPEM)
            try CredentialFiles.write(
                certificatePEM: pem,
                privateKeyPEM: caRequest.privateKeyPEM,
                certificatePath: intermediatePaths.certificate,
                keyPath: intermediatePaths.key
            )
        }
        try CredentialFiles.write(
            certificatePEM: answer.certificate,
            privateKeyPEM: request.privateKeyPEM,
            certificatePath: certificatePath,
            keyPath: keyPath
        )
        return answer.certificate
    }
}

/// Enrolment did not give this node a certificate, with the reason.
public struct EnrolmentFailed: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

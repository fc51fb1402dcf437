import Foundation
import NIOSSL

/// A node's TLS identity (its certificate and key) and the root it trusts, loaded once and used
/// for both its listeners and its client.
public struct NodeCredentials: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    public let trustRootPEM: String

    public init(certificatePEM: String, privateKeyPEM: String, trustRootPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.trustRootPEM = trustRootPEM
    }

    public static func load(certificate: String, key: String, trustRoot: String) throws -> NodeCredentials {
        NodeCredentials(
            certificatePEM: try String(contentsOfFile: certificate, encoding: .utf8),
            privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8),
            trustRootPEM: try String(contentsOfFile: trustRoot, encoding: .utf8)
        )
    }

    private func material() throws -> (
        chain: [NIOSSLCertificateSource], key: NIOSSLPrivateKeySource, roots: NIOSSLTrustRoots
    ) {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        let roots = try NIOSSLCertificate.fromPEMBytes(Array(trustRootPEM.utf8))
        return (chain, .privateKey(key), .certificates(roots))
    }

    /// Client side of node-to-node calls: presents the node certificate, trusts only the root.
    public func clientTLS() throws -> TLSConfiguration {
        let material = try material()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = material.roots
        tls.certificateChain = material.chain
        tls.privateKey = material.key
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// The federation listener: a client certificate chaining to the root is required.
    public func federationServerTLS() throws -> TLSConfiguration {
        let material = try material()
        var tls = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: material.chain,
            privateKey: material.key,
            trustRoots: material.roots
        )
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// The listener for people: plain server TLS, no client certificate.
    public func webServerTLS() throws -> TLSConfiguration {
        let material = try material()
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: material.chain, privateKey: material.key)
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

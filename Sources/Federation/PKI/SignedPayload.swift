@preconcurrency import Crypto
import Foundation
import SwiftASN1
import X509

/// A report as it travels up the tree: the approving node's bytes, its signature and its certificate, relayed unchanged.
public struct SignedPayload: Codable, Sendable, Hashable {
    public let payload: Data
    /// ECDSA P-256 / SHA-256 signature over `payload`, DER-encoded.
    public let signature: Data
    /// The signer's certificate, DER-encoded.
    public let signerCertificate: Data

    public init(payload: Data, signature: Data, signerCertificate: Data) {
        self.payload = payload
        self.signature = signature
        self.signerCertificate = signerCertificate
    }
}

/// Signs payloads with a node's own key so any ancestor can check who approved them.
public struct PayloadSigner: Sendable {
    public let identity: NodeIdentity
    private let key: P256.Signing.PrivateKey
    private let certificateDER: Data

    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate = try parseCertificate(pem: certificatePEM)
        let key = try parseP256Key(pem: privateKeyPEM)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw PKIError.invalidKey("the private key does not belong to the signer certificate")
        }
        self.identity = try NodeIdentity.from(certificate: certificate)
        self.key = key
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificateDER = Data(serializer.serializedBytes)
    }

    public func sign(_ payload: Data) throws -> SignedPayload {
        let signature = try key.signature(for: payload)
        return SignedPayload(payload: payload, signature: signature.derRepresentation, signerCertificate: certificateDER)
    }
}

/// Checks, at every level of the tree, that a payload was signed by a node certified by our root.
public struct PayloadVerifier: Sendable {
    private let root: Certificate

    public init(trustedRootPEM: String) throws {
        self.root = try parseCertificate(pem: trustedRootPEM)
    }

    /// Returns the signer's identity if its certificate chains to the root and the signature matches the payload.
    public func verify(_ signed: SignedPayload) async throws -> NodeIdentity {
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: [UInt8](signed.signerCertificate))
        } catch {
            throw PKIError.untrustedSigner("the signer certificate is not a valid DER-encoded X.509 certificate")
        }

        var verifier = Verifier(rootCertificates: CertificateStore([root])) { RFC5280Policy() }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
        if case .couldNotValidate(let failures) = result {
            let reasons = failures.map { "\($0.policyFailureReason)" }
            let detail = reasons.isEmpty ? "no chain leads to the trusted root" : reasons.joined(separator: "; ")
            throw PKIError.untrustedSigner("certificate '\(leaf.subject)' is not trusted: \(detail)")
        }

        let identity = try NodeIdentity.from(certificate: leaf)
        guard let publicKey = P256.Signing.PublicKey(leaf.publicKey) else {
            throw PKIError.untrustedSigner("the signer certificate of \(identity.unitCode) does not hold a P-256 key")
        }
        guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signed.signature),
            publicKey.isValidSignature(signature, for: signed.payload)
        else {
            throw PKIError.badSignature
        }
        return identity
    }
}

/// Everything that can go wrong issuing, loading, writing or checking node credentials.
public enum PKIError: Error, CustomStringConvertible, Equatable {
    case identity(String)
    case invalidAddress(String)
    case invalidKey(String)
    case invalidCertificate(String)
    case untrustedSigner(String)
    case badSignature
    case fileWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .identity(let message): "Node identity error: \(message)"
        case .invalidAddress(let address): "Not a valid IPv4 or IPv6 address: '\(address)'"
        case .invalidKey(let message): "Invalid private key: \(message)"
        case .invalidCertificate(let message): "Invalid certificate: \(message)"
        case .untrustedSigner(let message): "Untrusted signer: \(message)"
        case .badSignature: "Bad signature: the payload does not match its signature (it was altered or signed by another key)"
        case .fileWrite(let path, let reason): "Could not write '\(path)': \(reason)"
        }
    }
}

func parseCertificate(pem: String) throws -> Certificate {
    do {
        return try Certificate(pemEncoded: pem)
    } catch {
        throw PKIError.invalidCertificate("not a PEM-encoded X.509 certificate: \(error)")
    }
}

func parseP256Key(pem: String) throws -> P256.Signing.PrivateKey {
    do {
        return try P256.Signing.PrivateKey(pemRepresentation: pem)
    } catch {
        throw PKIError.invalidKey("not a PEM-encoded P-256 private key: \(error)")
    }
}

@preconcurrency import Crypto
import Foundation
import Hierarchy
import SwiftASN1
import X509

/// A report as it travels up the tree: the approving node's bytes, its signature and its certificate, relayed unchanged.
public struct SignedPayload: Codable, Sendable, Hashable {
    public let payload: Data
    /// ECDSA P-256 / SHA-256 signature over `payload`, DER-encoded.
    public let signature: Data
    /// The signer's certificate, DER-encoded.
    public let signerCertificate: Data
    /// The CAs between the signer and the root (a province's intermediate), DER-encoded; absent
    /// when the root issued the signer (and in messages signed before intermediates existed).
    public let intermediates: [Data]?

    public init(payload: Data, signature: Data, signerCertificate: Data, intermediates: [Data]? = nil) {
        self.payload = payload
        self.signature = signature
        self.signerCertificate = signerCertificate
        self.intermediates = intermediates
    }
}

/// Signs payloads with a node's own key so any ancestor can check who approved them.
public struct PayloadSigner: Sendable {
    public let identity: NodeIdentity
    private let key: P256.Signing.PrivateKey
    private let certificateDER: Data
    private let intermediatesDER: [Data]

    /// - Parameter certificatePEM: the node's certificate, followed by its issuing CAs if any.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let chain = try parseCertificateChain(pem: certificatePEM)
        let certificate = chain[0]
        let key = try parseP256Key(pem: privateKeyPEM)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw PKIError.invalidKey("the private key does not belong to the signer certificate")
        }
        self.identity = try NodeIdentity.from(certificate: certificate)
        self.key = key
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificateDER = Data(serializer.serializedBytes)
        self.intermediatesDER = chain.dropFirst().map { Data($0.derBytes) }
    }

    public func sign(_ payload: Data) throws -> SignedPayload {
        let signature = try key.signature(for: payload)
        return SignedPayload(
            payload: payload,
            signature: signature.derRepresentation,
            signerCertificate: certificateDER,
            intermediates: intermediatesDER.isEmpty ? nil : intermediatesDER
        )
    }
}

/// Checks, at every level of the tree, that a payload was signed by a node certified by our root,
/// through CAs that stayed in their subtree, with a certificate that is not revoked.
public struct PayloadVerifier: Sendable {
    private let trust: ChainTrust
    /// Chains validated before, reused while valid; nil: every chain is validated anew.
    private let signers: VerifiedSigners?

    public init(trust: ChainTrust, signers: VerifiedSigners? = nil) {
        self.trust = trust
        self.signers = signers
    }

    /// A verifier with no revocations and no subtree policy beyond the root (tools and tests).
    public init(trustedRootPEM: String, tree: UnitTree? = nil) throws {
        let root = try parseCertificate(pem: trustedRootPEM)
        self.trust = ChainTrust(root: root, tree: tree, isRevoked: { _ in false })
        self.signers = nil
    }

    /// The signer's certificate, as carried in the payload.
    public static func signerCertificate(of signed: SignedPayload) throws -> Certificate {
        try signerCertificate(of: signed.signerCertificate)
    }

    static func signerCertificate(of der: Data) throws -> Certificate {
        do {
            return try Certificate(derEncoded: [UInt8](der))
        } catch {
            throw PKIError.untrustedSigner("the signer certificate is not a valid DER-encoded X.509 certificate")
        }
    }

    /// Returns the signer's identity if its certificate chains to the root (as of `time`: a
    /// certificate seen valid earlier is checked as of then, so a rotated or expired key still
    /// verifies what it signed) and the signature matches the payload.
    public func verify(_ signed: SignedPayload, at time: Date? = nil) async throws -> NodeIdentity {
        try await verifySigner(signed, at: time).identity
    }

    /// `verify`, also giving the signer certificate's fingerprint and its validated chain (which a
    /// writer judges again when it applies what was signed: see `ChainTrust.judge`). With `signers`, a chain
    /// validated before is reused while every certificate in it is valid at `time` (or at `now`
    /// when no time is given; without either, the chain is validated anew); revocations and the
    /// subtree rule are checked every time, and the signature always.
    public func verifySigner(
        _ signed: SignedPayload,
        at time: Date? = nil,
        now: Date? = nil
    ) async throws -> (identity: NodeIdentity, fingerprint: String, chain: ValidatedChain) {
        let key = VerifiedSigners.Key(certificate: signed.signerCertificate, intermediates: signed.intermediates ?? [])
        let entry: VerifiedSigners.Entry
        var fresh = false
        if let signers, let when = time ?? now, let known = signers.entry(key, validAt: when) {
            entry = known
        } else {
            entry = try await validate(signed, at: time)
            fresh = true
        }
        let identity = try trust.judge(entry.chain)
        guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signed.signature),
            entry.key.isValidSignature(signature, for: signed.payload)
        else {
            throw PKIError.badSignature
        }
        if fresh { signers?.keep(entry, for: key) }
        return (identity, entry.chain.leafFingerprint, entry.chain)
    }

    private func validate(_ signed: SignedPayload, at time: Date?) async throws -> VerifiedSigners.Entry {
        let leaf = try Self.signerCertificate(of: signed)
        let intermediates = try (signed.intermediates ?? []).map { der in
            do { return try Certificate(derEncoded: [UInt8](der)) } catch {
                throw PKIError.untrustedSigner("an intermediate certificate is not valid DER-encoded X.509")
            }
        }
        let chain = try await trust.validate(leaf: leaf, intermediates: intermediates, at: time)
        // Checked before the key, as before the chain was kept apart from the other checks.
        _ = try trust.judge(chain)
        guard let publicKey = P256.Signing.PublicKey(leaf.publicKey) else {
            throw PKIError.untrustedSigner(
                "the signer certificate of \(chain.identity.unitCode) does not hold a P-256 key"
            )
        }
        return VerifiedSigners.Entry(chain: chain, key: publicKey)
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
    case revoked(String)
    case outsideSubtree(String)

    public var description: String {
        switch self {
        case .identity(let message): "Node identity error: \(message)"
        case .invalidAddress(let address): "Not a valid IPv4 or IPv6 address: '\(address)'"
        case .invalidKey(let message): "Invalid private key: \(message)"
        case .invalidCertificate(let message): "Invalid certificate: \(message)"
        case .untrustedSigner(let message): "Untrusted signer: \(message)"
        case .badSignature:
            "Bad signature: the payload does not match its signature (it was altered or signed by another key)"
        case .fileWrite(let path, let reason): "Could not write '\(path)': \(reason)"
        case .revoked(let message): "Revoked: \(message)"
        case .outsideSubtree(let message): "Certificate outside its issuer's subtree: \(message)"
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

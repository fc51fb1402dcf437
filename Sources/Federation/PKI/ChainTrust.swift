import Auth
@preconcurrency import Crypto
import Foundation
import Hierarchy
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// The federation's rule that the PKI follows the tree: a CA below the root (a province's
/// intermediate) may certify only nodes of units in its own subtree. Pure: it decides from the
/// unit tree and the units the chain's CAs name.
public struct SubtreePolicy: Sendable {
    public let tree: UnitTree

    public init(tree: UnitTree) {
        self.tree = tree
    }

    /// Why `subject` may not be certified by CAs naming `issuerUnits` (nil entries: the root), or nil when it may.
    public func refusal(subject: String, issuerUnits: [String?]) -> String? {
        guard tree.contains(subject) else { return "unit \(subject) is not in the topology" }
        for case let issuer? in issuerUnits {
            guard tree.contains(issuer) else { return "the CA of unit \(issuer) is not in the topology" }
            guard tree.isInSubtree(subject, of: issuer) else {
                return "the CA of unit \(issuer) may certify only units of its own subtree, not \(subject)"
            }
        }
        return nil
    }
}

/// Checks a node's certificate chain everywhere a node meets one — a caller's TLS handshake and
/// every request on that connection, the parent it dials, a signed report or revocation: the
/// chain leads to the root (RFC 5280, name constraints included), every CA in it issued only
/// within its own subtree, and nothing in it is revoked.
public struct ChainTrust: Sendable {
    public let root: Certificate
    /// Nil only for tools that check signatures without a topology.
    public let policy: SubtreePolicy?
    /// True when the certificate with this SHA-256 fingerprint (lower-case hex of its DER) is revoked.
    public let isRevoked: @Sendable (String) -> Bool

    public init(root: Certificate, tree: UnitTree?, isRevoked: @escaping @Sendable (String) -> Bool) {
        self.root = root
        self.policy = tree.map(SubtreePolicy.init)
        self.isRevoked = isRevoked
    }

    public init(rootPEM: String, tree: UnitTree, isRevoked: @escaping @Sendable (String) -> Bool) throws {
        self.init(root: try parseCertificate(pem: rootPEM), tree: tree, isRevoked: isRevoked)
    }

    /// Verifies `leaf` with the CAs the peer sent (`intermediates`) at `time` (now by default);
    /// returns the node it names.
    public func verify(
        leaf: Certificate,
        intermediates: [Certificate],
        at time: Date? = nil
    ) async throws -> NodeIdentity {
        try judge(try await validate(leaf: leaf, intermediates: intermediates, at: time))
    }

    /// The part of `verify` that depends only on the certificates' bytes and the time: a chain
    /// leads from `leaf` to the root (signatures, RFC 5280 rules, name constraints, validity at
    /// `time`). What can change afterwards — revocations, the unit tree — is `judge`'s.
    public func validate(
        leaf: Certificate,
        intermediates: [Certificate],
        at time: Date? = nil
    ) async throws -> ValidatedChain {
        var verifier = Verifier(rootCertificates: CertificateStore([root])) {
            if let time { RFC5280Policy(fixedExpiryValidationTime: time) } else { RFC5280Policy() }
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates))
        switch result {
        case .validCertificate(let validated):
            return try ValidatedChain(Array(validated))
        case .couldNotValidate(let failures):
            let reasons = failures.map { "\($0.policyFailureReason)" }
            let detail = reasons.isEmpty ? "no chain leads to the trusted root" : reasons.joined(separator: "; ")
            throw PKIError.untrustedSigner("certificate '\(leaf.subject)' is not trusted: \(detail)")
        }
    }

    /// The checks of a validated chain that must be made again at every use: nothing in it is
    /// revoked now, and every CA in it issued only within its own subtree of today's tree.
    public func judge(_ chain: ValidatedChain) throws -> NodeIdentity {
        for (fingerprint, subject) in zip(chain.fingerprints, chain.subjects) where isRevoked(fingerprint) {
            throw PKIError.revoked("certificate '\(subject)' (\(fingerprint.prefix(16))…) has been revoked")
        }
        if let policy,
            let refusal = policy.refusal(
                subject: chain.identity.unitCode,
                issuerUnits: chain.issuerUnits.map { $0.isEmpty ? "(unnamed CA)" : $0 }
            )
        {
            throw PKIError.outsideSubtree(refusal)
        }
        return chain.identity
    }

    /// The check a client can make on the leaf alone after BoringSSL built the chain to the root:
    /// not revoked, and its issuer (named in the leaf's issuer field, which matched the CA that
    /// signed it) is the root or a CA whose subtree holds the leaf's unit.
    public func refusal(peerLeaf leaf: Certificate) -> String? {
        if isRevoked(leaf.fingerprint) { return "the peer's certificate has been revoked" }
        guard let identity = try? NodeIdentity.from(certificate: leaf) else {
            return "the peer's certificate names no node"
        }
        if leaf.issuer == root.subject { return nil }
        guard let issuer = CertificateAuthority.unit(ofCA: leaf.issuer) else {
            return "the peer's certificate comes from an unknown CA"
        }
        return policy?.refusal(subject: identity.unitCode, issuerUnits: [issuer])
    }
}

/// What a chain validated to the root says, so that it need not be validated again while its
/// certificates are all within their validity: the node the leaf names, and for each
/// certificate (leaf first, root last) its fingerprint and subject, for the checks made at every
/// use (`ChainTrust.judge`).
public struct ValidatedChain: Sendable {
    public let identity: NodeIdentity
    public let fingerprints: [String]
    let subjects: [String]
    /// The units named by the CAs between the leaf and the root ("" for a CA that names none).
    let issuerUnits: [String]
    /// The span of time in which every certificate of the chain is valid.
    public let validFrom: Date
    public let validUntil: Date

    init(_ chain: [Certificate]) throws {
        identity = try NodeIdentity.from(certificate: chain[0])
        fingerprints = chain.map(\.fingerprint)
        subjects = chain.map { "\($0.subject)" }
        issuerUnits = chain.dropFirst().dropLast().map { CertificateAuthority.unit(ofCA: $0.subject) ?? "" }
        validFrom = chain.map(\.notValidBefore).max() ?? .distantFuture
        validUntil = chain.map(\.notValidAfter).min() ?? .distantPast
    }

    /// The leaf's fingerprint.
    public var leafFingerprint: String { fingerprints[0] }

    /// Whether the chain validates at `time` as it did when it was validated.
    public func isValid(at time: Date) -> Bool { validFrom <= time && time <= validUntil }
}

extension Certificate {
    /// SHA-256 of the DER encoding, lower-case hex: how revocations and known signers name a certificate.
    public var fingerprint: String {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(self)) != nil else { return "" }
        return Hex.encode(SHA256.hash(data: serializer.serializedBytes))
    }

    /// The DER encoding.
    public var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(self)
        return serializer.serializedBytes
    }
}

/// Every certificate in a PEM text (a node's file holds its leaf, then its issuing intermediate).
public func parseCertificateChain(pem: String) throws -> [Certificate] {
    let documents: [PEMDocument]
    do { documents = try PEMDocument.parseMultiple(pemString: pem) } catch {
        throw PKIError.invalidCertificate("not PEM-encoded X.509 certificates: \(error)")
    }
    let chain = try documents.map { document in
        do { return try Certificate(pemDocument: document) } catch {
            throw PKIError.invalidCertificate("not a PEM-encoded X.509 certificate: \(error)")
        }
    }
    guard !chain.isEmpty else { throw PKIError.invalidCertificate("no certificate in the PEM text") }
    return chain
}

@preconcurrency import Crypto
import Foundation
import SwiftASN1
import X509

/// A node's new key and the certificate signing request that proves it holds it: made on the
/// node, so that the private key never leaves it.
public struct KeyRequest: Sendable {
    public let privateKeyPEM: String
    public let csrPEM: String

    /// A fresh P-256 key and a CSR for the node of `unitCode`.
    public static func make(unitCode: String, nodeName: String) throws -> KeyRequest {
        let key = P256.Signing.PrivateKey()
        let csr = try CertificateSigningRequest(
            version: .v1,
            subject: try DistinguishedName {
                CommonName(nodeName)
                OrganizationName("ReportNet")
                OrganizationalUnitName(NodeIdentity(unitCode: unitCode).uri)
            },
            privateKey: Certificate.PrivateKey(key),
            attributes: CertificateSigningRequest.Attributes(),
            signatureAlgorithm: .ecdsaWithSHA256
        )
        return KeyRequest(privateKeyPEM: key.pemRepresentation, csrPEM: try csr.serializeAsPEM().pemString)
    }

    public static func parseCSR(pem: String) throws -> CertificateSigningRequest {
        do { return try CertificateSigningRequest(pemEncoded: pem) } catch {
            throw PKIError.invalidCertificate("not a PEM-encoded certificate signing request: \(error)")
        }
    }
}

/// What a new node sends its parent's web listener with the one-time token of the parent's admin.
public struct EnrolmentRequest: Codable, Sendable {
    public let token: String
    /// PEM CSR made by the new node (`KeyRequest`).
    public let csr: String
    /// Extra names the node is reached by (its unit's own `<unit>.unit.reportnet` is always added).
    public let dnsNames: [String]?
    public let ipAddresses: [String]?
    /// A province node enrolling with the centre: the CSR of its intermediate CA's key (made at
    /// the province too), answered with the intermediate certificate.
    public let caCsr: String?
    /// A node joining for a unit that has none yet: its name (default: the unit's code in lower
    /// case) and where it listens, which its ancestors record.
    public let nodeName: String?
    public let web: String?
    public let federation: String?

    public init(
        token: String,
        csr: String,
        dnsNames: [String]? = nil,
        ipAddresses: [String]? = nil,
        caCsr: String? = nil,
        nodeName: String? = nil,
        web: String? = nil,
        federation: String? = nil
    ) {
        self.token = token
        self.csr = csr
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.caCsr = caCsr
        self.nodeName = nodeName
        self.web = web
        self.federation = federation
    }
}

/// An enrolment token as the parent's admin hands it over: the one-time secret, a '.', and the
/// SHA-256 of the federation root's certificate (DER, hex). The new node fetches the root from its
/// parent and trusts it only if it has this digest, so its first contact cannot be intercepted
/// (as `kubeadm join` pins its cluster's CA).
public struct PinnedToken: Sendable, Hashable, CustomStringConvertible {
    public let secret: String
    public let rootDigest: String?

    public init(secret: String, rootDigest: String?) {
        self.secret = secret
        self.rootDigest = rootDigest
    }

    /// Reads `secret.digest`, or a bare secret (a token from an older node, which pins nothing).
    public init(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let dot = text.lastIndex(of: ".") {
            secret = String(text[..<dot])
            rootDigest = String(text[text.index(after: dot)...]).lowercased()
        } else {
            secret = text
            rootDigest = nil
        }
    }

    public var description: String { rootDigest.map { "\(secret).\($0)" } ?? secret }

    /// The digest a token pins for the root certificate in `pem`.
    public static func digest(ofRootPEM pem: String) throws -> String {
        let root: Certificate
        do { root = try Certificate(pemEncoded: pem) } catch {
            throw PKIError.invalidCertificate("the trust root is not a PEM certificate: \(error)")
        }
        return root.fingerprint
    }
}

/// The certificate a parent issued: the chain (leaf, then the issuing intermediate if any) and the root.
public struct EnrolmentAnswer: Codable, Sendable {
    public let unit: String
    public let certificate: String
    public let trustRoot: String
    /// The province's intermediate CA certificate, when one was asked for (`caCsr`).
    public let intermediate: String?
    /// The enrolled node as its parent recorded it, the tree as the parent knows it (with the new
    /// node in it: the seed of the new node's own), and the parent's name and federation port.
    public let node: NodeDescription?
    public let topology: Topology?
    public let parentNode: String?
    public let parentFederationPort: Int?
    /// The handover that carries the unit's life here from the parent (`HandoverPackage`), when
    /// the parent hosted the unit with accounts or reports.
    public let handover: String?

    public init(
        unit: String,
        certificate: String,
        trustRoot: String,
        intermediate: String? = nil,
        node: NodeDescription? = nil,
        topology: Topology? = nil,
        parentNode: String? = nil,
        parentFederationPort: Int? = nil,
        handover: String? = nil
    ) {
        self.unit = unit
        self.certificate = certificate
        self.trustRoot = trustRoot
        self.intermediate = intermediate
        self.node = node
        self.topology = topology
        self.parentNode = parentNode
        self.parentFederationPort = parentFederationPort
        self.handover = handover
    }
}

/// Renewal over mutual TLS: the caller is who its current certificate names.
public struct RenewalRequest: Codable, Sendable {
    public let csr: String
    public let dnsNames: [String]?
    public let ipAddresses: [String]?

    public init(csr: String, dnsNames: [String]? = nil, ipAddresses: [String]? = nil) {
        self.csr = csr
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }
}

public typealias RenewalAnswer = EnrolmentAnswer

/// A revoked node certificate, as signed by the node that revoked it and carried (in a
/// `SignedPayload`) by `pki.revoked` messages to every node of the federation.
public struct Revocation: Codable, Sendable, Hashable {
    /// SHA-256 of the revoked certificate's DER, lower-case hex.
    public let fingerprint: String
    /// The unit the revoked certificate names.
    public let unit: String
    /// The unit whose node revoked it: the issuer or another ancestor of `unit`.
    public let revokedBy: String
    public let revokedAt: Date
    public let reason: String

    public init(fingerprint: String, unit: String, revokedBy: String, revokedAt: Date, reason: String) {
        self.fingerprint = fingerprint
        self.unit = unit
        self.revokedBy = revokedBy
        self.revokedAt = revokedAt
        self.reason = reason
    }
}

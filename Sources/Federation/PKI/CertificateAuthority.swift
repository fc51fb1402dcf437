import Crypto
import Foundation
import Hierarchy
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The federation's root of trust: issues every node's mTLS and signing certificate.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    public let certificatePEM: String
    public let privateKeyPEM: String
    private let privateKey: Certificate.PrivateKey
    /// The time certificates are issued at. TLS stacks judge validity by the operating system's
    /// clock, so this is the system clock unless a tool or test says otherwise.
    public var clock: any WallClock = SystemClock()

    /// How far back certificates are valid from: a node whose clock runs hours behind the issuer's
    /// must still accept them (clock skew between nodes changes nothing).
    public static let clockSkewMargin: TimeInterval = 2 * 86_400

    /// Creates a self-signed P-256 root, valid from two days ago (clock skew) for `validityDays`.
    public static func makeRoot(
        commonName: String,
        validityDays: Int = 3650,
        clock: any WallClock = SystemClock()
    ) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            CommonName(commonName)
            OrganizationName("ReportNet")
        }
        let now = clock.now()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: randomSerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-Self.clockSkewMargin),
            notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: privateKey.publicKey)
            },
            issuerPrivateKey: privateKey
        )
        var authority = try CertificateAuthority(certificate: certificate, privateKey: privateKey)
        authority.clock = clock
        return authority
    }

    /// Loads a CA saved earlier; the key must be P-256 and match the certificate.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate = try parseCertificate(pem: certificatePEM)
        let privateKey = Certificate.PrivateKey(try parseP256Key(pem: privateKeyPEM))
        guard privateKey.publicKey == certificate.publicKey else {
            throw PKIError.invalidKey("the CA private key does not belong to the CA certificate")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw PKIError.invalidCertificate("'\(certificate.subject)' is not a certificate authority")
        }
        try self.init(certificate: certificate, privateKey: privateKey)
    }

    private init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try certificate.serializeAsPEM().pemString
        self.privateKeyPEM = try privateKey.serializeAsPEM().pemString
    }

    /// The unit this CA may issue for (an intermediate names it in its certificate); nil for the root.
    public var unitCode: String? { Self.unit(ofCA: certificate.subject) }

    /// Issues a leaf for a node: fresh P-256 key, identity URI SAN plus DNS/IP SANs, usable as TLS server and client.
    /// (For the demo and tests; a real node makes its own key and sends a CSR: `issue(csr:for:)`.)
    public func issueNodeCertificate(
        _ request: NodeCertificateRequest,
        validityDays: Int = 825
    ) throws -> IssuedCredential {
        let key = P256.Signing.PrivateKey()
        let leaf = try issueLeaf(publicKey: Certificate.PublicKey(key.publicKey), request, validityDays: validityDays)
        return IssuedCredential(certificatePEM: try chainPEM(leaf), privateKeyPEM: key.pemRepresentation)
    }

    /// Issues a node certificate for the key in a certificate signing request: the key never left
    /// the node. The CSR must be signed by its key (proof of possession) and hold a P-256 key; what
    /// the certificate says (unit, names) comes from `request`, never from the CSR.
    /// Returns the chain PEM: the leaf, then this CA's certificate when it is an intermediate.
    public func issue(
        csr: CertificateSigningRequest,
        for request: NodeCertificateRequest,
        validityDays: Int = 825
    ) throws -> (certificate: Certificate, chainPEM: String) {
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw PKIError.invalidCertificate("the certificate signing request is not signed by its own key")
        }
        guard P256.Signing.PublicKey(csr.publicKey) != nil else {
            throw PKIError.invalidKey("the certificate signing request must hold a P-256 key")
        }
        let leaf = try issueLeaf(publicKey: csr.publicKey, request, validityDays: validityDays)
        return (leaf, try chainPEM(leaf))
    }

    /// Issues an intermediate CA for a unit (a province): it may sign node certificates, not other
    /// CAs (path length 0), and carries X.509 name constraints listing the DNS names its subtree's
    /// nodes may use (`permittedDNSNames`), enforced by BoringSSL and swift-certificates. The
    /// topology check (`SubtreePolicy`) is the authoritative rule; the constraints are a second fence.
    public func issueIntermediate(
        unitCode: String,
        nodeName: String,
        permittedDNSNames: [String],
        validityDays: Int = 1825
    ) throws -> CertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate = try intermediateCertificate(
            publicKey: key.publicKey,
            unitCode: unitCode,
            nodeName: nodeName,
            permittedDNSNames: permittedDNSNames,
            validityDays: validityDays
        )
        var authority = try CertificateAuthority(certificate: certificate, privateKey: key)
        authority.clock = clock
        return authority
    }

    /// Issues a province's intermediate CA for the key in its CSR (made at the province: the CA
    /// key never leaves it). Returns the intermediate's certificate.
    public func issueIntermediate(
        csr: CertificateSigningRequest,
        unitCode: String,
        nodeName: String,
        permittedDNSNames: [String],
        validityDays: Int = 1825
    ) throws -> Certificate {
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw PKIError.invalidCertificate("the CA's certificate signing request is not signed by its own key")
        }
        guard P256.Signing.PublicKey(csr.publicKey) != nil else {
            throw PKIError.invalidKey("the CA's CSR must hold a P-256 key")
        }
        return try intermediateCertificate(
            publicKey: csr.publicKey,
            unitCode: unitCode,
            nodeName: nodeName,
            permittedDNSNames: permittedDNSNames,
            validityDays: validityDays
        )
    }

    private func intermediateCertificate(
        publicKey: Certificate.PublicKey,
        unitCode: String,
        nodeName: String,
        permittedDNSNames: [String],
        validityDays: Int
    ) throws -> Certificate {
        guard NodeIdentity.isValidUnitCode(unitCode) else {
            throw PKIError.identity("unit code '\(unitCode)' must be non-empty and use only A-Z a-z 0-9 . _ -")
        }
        let now = clock.now()
        return try Certificate(
            version: .v3,
            serialNumber: randomSerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-Self.clockSkewMargin),
            notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: self.certificate.subject,
            subject: try DistinguishedName {
                CommonName("ReportNet \(nodeName) CA")
                OrganizationName("ReportNet")
                OrganizationalUnitName(Self.unitAttributePrefix + unitCode)
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                if !permittedDNSNames.isEmpty {
                    Critical(NameConstraints(permittedDNSDomains: permittedDNSNames))
                }
                SubjectAlternativeNames([.uniformResourceIdentifier(NodeIdentity(unitCode: unitCode).uri)])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
            },
            issuerPrivateKey: self.privateKey
        )
    }

    /// An intermediate's subject names its unit as `OU=reportnet-unit:<code>`; the root has none.
    public static let unitAttributePrefix = "reportnet-unit:"

    /// The unit a CA's subject names, if any (nil: the root).
    public static func unit(ofCA subject: DistinguishedName) -> String? {
        for rdn in subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.organizationalUnitName {
                let text = String(describing: attribute.value)
                if text.hasPrefix(unitAttributePrefix) { return String(text.dropFirst(unitAttributePrefix.count)) }
            }
        }
        return nil
    }

    private var issuerKeyID: ArraySlice<UInt8> {
        (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    private func chainPEM(_ leaf: Certificate) throws -> String {
        var pem = try leaf.serializeAsPEM().pemString + "\n"
        if certificate.subject != certificate.issuer { pem += certificatePEM + "\n" }
        return pem
    }

    private func issueLeaf(
        publicKey: Certificate.PublicKey,
        _ request: NodeCertificateRequest,
        validityDays: Int
    ) throws -> Certificate {
        let identity = NodeIdentity(unitCode: request.unitCode)
        guard NodeIdentity.isValidUnitCode(request.unitCode) else {
            throw PKIError.identity("unit code '\(request.unitCode)' must be non-empty and use only A-Z a-z 0-9 . _ -")
        }
        var names: [GeneralName] = [.uniformResourceIdentifier(identity.uri)]
        names += request.dnsNames.map { .dnsName($0) }
        names += try request.ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: try ipAddressBytes($0)[...])) }
        let now = clock.now()
        return try Certificate(
            version: .v3,
            serialNumber: randomSerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-Self.clockSkewMargin),
            notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: certificate.subject,
            subject: try DistinguishedName {
                CommonName(request.nodeName)
                OrganizationName("ReportNet")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
            },
            issuerPrivateKey: privateKey
        )
    }
}

/// What a node's certificate should say: its unit, its display name and where it can be reached.
public struct NodeCertificateRequest: Sendable {
    public var unitCode: String
    public var nodeName: String
    public var dnsNames: [String]
    public var ipAddresses: [String]

    public init(unitCode: String, nodeName: String, dnsNames: [String] = [], ipAddresses: [String] = []) {
        self.unitCode = unitCode
        self.nodeName = nodeName
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }
}

/// A freshly issued node certificate and its private key, both PEM, ready to write to disk.
public struct IssuedCredential: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}

/// 20 random bytes with the top bit clear and the first byte non-zero: a positive, full-length serial.
private func randomSerialNumber() -> Certificate.SerialNumber {
    var bytes = (0..<20).map { _ in UInt8.random(in: .min ... .max) }
    bytes[0] = (bytes[0] & 0x7F) | 0x01
    return Certificate.SerialNumber(bytes: bytes)
}

/// Network-order bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address string.
func ipAddressBytes(_ text: String) throws -> [UInt8] {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
        return withUnsafeBytes(of: &v4) { Array($0) }
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 {
        return withUnsafeBytes(of: &v6) { Array($0) }
    }
    throw PKIError.invalidAddress(text)
}

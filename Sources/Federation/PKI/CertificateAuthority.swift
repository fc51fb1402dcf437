import Crypto
import Foundation
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

    /// How far back certificates are valid from: a node whose clock runs hours behind the issuer's
    /// must still accept them (clock skew between nodes changes nothing).
    public static let clockSkewMargin: TimeInterval = 2 * 86_400

    /// Creates a self-signed P-256 root, valid from two days ago (clock skew) for `validityDays`.
    public static func makeRoot(commonName: String, validityDays: Int = 3650) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            CommonName(commonName)
            OrganizationName("ReportNet")
        }
        let now = Date()
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
        return try CertificateAuthority(certificate: certificate, privateKey: privateKey)
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

    /// Issues a leaf for a node: fresh P-256 key, identity URI SAN plus DNS/IP SANs, usable as TLS server and client.
    public func issueNodeCertificate(_ request: NodeCertificateRequest, validityDays: Int = 825) throws -> IssuedCredential {
        let identity = NodeIdentity(unitCode: request.unitCode)
        guard NodeIdentity.isValidUnitCode(request.unitCode) else {
            throw PKIError.identity("unit code '\(request.unitCode)' must be non-empty and use only A-Z a-z 0-9 . _ -")
        }
        var names: [GeneralName] = [.uniformResourceIdentifier(identity.uri)]
        names += request.dnsNames.map { .dnsName($0) }
        names += try request.ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: try ipAddressBytes($0)[...])) }

        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let issuerKeyID =
            (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        let now = Date()
        let leaf = try Certificate(
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
        return IssuedCredential(certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
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

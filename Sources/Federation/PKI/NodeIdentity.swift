import Foundation
import Hierarchy
import SwiftASN1
import X509

/// Who a federation node is: its unit code, carried in its certificate as a `reportnet://unit/<code>` URI SAN.
public struct NodeIdentity: Sendable, Hashable {
    public static let uriPrefix = "reportnet://unit/"

    public let unitCode: String

    public init(unitCode: String) {
        self.unitCode = unitCode
    }

    /// Parses `reportnet://unit/<code>` where code is a valid unit code (a DNS label).
    public init?(uri: String) {
        guard uri.hasPrefix(Self.uriPrefix) else { return nil }
        let code = String(uri.dropFirst(Self.uriPrefix.count))
        guard Self.isValidUnitCode(code) else { return nil }
        self.unitCode = code
    }

    public var uri: String { Self.uriPrefix + unitCode }

    /// The identity named by the certificate's single `reportnet://unit/` URI SAN.
    public static func from(certificate: Certificate) throws -> NodeIdentity {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw PKIError.identity("the certificate's subject alternative names extension is malformed: \(error)")
        }
        let uris = (names ?? SubjectAlternativeNames()).compactMap { name -> String? in
            if case .uniformResourceIdentifier(let uri) = name { return uri }
            return nil
        }
        return try from(uriNames: uris)
    }

    /// The identity in a DER-encoded certificate.
    public static func from(derEncoded: [UInt8]) throws -> NodeIdentity {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: derEncoded)
        } catch {
            throw PKIError.invalidCertificate("the bytes are not a DER-encoded X.509 certificate: \(error)")
        }
        return try from(certificate: certificate)
    }

    /// Picks the single URI with our prefix among a certificate's URI SANs.
    static func from(uriNames: [String]) throws -> NodeIdentity {
        let ours = uriNames.filter { $0.hasPrefix(uriPrefix) }
        guard ours.count == 1, let only = ours.first else {
            if ours.isEmpty {
                throw PKIError.identity("the certificate has no \(uriPrefix)<code> URI subject alternative name")
            }
            throw PKIError.identity(
                "the certificate has \(ours.count) \(uriPrefix) URI subject alternative names (\(ours.joined(separator: ", "))); exactly one is required"
            )
        }
        guard let identity = NodeIdentity(uri: only) else {
            throw PKIError.identity(
                "the certificate's URI '\(only)' has an empty or invalid unit code (allowed: A-Z a-z 0-9 and inner -)"
            )
        }
        return identity
    }

    static func isValidUnitCode(_ code: String) -> Bool {
        Unit.isValidCode(code)
    }

    /// The DNS name a node's certificate carries for its unit. A child dials its parent by this
    /// name (connecting to the configured address), so TLS itself proves it reached its parent.
    public var dnsName: String { "\(unitCode.lowercased()).unit.reportnet" }
}

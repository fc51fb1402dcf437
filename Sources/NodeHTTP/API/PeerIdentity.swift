import Federation
import Foundation
import Hummingbird
import NIOCore
import NIOSSL
import Node
import Synchronization
import X509

/// Identifies the calling node from its TLS client certificate, never from anything it says.
///
/// Under HTTP/2 the handler runs on a stream channel; the TLS handler, and so the certificate,
/// sits on its parent, the connection channel.
/// The certificate is checked against the revocation list on every request, so a connection
/// opened before a revocation reached this node is refused from then on.
struct PeerIdentity: RouterMiddleware {
    let revocations: RevocationList

    func handle(
        _ request: Request,
        context: NodeRequestContext,
        next: (Request, NodeRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let (identity, fingerprint) = await Self.identity(of: context.channel) else {
            throw FederationRefusal(
                status: .unauthorized,
                error: ProtocolError(
                    error: "unauthenticated",
                    message: "a client certificate naming a node is required"
                )
            )
        }
        guard !revocations.contains(fingerprint) else {
            throw FederationRefusal(
                status: .unauthorized,
                error: ProtocolError(
                    error: "revoked",
                    message: "the client certificate of \(identity.unitCode) has been revoked"
                )
            )
        }
        var context = context
        context.peer = identity.unitCode
        return try await next(request, context)
    }

    static func identity(of channel: any Channel) async -> (NodeIdentity, String)? {
        for candidate in [channel, channel.parent].compactMap({ $0 }) {
            guard let certificate = try? await candidate.nioSSL_peerCertificate().get(),
                let known = try? PresentedCertificates.shared.identity(of: certificate.toDERBytes())
            else { continue }
            return known
        }
        return nil
    }
}

/// The node and fingerprint each client certificate names, by its DER bytes, for the process: every
/// request of a long-lived connection presents the same certificate (a commune's long poll
/// comes back every 20 s), and parsing it and hashing it anew each time was most of what an idle
/// parent spent on a request. Only what the bytes say is kept; revocations are still checked on
/// every request. Bounded: emptied when it grows past `capacity` certificates.
final class PresentedCertificates: Sendable {
    static let shared = PresentedCertificates(capacity: 20_000)

    private let capacity: Int
    private let known = Mutex<[[UInt8]: (NodeIdentity, String)]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func identity(of der: [UInt8]) throws -> (NodeIdentity, String) {
        if let found = known.withLock({ $0[der] }) { return found }
        let parsed = try X509.Certificate(derEncoded: der)
        let found = (try NodeIdentity.from(certificate: parsed), parsed.fingerprint)
        known.withLock { known in
            if known.count >= capacity { known.removeAll(keepingCapacity: true) }
            known[der] = found
        }
        return found
    }
}

/// A federation refusal: a status and the protocol's JSON error body.
struct FederationRefusal: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let error: ProtocolError

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(error)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

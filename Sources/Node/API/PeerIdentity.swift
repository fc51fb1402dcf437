import Federation
import Foundation
import Hummingbird
import NIOCore
import NIOSSL

/// Identifies the calling node from its TLS client certificate, never from anything it says.
///
/// Under HTTP/2 the handler runs on a stream channel; the TLS handler, and so the certificate,
/// sits on its parent, the connection channel.
struct PeerIdentity: RouterMiddleware {
    func handle(_ request: Request, context: NodeRequestContext, next: (Request, NodeRequestContext) async throws -> Response) async throws -> Response {
        guard let identity = await Self.identity(of: context.channel) else {
            throw FederationRefusal(status: .unauthorized, error: ProtocolError(error: "unauthenticated", message: "a client certificate naming a node is required"))
        }
        var context = context
        context.peer = identity.unitCode
        return try await next(request, context)
    }

    static func identity(of channel: any Channel) async -> NodeIdentity? {
        for candidate in [channel, channel.parent].compactMap({ $0 }) {
            guard let certificate = try? await candidate.nioSSL_peerCertificate().get() else { continue }
            return try? NodeIdentity.from(derEncoded: certificate.toDERBytes())
        }
        return nil
    }
}

/// A federation refusal: a status and the protocol's JSON error body.
struct FederationRefusal: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let error: ProtocolError

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(error)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

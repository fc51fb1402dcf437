import HTTPTypes
import Hummingbird
import NIOCore

/// Behind a reverse proxy every request comes from the proxy's address, which would hide people
/// from the audit trail and share one rate limit among all. When the connection comes from a
/// configured proxy (`trusted_proxies`), the client is the last address in `X-Forwarded-For` that
/// is not itself a trusted proxy; from anyone else the header is ignored (anyone can write it).
struct ForwardedClient: RouterMiddleware {
    typealias Context = NodeRequestContext
    let trustedProxies: Set<String>

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if !trustedProxies.isEmpty, trustedProxies.contains(context.socketAddress),
            let header = request.headers[.xForwardedFor]
        {
            context.forwardedClient = Self.client(in: header, trusted: trustedProxies)
        }
        return try await next(request, context)
    }

    /// The right-most address of the chain that is not a trusted proxy, if it is an IP address.
    static func client(in header: String, trusted: Set<String>) -> String? {
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let client = hops.reversed().first(where: { !trusted.contains($0) }),
            (try? SocketAddress(ipAddress: client, port: 0)) != nil
        else { return nil }
        return client
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}

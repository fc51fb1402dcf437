import Crypto
import Foundation
import Hummingbird
import NIOCore
import Node

/// `GET /metrics` on the web listener, in the Prometheus text format. Secure by default: with no
/// `metrics_token` in the node's configuration only a scraper on the node's own machine
/// (loopback, not relayed by a proxy) may read it; with a token, only a caller presenting it.
struct MetricsRoutes {
    let local: LocalNode

    func addRoutes(to router: Router<NodeRequestContext>) {
        router.get("/metrics") { request, context -> Response in
            try authorise(request, context)
            let text = try await local.metricsScrape.text()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
    }

    private func authorise(_ request: Request, _ context: NodeRequestContext) throws {
        if let token = local.metrics.token {
            let presented =
                request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
                ?? ""
            // Compared as digests, so the time taken says nothing about the token.
            guard SHA256.hash(data: Data(presented.utf8)) == SHA256.hash(data: Data(token.utf8)) else {
                throw EdgeRefusal(.metricsTokenRequired)
            }
            return
        }
        let address = context.clientAddress
        let loopback =
            address == "127.0.0.1" || address == "::1" || address.hasPrefix("127.") || address == "::ffff:127.0.0.1"
        guard loopback, request.headers[.init("X-Forwarded-For")!] == nil else {
            throw EdgeRefusal(.metricsLocalOnly)
        }
    }
}

/// Times every request on a listener for the latency histogram.
struct RequestLatency: RouterMiddleware {
    let metrics: NodeMetrics
    let listener: String

    func handle(
        _ request: Request,
        context: NodeRequestContext,
        next: (Request, NodeRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.observe(
                listener: listener,
                method: request.method.rawValue,
                status: Int(response.status.code),
                duration: ContinuousClock.now - start
            )
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.observe(
                listener: listener,
                method: request.method.rawValue,
                status: Int(status),
                duration: ContinuousClock.now - start
            )
            throw error
        }
    }
}

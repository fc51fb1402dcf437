import Federation
import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import ServiceLifecycle

/// One running node: the web listener for people, the federation listener for nodes (both TLS,
/// HTTP/2 with HTTP/1.1 fallback for people), and the sync loop toward the parent.
public struct NodeServer: Sendable {
    public let local: LocalNode
    public let services: [any Service]

    /// - Parameters:
    ///   - web: where people connect; nil runs no web listener (a benchmark's commune, driven in-process).
    ///   - federation: where child nodes connect; nil runs no federation listener (a node without children).
    ///   - parentURL: where the parent's federation listener is; nil at the centre.
    ///   - onListening: told each listener's bound port (useful with port 0).
    public init(
        local: LocalNode, credentials: NodeCredentials, web: ListenAddress?, federation: ListenAddress?,
        parentURL: (@Sendable () async throws -> String)?, pollWait: Int = 20,
        onListening: @escaping @Sendable (_ listener: String, _ port: Int) async -> Void = { _, _ in }
    ) throws {
        self.local = local
        var http2 = HTTP2ChannelConfiguration(idleTimeout: .seconds(300), gracefulCloseTimeout: .seconds(2))
        http2.maxAgeTimeout = nil
        var services: [any Service] = []
        if let web {
            services.append(Application(
                router: Self.webRouter(local),
                server: try .http2Upgrade(tlsConfiguration: credentials.webServerTLS(), configuration: http2),
                configuration: .init(address: .hostname(web.host, port: web.port), serverName: nil),
                onServerRunning: { channel in await onListening("web", channel.localAddress?.port ?? web.port) },
                logger: local.logger
            ))
        }
        if let federation {
            services.append(Application(
                router: Self.federationRouter(local),
                server: try .http2Upgrade(tlsConfiguration: credentials.federationServerTLS(), configuration: http2),
                configuration: .init(address: .hostname(federation.host, port: federation.port), serverName: nil),
                onServerRunning: { channel in await onListening("federation", channel.localAddress?.port ?? federation.port) },
                logger: local.logger
            ))
        }
        services.append(EvidenceSweeper(local: local))
        if let parentURL, local.parent != nil {
            services.append(SyncLoop(local: local, parentURL: parentURL, credentials: credentials, pollWait: pollWait))
        }
        self.services = services
    }

    static func webRouter(_ local: LocalNode) -> Router<NodeRequestContext> {
        let router = Router(context: NodeRequestContext.self)
        WebAPI(local: local).addRoutes(to: router)
        return router
    }

    static func federationRouter(_ local: LocalNode) -> Router<NodeRequestContext> {
        let router = Router(context: NodeRequestContext.self)
        FederationAPI(local: local).addRoutes(to: router)
        return router
    }
}

import Federation
import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import Node
import ServiceLifecycle
import X509

/// One running node: the web listener for people, the federation listener for nodes (both TLS,
/// HTTP/2 with HTTP/1.1 fallback for people), and the sync loop toward the parent.
public struct NodeServer: Sendable {
    public let local: LocalNode
    public let services: [any Service]

    /// - Parameters:
    ///   - web: where people connect; nil runs no web listener (a benchmark's commune, driven in-process).
    ///   - federation: where child nodes connect; nil runs no federation listener (a node without children).
    ///   - parentURL: where the parent's federation listener is; nil at the centre.
    ///   - statusEvery: how often the node reports its status up and looks for silent nodes below.
    ///   - alertMail: where alerts are e-mailed; nil sends none.
    ///   - webIdentity: the web listener's own certificate; nil presents the node's.
    ///   - trustedProxies: reverse proxies whose `X-Forwarded-For` names the client.
    ///   - onListening: told each listener's bound port (useful with port 0).
    public init(
        local: LocalNode,
        credentials: NodeCredentials,
        web: ListenAddress?,
        federation: ListenAddress?,
        parentURL: (@Sendable () async throws -> String)?,
        pollWait: Int = 20,
        statusEvery: Duration = .seconds(60),
        alertMail: AlertMail? = nil,
        webIdentity: WebIdentity? = nil,
        trustedProxies: Set<String> = [],
        onListening: @escaping @Sendable (_ listener: String, _ port: Int) async -> Void = { _, _ in }
    ) throws {
        self.local = local
        if let federation, federation.port != 0 { local.listening.federationPort = federation.port }
        var http2 = HTTP2ChannelConfiguration(idleTimeout: .seconds(300), gracefulCloseTimeout: .seconds(2))
        http2.maxAgeTimeout = nil
        var services: [any Service] = []
        if let web {
            try PageResources.check()
            services.append(
                Application(
                    router: Self.webRouter(local, trustedProxies: trustedProxies),
                    server: try .http2Upgrade(
                        tlsConfiguration: try webIdentity?.tls() ?? Self.current(credentials.webServerTLS(), local),
                        configuration: http2
                    ),
                    configuration: .init(address: .hostname(web.host, port: web.port), serverName: nil),
                    onServerRunning: { channel in await onListening("web", channel.localAddress?.port ?? web.port) },
                    logger: local.logger
                )
            )
        }
        if let federation {
            services.append(
                Application(
                    router: Self.federationRouter(local),
                    server: try .http2Upgrade(
                        tlsChannelConfiguration: Self.federationTLS(credentials, local),
                        configuration: http2
                    ),
                    configuration: .init(address: .hostname(federation.host, port: federation.port), serverName: nil),
                    onServerRunning: { channel in
                        let port = channel.localAddress?.port ?? federation.port
                        local.listening.federationPort = port
                        await onListening("federation", port)
                    },
                    logger: local.logger
                )
            )
        }
        services.append(EvidenceSweeper(local: local))
        services.append(AlertWatch(local: local))
        services.append(ParkedRetry(local: local))
        services.append(NodeWatch(local: local, interval: statusEvery))
        if let alertMail { services.append(AlertMailer(local: local, mail: alertMail)) }
        if let parentURL, local.parent != nil {
            services.append(
                SyncLoop(local: local, parentURL: parentURL, pollWait: pollWait, statusEvery: statusEvery)
            )
        }
        self.services = services
    }

    /// Every new handshake presents the node's current certificate (renewal needs no restart:
    /// NIOSSL's context is fixed per listener, but its certificate callback runs per handshake).
    static func current(_ tls: TLSConfiguration, _ local: LocalNode) -> TLSConfiguration {
        var tls = tls
        tls.sslContextCallback = local.identity.contextCallback
        return tls
    }

    /// The federation listener verifies a caller's chain itself (BoringSSL's check replaced by
    /// `ChainTrust`): to the root, every CA within its subtree, nothing revoked.
    static func federationTLS(_ credentials: NodeCredentials, _ local: LocalNode) throws -> TLSChannelConfiguration {
        TLSChannelConfiguration(tlsConfiguration: current(try credentials.federationServerTLS(), local)) { presented in
            do {
                let chain = try presented.map { try X509.Certificate(derEncoded: try $0.toDERBytes()) }
                guard let leaf = chain.first else { return .failed }
                _ = try await local.trust.verify(leaf: leaf, intermediates: Array(chain.dropFirst()))
                return .certificateVerified
            } catch {
                local.logger.warning("refused a caller's certificate", metadata: ["reason": "\(error)"])
                return .failed
            }
        }
    }

    static func webRouter(_ local: LocalNode, trustedProxies: Set<String> = []) -> Router<NodeRequestContext> {
        let router = Router(context: NodeRequestContext.self)
        router.add(middleware: ForwardedClient(trustedProxies: trustedProxies))
        router.add(middleware: RequestLatency(metrics: local.metrics, listener: "web"))
        router.add(middleware: ResponseCompression())
        WebAPI(local: local).addRoutes(to: router)
        WebPages(local: local).addRoutes(to: router)
        return router
    }

    static func federationRouter(_ local: LocalNode) -> Router<NodeRequestContext> {
        let router = Router(context: NodeRequestContext.self)
        router.add(middleware: RequestLatency(metrics: local.metrics, listener: "federation"))
        FederationAPI(local: local).addRoutes(to: router)
        return router
    }
}

/// The web listener's own certificate and key (PEM files), e.g. from the agency's public CA, so
/// that browsers need not trust the federation's private root. The federation listener keeps
/// presenting the node's certificate from the private PKI.
public struct WebIdentity: Sendable {
    public let certificatePath: String
    public let keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    func tls() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

import AsyncHTTPClient
import Federation
import Foundation
import NIOCore
import NIOFileSystem
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Synchronization
import X509

/// The node's side of calls to its parent: pushes batches up and pulls its feed down over one
/// long-lived mutual-TLS HTTP/2 connection.
///
/// It dials the parent by its unit's certificate name (`<unit>.unit.reportnet`) while connecting
/// to the configured address, so the TLS handshake proves the answer comes from the parent itself
/// and not from any other node of the federation.
public final class FederationClient: Sendable {
    /// The unit whose node this client expects to reach.
    public let peer: NodeIdentity
    private let baseURL: String
    private let http: HTTPClient
    /// What the last wrong peer presented, if a connection was refused for its identity.
    private let mismatch: MismatchRecord
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    /// - Parameters:
    ///   - address: where the peer listens, `host:port` or `https://host:port`.
    ///   - peer: the unit whose certificate the peer must present.
    ///   - trust: when given, the peer's certificate must also pass it (not revoked, issued within
    ///     its CA's subtree); BoringSSL has already checked the chain to the root.
    public init(address: String, peer: NodeIdentity, credentials: NodeCredentials, trust: ChainTrust? = nil) throws {
        var text = address
        if text.hasPrefix("https://") { text.removeFirst("https://".count) }
        while text.hasSuffix("/") { text.removeLast() }
        guard let target = ListenAddress(text) else { throw InvalidPeerAddress(address: address) }
        var configuration = HTTPClient.Configuration(tlsConfiguration: try credentials.clientTLS())
        configuration.httpVersion = .automatic
        // One connection per peer: every federation listener speaks HTTP/2, so all calls (the long
        // poll, pushes, status reports) share it. Until the first handshake has said so, the pool
        // counts as HTTP/1.1, and with its default limit a call made while the first connection was
        // still being made could dial one of its own, which HTTP/2 then closed: at the start of a
        // national run (3,321 communes, each starting three calls at once) 6,605 such connections
        // were handshaken at both ends and closed again.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(40))
        configuration.dnsOverride = [peer.dnsName: target.host]
        // Hostname checks alone are not enough: NIOSSL also accepts a certificate whose IP SAN
        // matches the address dialled, and several nodes may share one. So every new connection
        // must present a certificate naming exactly the expected unit, or it is closed at once,
        // on its event loop, before any request can be written to it. (The hook reports success
        // even then: failing it trips an assertion in AsyncHTTPClient 1.37's HTTP/2 pool.)
        let mismatch = MismatchRecord()
        let check: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            channel.nioSSL_peerCertificate().map { certificate in
                let leaf = certificate.flatMap { try? Certificate(derEncoded: $0.toDERBytes()) }
                let presented = leaf.flatMap { try? NodeIdentity.from(certificate: $0) }
                if presented != peer {
                    mismatch.presented.withLock { $0 = .some(presented) }
                    channel.close(promise: nil)
                } else if let trust, let leaf, let refusal = trust.refusal(peerLeaf: leaf) {
                    mismatch.refusal.withLock { $0 = refusal }
                    channel.close(promise: nil)
                }
            }
        }
        configuration.http1_1ConnectionDebugInitializer = check
        configuration.http2ConnectionDebugInitializer = check
        self.mismatch = mismatch
        self.peer = peer
        self.baseURL = "https://\(peer.dnsName):\(target.port)"
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Pushes one batch; returns the parent's verdict on each message.
    public func push(_ request: PushRequest) async throws -> PushResponse {
        try await call(
            method: .POST,
            path: "/federation/v1/messages",
            body: try encoder.encode(request),
            timeout: .seconds(30)
        )
    }

    /// Sends the parent this node's status and its subtree's (issue J). An older parent answers 404.
    package func reportStatus(_ report: StatusReport) async throws {
        let _: StatusAnswer = try await call(
            method: .POST,
            path: "/federation/v1/status",
            body: try JSONEncoder.federation.encode(report),
            timeout: .seconds(30)
        )
    }

    /// What the parent witnessed of this node's audit trail (issue J.8). An older parent answers 404.
    package func auditWitness() async throws -> AuditWitness {
        try await call(
            method: .GET,
            path: "/federation/v1/audit-witness",
            body: nil,
            timeout: .seconds(30),
            decoder: .federation
        )
    }

    /// Reads the feed after `cursor`; the parent holds the call up to `wait` seconds when nothing is new.
    public func feed(after cursor: Int64, limit: Int = FeedPage.maximumPage, wait: Int = 0) async throws -> FeedPage {
        try await call(
            method: .GET,
            path: "/federation/v1/feed?after=\(cursor)&limit=\(limit)&wait=\(wait)",
            body: nil,
            timeout: .seconds(Int64(wait) + 15)
        )
    }

    /// Asks the parent for a new certificate for this node's new key (renewal before expiry).
    public func renew(_ request: RenewalRequest) async throws -> RenewalAnswer {
        try await call(
            method: .POST,
            path: "/federation/v1/renew",
            body: try encoder.encode(request),
            timeout: .seconds(30)
        )
    }

    /// The unit's life the parent hands this node (`UnitHandovers`).
    public func handover(id: String) async throws -> HandoverPackage {
        try await call(
            method: .GET,
            path: "/federation/v1/handover?id=\(id)",
            body: nil,
            timeout: .minutes(10),
            limit: 256 * 1024 * 1024
        )
    }

    /// Tells the parent this node holds the handover's rows.
    public func handoverDone(_ done: HandoverDone) async throws -> HandoverDone {
        try await call(
            method: .POST,
            path: "/federation/v1/handover/\(done.id)/done",
            body: try encoder.encode(done),
            timeout: .seconds(60)
        )
    }

    /// A retired node hands its units' life back to the parent.
    public func handBack(_ package: HandoverPackage) async throws -> HandoverDone {
        try await call(
            method: .POST,
            path: "/federation/v1/handback",
            body: try encoder.encode(package),
            timeout: .minutes(10)
        )
    }

    /// Whether the parent already holds the evidence file with this content hash, complete.
    public func hasEvidence(_ sha256: String, size: Int64) async throws -> Bool {
        var request = HTTPClientRequest(url: baseURL + "/federation/v1/evidence/\(sha256)?size=\(size)")
        request.method = .HEAD
        let response = try await send(request, timeout: .seconds(30))
        switch response.status {
        case .ok: return true
        case .notFound: return false
        default: throw FederationCallError(status: Int(response.status.code), message: response.status.reasonPhrase)
        }
    }

    /// Streams an evidence file from the parent (one a return decision sent down names).
    public func evidence(_ sha256: String) async throws -> HTTPClientResponse.Body {
        var request = HTTPClientRequest(url: baseURL + "/federation/v1/evidence/\(sha256)")
        request.method = .GET
        let response = try await send(request, timeout: .minutes(10))
        guard response.status == .ok else {
            let bytes = try await response.body.collect(upTo: 1024 * 1024)
            let error = try? decoder.decode(ProtocolError.self, from: bytes)
            throw FederationCallError(
                status: Int(response.status.code),
                message: error?.message ?? response.status.reasonPhrase
            )
        }
        return response.body
    }

    /// Streams an evidence file to the parent, which checks it against `sha256` as it arrives.
    public func sendEvidence(_ sha256: String, from path: String, size: Int64) async throws {
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
            var request = HTTPClientRequest(url: baseURL + "/federation/v1/evidence/\(sha256)")
            request.method = .PUT
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = .stream(handle.readChunks(chunkLength: .kibibytes(256)), length: .known(size))
            let response = try await send(request, timeout: .minutes(10))
            let bytes = try await response.body.collect(upTo: 1024 * 1024)
            guard response.status == .ok || response.status == .created else {
                let error = try? decoder.decode(ProtocolError.self, from: bytes)
                throw FederationCallError(
                    status: Int(response.status.code),
                    message: error?.message ?? response.status.reasonPhrase
                )
            }
        }
    }

    private func call<Answer: Decodable>(
        method: HTTPMethod,
        path: String,
        body: Data?,
        timeout: TimeAmount,
        limit: Int = 64 * 1024 * 1024,
        decoder answerDecoder: JSONDecoder? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await send(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: limit)
        guard response.status == .ok else {
            let error = try? decoder.decode(ProtocolError.self, from: bytes)
            throw FederationCallError(
                status: Int(response.status.code),
                message: error?.message ?? response.status.reasonPhrase
            )
        }
        return try (answerDecoder ?? decoder).decode(Answer.self, from: bytes)
    }

    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        do {
            return try await http.execute(request, timeout: timeout)
        } catch {
            if let presented = mismatch.presented.withLock({ $0 }) {
                throw PeerIdentityMismatch(expected: peer, presented: presented)
            }
            if let refusal = mismatch.refusal.withLock({ $0 }) {
                throw PeerCertificateRefused(peer: peer, reason: refusal)
            }
            throw error
        }
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }
}

/// What a refused peer presented, shared between the connection hook and the requests.
private final class MismatchRecord: Sendable {
    let presented = Mutex<NodeIdentity??>(nil)
    let refusal = Mutex<String?>(nil)
}

/// The parent named the right unit, but its certificate is revoked or came from a CA outside its subtree.
public struct PeerCertificateRefused: Error, CustomStringConvertible, Sendable {
    public let peer: NodeIdentity
    public let reason: String

    public var description: String { "refused the certificate of unit \(peer.unitCode)'s node: \(reason)" }
}

/// A peer address that is not `host:port` (or `https://host:port`).
public struct InvalidPeerAddress: Error, CustomStringConvertible, Sendable {
    public let address: String
    public var description: String { "peer address '\(address)' must be host:port" }
}

/// The node that answered is not the one this client must reach.
public struct PeerIdentityMismatch: Error, CustomStringConvertible, Sendable {
    public let expected: NodeIdentity
    public let presented: NodeIdentity?

    public var description: String {
        "expected the node of unit \(expected.unitCode), but the peer's certificate names \(presented?.unitCode ?? "no unit")"
    }
}

/// The parent answered, but not with success.
public struct FederationCallError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let message: String

    public var description: String { "HTTP \(status): \(message)" }
}

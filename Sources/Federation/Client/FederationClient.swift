import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The node's side of calls to its parent: pushes batches up and pulls its feed down over one
/// long-lived mutual-TLS HTTP/2 connection.
public final class FederationClient: Sendable {
    public let parentURL: String
    private let http: HTTPClient
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    public init(parentURL: String, credentials: NodeCredentials) throws {
        var configuration = HTTPClient.Configuration(tlsConfiguration: try credentials.clientTLS())
        configuration.httpVersion = .automatic
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(40))
        self.parentURL = parentURL.hasSuffix("/") ? String(parentURL.dropLast()) : parentURL
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Pushes one batch; returns the parent's verdict on each message.
    public func push(_ request: PushRequest) async throws -> PushResponse {
        try await call(method: .POST, path: "/federation/v1/messages", body: try encoder.encode(request), timeout: .seconds(30))
    }

    /// Reads the feed after `cursor`; the parent holds the call up to `wait` seconds when nothing is new.
    public func feed(after cursor: Int64, limit: Int = FeedPage.maximumPage, wait: Int = 0) async throws -> FeedPage {
        try await call(method: .GET, path: "/federation/v1/feed?after=\(cursor)&limit=\(limit)&wait=\(wait)", body: nil, timeout: .seconds(Int64(wait) + 15))
    }

    private func call<Answer: Decodable>(method: HTTPMethod, path: String, body: Data?, timeout: TimeAmount) async throws -> Answer {
        var request = HTTPClientRequest(url: parentURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        guard response.status == .ok else {
            let error = try? decoder.decode(ProtocolError.self, from: bytes)
            throw FederationCallError(status: Int(response.status.code), message: error?.message ?? response.status.reasonPhrase)
        }
        return try decoder.decode(Answer.self, from: bytes)
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }
}

/// The parent answered, but not with success.
public struct FederationCallError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let message: String

    public var description: String { "HTTP \(status): \(message)" }
}

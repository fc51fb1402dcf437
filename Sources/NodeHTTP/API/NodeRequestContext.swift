import Auth
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Node

/// Per-request state: the connection (for the peer certificate and the client's address), and
/// who is calling once known.
struct NodeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// The logged-in session (web listener).
    var session: ActiveSession?
    /// The calling node's unit, read from its certificate (federation listener).
    var peer: String?
    /// A token was sent but its session is over (expired, logged out or revoked).
    var sessionExpired = false

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var maxUploadSize: Int { 16 * 1024 * 1024 }

    var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The client a trusted reverse proxy forwarded the request for (`ForwardedClient`).
    var forwardedClient: String?

    /// The address the connection comes from (under HTTP/2, the connection's).
    var socketAddress: String {
        ((channel.parent ?? channel).remoteAddress?.ipAddress) ?? ""
    }

    /// The client's address, for the audit trail and rate limits: the socket's, or the one a
    /// trusted proxy forwarded.
    var clientAddress: String { forwardedClient ?? socketAddress }

    /// The acting account with a complete session, or 401/403 saying what is missing.
    func actor() throws -> Actor {
        try pendingActor(allowing: []).1
    }

    /// The logged-in account while one of the `allowing` steps is pending (e.g. changing the
    /// password); any other pending step is refused as `actor()` refuses it. A session still
    /// waiting for its second factor reaches nothing but that step.
    func pendingActor(allowing: Set<String>) throws -> (ActiveSession, Actor) {
        let (session, actor) = try anySessionActor()
        guard let pending = session.pending, !allowing.contains(pending) else { return (session, actor) }
        switch pending {
        case "mfa_code":
            throw EdgeRefusal(.mfaRequired)
        case "password_change":
            throw EdgeRefusal(.passwordChangeRequired)
        default:
            throw EdgeRefusal(.mfaEnrolmentRequired)
        }
    }

    /// The logged-in account whatever step is pending (for reading one's own profile, giving the
    /// second factor, logging out).
    func anySessionActor() throws -> (ActiveSession, Actor) {
        guard let session else {
            if sessionExpired { throw EdgeRefusal(.sessionExpired) }
            throw DomainError(.notLoggedIn)
        }
        var actor = session.account.actor
        actor.address = clientAddress
        return (session, actor)
    }
}

extension Request {
    /// Decodes a JSON body, turning a malformed one into a 400 that names the faulty field.
    func decodeJSON<Value: Decodable>(as type: Value.Type, context: NodeRequestContext) async throws -> Value {
        // JSON only: a cross-site form (text/plain, form-encoded) cannot post to the API (login CSRF).
        guard headers[.contentType]?.lowercased().contains("json") == true else {
            throw EdgeRefusal(.jsonRequired)
        }
        let body: ByteBuffer
        do {
            body = try await self.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw EdgeRefusal(.bodyTooLarge)
        }
        do {
            return try context.requestDecoder.decode(type, from: body)
        } catch let error as DecodingError {
            throw EdgeRefusal(.malformedBody(Self.explain(error)))
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return
                "thiếu trường “\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))”"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "trường “\(path(context))” sai kiểu"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "không phải JSON hợp lệ" : "trường “\(path(context))”: \(context.debugDescription)"
        @unknown default: return "không đọc được"
        }
    }
}

/// Finds the session of a request: a bearer token (API clients) or the session cookie (browsers,
/// which must also send the CSRF token with every state-changing request).
struct SessionAuthentication: RouterMiddleware {
    let local: LocalNode

    func handle(
        _ request: Request,
        context: NodeRequestContext,
        next: (Request, NodeRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let bearer = request.bearerToken
        if let token = bearer ?? request.sessionCookie {
            // A stale token does not block routes that need none (logging in again, activation).
            context.session = try await local.sessions.session(forToken: token)
            context.sessionExpired = context.session == nil
            if let session = context.session, bearer == nil, request.method.changesState {
                guard session.record.kind == .cookie, let expected = session.record.csrfToken,
                    request.headers[.csrfToken] == expected
                else {
                    throw EdgeRefusal(.csrfFailed)
                }
            }
        }
        return try await next(request, context)
    }
}

extension Request {
    static let sessionCookie = "rn_session"

    var sessionCookie: String? {
        cookies[Self.sessionCookie]?.value
    }

    var bearerToken: String? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension HTTPRequest.Method {
    var changesState: Bool { ![.get, .head, .options].contains(self) }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}

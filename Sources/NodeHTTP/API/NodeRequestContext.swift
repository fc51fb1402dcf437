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

    /// The client's address (under HTTP/2, the connection's), for the audit trail.
    var clientAddress: String {
        ((channel.parent ?? channel).remoteAddress?.ipAddress) ?? ""
    }

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
            throw APIError(
                status: .unauthorized,
                code: "mfa_required",
                message: "Hãy nhập mã xác thực hai lớp",
                messageEN: "Enter your authentication code"
            )
        case "password_change":
            throw APIError(
                status: .forbidden,
                code: "password_change_required",
                message: "Bạn cần đổi mật khẩu trước khi tiếp tục",
                messageEN: "Change your password first"
            )
        default:
            throw APIError(
                status: .forbidden,
                code: "mfa_enrolment_required",
                message: "Tài khoản quản trị và phê duyệt phải bật xác thực hai lớp",
                messageEN: "Admins and approvers must enrol a second factor first"
            )
        }
    }

    /// The logged-in account whatever step is pending (for reading one's own profile, giving the
    /// second factor, logging out).
    func anySessionActor() throws -> (ActiveSession, Actor) {
        guard let session else {
            throw sessionExpired
                ? APIError(
                    status: .unauthorized,
                    code: "session_expired",
                    message: "Phiên đăng nhập đã hết hạn, hãy đăng nhập lại",
                    messageEN: "Session expired; log in again"
                )
                : APIError.unauthenticated
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
            throw APIError(
                status: .unsupportedMediaType,
                code: "unsupported_media_type",
                message: "Dữ liệu phải ở dạng JSON (Content-Type: application/json)",
                messageEN: "Send JSON with Content-Type: application/json"
            )
        }
        let body: ByteBuffer
        do {
            body = try await self.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(
                status: .contentTooLarge,
                code: "too_large",
                message: "Dữ liệu gửi lên quá lớn",
                messageEN: "Request body too large"
            )
        }
        do {
            return try context.requestDecoder.decode(type, from: body)
        } catch let error as DecodingError {
            throw APIError.badRequest(
                "Dữ liệu gửi lên không đúng định dạng: \(Self.explain(error))",
                "Malformed request body: \(Self.explain(error))"
            )
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
            context.session = try await local.session(forToken: token)
            context.sessionExpired = context.session == nil
            if let session = context.session, bearer == nil, request.method.changesState {
                guard session.record.kind == .cookie, let expected = session.record.csrfToken,
                    request.headers[.csrfToken] == expected
                else {
                    throw APIError(
                        status: .forbidden,
                        code: "csrf_failed",
                        message: "Yêu cầu không hợp lệ (thiếu mã chống giả mạo), hãy tải lại trang",
                        messageEN: "Missing or wrong CSRF token"
                    )
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

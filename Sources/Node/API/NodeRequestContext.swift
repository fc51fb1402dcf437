import Auth
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Per-request state: the connection (for the peer certificate), and who is calling once known.
struct NodeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// The logged-in person (web listener).
    var account: AccountRecord?
    /// The calling node's unit, read from its certificate (federation listener).
    var peer: String?
    /// A bearer token was sent but its session is over (expired, logged out or revoked).
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

    /// The acting account, or 401.
    func actor() throws -> Actor {
        guard let account else {
            throw sessionExpired
                ? APIError(status: .unauthorized, code: "session_expired", message: "Phiên đăng nhập đã hết hạn, hãy đăng nhập lại", messageEN: "Session expired; log in again")
                : APIError.unauthenticated
        }
        return account.actor
    }
}

extension Request {
    /// Decodes a JSON body, turning a malformed one into a 400 that names the faulty field.
    func decodeJSON<Value: Decodable>(as type: Value.Type, context: NodeRequestContext) async throws -> Value {
        let body: ByteBuffer
        do {
            body = try await self.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(status: .contentTooLarge, code: "too_large", message: "Dữ liệu gửi lên quá lớn", messageEN: "Request body too large")
        }
        do {
            return try context.requestDecoder.decode(type, from: body)
        } catch let error as DecodingError {
            throw APIError.badRequest("Dữ liệu gửi lên không đúng định dạng: \(Self.explain(error))", "Malformed request body: \(Self.explain(error))")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "thiếu trường “\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))”"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "trường “\(path(context))” sai kiểu"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "không phải JSON hợp lệ" : "trường “\(path(context))”: \(context.debugDescription)"
        @unknown default: return "không đọc được"
        }
    }
}

/// Reads a bearer token (API clients) and loads the account behind it.
struct SessionAuthentication: RouterMiddleware {
    let local: LocalNode

    func handle(_ request: Request, context: NodeRequestContext, next: (Request, NodeRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.bearerToken {
            // A stale token does not block routes that need none (logging in again, activation).
            context.account = try await local.account(forToken: token)
            context.sessionExpired = context.account == nil
        }
        return try await next(request, context)
    }
}

extension Request {
    var bearerToken: String? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

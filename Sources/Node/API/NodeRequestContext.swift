import Auth
import Foundation
import Hummingbird
import NIOCore

/// Per-request state: the connection (for the peer certificate), and who is calling once known.
struct NodeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// The logged-in person (web listener).
    var account: AccountRecord?
    /// The calling node's unit, read from its certificate (federation listener).
    var peer: String?

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
        guard let account else { throw APIError.unauthenticated }
        return account.actor
    }
}

extension Request {
    /// Decodes a JSON body, turning a malformed one into a 400 a person can read.
    func decodeJSON<Value: Decodable>(as type: Value.Type, context: NodeRequestContext) async throws -> Value {
        do {
            return try await decode(as: type, context: context)
        } catch let error as DecodingError {
            throw APIError.badRequest("Dữ liệu gửi lên không đúng định dạng: \(Self.explain(error))", "Malformed request body: \(Self.explain(error))")
        } catch let error as HTTPError {
            throw APIError(status: error.status, code: "bad_request", message: "Dữ liệu gửi lên không hợp lệ", messageEN: error.body ?? "Invalid request body")
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
            context.account = try await local.account(forToken: token)
            if context.account == nil { throw APIError(status: .unauthorized, code: "session_expired", message: "Phiên đăng nhập đã hết hạn, hãy đăng nhập lại", messageEN: "Session expired; log in again") }
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

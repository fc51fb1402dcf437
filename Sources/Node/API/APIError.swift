import Foundation
import Hummingbird

/// A refusal a person can understand: HTTP status, a stable code, a Vietnamese message first and
/// an English one second, and optional details (the field problems, the existing report...).
struct APIError: Error, HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let messageEN: String
    var details: [String: String] = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: AnyCodable] = [
            "error": .string(code), "message": .string(message), "message_en": .string(messageEN),
        ]
        if !details.isEmpty { body["details"] = .object(details) }
        let data = try JSONEncoder().encode(body)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func badRequest(_ message: String, _ english: String, details: [String: String] = [:]) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message, messageEN: english, details: details)
    }

    static func invalid(_ message: String, _ english: String, details: [String: String] = [:]) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid", message: message, messageEN: english, details: details)
    }

    static let unauthenticated = APIError(
        status: .unauthorized,
        code: "unauthenticated",
        message: "Bạn cần đăng nhập",
        messageEN: "Log in first"
    )

    static func forbidden(
        _ message: String = "Bạn không có quyền thực hiện thao tác này",
        _ english: String = "You are not allowed to do this"
    ) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message, messageEN: english)
    }

    static func notFound(_ what: String, _ english: String) -> APIError {
        APIError(
            status: .notFound,
            code: "not_found",
            message: "Không tìm thấy \(what)",
            messageEN: "\(english) not found"
        )
    }

    static func conflict(_ message: String, _ english: String, details: [String: String] = [:]) -> APIError {
        APIError(status: .conflict, code: "conflict", message: message, messageEN: english, details: details)
    }
}

/// A little JSON value, for error bodies whose shape varies.
enum AnyCodable: Encodable, Sendable {
    case string(String)
    case object([String: String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

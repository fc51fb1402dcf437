import Foundation
import Hummingbird
import Node

/// An `APIError` thrown by a use case is answered as JSON with its status.
extension APIError: HTTPResponseError {
    package func response(from request: Request, context: some RequestContext) throws -> Response {
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

/// A `DomainError` thrown by a use case is answered from the message catalogue, as the same JSON
/// an `APIError` gives.
extension DomainError: HTTPResponseError {
    package func response(from request: Request, context: some RequestContext) throws -> Response {
        try MessageCatalogue.answer(self).response(from: request, context: context)
    }
}

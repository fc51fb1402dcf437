import Foundation
import HTTPTypes

/// A refusal already worded: HTTP status, a stable code, a Vietnamese message first and an
/// English one second, and optional details (the field problems, the existing report...).
/// The HTTP edge (`NodeHTTP`) writes it as a JSON answer, and its message catalogue produces it
/// from a `DomainError`. Use cases throw `DomainError` instead; the ones still throwing this
/// (node PKI, unit changes, enrolment, `defineForm`) and the pages' own refusals are left to
/// convert.
package struct APIError: Error, Sendable {
    package let status: HTTPResponse.Status
    package let code: String
    package let message: String
    package let messageEN: String
    package var details: [String: String] = [:]

    package init(
        status: HTTPResponse.Status,
        code: String,
        message: String,
        messageEN: String,
        details: [String: String] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.messageEN = messageEN
        self.details = details
    }

    package static func badRequest(_ message: String, _ english: String, details: [String: String] = [:]) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message, messageEN: english, details: details)
    }

    package static func invalid(_ message: String, _ english: String, details: [String: String] = [:]) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid", message: message, messageEN: english, details: details)
    }

    package static let unauthenticated = APIError(
        status: .unauthorized,
        code: "unauthenticated",
        message: "Bạn cần đăng nhập",
        messageEN: "Log in first"
    )

    package static func forbidden(
        _ message: String = "Bạn không có quyền thực hiện thao tác này",
        _ english: String = "You are not allowed to do this"
    ) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message, messageEN: english)
    }

    package static func notFound(_ what: String, _ english: String) -> APIError {
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

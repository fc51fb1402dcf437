import Foundation
import HTTPTypes

/// A refusal as answered: HTTP status, a stable code, a Vietnamese message first and an English
/// one second, and optional details (the field problems, the existing report...). Only the
/// message catalogue makes one, from a `DomainError` (the core's) or an `EdgeRefusal` (the
/// edge's own); the HTTP edge writes it as the JSON answer. Nothing throws it with words of its own.
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
}

import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import Node

/// The fields (and files) of a classic HTML form post: `application/x-www-form-urlencoded`, or
/// `multipart/form-data` when files come along. Pages post these rather than JSON.
struct PageForm: Sendable {
    /// A file chosen in an `<input type=file>`.
    struct File: Sendable {
        let field: String
        let fileName: String
        let data: ByteBuffer
    }

    private(set) var fields: [String: [String]] = [:]
    private(set) var files: [File] = []

    init(fields: [String: [String]] = [:], files: [File] = []) {
        self.fields = fields
        self.files = files
    }

    subscript(name: String) -> String? { fields[name]?.first }

    func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// Field names starting with `prefix`, with the rest of the name.
    func names(startingWith prefix: String) -> [(name: String, rest: String)] {
        fields.keys.filter { $0.hasPrefix(prefix) }.sorted().map { ($0, String($0.dropFirst(prefix.count))) }
    }

    static func read(_ request: Request, context: NodeRequestContext) async throws -> PageForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw EdgeRefusal(.pageBodyTooLarge)
        }
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return PageForm(fields: urlEncoded(String(buffer: body)))
        }
        if type.hasPrefix("multipart/form-data"), let boundary = boundary(of: request.headers[.contentType] ?? "") {
            return try multipart(body, boundary: boundary)
        }
        throw EdgeRefusal(.pageFormUnsupported)
    }

    static func urlEncoded(_ text: String) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return fields
    }

    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func multipart(_ body: ByteBuffer, boundary: String) throws -> PageForm {
        let parser = MultipartParser(boundary: boundary)
        var form = PageForm()
        var disposition = ""
        var current = ByteBuffer()
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { chunk in current.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let name = parameter("name", in: disposition) ?? ""
            if let fileName = parameter("filename", in: disposition) {
                if !fileName.isEmpty { form.files.append(File(field: name, fileName: fileName, data: current)) }
            } else {
                form.fields[name, default: []].append(String(buffer: current))
            }
            disposition = ""
            current = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            throw EdgeRefusal(.pageFormUnreadable)
        }
        return form
    }

    /// A parameter of a Content-Disposition header (`name="q1"`, `filename="Báo cáo.pdf"`).
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}

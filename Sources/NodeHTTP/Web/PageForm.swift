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

    /// Reads a post. Posts that may carry evidence files pass the node's `EvidencePolicy`: their
    /// files together may weigh up to its limit (the one limit the API, the pages and the browser
    /// check), with room for the typed fields; other posts stop at the context's 16 MiB. Over
    /// the limit, reading stops and `PageFormTooLarge` carries the fields that came before the
    /// cut, so a page can show what was typed again next to the refusal.
    ///
    /// `gate` judges the fields sent before the files (the CSRF token) as soon as they are in: at
    /// the first file part's headers, or after `fieldWindow` bytes, or at the end of a body with
    /// no file. What it refuses is refused before the files are read.
    static func read(
        _ request: Request,
        context: NodeRequestContext,
        evidence: EvidencePolicy? = nil,
        gate: ((PageForm) throws -> Void)? = nil
    ) async throws -> PageForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let boundary = type.hasPrefix("multipart/form-data") ? boundary(of: request.headers[.contentType] ?? "") : nil
        let limit = evidence.map { Int($0.maximumBytes) + fieldAllowance } ?? context.maxUploadSize
        func tooLarge(_ partial: PageForm) -> PageFormTooLarge {
            var fields = partial
            fields.files = []
            guard let evidence else {
                return PageFormTooLarge(refusal: EdgeRefusal(.pageBodyTooLarge), partial: fields)
            }
            return PageFormTooLarge(
                refusal: DomainError(.evidenceTooLarge(limit: evidence.maximumBytes)),
                partial: fields,
                details: ["evidence": "too_large"]
            )
        }
        var body = ByteBuffer()
        var gated = gate == nil
        for try await chunk in request.body {
            guard body.readableBytes + chunk.readableBytes <= limit else {
                // The fields sent before the files (the browser sends them in the form's order),
                // read from the parts before the first file only: not megabytes of it.
                let partial = boundary.flatMap { fieldsSoFar(body, boundary: $0) } ?? PageForm()
                if !gated { try gate?(partial) }
                throw tooLarge(partial)
            }
            var chunk = chunk
            body.writeBuffer(&chunk)
            // Scanned only while short: the fields come first, and the window bounds the work.
            if !gated, let boundary,
                body.readableBytes >= fieldWindow || parts(of: body, boundary: boundary).contains(where: \.isFile)
            {
                try gate?(fieldsSoFar(body, boundary: boundary) ?? PageForm())
                gated = true
            }
        }
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let form = PageForm(fields: urlEncoded(String(buffer: body)))
            if !gated { try gate?(form) }
            return form
        }
        if let boundary {
            // Weighed before parsing: files over the limit need only the fields before them.
            if let evidence, fileBytes(body, boundary: boundary) > evidence.maximumBytes {
                throw tooLarge(
                    (try? multipart(fieldsBeforeFiles(body, boundary: boundary), boundary: boundary)) ?? PageForm()
                )
            }
            let form = try multipart(body, boundary: boundary)
            if !gated { try gate?(form) }
            if let evidence, form.files.reduce(0, { $0 + Int64($1.data.readableBytes) }) > evidence.maximumBytes {
                throw tooLarge(form)
            }
            return form
        }
        throw EdgeRefusal(.pageFormUnsupported)
    }

    /// Room for a post's typed fields and multipart headers besides its files.
    static let fieldAllowance = 1_048_576

    /// How much of a multipart body is read before its fields are judged when no file has begun.
    static let fieldWindow = 65_536

    /// The fields of the parts complete before the first file part, or before the cut of a body
    /// still being read (or cut at a limit); nil when no part is complete yet.
    static func fieldsSoFar(_ body: ByteBuffer, boundary: String) -> PageForm? {
        let found = parts(of: body, boundary: boundary)
        let cut: Int
        if let stop = found.first(where: { $0.isFile || $0.contentLength == nil }) {
            cut = stop.delimiterStart
        } else if let last = found.last, let length = last.contentLength {
            cut = last.contentStart + length + 2
        } else {
            return nil
        }
        var prefix = body.getSlice(at: body.readerIndex, length: cut) ?? ByteBuffer()
        prefix.writeString("--\(boundary)--\r\n")
        return try? multipart(prefix, boundary: boundary)
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

    /// The parts of a multipart body that come before its first file part, closed as a body of
    /// their own (the whole body when it has no file part).
    static func fieldsBeforeFiles(_ body: ByteBuffer, boundary: String) -> ByteBuffer {
        let cut = parts(of: body, boundary: boundary).first(where: \.isFile)?.delimiterStart
        guard let cut else { return body }
        var prefix = body.getSlice(at: body.readerIndex, length: cut) ?? ByteBuffer()
        prefix.writeString("--\(boundary)--\r\n")
        return prefix
    }

    /// The bytes of a multipart body's file parts' contents together (found by their delimiters,
    /// without parsing the contents).
    static func fileBytes(_ body: ByteBuffer, boundary: String) -> Int64 {
        parts(of: body, boundary: boundary).filter(\.isFile).reduce(0) { $0 + Int64($1.contentLength ?? 0) }
    }

    /// Where a part sits in a multipart body: its delimiter, whether its headers name a file, and
    /// its content's length (nil when the body ends inside it, as a cut body does).
    struct PartPosition {
        let delimiterStart: Int
        let isFile: Bool
        let contentStart: Int
        let contentLength: Int?
    }

    /// The parts of `body`, found by their delimiters and headers only: a file's contents are
    /// skipped by a byte search, never parsed, and text typed in a field is never read as a header.
    static func parts(of body: ByteBuffer, boundary: String) -> [PartPosition] {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        let fileHeader = Array("filename=".utf8)
        return body.withUnsafeReadableBytes { bytes -> [PartPosition] in
            guard let base = bytes.baseAddress else { return [] }
            var found: [PartPosition] = []
            // The first delimiter has no CRLF before it when the body starts with it.
            guard let first = find(Array(delimiter.dropFirst(2)), in: base, count: bytes.count) else { return [] }
            var delimiterStart = first
            var partStart = first + delimiter.count - 2
            while partStart + 2 <= bytes.count {
                // "--" after a delimiter closes the body.
                if base.load(fromByteOffset: partStart, as: UInt8.self) == UInt8(ascii: "-"),
                    base.load(fromByteOffset: partStart + 1, as: UInt8.self) == UInt8(ascii: "-")
                {
                    break
                }
                guard let headerLength = find(headerEnd, in: base + partStart, count: bytes.count - partStart) else {
                    break
                }
                let isFile = find(fileHeader, in: base + partStart, count: headerLength) != nil
                let contentStart = partStart + headerLength + headerEnd.count
                let contentLength = find(delimiter, in: base + contentStart, count: bytes.count - contentStart)
                found.append(
                    PartPosition(
                        delimiterStart: delimiterStart,
                        isFile: isFile,
                        contentStart: contentStart,
                        contentLength: contentLength
                    )
                )
                guard let contentLength else { break }
                delimiterStart = contentStart + contentLength + 2
                partStart = contentStart + contentLength + delimiter.count
            }
            return found
        }
    }

    /// Where `needle` first occurs in `count` bytes at `base` (memchr for its first byte, then a
    /// compare: fast over megabytes of file content even in a debug build).
    private static func find(_ needle: [UInt8], in base: UnsafeRawPointer, count: Int) -> Int? {
        guard let first = needle.first, count >= needle.count else { return nil }
        var offset = 0
        while offset + needle.count <= count {
            guard let hit = memchr(base + offset, Int32(first), count - needle.count + 1 - offset) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) }) == 0 { return at }
            offset = at + 1
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

/// A post over its limit: the refusal, and the fields read before the cut (the files are
/// dropped), so a page shows the refusal next to the file field with the typed message kept.
/// Elsewhere it answers as its refusal does (413).
struct PageFormTooLarge: PersonFacingError, HTTPResponseError {
    let refusal: Refused
    let partial: PageForm
    /// `evidence: too_large` when the files were over the evidence limit.
    var details: [String: String] = [:]

    var status: HTTPResponse.Status { refusal.status }
    var code: String { refusal.code }
    var message: String { refusal.message }
    var messageEN: String { refusal.messageEN }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(status: status, code: code, message: message, messageEN: messageEN, details: details)
            .response(from: request, context: context)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Spreadsheet

/// Compresses text responses (pages, styles, scripts, JSON, SVG, CSV) with gzip or deflate when
/// the client accepts it. Only bodies of known length, between 1 KiB and 8 MiB, are compressed;
/// streamed files (evidence, exports of unknown length) go as they are.
struct ResponseCompression<Context: RequestContext>: RouterMiddleware {
    static var smallest: Int { 1024 }
    static var largest: Int { 8 * 1024 * 1024 }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard request.method != .head, response.status != .noContent, response.status != .notModified,
            response.headers[.contentEncoding] == nil,
            let length = response.body.contentLength, length >= Self.smallest, length <= Self.largest,
            Self.compressible(response.headers[.contentType])
        else { return response }
        response.headers[values: .vary].append("Accept-Encoding")
        guard let encoding = Self.encoding(accepted: request.headers[values: .acceptEncoding]) else { return response }
        let collected = Collected()
        try await response.body.write(Collector(into: collected))
        let plain = Data(buffer: collected.buffer)
        let packed = try encoding == "gzip" ? HTTPCompression.gzip(plain) : HTTPCompression.zlib(plain)
        response.headers[.contentEncoding] = encoding
        response.headers[.contentLength] = nil
        response.body = ResponseBody(byteBuffer: ByteBuffer(data: packed))
        return response
    }

    static func compressible(_ type: String?) -> Bool {
        guard let type = type?.lowercased() else { return false }
        return type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("image/svg+xml")
            || type.hasPrefix("application/javascript") || type.hasPrefix("application/problem+json")
    }

    /// gzip, else deflate, when the client lists it without `q=0`.
    static func encoding(accepted values: [String]) -> String? {
        var accepted: Set<String> = []
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first else { continue }
            let refused = parts.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
            if !refused { accepted.insert(name) }
        }
        if accepted.contains("gzip") || accepted.contains("*") { return "gzip" }
        return accepted.contains("deflate") ? "deflate" : nil
    }

    /// The body's bytes, written by the response body.
    final class Collected: @unchecked Sendable {
        var buffer = ByteBuffer()
    }

    struct Collector: ResponseBodyWriter {
        let into: Collected

        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            into.buffer.writeBuffer(&buffer)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

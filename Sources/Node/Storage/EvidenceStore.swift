import Crypto
import Foundation
import NIOCore
import NIOFileSystem

/// Evidence files, kept outside the database under their SHA-256, written and read as streams
/// (never whole in memory). The same content is stored once, whatever its names.
struct EvidenceStore: Sendable {
    let root: String

    func path(_ sha256: String) -> String { "\(root)/\(sha256.prefix(2))/\(sha256)" }

    func contains(_ sha256: String) -> Bool { size(sha256) != nil }

    func size(_ sha256: String) -> Int64? {
        guard Self.isDigest(sha256), let attributes = try? FileManager.default.attributesOfItem(atPath: path(sha256)) else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    static func isDigest(_ text: String) -> Bool {
        text.count == 64 && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// Streams `body` into the store, hashing as it goes; refuses more than `limit` bytes (and
    /// keeps nothing of a refused or broken upload). Returns the content's digest and size.
    func store<Body: AsyncSequence>(_ body: Body, limit: Int64) async throws -> (sha256: String, size: Int64) where Body.Element == ByteBuffer {
        try FileManager.default.createDirectory(atPath: "\(root)/incoming", withIntermediateDirectories: true)
        let temporary = "\(root)/incoming/\(UUID().uuidString)"
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(temporary), options: .newFile(replaceExisting: false)) { handle in
                try await handle.withBufferedWriter { writer in
                    for try await buffer in body {
                        size += Int64(buffer.readableBytes)
                        guard size <= limit else { throw EvidenceTooLarge(limit: limit) }
                        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                        _ = try await writer.write(contentsOf: buffer)
                    }
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let final = path(digest)
        do {
            try FileManager.default.createDirectory(atPath: (final as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: final) {
                try FileManager.default.removeItem(atPath: temporary)
            } else {
                try FileManager.default.moveItem(atPath: temporary, toPath: final)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return (digest, size)
    }
}

/// An upload beyond the configured size.
struct EvidenceTooLarge: Error {
    let limit: Int64
}

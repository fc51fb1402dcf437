import Auth
import Crypto
import Foundation
import Hierarchy
import NIOCore
import NIOFileSystem

#if canImport(Glibc)
import Glibc
#endif

/// Evidence files, kept outside the database under their SHA-256, written and read as streams
/// (never whole in memory). The same content is stored once, whatever its names.
///
/// Ages are the node's clock's, never the kernel's: a kept file's modification time is set from
/// the clock when it arrives, and an upload in progress carries its start in its name, so the
/// sweep compares one clock with itself (a node whose clock is moved, or a test's fixed clock,
/// sweeps exactly what a node on the true date would).
package struct EvidenceStore: Sendable {
    let root: String
    let clock: any WallClock

    package init(root: String, clock: any WallClock) {
        self.root = root
        self.clock = clock
    }

    package func path(_ sha256: String) -> String { "\(root)/\(sha256.prefix(2))/\(sha256)" }

    /// True when the content is held, complete (its size as declared).
    package func contains(_ sha256: String, size expected: Int64) -> Bool { size(sha256) == expected }

    package func size(_ sha256: String) -> Int64? {
        guard Self.isDigest(sha256), let attributes = try? FileManager.default.attributesOfItem(atPath: path(sha256))
        else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    package static func isDigest(_ text: String) -> Bool {
        text.count == 64 && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// Streams `body` into the store, hashing as it goes; refuses more than `limit` bytes and, when
    /// `expected` is given, content with another hash. Nothing of a refused or broken upload is
    /// kept; what is kept is on disk (synced) before this returns.
    package func store<Body: AsyncSequence>(
        _ body: Body,
        limit: Int64,
        expected: String? = nil
    ) async throws -> (sha256: String, size: Int64) where Body.Element == ByteBuffer {
        // Evidence is readable by the node's own user only.
        try FileManager.default.createDirectory(
            atPath: "\(root)/incoming",
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let temporary = "\(root)/incoming/\(Int(clock.now().timeIntervalSince1970))-\(UUID().uuidString)"
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(temporary),
                options: .newFile(replaceExisting: false)
            ) { handle in
                try await handle.withBufferedWriter { writer in
                    for try await buffer in body {
                        size += Int64(buffer.readableBytes)
                        guard size <= limit else { throw EvidenceRefused.tooLarge(limit: limit) }
                        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                        _ = try await writer.write(contentsOf: buffer)
                    }
                }
                try await handle.synchronize()
            }
            let digest = Hex.encode(hasher.finalize())
            if let expected, expected != digest { throw EvidenceRefused.hashMismatch(actual: digest) }
            let final = path(digest)
            let folder = (final as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(
                atPath: folder,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            // Received now, by the node's clock, also when held already (e.g. sent with a step that
            // was refused): the sweep gives it a day again before the step that names it commits.
            let received: [FileAttributeKey: Any] = [.posixPermissions: 0o600, .modificationDate: clock.now()]
            if self.size(digest) == size {
                try FileManager.default.removeItem(atPath: temporary)
                try FileManager.default.setAttributes(received, ofItemAtPath: final)
            } else {
                // Dated before it appears under its name, so no sweep ever sees the kernel's time.
                try FileManager.default.setAttributes(received, ofItemAtPath: temporary)
                // Replaces a damaged copy too (one whose size does not match); rename is atomic.
                if rename(temporary, final) != 0 {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final])
                }
                Self.synchronizeFolder(folder)
            }
            return (digest, size)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Deletes content no longer named by any attachment (received more than a day ago, so that a
    /// file sent ahead of its report is not swept), and uploads abandoned midway (started more than
    /// a day ago, far longer than any upload takes, even 20 MiB over a poor link; one named without
    /// its start is from an older version, so abandoned too).
    func sweep(keeping referenced: Set<String>) -> Int {
        var removed = 0
        let manager = FileManager.default
        let now = clock.now()
        let dayAgo = now.addingTimeInterval(-86_400)
        for folder in (try? manager.contentsOfDirectory(atPath: root)) ?? [] {
            let folderPath = "\(root)/\(folder)"
            for name in (try? manager.contentsOfDirectory(atPath: folderPath)) ?? [] {
                let file = "\(folderPath)/\(name)"
                let expired: Bool
                if folder == "incoming" {
                    let started = name.split(separator: "-").first.flatMap { Int(String($0)) }
                    expired = started.map { Date(timeIntervalSince1970: TimeInterval($0)) < dayAgo } ?? true
                } else {
                    let received = (try? manager.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? now
                    expired = Self.isDigest(name) && !referenced.contains(name) && received < dayAgo
                }
                if expired, (try? manager.removeItem(atPath: file)) != nil { removed += 1 }
            }
        }
        return removed
    }

    private static func synchronizeFolder(_ folder: String) {
        #if canImport(Glibc)
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        #endif
    }
}

/// Why an upload was not kept.
package enum EvidenceRefused: Error {
    case tooLarge(limit: Int64)
    case hashMismatch(actual: String)
}

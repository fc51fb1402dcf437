import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The node's key for secrets at rest (TOTP seeds): 256 random bits in a file beside the
/// database, mode 0600, made on first start. Sealed values use AES-GCM.
struct NodeKey: Sendable {
    /// Raw bytes (swift-crypto's key type is not Sendable here).
    private let bytes: Data

    static func loadOrCreate(path: String) throws -> NodeKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw ConfigurationError("node key \(path) is damaged (expected 32 bytes)") }
            return NodeKey(bytes: data)
        }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Created 0600 from the start, and only if absent (never briefly readable, never overwritten).
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ConfigurationError("cannot create node key \(path)") }
        defer { Glibc.close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else { throw ConfigurationError("cannot write node key \(path)") }
        return NodeKey(bytes: bytes)
    }

    func seal(_ plain: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: SymmetricKey(data: bytes)).combined else { throw ConfigurationError("sealing failed") }
        return combined
    }

    func open(_ sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: SymmetricKey(data: bytes))
    }
}

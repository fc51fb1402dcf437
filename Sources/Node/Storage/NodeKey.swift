import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The node's key for secrets at rest (TOTP seeds) and for sealing the audit trail: 256 random bits in a file beside the
/// database, mode 0600, made on first start. Sealed values use AES-GCM.
struct NodeKey: Sendable {
    /// Raw bytes (swift-crypto's key type is not Sendable here).
    private let bytes: Data

    /// The key in `path`, or nil when there is no such file.
    static func load(path: String) throws -> NodeKey? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count == 32 else { throw ConfigurationError("node key \(path) is damaged (expected 32 bytes)") }
        return NodeKey(bytes: data)
    }

    static func loadOrCreate(path: String) throws -> NodeKey {
        if let key = try load(path: path) { return key }
        let bytes = generated().bytes
        // Created 0600 from the start, and only if absent (never briefly readable, never overwritten).
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ConfigurationError("cannot create node key \(path)") }
        defer { Glibc.close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw ConfigurationError("cannot write node key \(path)")
        }
        return NodeKey(bytes: bytes)
    }

    /// 256 new random bits, kept nowhere.
    static func generated() -> NodeKey {
        NodeKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// A separate 256-bit key for one purpose (HKDF-SHA256), so the sealing key is never reused.
    func derived(purpose: String) -> Data {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: bytes),
            info: Data(purpose.utf8),
            outputByteCount: 32
        )
        .withUnsafeBytes { Data($0) }
    }

    func seal(_ plain: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: SymmetricKey(data: bytes)).combined else {
            throw ConfigurationError("sealing failed")
        }
        return combined
    }

    func open(_ sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: SymmetricKey(data: bytes))
    }
}

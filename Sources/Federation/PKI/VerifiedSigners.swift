@preconcurrency import Crypto
import Foundation
import Synchronization
import X509

/// The signer chains a node has already validated, by the exact bytes that carried them, so that
/// a signer's chain is validated once per certificate rather than once per report (a commune's
/// batch of reports carries the same certificate each time). What is kept is only what cannot
/// change while the certificates are valid — the chain leads to the root — with the leaf's key;
/// revocations and the unit tree are checked again at every use (`ChainTrust.judge`), and the
/// node forgets everything whenever a revocation reaches it (`forgetAll`), so a revoked
/// certificate is refused again from the moment its revocation is known.
public final class VerifiedSigners: Sendable {
    struct Key: Hashable {
        let certificate: Data
        let intermediates: [Data]
    }

    struct Entry {
        let chain: ValidatedChain
        let key: P256.Signing.PublicKey
    }

    /// Beyond this many signers the memory starts again (the whole country has about 3,400 nodes).
    static let capacity = 16_384

    private let state = Mutex<(entries: [Key: Entry], fingerprints: [Data: String])>(([:], [:]))

    public init() {}

    /// How many signer chains are held (for tests).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Forgets every chain (after a revocation or a change of the root).
    public func forgetAll() {
        state.withLock { $0 = ([:], [:]) }
    }

    /// The fingerprint of a DER-encoded certificate, as `Certificate.fingerprint` computes it
    /// (SHA-256 of its DER encoding once parsed), computed once per certificate.
    public func fingerprint(of der: Data) throws -> String {
        if let known = state.withLock({ $0.fingerprints[der] }) { return known }
        let fingerprint = try PayloadVerifier.signerCertificate(of: der).fingerprint
        state.withLock { state in
            if state.fingerprints.count >= Self.capacity { state.fingerprints = [:] }
            state.fingerprints[der] = fingerprint
        }
        return fingerprint
    }

    func entry(_ key: Key, validAt time: Date) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[key], entry.chain.isValid(at: time) else { return nil }
            return entry
        }
    }

    func keep(_ entry: Entry, for key: Key) {
        state.withLock { state in
            if state.entries.count >= Self.capacity { state.entries = [:] }
            state.entries[key] = entry
        }
    }
}

import Federation
import Foundation
import NIOSSL
import Synchronization

/// The node's current certificate and key, replaced in place when the certificate is renewed:
/// the listeners hand the current one to every new TLS handshake (NIOSSL's context callback),
/// the sync loop builds a new client for it, reports are signed with it. Nothing restarts.
public final class NodeTLSIdentity: Sendable {
    struct Current: Sendable {
        let credentials: NodeCredentials
        let signer: PayloadSigner
        let override: NIOSSLContextConfigurationOverride
        /// The certificate's validity, read once per certificate (a status report names its expiry,
        /// the renewal loop its two thirds), not parsed from the PEM at each use.
        let validity: (notBefore: Date, notAfter: Date)?
        let generation: UInt64
    }

    private let state: Mutex<Current>
    /// Where the certificate and key live, rewritten on renewal (nil: memory only, e.g. tests).
    let files: (certificate: String, key: String)?

    init(_ credentials: NodeCredentials, files: (certificate: String, key: String)?) throws {
        self.state = Mutex(try Self.current(credentials, generation: 0))
        self.files = files
    }

    var current: Current { state.withLock { $0 } }
    var credentials: NodeCredentials { current.credentials }
    var generation: UInt64 { current.generation }

    /// Swaps in a new certificate and key (after writing them to disk, key first, mode 0600).
    func replace(certificatePEM: String, privateKeyPEM: String) throws {
        let old = credentials
        let new = NodeCredentials(
            certificatePEM: certificatePEM,
            privateKeyPEM: privateKeyPEM,
            trustRootPEM: old.trustRootPEM
        )
        let prepared = try Self.current(new, generation: 0)
        guard
            prepared.signer.identity
                == (try PayloadSigner(certificatePEM: old.certificatePEM, privateKeyPEM: old.privateKeyPEM)).identity
        else {
            throw ConfigurationError("the new certificate names another unit")
        }
        if let files {
            try CredentialFiles.write(
                certificatePEM: certificatePEM,
                privateKeyPEM: privateKeyPEM,
                certificatePath: files.certificate,
                keyPath: files.key
            )
        }
        state.withLock { state in
            state = Current(
                credentials: new,
                signer: prepared.signer,
                override: prepared.override,
                validity: prepared.validity,
                generation: state.generation + 1
            )
        }
    }

    /// For a TLS handshake that is starting: present the current certificate.
    package var contextCallback: NIOSSLContextCallback {
        { [self] _, promise in promise.succeed(current.override) }
    }

    private static func current(_ credentials: NodeCredentials, generation: UInt64) throws -> Current {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8)).map {
            .certificate($0)
        }
        override.privateKey = .privateKey(
            try NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem)
        )
        return Current(
            credentials: credentials,
            signer: try PayloadSigner(
                certificatePEM: credentials.certificatePEM,
                privateKeyPEM: credentials.privateKeyPEM
            ),
            override: override,
            validity: (try? parseCertificateChain(pem: credentials.certificatePEM).first).map {
                ($0.notValidBefore, $0.notValidAfter)
            },
            generation: generation
        )
    }
}

/// The fingerprints of revoked certificates, in memory for every handshake and request; the
/// database (`revoked_certificates`) is the record, loaded at start.
public final class RevocationList: Sendable {
    private let state = Mutex<(revoked: Set<String>, generation: UInt64)>(([], 0))

    /// Signer chains validated while this list stood: forgotten as soon as it grows, so that a
    /// certificate revoked now is judged anew (each use also checks the list itself).
    let verifiedSigners = VerifiedSigners()

    package func contains(_ fingerprint: String) -> Bool { state.withLock { $0.revoked.contains(fingerprint) } }
    var generation: UInt64 { state.withLock { $0.generation } }

    func add(_ fingerprints: some Sequence<String>) {
        let grew = state.withLock { state in
            let before = state.revoked.count
            state.revoked.formUnion(fingerprints)
            if state.revoked.count != before { state.generation += 1 }
            return state.revoked.count != before
        }
        if grew { verifiedSigners.forgetAll() }
    }
}

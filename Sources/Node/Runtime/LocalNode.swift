import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Logging
import NIOPosix
import X509

/// Everything a running node knows about itself, shared by its two listeners and its sync loop.
public struct LocalNode: Sendable {
    /// This node as the deployment now describes it (its hosted units grow as units are added).
    public var node: NodeDescription { units.node }
    /// The topology with the units added or renamed since (see `LiveDeployment`).
    public var deployment: Deployment { units.deployment }
    let units: LiveDeployment
    public let database: NodeDatabase
    /// The node's certificate and key, swapped in place on renewal.
    package let identity: NodeTLSIdentity
    /// Revoked certificates, checked on every handshake, request and signature.
    package let revocations = RevocationList()
    /// Stored forms, decoded once per version.
    let formCache = FormCache()
    /// The CA this node issues its children's certificates with: the root at the centre, the
    /// province's intermediate at a province; nil where the node issues none.
    let issuer: CertificateAuthority?
    /// The federation's root certificate.
    let root: X509.Certificate
    /// Wakes the sync loop's renewal task (renew now rather than when the certificate ages).
    let renewalSignal = ChangeSignal()
    let hasher: PasswordHasher
    /// Evidence files, next to the database.
    package let evidence: EvidenceStore
    package let evidencePolicy: EvidencePolicy
    /// Seals secrets at rest.
    let key: NodeKey
    /// Checks the seals of the audit trail.
    var auditSeal: AuditSeal { AuditSeal(key: key) }
    /// The pause after a first failed login; it doubles with each failure in a row (up to 16×).
    let loginDelay: Duration
    /// Checked against for unknown accounts, so that their refusal takes as long as a real one.
    let dummyHash: String
    /// Notified when a feed entry for a child is committed (wakes long-polling children).
    let feedSignal = ChangeSignal()
    /// Notified when an upward message is committed (wakes the push loop).
    let outboxSignal = ChangeSignal()
    /// Notified when statuses from below changed (wakes the status report toward the parent).
    let statusSignal = ChangeSignal()
    /// What `/metrics` shows.
    public let metrics = NodeMetrics()
    /// Where this process listens, as the server bound it (the topology's addresses may differ).
    package let listening = Listening()
    package let logger: Logger
    /// The time of day for everything the node decides: deadlines, sessions, audit entries.
    package let clock: any WallClock
    /// The time certificates are issued, renewed and judged by. TLS libraries check a peer's
    /// certificate against the operating system's clock, so the node's own PKI reads that clock
    /// too (the system clock in production, like `clock`; a test may pin `clock` alone).
    let certificateClock: any WallClock
    /// Records every change, in the same transaction, at `clock`'s time.
    var audit: AuditTrail { AuditTrail(clock: clock) }

    public init(
        node: NodeDescription,
        deployment: Deployment,
        database: NodeDatabase,
        credentials: NodeCredentials,
        passwordCost: UInt8 = 12,
        evidencePolicy: EvidencePolicy = EvidencePolicy(),
        loginDelay: Duration = .milliseconds(250),
        credentialFiles: (certificate: String, key: String)? = nil,
        issuer: CertificateAuthority? = nil,
        clock: any WallClock = SystemClock(),
        certificateClock: any WallClock = SystemClock(),
        logger: Logger
    ) throws {
        self.clock = clock
        self.certificateClock = certificateClock
        self.loginDelay = loginDelay
        self.evidence = EvidenceStore(root: database.path + ".evidence")
        self.evidencePolicy = evidencePolicy
        self.key = try NodeKey.loadOrCreate(path: database.path + ".key")
        try database.pool.write { db in
            try NodeMetaStore.setNodeName(node.name, db)
        }
        self.units = LiveDeployment(topology: deployment, node: node)
        self.database = database
        self.identity = try NodeTLSIdentity(credentials, files: credentialFiles)
        self.issuer = issuer
        self.root = try X509.Certificate(pemEncoded: credentials.trustRootPEM)
        let revoked = try database.pool.read { db in
            try PKIStore.revokedFingerprints(db)
        }
        revocations.add(revoked)
        let signer = identity.current.signer
        guard signer.identity.unitCode == node.unit else {
            throw ConfigurationError(
                "certificate names unit '\(signer.identity.unitCode)' but node '\(node.name)' is unit '\(node.unit)'"
            )
        }
        self.hasher = PasswordHasher(cost: passwordCost)
        self.dummyHash = hasher.hash(Secret.token())
        self.logger = logger
        try reloadUnits()
    }

    package var unit: String { node.unit }
    /// Signs with the current certificate's key.
    var signer: PayloadSigner { identity.current.signer }
    /// How this node judges any certificate chain it meets.
    package var trust: ChainTrust {
        let revocations = self.revocations
        return ChainTrust(root: root, tree: tree, isRevoked: { revocations.contains($0) })
    }
    var verifier: PayloadVerifier { PayloadVerifier(trust: trust) }
    package var tree: UnitTree { deployment.tree }
    package var parent: NodeDescription? { deployment.parent(of: node) }

    /// True when `unit`'s users and data live on this node.
    func hosts(_ unit: String) -> Bool { node.hosts.contains(unit) }

    /// Runs bcrypt off the cooperative pool: it is deliberately slow.
    func hashSecret(_ secret: String) async throws -> String {
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.hash(secret) }
    }

    func verifySecret(_ secret: String, hash: String) async throws -> Bool {
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.verify(secret, hash: hash) }
    }
}

/// A configuration that cannot run, with the reason.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Federation
import Foundation
import GRDB

/// The PKI tables: `enrolment_tokens` (one-time tokens for child nodes, by hash),
/// `issued_certificates` (what this node's CA signed), `revoked_certificates` (every revocation
/// it knows) and `signer_certificates` (signer certificates it has verified). Every function runs
/// in the caller's transaction.
enum PKIStore {
    /// A token not yet spent: the unit it enrols and the admin who handed it out.
    struct Token: Sendable {
        let unit: String
        let createdBy: String
    }

    static func addToken(
        hash: String,
        unit: String,
        createdBy: String,
        at: Date,
        expires: Date,
        _ db: Database
    )
        throws
    {
        try db.execute(
            sql:
                "INSERT INTO enrolment_tokens (token_hash, unit, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [hash, unit, createdBy, at.stored, expires.stored]
        )
    }

    /// The token with this hash, if it is unused and unexpired at `now`.
    static func usableToken(hash: String, now: Date, _ db: Database) throws -> Token? {
        try Row.fetchOne(
            db,
            sql:
                "SELECT unit, created_by FROM enrolment_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            arguments: [hash, now.stored]
        ).map { Token(unit: $0["unit"], createdBy: $0["created_by"]) }
    }

    /// Spends the token if it is still unused and unexpired at `now`; false if it was not.
    static func spendToken(hash: String, at usedAt: Date, now: Date, _ db: Database) throws -> Bool {
        try db.execute(
            sql:
                "UPDATE enrolment_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            arguments: [usedAt.stored, hash, now.stored]
        )
        return db.changesCount == 1
    }

    /// Spends every unused token of the unit.
    static func spendTokens(of unit: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE enrolment_tokens SET used_at = ? WHERE unit = ? AND used_at IS NULL",
            arguments: [at.stored, unit]
        )
    }

    /// How many certificates were issued to the unit by renewal since `since`.
    static func renewals(of unit: String, since: Date, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql:
                "SELECT COUNT(*) FROM issued_certificates WHERE unit = ? AND via = 'renewal' AND issued_at > ?",
            arguments: [unit, since.stored]
        ) ?? 0
    }

    static func recordIssued(
        fingerprint: String,
        unit: String,
        serial: String,
        notAfter: Date,
        issuedAt: Date,
        via: String,
        der: Data,
        _ db: Database
    ) throws {
        try db.execute(
            sql:
                "INSERT INTO issued_certificates (fingerprint, unit, serial, not_after, issued_at, via, der) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [fingerprint, unit, serial, notAfter.stored, issuedAt.stored, via, der]
        )
    }

    /// What this node issued, newest first.
    static func issued(_ db: Database) throws -> [NodeCertificatesView.Issued] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT fingerprint, unit, serial, not_after, issued_at, via FROM issued_certificates ORDER BY issued_at DESC"
        ).map {
            NodeCertificatesView.Issued(
                fingerprint: $0["fingerprint"],
                unit: $0["unit"],
                serial: $0["serial"],
                notAfter: $0["not_after"],
                issuedAt: $0["issued_at"],
                via: $0["via"]
            )
        }
    }

    /// Every revocation known here, newest first.
    static func revoked(_ db: Database) throws -> [NodeCertificatesView.Revoked] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT fingerprint, unit, revoked_by, revoked_at, reason FROM revoked_certificates ORDER BY revoked_at DESC"
        ).map {
            NodeCertificatesView.Revoked(
                fingerprint: $0["fingerprint"],
                unit: $0["unit"],
                revokedBy: $0["revoked_by"],
                revokedAt: $0["revoked_at"],
                reason: $0["reason"]
            )
        }
    }

    /// The unit of the certificate with this fingerprint, issued here or seen signing.
    /// Certificates of `unit`'s node not revoked: those issued here and still valid, and those
    /// seen signing (a node seeded by a topology file got its certificate elsewhere).
    static func unrevoked(unit: String, now: Date, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT fingerprint FROM issued_certificates WHERE unit = ? AND not_after > ?
                UNION SELECT fingerprint FROM signer_certificates WHERE unit = ?
                EXCEPT SELECT fingerprint FROM revoked_certificates
                """,
            arguments: [unit, now.stored, unit]
        )
    }

    static func unit(ofCertificate fingerprint: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql:
                "SELECT unit FROM issued_certificates WHERE fingerprint = ? UNION SELECT unit FROM signer_certificates WHERE fingerprint = ?",
            arguments: [fingerprint, fingerprint]
        )
    }

    /// Keeps a revocation with its signed form; false if it was already known.
    static func recordRevocation(
        _ revocation: Revocation,
        signed: String,
        receivedAt: Date,
        _ db: Database
    ) throws
        -> Bool
    {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO revoked_certificates (fingerprint, unit, revoked_by, revoked_at, reason, signed, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                revocation.fingerprint, revocation.unit, revocation.revokedBy, revocation.revokedAt.stored,
                revocation.reason,
                signed, receivedAt.stored,
            ]
        )
        return db.changesCount == 1
    }

    /// The fingerprints of every certificate revoked.
    static func revokedFingerprints(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT fingerprint FROM revoked_certificates")
    }

    /// When this node first verified the signer certificate with this fingerprint, if ever.
    static func signerFirstSeen(_ fingerprint: String, _ db: Database) throws -> Date? {
        try Date.fetchOne(
            db,
            sql: "SELECT first_seen FROM signer_certificates WHERE fingerprint = ?",
            arguments: [fingerprint]
        )
    }

    /// Keeps a verified signer certificate, once by fingerprint.
    static func rememberSigner(fingerprint: String, unit: String, der: Data, firstSeen: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO signer_certificates (fingerprint, unit, der, first_seen) VALUES (?, ?, ?, ?)",
            arguments: [fingerprint, unit, der, firstSeen.stored]
        )
    }
}

/// The node's PKI records (migration `v7-pki`): enrolment tokens it handed out (hashed), the
/// certificates it issued, the revocations it knows, and every signer certificate it has
/// verified (kept by fingerprint, so reports signed before a key rotation still verify).
enum PKISchema {
    static let v7 = """
        CREATE TABLE enrolment_tokens (
            token_hash TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        ) STRICT;

        CREATE TABLE issued_certificates (
            fingerprint TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            serial TEXT NOT NULL,
            not_after TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            via TEXT NOT NULL CHECK (via IN ('enrolment', 'renewal')),
            der BLOB NOT NULL
        ) STRICT;
        CREATE INDEX issued_certificates_unit ON issued_certificates(unit);

        CREATE TABLE revoked_certificates (
            fingerprint TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            revoked_by TEXT NOT NULL,
            revoked_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            signed TEXT NOT NULL,
            received_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE signer_certificates (
            fingerprint TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            der BLOB NOT NULL,
            first_seen TEXT NOT NULL
        ) STRICT;
        """
}

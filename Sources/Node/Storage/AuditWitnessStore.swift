import Alerts
import Foundation
import GRDB

/// The audit heads a parent saw of the nodes below it, and the cuts it found (issue J.8, migration
/// `v15-audit-witness`). A node's trail is chained and sealed, but entries cut off its end leave a
/// shorter chain that is whole; the heads kept here are the outside anchor that shows them.
enum AuditWitnessStore {
    static let v15 = """
        CREATE TABLE audit_witness (
            unit TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (unit, seq)
        ) STRICT;
        CREATE TABLE audit_cuts (
            id INTEGER PRIMARY KEY,
            unit TEXT NOT NULL,
            witnessed_seq INTEGER NOT NULL,
            witnessed_hash TEXT NOT NULL,
            witnessed_at TEXT NOT NULL,
            reported_seq INTEGER NOT NULL,
            reported_hash TEXT NOT NULL,
            found_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_cuts_unit ON audit_cuts(unit, id);
        """

    /// Heads kept per node: the highest ones seen (older heads add little once newer ones agree).
    static let keptHeads = 100
    /// Cuts a child is told of (all are kept).
    static let toldCuts = 20

    /// Witnesses `head` of `unit`'s trail. When it goes back on a head seen before (a lower
    /// sequence number than the highest seen, or a seen sequence number with another hash), the
    /// cut is kept and returned, and the witness follows the trail from the new head on (so one
    /// cut is found once). Returns nil when the head agrees with what was seen.
    static func witness(
        _ head: AuditHead,
        of unit: String,
        at now: Date,
        _ db: Database
    ) throws -> (
        id: Int64, cut: AuditCut
    )? {
        let columns = "SELECT seq, hash, seen_at FROM audit_witness WHERE unit = ?"
        var contradicted: Row?
        if let highest = try Row.fetchOne(
            try db.cachedStatement(sql: columns + " ORDER BY seq DESC LIMIT 1"),
            arguments: [unit]
        ),
            (highest["seq"] as Int64) > head.seq
        {
            contradicted = highest
        } else if let same = try Row.fetchOne(
            try db.cachedStatement(sql: columns + " AND seq = ?"),
            arguments: [unit, head.seq]
        ) {
            guard (same["hash"] as String) != head.hash else { return nil }
            contradicted = same
        }
        var found: (id: Int64, cut: AuditCut)?
        if let contradicted {
            let cut = AuditCut(
                unit: unit,
                witnessedSeq: contradicted["seq"],
                witnessedHash: contradicted["hash"],
                witnessedAt: contradicted["seen_at"],
                reportedSeq: head.seq,
                reportedHash: head.hash,
                foundAt: now
            )
            try db.cachedStatement(
                sql: """
                    INSERT INTO audit_cuts (unit, witnessed_seq, witnessed_hash, witnessed_at, reported_seq, reported_hash, found_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                unit, cut.witnessedSeq, cut.witnessedHash, cut.witnessedAt.stored, cut.reportedSeq, cut.reportedHash,
                now.stored,
            ]
            )
            found = (db.lastInsertedRowID, cut)
            try db.cachedStatement(sql: "DELETE FROM audit_witness WHERE unit = ? AND seq >= ?").execute(arguments: [
                unit, head.seq,
            ])
        }
        try db.cachedStatement(
            sql: "INSERT INTO audit_witness (unit, seq, hash, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
        ).execute(arguments: [unit, head.seq, head.hash, now.stored]
        )
        try db.cachedStatement(
            sql: """
                DELETE FROM audit_witness WHERE unit = ? AND seq NOT IN
                    (SELECT seq FROM audit_witness WHERE unit = ? ORDER BY seq DESC LIMIT ?)
                """
        ).execute(arguments: [unit, unit, keptHeads]
        )
        return found
    }

    /// What was witnessed of `unit`'s trail: the heads kept (highest first) and the latest cuts.
    static func witnessed(_ unit: String, _ db: Database) throws -> AuditWitness {
        let heads = try Row.fetchAll(
            try db.cachedStatement(
                sql: "SELECT seq, hash, seen_at FROM audit_witness WHERE unit = ? ORDER BY seq DESC"
            ),
            arguments: [unit]
        ).map { WitnessedHead(seq: $0["seq"], hash: $0["hash"], seenAt: $0["seen_at"]) }
        return AuditWitness(unit: unit, heads: heads, cuts: try cuts(of: unit, limit: toldCuts, db))
    }

    /// The latest cuts found in `unit`'s trail, newest first.
    static func cuts(of unit: String, limit: Int, _ db: Database) throws -> [AuditCut] {
        try Row.fetchAll(
            try db.cachedStatement(sql: "SELECT * FROM audit_cuts WHERE unit = ? ORDER BY id DESC LIMIT ?"),
            arguments: [unit, limit]
        ).map {
            AuditCut(
                unit: $0["unit"],
                witnessedSeq: $0["witnessed_seq"],
                witnessedHash: $0["witnessed_hash"],
                witnessedAt: $0["witnessed_at"],
                reportedSeq: $0["reported_seq"],
                reportedHash: $0["reported_hash"],
                foundAt: $0["found_at"]
            )
        }
    }
}

extension AuditWitnessStore {
    /// An alert about a cut (kind `audit_cut`, rule `witness`), one per cut: it stands until an
    /// admin acknowledges it, since the entries cut off do not come back.
    static func raiseAlert(
        key: String,
        unit: String,
        message: String,
        messageEN: String,
        at: Date,
        _ db: Database
    )
        throws
    {
        try db.cachedStatement(
            sql: """
                INSERT INTO alerts (id, key, rule_id, kind, audience, unit, ref, period, message, message_en, raised_at)
                VALUES (?, ?, 'witness', ?, 'strategic', ?, ?, '', ?, ?, ?)
                ON CONFLICT (key) DO NOTHING
                """
        ).execute(arguments: [
            UUID().uuidString, key, AlertKind.auditCut.rawValue, unit, "node:\(unit)", message, messageEN, at.stored,
        ]
        )
    }
}

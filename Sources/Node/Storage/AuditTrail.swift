import Auth
import Crypto
import Foundation
import GRDB
import Hierarchy

/// The append-only, tamper-evident audit trail: every login, read, change, approval, return,
/// export and admin action, with who, unit, node, when, what and from where. Each entry carries
/// the hash of the one before, so a changed, removed or inserted entry breaks the chain, and a seal
/// (an HMAC of that hash under the node key, see `AuditSeal`), so that the chain cannot be
/// recomputed by someone who holds the database file without the key file.
package struct AuditTrail {
    /// When entries happen.
    let clock: any WallClock

    /// Appends an entry inside the caller's transaction, so a change and its record land together.
    func record(_ db: Database, _ actor: Actor, action: String, target: String, detail: String = "") throws {
        try record(
            db,
            actor: actor.username,
            unit: actor.unit,
            action: action,
            target: target,
            detail: detail,
            source: actor.address ?? ""
        )
    }

    func record(
        _ db: Database,
        actor: String,
        unit: String,
        action: String,
        target: String,
        detail: String = "",
        source: String = ""
    ) throws {
        let last = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        )
        let previous: String = last?["hash"] ?? ""
        let seq = (last?["seq"] as Int64? ?? 0) + 1
        let node = try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'node'") ?? ""
        let at = clock.now()
        let entry = Entry(
            seq: seq,
            at: at,
            actor: actor,
            unit: unit,
            node: node,
            action: action,
            target: target,
            detail: detail,
            source: source,
            previousHash: previous
        )
        try db.execute(
            sql:
                "INSERT INTO audit (seq, at, actor, unit, node, action, target, detail, source, previous_hash, hash, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, audit_seal(?))",
            arguments: [
                seq, at.stored, actor, unit, node, action, target, detail, source, previous, entry.hash, entry.hash,
            ]
        )
    }

    /// One entry, as hashed.
    struct Entry {
        let seq: Int64
        let at: Date
        let actor: String
        let unit: String
        let node: String
        let action: String
        let target: String
        let detail: String
        let source: String
        let previousHash: String

        init(
            seq: Int64,
            at: Date,
            actor: String,
            unit: String,
            node: String,
            action: String,
            target: String,
            detail: String,
            source: String,
            previousHash: String
        ) {
            self.seq = seq
            self.at = at
            self.actor = actor
            self.unit = unit
            self.node = node
            self.action = action
            self.target = target
            self.detail = detail
            self.source = source
            self.previousHash = previousHash
        }

        init(_ row: Row) {
            self.init(
                seq: row["seq"],
                at: row["at"],
                actor: row["actor"],
                unit: row["unit"],
                node: row["node"],
                action: row["action"],
                target: row["target"],
                detail: row["detail"],
                source: row["source"],
                previousHash: row["previous_hash"]
            )
        }

        /// SHA-256 over the previous hash and every field, length-prefixed so fields cannot run together.
        var hash: String {
            let millis = Int64((at.timeIntervalSince1970 * 1000).rounded())
            let fields = [previousHash, String(seq), String(millis), actor, unit, node, action, target, detail, source]
            let text = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
            return Hex.encode(SHA256.hash(data: Data(text.utf8)))
        }
    }

    /// Walks the chain; returns nil when it is whole, or the first entry that breaks it. With the
    /// node's `seal`, each entry's seal is checked too.
    static func verify(_ db: Database, seal: AuditSeal? = nil) throws -> Break? {
        var previous = ""
        var expectedSeq: Int64?
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
        while let row = try rows.next() {
            let entry = Entry(row)
            let stored: String = row["hash"]
            if let expected = expectedSeq, entry.seq != expected {
                return Break(seq: entry.seq, reason: "entry \(expected) is missing")
            }
            if entry.previousHash != previous {
                return Break(seq: entry.seq, reason: "it does not follow the entry before it")
            }
            if entry.hash != stored { return Break(seq: entry.seq, reason: "its content does not match its hash") }
            if let seal, seal.seal(stored) != row["seal"] as String? {
                return Break(seq: entry.seq, reason: "its seal does not match the node key")
            }
            previous = stored
            expectedSeq = entry.seq + 1
        }
        return nil
    }

    /// The last entry's sequence number and hash, which travel up in the node's status for its
    /// parent to witness; entry 0 with an empty hash while the trail is empty (so that a trail
    /// cut to nothing still reports a head, lower than any witnessed).
    static func head(_ db: Database) throws -> AuditHead {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")).map {
            AuditHead(seq: $0["seq"], hash: $0["hash"])
        } ?? AuditHead(seq: 0, hash: "")
    }

    /// Where the chain breaks, and why.
    package struct Break: Equatable, CustomStringConvertible {
        let seq: Int64
        let reason: String
        package var description: String { "audit entry \(seq) is broken: \(reason)" }
    }

    /// Seals the entries written before seals existed (migration v8), with the guards lifted for
    /// the length of the migration's transaction only.
    static func sealExisting(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP TRIGGER audit_no_update;
                DROP TRIGGER audit_no_delete;
                ALTER TABLE audit ADD COLUMN seal TEXT NOT NULL DEFAULT '';
                UPDATE audit SET seal = audit_seal(hash);
                """
        )
        try db.execute(sql: Schema.v3Triggers)
    }

    /// Gives the entries written before the chain existed their hashes (migration v3).
    static func chainExisting(_ db: Database) throws {
        var previous = ""
        for row in try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq") {
            var entry = Entry(row)
            entry = Entry(
                seq: entry.seq,
                at: entry.at,
                actor: entry.actor,
                unit: entry.unit,
                node: entry.node,
                action: entry.action,
                target: entry.target,
                detail: entry.detail,
                source: entry.source,
                previousHash: previous
            )
            try db.execute(
                sql: "UPDATE audit SET previous_hash = ?, hash = ? WHERE seq = ?",
                arguments: [previous, entry.hash, entry.seq]
            )
            previous = entry.hash
        }
    }
}

extension AuditTrail {
    /// Checks the audit trail of a node's database file, opened read-only: how many entries it
    /// holds, where the hash chain breaks if it does, and whether the seals could be checked
    /// (only with the node's key beside the database).
    package static func check(
        databaseAt path: String
    ) async throws -> (entries: Int, broken: Break?, sealsChecked: Bool) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let seal = try NodeKey.load(path: path + ".key").map(AuditSeal.init)
        let (entries, broken) = try await queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit") ?? 0, try verify(db, seal: seal))
        }
        return (entries, broken, seal != nil)
    }

}

extension AuditTrail {
    /// How many entries each actor made of each action from `from` (inclusive) to `to`.
    static func actionCounts(
        from: Date,
        to: Date,
        _ db: Database
    ) throws
        -> [(actor: String, action: String, count: Int)]
    {
        try Row.fetchAll(
            db,
            sql: "SELECT actor, action, COUNT(*) AS n FROM audit WHERE at >= ? AND at < ? GROUP BY actor, action",
            arguments: [from.stored, to.stored]
        ).map { ($0["actor"], $0["action"], $0["n"]) }
    }

    /// The latest 200 entries of the units (of one actor when `account` is given), newest first.
    static func latest(units: [String], account: String?, _ db: Database) throws -> [AuditTrailView.Entry] {
        var sql =
            "SELECT at, actor, unit, action, target, detail FROM audit WHERE unit IN (\(units.map { _ in "?" }.joined(separator: ",")))"
        var arguments = StatementArguments(units)
        if let account {
            sql += " AND actor = ?"
            arguments += [account]
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY seq DESC LIMIT 200", arguments: arguments).map {
            AuditTrailView.Entry(
                at: $0["at"],
                actor: $0["actor"],
                unit: $0["unit"],
                action: $0["action"],
                target: $0["target"],
                detail: $0["detail"]
            )
        }
    }
}

extension AuditTrail {
    /// Compares the trail of a node's database file, opened read-only, with what its parent
    /// witnessed: every head the parent kept, and the head before each cut it found, must be an
    /// entry of this trail with the same hash. Returns where the trail ends and each disagreement,
    /// highest entry first.
    package static func compare(
        _ witness: AuditWitness,
        databaseAt path: String
    ) async throws -> (end: Int64, disagreements: [WitnessDisagreement]) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        // Every witnessed entry is checked, a cut's as well as a later head at the same number:
        // a trail cut and grown again to the same length must not pass for whole.
        var witnessed: [(seq: Int64, hash: String, at: Date)] = witness.cuts.map {
            ($0.witnessedSeq, $0.witnessedHash, $0.witnessedAt)
        }
        for head in witness.heads where !witnessed.contains(where: { $0.seq == head.seq && $0.hash == head.hash }) {
            witnessed.append((head.seq, head.hash, head.seenAt))
        }
        let checks = witnessed.sorted { $0.seq > $1.seq }.map { (key: $0.seq, value: (hash: $0.hash, at: $0.at)) }
        return try await queue.read { db in
            let end = try head(db).seq
            var disagreements: [WitnessDisagreement] = []
            // Entry 0 is the empty trail's head: every trail agrees with it.
            for (seq, seen) in checks where seq > 0 {
                let here = try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [seq])
                if here != seen.hash {
                    disagreements.append(
                        WitnessDisagreement(
                            witnessedSeq: seq,
                            witnessedHash: seen.hash,
                            witnessedAt: seen.at,
                            hashHere: here,
                            trailEnd: end
                        )
                    )
                }
            }
            return (end, disagreements)
        }
    }
}

/// An entry the parent witnessed that this trail no longer holds as it was.
package struct WitnessDisagreement: Sendable, Equatable, CustomStringConvertible {
    package let witnessedSeq: Int64
    package let witnessedHash: String
    package let witnessedAt: Date
    /// The hash of this trail's entry of that number; nil when the trail has no such entry.
    package let hashHere: String?
    /// The last entry of this trail (0 when it is empty).
    package let trailEnd: Int64

    package var description: String {
        let at = ISO8601DateFormatter().string(from: witnessedAt)
        let hash = String(witnessedHash.prefix(16))
        guard let hashHere else {
            return
                "trail cut: the parent witnessed entry \(witnessedSeq) (hash \(hash)…) at \(at), the trail ends at \(trailEnd)"
        }
        return
            "entry \(witnessedSeq) differs from what the parent witnessed at \(at) (hash \(hash)…, here \(hashHere.prefix(16))…): the trail was cut and written again"
    }
}

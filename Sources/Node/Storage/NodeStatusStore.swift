import Federation
import Foundation
import GRDB

/// The latest status of every node below this one (issue J), as reported up and relayed: one row
/// per node, replaced by a newer status; `sent` says whether the parent has it already.
enum NodeStatusStore {
    static let v12 = """
        CREATE TABLE node_statuses (
            unit TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            reported_at TEXT NOT NULL,
            from_peer TEXT NOT NULL,
            received_at TEXT NOT NULL,
            sent INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        """

    /// The silence threshold admins set, in `node_meta`.
    static let thresholdKey = "silence_threshold_seconds"
    static let defaultThreshold: Int = 24 * 3600

    static func encode(_ status: NodeStatus) throws -> String {
        String(decoding: try JSONEncoder.federation.encode(status), as: UTF8.self)
    }

    /// Keeps `status` unless an equal or newer one is held. Returns whether it changed anything.
    /// A status arrives every minute from every node below, and nearly all are simply newer.
    static func keep(_ status: NodeStatus, from peer: String, at now: Date, _ db: Database) throws -> Bool {
        let text = try encode(status)
        if let held = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT status, reported_at FROM node_statuses WHERE unit = ?"),
            arguments: [status.unit]
        ) {
            let heldText: String = held["status"]
            if heldText == text { return false }
            // The column says when the held status was reported (to the millisecond; the status
            // itself, to the second): only one reported at about the same instant is decoded.
            let apart = (held["reported_at"] as Date).timeIntervalSince(status.reportedAt)
            if apart > 2 { return false }
            if apart >= -2 {
                let heldStatus = try JSONDecoder.federation.decode(NodeStatus.self, from: Data(heldText.utf8))
                if heldStatus == status { return false }
                // Older news of the node changes nothing; the same report with a fresher view of
                // its link (its parent's last contact) does.
                if heldStatus.reportedAt > status.reportedAt { return false }
                if heldStatus.reportedAt == status.reportedAt,
                    (heldStatus.lastContact ?? .distantPast) > (status.lastContact ?? .distantPast)
                {
                    return false
                }
            }
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO node_statuses (unit, status, reported_at, from_peer, received_at, sent)
                VALUES (?, ?, ?, ?, ?, 0)
                ON CONFLICT (unit) DO UPDATE SET status = excluded.status, reported_at = excluded.reported_at,
                    from_peer = excluded.from_peer, received_at = excluded.received_at, sent = 0
                """
        ).execute(arguments: [status.unit, text, status.reportedAt.stored, peer, now.stored])
        return true
    }

    /// Whether no status of a node below is held (a node without children has none).
    static func isEmpty(_ db: Database) throws -> Bool {
        try Bool.fetchOne(try db.cachedStatement(sql: "SELECT NOT EXISTS (SELECT 1 FROM node_statuses)")) ?? true
    }

    /// Every status held.
    static func all(_ db: Database) throws -> [(status: NodeStatus, receivedAt: Date)] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT status, received_at FROM node_statuses ORDER BY unit"))
            .map {
                (
                    try JSONDecoder.federation.decode(NodeStatus.self, from: Data(($0["status"] as String).utf8)),
                    $0["received_at"]
                )
            }
    }

    /// Statuses the parent does not have yet.
    static func unsent(_ db: Database) throws -> [NodeStatus] {
        try String.fetchAll(
            try db.cachedStatement(sql: "SELECT status FROM node_statuses WHERE sent = 0 ORDER BY unit")
        ).map {
            try JSONDecoder.federation.decode(NodeStatus.self, from: Data($0.utf8))
        }
    }

    /// The parent has `status` (unless a newer one came in meanwhile, which stays to be sent).
    static func markSent(_ status: NodeStatus, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE node_statuses SET sent = 1 WHERE unit = ? AND status = ?").execute(
            arguments: [status.unit, try encode(status)]
        )
    }

    static func threshold(_ db: Database) throws -> Int {
        try String.fetchOne(
            try db.cachedStatement(sql: "SELECT value FROM node_meta WHERE key = ?"),
            arguments: [thresholdKey]
        )
        .flatMap(Int.init) ?? defaultThreshold
    }

    static func setThreshold(_ seconds: Int, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO node_meta (key, value) VALUES (?, ?)").execute(arguments: [
            thresholdKey, String(seconds),
        ]
        )
    }
}

import Alerts
import Foundation
import GRDB

/// The `alert_rules` table (the rules a unit set for its subtree, as JSON bodies) and the rules'
/// findings in `alerts`: raised once per key, raised again when the cause comes back, cleared
/// when it is gone, acknowledged by a reader. Every function runs in the caller's transaction.
enum AlertStore {
    /// A rule as held: its JSON body, who set it and when.
    struct Rule: Sendable {
        let body: String
        let createdBy: String
        let createdAt: Date
    }

    /// An alert found by its key: its id and, once cleared, when.
    struct Keyed: Sendable {
        let id: String
        let clearedAt: Date?
    }

    static func addRule(id: String, unit: String, body: String, createdBy: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO alert_rules (id, unit, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, unit, body, createdBy, at.stored]
        )
    }

    /// The rules not removed, oldest first.
    static func rules(_ db: Database) throws -> [Rule] {
        try Row.fetchAll(db, sql: "SELECT * FROM alert_rules WHERE removed_at IS NULL ORDER BY created_at, id")
            .map { Rule(body: $0["body"], createdBy: $0["created_by"], createdAt: $0["created_at"]) }
    }

    /// The bodies of the rules not removed.
    static func ruleBodies(_ db: Database) throws -> [String] {
        // Cached, like `standing`: both are read after every batch of reports a parent receives.
        try String.fetchAll(try db.cachedStatement(sql: "SELECT body FROM alert_rules WHERE removed_at IS NULL"))
    }

    /// The unit that set the rule, if it stands.
    static func ruleUnit(_ id: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT unit FROM alert_rules WHERE id = ? AND removed_at IS NULL",
            arguments: [id]
        )
    }

    /// Removes the rule; its standing alerts clear.
    static func removeRule(_ id: String, at: Date, _ db: Database) throws {
        try db.execute(sql: "UPDATE alert_rules SET removed_at = ? WHERE id = ?", arguments: [at.stored, id])
        try db.execute(
            sql: "UPDATE alerts SET cleared_at = ? WHERE rule_id = ? AND cleared_at IS NULL",
            arguments: [at.stored, id]
        )
    }

    /// The standing alerts, or all of them with the cleared ones: newest first, 5000 at most.
    static func alerts(includeCleared: Bool, _ db: Database) throws -> [AlertView] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM alerts \(includeCleared ? "" : "WHERE cleared_at IS NULL") ORDER BY raised_at DESC, id LIMIT 5000"
        )
        .map(AlertView.init)
    }

    static func alert(_ id: String, _ db: Database) throws -> AlertView? {
        try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]).map(AlertView.init)
    }

    static func acknowledge(_ id: String, by username: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
            arguments: [username, at.stored, id]
        )
    }

    /// The alert held for this finding key, if any.
    static func alert(key: String, _ db: Database) throws -> Keyed? {
        try Row.fetchOne(
            db,
            sql: "SELECT id, cleared_at FROM alerts WHERE key = ?",
            arguments: [key]
        ).map { Keyed(id: $0["id"], clearedAt: $0["cleared_at"]) }
    }

    /// The standing alerts not mailed yet, oldest first.
    static func unmailed(_ db: Database) throws -> [AlertView] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM alerts WHERE mailed_at IS NULL AND cleared_at IS NULL ORDER BY raised_at, id"
        ).map(AlertView.init)
    }

    static func markMailed(_ id: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE alerts SET mailed_at = ? WHERE id = ? AND mailed_at IS NULL",
            arguments: [at.stored, id]
        )
    }

    /// The cause came back: the alert with this key stands again, unacknowledged.
    static func raiseAgain(_ finding: Finding, at: Date, _ db: Database) throws {
        try db.execute(
            sql:
                "UPDATE alerts SET cleared_at = NULL, acknowledged_by = NULL, acknowledged_at = NULL, mailed_at = NULL, raised_at = ?, message = ?, message_en = ? WHERE key = ?",
            arguments: [at.stored, finding.message, finding.messageEN, finding.key]
        )
    }

    static func raise(_ finding: Finding, id: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO alerts (id, key, rule_id, kind, audience, unit, ref, period, message, message_en, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, finding.key, finding.rule, finding.kind.rawValue, finding.audience.rawValue,
                finding.unit, finding.ref,
                finding.period, finding.message, finding.messageEN, at.stored,
            ]
        )
    }

    /// The standing alerts (id and key) of every kind but these.
    static func standing(except kinds: Set<AlertKind>, _ db: Database) throws -> [(id: String, key: String)] {
        try Row.fetchAll(
            try db.cachedStatement(
                sql:
                    "SELECT id, key FROM alerts WHERE cleared_at IS NULL AND kind NOT IN (SELECT value FROM json_each(?))"
            ),
            arguments: [String(decoding: try JSONEncoder().encode(kinds.map(\.rawValue).sorted()), as: UTF8.self)]
        ).map { ($0["id"], $0["key"]) }
    }

    static func clear(_ id: String, at: Date, _ db: Database) throws {
        try db.execute(sql: "UPDATE alerts SET cleared_at = ? WHERE id = ?", arguments: [at.stored, id])
    }

    /// Clears the standing alert with this key, if one stands.
    static func clear(key: String, at: Date, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE alerts SET cleared_at = ? WHERE key = ? AND cleared_at IS NULL")
            .execute(arguments: [at.stored, key])
    }

    /// Raises the alert (kind `silent_node`, rule `silence`) that a node below is silent, unless it
    /// stands already.
    static func raiseSilence(
        id: String,
        key: String,
        unit: String,
        ref: String,
        message: String,
        messageEN: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO alerts (id, key, rule_id, kind, audience, unit, ref, period, message, message_en, raised_at)
                VALUES (?, ?, 'silence', ?, 'strategic', ?, ?, '', ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET cleared_at = NULL, acknowledged_by = NULL, acknowledged_at = NULL,
                    mailed_at = NULL, raised_at = excluded.raised_at, message = excluded.message,
                    message_en = excluded.message_en
                WHERE alerts.cleared_at IS NOT NULL
                """,
            arguments: [id, key, AlertKind.silentNode.rawValue, unit, ref, message, messageEN, at.stored]
        )
    }
}

extension AlertView {
    init(_ row: Row) {
        id = row["id"]
        rule = row["rule_id"]
        kind = AlertKind(rawValue: row["kind"]) ?? .overdue
        kindName = kind.vietnameseName
        audience = Audience(rawValue: row["audience"]) ?? .strategic
        unit = row["unit"]
        ref = row["ref"]
        period = row["period"]
        message = row["message"]
        messageEN = row["message_en"]
        raisedAt = row["raised_at"]
        acknowledgedBy = row["acknowledged_by"]
        acknowledgedAt = row["acknowledged_at"]
        clearedAt = row["cleared_at"]
    }
}

import Federation
import Foundation
import GRDB

/// The `receipts` table: one row per message (by trace) and node, its latest fate there.
enum ReceiptStore {
    struct Own {
        let fate: Receipt.Fate
        let fromPeer: String?
    }

    /// This node sends the message on: a new row says so; a parked or set-aside one becomes
    /// "sent" again (a retried message relayed at last). What it was received from is kept.
    static func noteSent(
        trace: String,
        kind: String,
        unit: String,
        subject: String?,
        node: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO receipts (trace, node, kind, unit, subject, fate, at) VALUES (?, ?, ?, ?, ?, 'sent', ?)
                ON CONFLICT (trace, node) DO UPDATE SET fate = 'sent', reason = NULL, at = excluded.at
                WHERE receipts.fate IN ('parked', 'set-aside')
                """
        ).execute(arguments: [trace, node, kind, unit, subject, at.stored])
    }

    static func own(trace: String, node: String, _ db: Database) throws -> Own? {
        guard
            let row = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT fate, from_peer FROM receipts WHERE trace = ? AND node = ?"),
                arguments: [trace, node]
            )
        else { return nil }
        return Own(fate: Receipt.Fate(rawValue: row["fate"]) ?? .sent, fromPeer: row["from_peer"])
    }

    /// Keeps a receipt; false when the same fate (and reason) was already held, so that nothing
    /// is passed on twice.
    static func keep(_ receipt: Receipt, fromPeer: String?, _ db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO receipts (trace, node, kind, unit, subject, fate, reason, from_peer, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (trace, node) DO UPDATE SET fate = excluded.fate, reason = excluded.reason,
                    at = excluded.at, from_peer = COALESCE(receipts.from_peer, excluded.from_peer),
                    subject = COALESCE(receipts.subject, excluded.subject)
                WHERE receipts.fate IS NOT excluded.fate OR receipts.reason IS NOT excluded.reason
                """
        ).execute(arguments: [
            receipt.trace, receipt.node, receipt.kind.rawValue, receipt.unit, receipt.subject,
            receipt.fate.rawValue, receipt.reason, fromPeer, receipt.at.stored,
        ])
        return db.changesCount > 0
    }

    /// Bounded in time as in size: receipts and settled parked messages older than `cutoff` go;
    /// messages still parked stay, whatever their age.
    static func prune(before cutoff: Date, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM receipts WHERE at < ? AND fate != 'parked'", arguments: [cutoff.stored])
        try db.execute(
            sql: "DELETE FROM parked_messages WHERE state != 'parked' AND settled_at < ?",
            arguments: [cutoff.stored]
        )
    }

    /// The trace of the latest message of this kind about the subject that the node sent on.
    static func latestSentTrace(subject: String, node: String, kind: MessageKind, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT trace FROM receipts WHERE subject = ? AND node = ? AND kind = ? AND fate = 'sent'
                ORDER BY at DESC, rowid DESC LIMIT 1
                """,
            arguments: [subject, node, kind.rawValue]
        )
    }

    /// Every receipt held about `subject` (e.g. `report:<id>`), oldest first.
    static func receipts(subject: String, _ db: Database) throws -> [Receipt] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT trace, kind, unit, subject, node, fate, reason, at FROM receipts
                WHERE subject = ? ORDER BY at, rowid
                """,
            arguments: [subject]
        ).map(receipt)
    }

    /// The fate of one message at one node, as a receipt, when the node got it from `fromPeer`.
    static func one(trace: String, node: String, fromPeer: String, _ db: Database) throws -> Receipt? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT trace, kind, unit, subject, node, fate, reason, at FROM receipts
                WHERE trace = ? AND node = ? AND from_peer = ?
                """,
            arguments: [trace, node, fromPeer]
        ).map(receipt)
    }

    private static func receipt(_ row: Row) -> Receipt {
        Receipt(
            trace: row["trace"],
            kind: MessageKind(rawValue: row["kind"]),
            unit: row["unit"],
            subject: row["subject"],
            node: row["node"],
            fate: Receipt.Fate(rawValue: row["fate"]) ?? .sent,
            reason: row["reason"],
            at: row["at"]
        )
    }
}

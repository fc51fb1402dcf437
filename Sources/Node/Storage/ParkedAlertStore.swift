import Alerts
import Foundation
import GRDB

/// Alerts about parked messages, in the `alerts` table beside the rules' findings (kind
/// `parked_message`, rule `parked`): raised when a message is parked, here or (told by a receipt)
/// above the node it came from, and cleared when it is applied or set aside.
enum ParkedAlertStore {
    static func raise(
        key: String,
        unit: String,
        ref: String,
        message: String,
        messageEN: String,
        at: Date,
        _ db: Database
    )
        throws
    {
        try db.execute(
            sql: """
                INSERT INTO alerts (id, key, rule_id, kind, audience, unit, ref, period, message, message_en, raised_at)
                VALUES (?, ?, 'parked', ?, 'strategic', ?, ?, '', ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET cleared_at = NULL, acknowledged_by = NULL, acknowledged_at = NULL,
                    mailed_at = NULL, raised_at = excluded.raised_at, message = excluded.message,
                    message_en = excluded.message_en
                WHERE alerts.cleared_at IS NOT NULL OR alerts.message IS NOT excluded.message
                """,
            arguments: [
                UUID().uuidString, key, AlertKind.parkedMessage.rawValue, unit, ref, message, messageEN, at.stored,
            ]
        )
    }

    static func clear(key: String, at: Date, _ db: Database) throws {
        try AlertStore.clear(key: key, at: at, db)
    }
}

/// Receipts and parked messages (issue H): what became of each message that travelled, at every
/// node that kept, relayed or parked it, and the parked messages themselves, kept whole so they
/// can be applied again.
enum ReceiptSchema {
    static let v11 = """
        CREATE TABLE receipts (
            trace TEXT NOT NULL,
            node TEXT NOT NULL,
            kind TEXT NOT NULL,
            unit TEXT NOT NULL,
            subject TEXT,
            fate TEXT NOT NULL CHECK (fate IN ('sent', 'kept', 'relayed', 'parked', 'set-aside')),
            reason TEXT,
            from_peer TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (trace, node)
        ) STRICT;
        CREATE INDEX receipts_subject ON receipts(subject);
        CREATE TABLE parked_messages (
            origin TEXT NOT NULL,
            message_id TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('child', 'parent')),
            kind TEXT NOT NULL,
            unit TEXT NOT NULL,
            envelope BLOB NOT NULL,
            reason TEXT NOT NULL,
            parked_at TEXT NOT NULL,
            retries INTEGER NOT NULL DEFAULT 0,
            retried_at TEXT,
            state TEXT NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'applied', 'set-aside')),
            settled_by TEXT,
            settled_reason TEXT,
            settled_at TEXT,
            PRIMARY KEY (origin, message_id)
        ) STRICT;
        CREATE INDEX parked_messages_state ON parked_messages(state);
        """
}

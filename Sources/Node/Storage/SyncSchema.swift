extension Schema {
    /// Sync that survives a restored backup: the database's epoch (a random id, new on every
    /// restore), the epoch the parent last showed, and upward messages kept after delivery so they
    /// can be sent again to a parent that lost them.
    static let v6Sync = """
        INSERT OR IGNORE INTO node_meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));
        ALTER TABLE peers ADD COLUMN epoch TEXT;
        CREATE TABLE delivered (
            seq INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            unit TEXT NOT NULL,
            envelope BLOB NOT NULL,
            created_at TEXT NOT NULL,
            delivered_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX delivered_at ON delivered(delivered_at);
        """

    /// A database's own epoch, as v6 first gave it (a copy of another database's file needs a new one).
    static let newEpoch = "UPDATE node_meta SET value = lower(hex(randomblob(16))) WHERE key = 'epoch'"
}

/// Migration `v9-units`: units added or renamed after the topology file was written, replayed
/// over the topology at start-up in the order they were kept.
enum UnitSchema {
    static let v9 = """
        CREATE TABLE unit_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('added', 'renamed')),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            level TEXT NOT NULL,
            parent TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            -- The node the change came from; NULL when an admin made it here.
            received_from TEXT,
            recorded_at TEXT NOT NULL
        ) STRICT;
        -- Codes never collide, whatever their case.
        CREATE UNIQUE INDEX unit_changes_added ON unit_changes(lower(code)) WHERE kind = 'added';
        CREATE TRIGGER unit_changes_no_update BEFORE UPDATE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never changed'); END;
        CREATE TRIGGER unit_changes_no_delete BEFORE DELETE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never deleted'); END;
        """
}

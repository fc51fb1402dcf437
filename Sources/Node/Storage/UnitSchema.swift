/// Migrations `v9-units`, `v14-joined-nodes`, `v19-retired-nodes` and `v21-moved-units`: units
/// added, renamed, given a node of their own (or its node retired) or moved after the topology
/// file was written, replayed over the topology at start-up in the order they
/// were kept.
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

    /// A unit's own node joining (`hosted`), with the node's name and listen addresses. The table
    /// is rebuilt because SQLite cannot widen a CHECK constraint in place; rows and order are kept.
    static let v14 = """
        DROP TRIGGER unit_changes_no_update;
        DROP TRIGGER unit_changes_no_delete;
        DROP INDEX unit_changes_added;
        ALTER TABLE unit_changes RENAME TO unit_changes_v9;
        CREATE TABLE unit_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('added', 'renamed', 'hosted')),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            level TEXT NOT NULL,
            parent TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            -- The node the change came from; NULL when an admin made it here.
            received_from TEXT,
            recorded_at TEXT NOT NULL,
            -- For 'hosted': the node that joined for the unit.
            node_name TEXT,
            node_web TEXT,
            node_federation TEXT,
            CHECK ((kind = 'hosted') = (node_name IS NOT NULL))
        ) STRICT;
        INSERT INTO unit_changes (seq, id, kind, code, name, level, parent, decided_by, decided_at, received_from, recorded_at)
            SELECT seq, id, kind, code, name, level, parent, decided_by, decided_at, received_from, recorded_at
            FROM unit_changes_v9 ORDER BY seq;
        DROP TABLE unit_changes_v9;
        -- Codes never collide, whatever their case; a unit gets its own node once.
        CREATE UNIQUE INDEX unit_changes_added ON unit_changes(lower(code)) WHERE kind = 'added';
        CREATE UNIQUE INDEX unit_changes_hosted ON unit_changes(lower(code)) WHERE kind = 'hosted';
        CREATE TRIGGER unit_changes_no_update BEFORE UPDATE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never changed'); END;
        CREATE TRIGGER unit_changes_no_delete BEFORE DELETE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never deleted'); END;
        """

    /// A node retired (`retired`: its parent's node hosts its units again), after which its unit
    /// may get a node again: the kind is widened and a unit's joins are no longer unique. The
    /// table is rebuilt as in v14; rows and order are kept.
    static let v19 = """
        DROP TRIGGER unit_changes_no_update;
        DROP TRIGGER unit_changes_no_delete;
        DROP INDEX unit_changes_added;
        DROP INDEX unit_changes_hosted;
        ALTER TABLE unit_changes RENAME TO unit_changes_v14;
        CREATE TABLE unit_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('added', 'renamed', 'hosted', 'retired')),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            level TEXT NOT NULL,
            parent TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            received_from TEXT,
            recorded_at TEXT NOT NULL,
            node_name TEXT,
            node_web TEXT,
            node_federation TEXT,
            CHECK ((kind = 'hosted') = (node_name IS NOT NULL))
        ) STRICT;
        INSERT INTO unit_changes SELECT * FROM unit_changes_v14 ORDER BY seq;
        DROP TABLE unit_changes_v14;
        CREATE UNIQUE INDEX unit_changes_added ON unit_changes(lower(code)) WHERE kind = 'added';
        CREATE INDEX unit_changes_code ON unit_changes(lower(code), kind);
        CREATE TRIGGER unit_changes_no_update BEFORE UPDATE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never changed'); END;
        CREATE TRIGGER unit_changes_no_delete BEFORE DELETE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never deleted'); END;
        """

    /// A unit moved to another parent (`moved`, with the parent it left). The table is rebuilt as
    /// in v14; rows and order are kept.
    static let v21 = """
        DROP TRIGGER unit_changes_no_update;
        DROP TRIGGER unit_changes_no_delete;
        DROP INDEX unit_changes_added;
        DROP INDEX unit_changes_code;
        ALTER TABLE unit_changes RENAME TO unit_changes_v19;
        CREATE TABLE unit_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('added', 'renamed', 'hosted', 'retired', 'moved')),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            level TEXT NOT NULL,
            parent TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            received_from TEXT,
            recorded_at TEXT NOT NULL,
            node_name TEXT,
            node_web TEXT,
            node_federation TEXT,
            -- For 'moved': the parent the unit left.
            moved_from TEXT,
            CHECK ((kind = 'hosted') = (node_name IS NOT NULL)),
            CHECK ((kind = 'moved') = (moved_from IS NOT NULL))
        ) STRICT;
        INSERT INTO unit_changes (seq, id, kind, code, name, level, parent, decided_by, decided_at, received_from,
            recorded_at, node_name, node_web, node_federation)
            SELECT * FROM unit_changes_v19 ORDER BY seq;
        DROP TABLE unit_changes_v19;
        CREATE UNIQUE INDEX unit_changes_added ON unit_changes(lower(code)) WHERE kind = 'added';
        CREATE INDEX unit_changes_code ON unit_changes(lower(code), kind);
        CREATE TRIGGER unit_changes_no_update BEFORE UPDATE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never changed'); END;
        CREATE TRIGGER unit_changes_no_delete BEFORE DELETE ON unit_changes BEGIN SELECT RAISE(ABORT, 'unit changes are never deleted'); END;
        """
}

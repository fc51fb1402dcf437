/// Migration `v5-figures`: the history of what each assignment expected, unit closures,
/// scoring figures and their publication, and congress dates.
enum FiguresSchema {
    static let v5 = """
        -- Where each assigned unit stood when it was expected (level and ancestors, parent first), so
        -- that a later change of the tree never moves a past period's figures.
        ALTER TABLE assignment_units ADD COLUMN level TEXT;
        ALTER TABLE assignment_units ADD COLUMN ancestors TEXT;

        -- Changes to the units an assignment expects, appended in order and never edited.
        CREATE TABLE assignment_amendments (
            id TEXT PRIMARY KEY,
            assignment_id TEXT NOT NULL REFERENCES assignments(id),
            seq INTEGER NOT NULL,
            unit TEXT NOT NULL,
            change TEXT NOT NULL CHECK (change IN ('added', 'withdrawn')),
            level TEXT NOT NULL,
            ancestors TEXT NOT NULL,
            reason TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            UNIQUE (assignment_id, seq)
        ) STRICT;
        CREATE TRIGGER assignment_amendments_no_update BEFORE UPDATE ON assignment_amendments BEGIN SELECT RAISE(ABORT, 'amendments are never changed'); END;
        CREATE TRIGGER assignment_amendments_no_delete BEFORE DELETE ON assignment_amendments BEGIN SELECT RAISE(ABORT, 'amendments are never deleted'); END;

        -- Units closed (dissolved or merged) on a day; assignments due from that day stop expecting
        -- them unless they reported.
        CREATE TABLE unit_closures (
            unit TEXT PRIMARY KEY,
            closed_on TEXT NOT NULL,
            merged_into TEXT,
            reason TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        ) STRICT;

        -- Decision 4587 figures per scored unit and month, as last imported or entered by the scorer,
        -- or reported by the unit itself (numbered by the unit's node; a scorer's figure always wins).
        CREATE TABLE indicator_values (
            unit TEXT NOT NULL,
            month TEXT NOT NULL,
            indicator TEXT NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('import', 'entry', 'reported')),
            sequence INTEGER NOT NULL DEFAULT 0,
            entered_by TEXT NOT NULL,
            entered_at TEXT NOT NULL,
            PRIMARY KEY (unit, month, indicator)
        ) STRICT;

        -- A scorer's ranking of a month as published (the only figures the public endpoint shows).
        CREATE TABLE score_publications (
            scorer TEXT NOT NULL,
            month TEXT NOT NULL,
            body TEXT NOT NULL,
            published_by TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (scorer, month)
        ) STRICT;

        -- Congress dates of this node's units and of the units below, the highest sequence kept.
        CREATE TABLE congress_dates (
            unit TEXT PRIMARY KEY,
            date TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            note TEXT,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            received_at TEXT NOT NULL
        ) STRICT;
        """
}

extension Schema {
    /// Tasks assigned down the tree with the facts of each assignee (numbered updates, reviews),
    /// their evidence, and the alert rules and alerts of this node.
    static let v4Tasks = """
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY,
            assigned_by TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            deadline TEXT NOT NULL,
            expected_result TEXT NOT NULL,
            indicator TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;

        -- The assignees this node speaks for (at the assigning node: all of them).
        CREATE TABLE task_units (
            task_id TEXT NOT NULL REFERENCES tasks(id),
            unit TEXT NOT NULL,
            PRIMARY KEY (task_id, unit)
        ) STRICT;
        CREATE INDEX task_units_unit ON task_units(unit);

        -- Progress and completion, numbered per assignee by the node hosting it. Kept even before the
        -- task itself is known here, so nothing arriving early is lost. The body is the TaskUpdate.
        CREATE TABLE task_updates (
            task_id TEXT NOT NULL,
            unit TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq > 0),
            body TEXT NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (task_id, unit, seq)
        ) STRICT;

        -- The assigning unit's decision on one completion. The body is the TaskReview.
        CREATE TABLE task_reviews (
            task_id TEXT NOT NULL,
            unit TEXT NOT NULL,
            completion_seq INTEGER NOT NULL,
            body TEXT NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (task_id, unit, completion_seq)
        ) STRICT;

        -- Evidence of task updates; content in the node's evidence store. update_seq is NULL while an
        -- upload waits for the update that will name it.
        CREATE TABLE task_evidence (
            id TEXT PRIMARY KEY,
            task_id TEXT NOT NULL,
            unit TEXT NOT NULL,
            update_seq INTEGER,
            file_name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX task_evidence_task ON task_evidence(task_id, unit);

        -- Rules a unit sets for its subtree; the body is the AlertRule.
        CREATE TABLE alert_rules (
            id TEXT PRIMARY KEY,
            unit TEXT NOT NULL,
            body TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            removed_at TEXT
        ) STRICT;

        -- One row per rule, subject and period, ever: raised once, acknowledged, cleared (and
        -- reopened should its cause come back).
        CREATE TABLE alerts (
            id TEXT PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            rule_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            audience TEXT NOT NULL CHECK (audience IN ('strategic', 'operational')),
            unit TEXT NOT NULL,
            ref TEXT NOT NULL,
            period TEXT NOT NULL,
            message TEXT NOT NULL,
            message_en TEXT NOT NULL,
            raised_at TEXT NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at TEXT,
            cleared_at TEXT,
            -- When it was e-mailed (nodes configured with alert_mail); raised anew, it is mailed anew.
            mailed_at TEXT
        ) STRICT;
        CREATE INDEX alerts_unit ON alerts(unit, cleared_at);

        -- Admins and approvers made before tasks existed get the role's new permission.
        UPDATE accounts SET permissions = json_insert(permissions, '$[#]', 'tasks.assign')
        WHERE role IN ('admin', 'approver')
          AND NOT EXISTS (SELECT 1 FROM json_each(accounts.permissions) WHERE value = 'tasks.assign');
        """
}

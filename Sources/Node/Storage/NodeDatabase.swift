import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A node's own SQLite database: WAL (one writer, concurrent readers), versioned migrations.
/// Nodes never share a file.
public struct NodeDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String

    public static func open(path: String) throws -> NodeDatabase {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        // The node key seals audit entries (`audit_seal`), so it is there before any connection opens.
        let seal = AuditSeal(key: try NodeKey.loadOrCreate(path: path + ".key"))
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: a commit acknowledged to a peer survives a power cut (NORMAL may lose the last ones in WAL mode).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Savepoints (one per message received) journal the pages they change; on disk, that
            // journal spilled to a temporary file opened, written and deleted in each batch.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            db.add(function: seal.sqlFunction)
        }
        try restrictToOwner(path, creating: true)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets its writer to NORMAL when it turns WAL on, after `prepareDatabase` ran: FULL again.
        try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        // A new file receives every migration's result in one write; the migrator then finds nothing to do.
        try MigratedTemplate.fill(pool)
        let unknown = try pool.read { db in try unknownMigrations(db) }
        guard unknown.isEmpty else { throw NewerDatabase(path: path, unknownMigrations: unknown) }
        try migrator.migrate(pool)
        for companion in ["-wal", "-shm"] { try restrictToOwner(path + companion, creating: false) }
        return NodeDatabase(pool: pool, path: path)
    }

    /// The schema this build writes: the identifier of its last migration.
    public static var schemaVersion: String { migrator.migrations.last ?? "" }

    /// Migrations recorded in the file that this build does not know: a newer version wrote it.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        let known = Set(migrator.migrations)
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            .filter { !known.contains($0) }
    }

    /// Database files hold accounts and reports: only the node's own user may read them (0600).
    /// SQLite gives the -wal and -shm files the database file's mode; older files are narrowed too.
    private static func restrictToOwner(_ path: String, creating: Bool) throws {
        if creating, !FileManager.default.fileExists(atPath: path) {
            let descriptor = Glibc.open(path, O_CREAT | O_WRONLY, 0o600)
            guard descriptor >= 0 else { return }
            close(descriptor)
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// A database written by a newer ReportNet: opening it with this one could corrupt it.
    public struct NewerDatabase: Error, CustomStringConvertible {
        public let path: String
        public let unknownMigrations: [String]

        public var description: String {
            "the database \(path) was written by a newer version of ReportNet (schema \(unknownMigrations.joined(separator: ", ")); "
                + "this version knows up to \(NodeDatabase.schemaVersion)). Run the newer version, "
                + "or restore the backup taken before the upgrade (docs/upgrade.md)."
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: Schema.v1)
        }
        migrator.registerMigration("v2-workflow") { db in
            try db.execute(sql: Schema.v2)
        }
        migrator.registerMigration("v3-security") { db in
            try db.execute(sql: Schema.v3)
            try AuditTrail.chainExisting(db)
            try db.execute(sql: Schema.v3Triggers)
        }
        migrator.registerMigration("v4-tasks") { db in try db.execute(sql: Schema.v4Tasks) }
        migrator.registerMigration("v5-figures") { db in try db.execute(sql: FiguresSchema.v5) }
        migrator.registerMigration("v6-sync") { db in try db.execute(sql: Schema.v6Sync) }
        migrator.registerMigration("v7-pki") { db in try db.execute(sql: PKISchema.v7) }
        migrator.registerMigration("v8-audit-seal") { db in
            try AuditTrail.sealExisting(db)
        }
        migrator.registerMigration("v9-units") { db in try db.execute(sql: UnitSchema.v9) }
        migrator.registerMigration("v10-return-evidence") { db in try db.execute(sql: EvidenceSchema.v10) }
        migrator.registerMigration("v11-receipts") { db in try db.execute(sql: ReceiptSchema.v11) }
        migrator.registerMigration("v12-node-status") { db in try db.execute(sql: NodeStatusStore.v12) }
        migrator.registerMigration("v13-indicators") { db in try db.execute(sql: IndicatorStore.v13) }
        migrator.registerMigration("v14-joined-nodes") { db in try db.execute(sql: UnitSchema.v14) }
        migrator.registerMigration("v15-audit-witness") { db in try db.execute(sql: AuditWitnessStore.v15) }
        migrator.registerMigration("v16-indicator-values") { db in
            try db.execute(sql: SuppliedValueStore.v16)
            try db.execute(sql: IndicatorClientStore.v16)
        }
        migrator.registerMigration("v17-indicator-assignments") { db in
            try db.execute(sql: IndicatorAssignmentStore.v17)
        }
        migrator.registerMigration("v18-handovers") { db in try db.execute(sql: HandoverStore.v18) }
        migrator.registerMigration("v19-retired-nodes") { db in try db.execute(sql: UnitSchema.v19) }
        migrator.registerMigration("v20-kept-figures") { db in try db.execute(sql: KeptFiguresStore.v20) }
        migrator.registerMigration("v21-moved-units") { db in
            try db.execute(sql: UnitSchema.v21)
            try db.execute(sql: HandoverStore.v21)
        }
        return migrator
    }
}

enum Schema {
    static let v1 = """
        CREATE TABLE accounts (
            username TEXT PRIMARY KEY,
            citizen_id TEXT,
            full_name TEXT NOT NULL,
            unit TEXT NOT NULL,
            role TEXT NOT NULL,
            permissions TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled', 'delegated')),
            password_hash TEXT,
            activation_hash TEXT,
            hosted_here INTEGER NOT NULL,
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX accounts_citizen ON accounts(citizen_id) WHERE citizen_id IS NOT NULL AND status != 'disabled';
        CREATE INDEX accounts_unit ON accounts(unit);

        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES accounts(username) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) STRICT;

        -- A form is named by the unit that owns it, its code and its version: units may reuse codes.
        CREATE TABLE forms (
            owner_unit TEXT NOT NULL,
            code TEXT NOT NULL,
            version INTEGER NOT NULL,
            definition TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (owner_unit, code, version)
        ) STRICT;

        CREATE TABLE assignments (
            id TEXT PRIMARY KEY,
            form_code TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            period TEXT NOT NULL,
            assigned_by TEXT NOT NULL,
            deadline TEXT NOT NULL,
            created_at TEXT NOT NULL,
            -- Only the owner of a form assigns it.
            FOREIGN KEY (assigned_by, form_code, form_version) REFERENCES forms(owner_unit, code, version)
        ) STRICT;
        CREATE UNIQUE INDEX assignments_form_period ON assignments(form_code, period, assigned_by);

        CREATE TABLE assignment_units (
            assignment_id TEXT NOT NULL REFERENCES assignments(id),
            unit TEXT NOT NULL,
            PRIMARY KEY (assignment_id, unit)
        ) STRICT;

        CREATE TABLE reports (
            id TEXT PRIMARY KEY,
            assignment_id TEXT NOT NULL,
            form_owner TEXT NOT NULL,
            form_code TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            period TEXT NOT NULL,
            unit TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
            answers TEXT NOT NULL,
            version INTEGER NOT NULL,
            hosted_here INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            approved_at TEXT,
            approved_by TEXT,
            approval_count INTEGER NOT NULL DEFAULT 0,
            signed TEXT,
            UNIQUE (unit, form_owner, form_code, period)
        ) STRICT;
        CREATE INDEX reports_assignment ON reports(assignment_id, state);

        CREATE TABLE report_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id TEXT NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT,
            message TEXT,
            at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX report_events_report ON report_events(report_id);

        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            unit TEXT NOT NULL,
            envelope BLOB NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked')),
            attempts INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX outbox_pending ON outbox(state, seq);

        CREATE TABLE inbox (
            origin TEXT NOT NULL,
            message_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('applied', 'parked')),
            detail TEXT NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (origin, message_id)
        ) STRICT;

        CREATE TABLE feed (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            audience TEXT NOT NULL,
            message_id TEXT NOT NULL,
            envelope BLOB NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX feed_audience ON feed(audience, seq);

        CREATE TABLE peers (
            unit TEXT PRIMARY KEY,
            cursor INTEGER NOT NULL DEFAULT 0,
            last_contact TEXT,
            last_error TEXT
        ) STRICT;

        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            unit TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        ) STRICT;
        """

    /// Returns, corrections and evidence: events get a federation-wide id (so each level keeps the
    /// whole history once) and the acting unit.
    static let v2 = """
        ALTER TABLE report_events ADD COLUMN event_id TEXT;
        ALTER TABLE report_events ADD COLUMN unit TEXT;
        UPDATE report_events SET event_id = lower(hex(randomblob(16))) WHERE event_id IS NULL;
        CREATE UNIQUE INDEX report_events_event ON report_events(event_id);

        CREATE TABLE report_corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id TEXT NOT NULL,
            question TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            actor TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX report_corrections_report ON report_corrections(report_id);

        CREATE TABLE attachments (
            id TEXT PRIMARY KEY,
            report_id TEXT NOT NULL,
            stage TEXT NOT NULL CHECK (stage IN ('submit', 'approve')),
            file_name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX attachments_report ON attachments(report_id);
        """

    /// Login hardening, MFA, browser sessions, and a tamper-evident audit trail.
    static let v3 = """
        CREATE TABLE node_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE accounts ADD COLUMN locked_until TEXT;
        ALTER TABLE accounts ADD COLUMN totp_secret BLOB;
        ALTER TABLE accounts ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE accounts ADD COLUMN recovery_codes TEXT;
        ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER;
        ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'bearer';
        ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
        ALTER TABLE sessions ADD COLUMN csrf_token TEXT;
        ALTER TABLE sessions ADD COLUMN source TEXT;
        CREATE INDEX sessions_username ON sessions(username);
        ALTER TABLE audit ADD COLUMN node TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit ADD COLUMN source TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit ADD COLUMN previous_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
        CREATE INDEX audit_at ON audit(at);
        """

    /// The product never changes or removes an audit entry; the chain shows it if anything else does.
    static let v3Triggers = """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END;
        """
}

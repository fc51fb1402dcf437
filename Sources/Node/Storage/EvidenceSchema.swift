/// Evidence files may also come with a return decision (stage `return`). SQLite cannot change a
/// CHECK constraint in place, so the table is rebuilt with the same rows.
enum EvidenceSchema {
    static let v10 = """
        CREATE TABLE attachments_v10 (
            id TEXT PRIMARY KEY,
            report_id TEXT NOT NULL,
            stage TEXT NOT NULL CHECK (stage IN ('submit', 'approve', 'return')),
            file_name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;
        INSERT INTO attachments_v10 (id, report_id, stage, file_name, content_type, size, sha256, uploaded_by, at)
            SELECT id, report_id, stage, file_name, content_type, size, sha256, uploaded_by, at FROM attachments;
        DROP TABLE attachments;
        ALTER TABLE attachments_v10 RENAME TO attachments;
        CREATE INDEX attachments_report ON attachments(report_id);
        CREATE INDEX attachments_sha256 ON attachments(sha256);
        """
}

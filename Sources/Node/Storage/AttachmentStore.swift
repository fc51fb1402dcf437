import Foundation
import GRDB
import Reporting

/// The `attachments` table as the evidence code reads it beyond one record: how many files a
/// report holds, which reports name some content, and what content anything still names (with
/// `task_evidence`). Every function runs in the caller's transaction.
enum AttachmentStore {
    /// Every content hash an attachment or a task's evidence names.
    static func referencedContent(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT sha256 FROM attachments UNION SELECT sha256 FROM task_evidence"))
    }

    /// The units whose reports name this content, and at which stage.
    static func uses(of sha256: String, _ db: Database) throws -> [(unit: String, stage: Evidence.Stage)] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT DISTINCT r.unit, a.stage FROM attachments a JOIN reports r ON r.id = a.report_id WHERE a.sha256 = ?",
            arguments: [sha256]
        )
        .compactMap { row in Evidence.Stage(rawValue: row[1]).map { (unit: row[0], stage: $0) } }
    }

    /// The report's files, in the order they were attached.
    static func files(of reportID: String, _ db: Database) throws -> [EvidenceRecord] {
        try EvidenceRecord.fetchAll(
            try db.cachedStatement(sql: "SELECT * FROM attachments WHERE report_id = ? ORDER BY at, id"),
            arguments: [reportID]
        )
    }

    /// How many files the report holds.
    static func count(of reportID: String, _ db: Database) throws -> Int {
        try EvidenceRecord.filter(Column("report_id") == reportID).fetchCount(db)
    }
}

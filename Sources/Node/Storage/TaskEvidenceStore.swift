import Foundation
import GRDB
import Tasks

/// The `task_evidence` table: files an assignee attached to a task, pending until an update
/// names them (`update_seq`). Every function runs in the caller's transaction.
enum TaskEvidenceStore {
    /// An evidence file as held, with the assignee it belongs to and its content type.
    struct Held: Sendable {
        let evidence: TaskEvidence
        let unit: String
        let contentType: String
    }

    /// The unit's evidence for the task that no update names yet, by id.
    static func pending(
        _ evidenceID: String,
        task taskID: String,
        unit: String,
        _ db: Database
    ) throws
        -> TaskEvidence?
    {
        try Row.fetchOne(
            db,
            sql:
                "SELECT * FROM task_evidence WHERE id = ? AND task_id = ? AND unit = ? AND update_seq IS NULL",
            arguments: [evidenceID, taskID, unit]
        ).map { TaskEvidence(id: $0["id"], fileName: $0["file_name"], size: $0["size"], sha256: $0["sha256"]) }
    }

    /// How many of the unit's evidence files for the task no update names yet.
    static func pendingCount(task taskID: String, unit: String, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM task_evidence WHERE task_id = ? AND unit = ? AND update_seq IS NULL",
            arguments: [taskID, unit]
        ) ?? 0
    }

    /// Keeps a file just uploaded, pending.
    static func addPending(
        _ item: TaskEvidence,
        task taskID: String,
        unit: String,
        contentType: String,
        uploadedBy: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO task_evidence (id, task_id, unit, update_seq, file_name, content_type, size, sha256, uploaded_by, at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                item.id, taskID, unit, item.fileName, contentType, item.size, item.sha256, uploadedBy, at.stored,
            ]
        )
    }

    /// The file belongs to update `seq`: kept if new, else numbered when it is the same assignee's.
    static func keep(
        _ item: TaskEvidence,
        of update: TaskUpdate,
        contentType: String,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO task_evidence (id, task_id, unit, update_seq, file_name, content_type, size, sha256, uploaded_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET update_seq = excluded.update_seq WHERE task_evidence.task_id = excluded.task_id AND task_evidence.unit = excluded.unit
                """,
            arguments: [
                item.id, update.taskId, update.unit, update.seq, item.fileName,
                contentType,
                item.size, item.sha256, update.by, update.at.stored,
            ]
        )
    }

    /// An evidence file of the task, by id.
    static func file(_ evidenceID: String, task taskID: String, _ db: Database) throws -> Held? {
        try Row.fetchOne(
            db,
            sql: "SELECT * FROM task_evidence WHERE id = ? AND task_id = ?",
            arguments: [evidenceID, taskID]
        ).map {
            Held(
                evidence: TaskEvidence(id: $0["id"], fileName: $0["file_name"], size: $0["size"], sha256: $0["sha256"]),
                unit: $0["unit"],
                contentType: $0["content_type"]
            )
        }
    }
}

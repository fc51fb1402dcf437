import Auth
import Foundation
import GRDB
import NIOCore
import Tasks

/// Evidence (minh chứng) for task progress: streamed into the node's evidence store like a
/// report's, then named by the progress or completion that uses it.
extension LocalNode {
    static let pendingEvidencePerTask = 20

    /// Uploads a file for the actor's unit's next report on the task.
    package func attachTaskEvidence<Body: AsyncSequence>(
        to id: String,
        fileName rawName: String,
        body: Body,
        by actor: Actor
    ) async throws -> TaskEvidence where Body.Element == ByteBuffer {
        let fileName = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !fileName.isEmpty, fileName.count <= 200, !fileName.contains("/"), !fileName.contains("\\"),
            !fileName.hasPrefix(".")
        else {
            throw APIError.invalid("Tên tệp minh chứng không hợp lệ", "Invalid file name", details: ["name": "invalid"])
        }
        guard let contentType = evidencePolicy.contentType(of: fileName) else {
            let allowed = evidencePolicy.allowedTypes.keys.sorted().joined(separator: ", ")
            throw APIError.invalid(
                "Loại tệp không được phép; chỉ nhận: \(allowed)",
                "File type not allowed (\(allowed))",
                details: ["name": "type"]
            )
        }
        // Refuse before reading a byte when the actor may not report on the task now.
        try await database.pool.read { db in try checkMayAttach(id, actor, db) }
        let stored: (sha256: String, size: Int64)
        do {
            stored = try await evidence.store(body, limit: evidencePolicy.maximumBytes)
        } catch EvidenceRefused.tooLarge(let limit) {
            throw APIError(
                status: .contentTooLarge,
                code: "too_large",
                message: "Tệp minh chứng vượt quá \(limit / 1_048_576) MB",
                messageEN: "Evidence files are limited to \(limit) bytes"
            )
        }
        guard stored.size > 0 else {
            throw APIError.invalid("Tệp minh chứng rỗng", "The file is empty", details: ["body": "empty"])
        }
        return try await database.pool.write { db in
            try checkMayAttach(id, actor, db)
            let pending =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM task_evidence WHERE task_id = ? AND unit = ? AND update_seq IS NULL",
                    arguments: [id, actor.unit]
                ) ?? 0
            guard pending < Self.pendingEvidencePerTask else {
                throw APIError.conflict(
                    "Tối đa \(Self.pendingEvidencePerTask) tệp minh chứng chờ gửi cho mỗi nhiệm vụ",
                    "At most \(Self.pendingEvidencePerTask) waiting evidence files per task"
                )
            }
            let item = TaskEvidence(id: UUID().uuidString, fileName: fileName, size: stored.size, sha256: stored.sha256)
            try db.execute(
                sql: """
                    INSERT INTO task_evidence (id, task_id, unit, update_seq, file_name, content_type, size, sha256, uploaded_by, at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    item.id, id, actor.unit, fileName, contentType, stored.size, stored.sha256, actor.username,
                    clock.now(),
                ]
            )
            try audit.record(
                db,
                actor,
                action: "task.evidence.attach",
                target: id,
                detail: "\(fileName) sha256=\(stored.sha256)"
            )
            return item
        }
    }

    private func checkMayAttach(_ id: String, _ actor: Actor, _ db: Database) throws {
        guard actor.holds(.enterData) || actor.holds(.approveReports) else {
            throw APIError.forbidden(
                "Chỉ người cập nhật hoặc lãnh đạo của đơn vị được giao gửi minh chứng",
                "Only data entry or the leader of the assignee unit attaches evidence"
            )
        }
        let view = try taskView(id, for: actor, history: false, db)
        guard hosts(actor.unit), view.assignees.contains(where: { $0.unit == actor.unit }),
            let record = try TaskRecord.fetchOne(db, key: id)
        else {
            throw APIError.forbidden(
                "Chỉ đơn vị được giao gửi minh chứng cho nhiệm vụ này",
                "Only an assignee unit attaches evidence to this task"
            )
        }
        if let refusal = try facts(record, unit: actor.unit, db).reportRefusal { throw Self.apiError(refusal) }
    }

    /// An evidence file of a task the actor sees (of an assignee it sees), and where its content is.
    package func taskEvidenceFile(
        _ evidenceID: String,
        of id: String,
        for actor: Actor
    ) async throws -> (evidence: TaskEvidence, contentType: String, path: String) {
        guard actor.holds(.viewReports) else { throw APIError.forbidden() }
        let found = try await database.pool.write { db -> (TaskEvidence, String) in
            let view = try taskView(id, for: actor, history: false, db)
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM task_evidence WHERE id = ? AND task_id = ?",
                    arguments: [evidenceID, id]
                ),
                view.assignees.contains(where: { $0.unit == row["unit"] as String })
            else { throw APIError.notFound("tệp minh chứng", "Evidence file") }
            let item = TaskEvidence(id: row["id"], fileName: row["file_name"], size: row["size"], sha256: row["sha256"])
            try audit.record(db, actor, action: "task.evidence.read", target: id, detail: item.fileName)
            return (item, row["content_type"])
        }
        guard evidence.size(found.0.sha256) == found.0.size else {
            throw APIError.notFound("nội dung tệp minh chứng", "Evidence content")
        }
        return (found.0, found.1, evidence.path(found.0.sha256))
    }
}

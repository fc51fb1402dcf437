import Auth
import Foundation
import GRDB
import NIOCore
import Tasks

/// Evidence (minh chứng) for task progress: streamed into the node's evidence store like a
/// report's, then named by the progress or completion that uses it.
extension AssignedTasks {
    static let pendingEvidencePerTask = 20

    /// Uploads a file for the actor's unit's next report on the task.
    package func attachEvidence<Body: AsyncSequence>(
        to id: String,
        fileName rawName: String,
        body: Body,
        by actor: Actor
    ) async throws -> TaskEvidence where Body.Element == ByteBuffer {
        let fileName = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !fileName.isEmpty, fileName.count <= 200, !fileName.contains("/"), !fileName.contains("\\"),
            !fileName.hasPrefix(".")
        else {
            throw DomainError(.evidenceFileNameInvalid, details: ["name": "invalid"])
        }
        guard let contentType = evidencePolicy.contentType(of: fileName) else {
            let allowed = evidencePolicy.allowedTypes.keys.sorted().joined(separator: ", ")
            throw DomainError(.evidenceTypeNotAllowed(allowed: allowed), details: ["name": "type"])
        }
        // Refuse before reading a byte when the actor may not report on the task now.
        try await database.pool.read { db in try checkMayAttach(id, actor, db) }
        let stored: (sha256: String, size: Int64)
        do {
            stored = try await evidence.store(body, limit: evidencePolicy.maximumBytes)
        } catch EvidenceRefused.tooLarge(let limit) {
            throw DomainError(.evidenceTooLarge(limit: limit))
        }
        guard stored.size > 0 else {
            throw DomainError(.evidenceEmpty, details: ["body": "empty"])
        }
        return try await database.pool.write { db in
            try checkMayAttach(id, actor, db)
            let pending = try TaskEvidenceStore.pendingCount(task: id, unit: actor.unit, db)
            guard pending < Self.pendingEvidencePerTask else {
                throw DomainError(.tooManyPendingTaskEvidence(limit: Self.pendingEvidencePerTask))
            }
            let item = TaskEvidence(id: UUID().uuidString, fileName: fileName, size: stored.size, sha256: stored.sha256)
            try TaskEvidenceStore.addPending(
                item,
                task: id,
                unit: actor.unit,
                contentType: contentType,
                uploadedBy: actor.username,
                at: clock.now(),
                db
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
            throw DomainError(.taskEvidenceOnlyAssigneeStaff)
        }
        let view = try taskView(id, for: actor, history: false, db)
        guard hosts(actor.unit), view.assignees.contains(where: { $0.unit == actor.unit }),
            let record = try TaskRecord.fetchOne(db, key: id)
        else {
            throw DomainError(.taskEvidenceOnlyAssignee)
        }
        if let refusal = try facts(record, unit: actor.unit, db).reportRefusal { throw Self.domainError(refusal) }
    }

    /// An evidence file of a task the actor sees (of an assignee it sees), and where its content is.
    package func evidenceFile(
        _ evidenceID: String,
        of id: String,
        for actor: Actor
    ) async throws -> (evidence: TaskEvidence, contentType: String, path: String) {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let found = try await database.pool.write { db -> (TaskEvidence, String) in
            let view = try taskView(id, for: actor, history: false, db)
            guard let held = try TaskEvidenceStore.file(evidenceID, task: id, db),
                view.assignees.contains(where: { $0.unit == held.unit })
            else { throw DomainError(.notFound(.evidenceFile)) }
            let item = held.evidence
            try audit.record(db, actor, action: "task.evidence.read", target: id, detail: item.fileName)
            return (item, held.contentType)
        }
        guard evidence.size(found.0.sha256) == found.0.size else {
            throw DomainError(.notFound(.evidenceContent))
        }
        return (found.0, found.1, evidence.path(found.0.sha256))
    }
}

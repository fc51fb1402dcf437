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
        let (fileName, contentType) = try evidencePolicy.checkedName(rawName)
        // Refuse before reading a byte when the actor may not report on the task now.
        try await database.pool.read { db in try checkMayAttach(id, actor, db) }
        let stored = try await evidence.accept(body, under: evidencePolicy)
        return try await database.pool.write { db in
            try checkMayAttach(id, actor, db)
            return try addPending([(fileName, contentType, stored)], to: id, by: actor, db)[0]
        }
    }

    /// A file checked and stored for a report that names it: in the store, not yet pending.
    typealias StoredFile = (fileName: String, contentType: String, stored: (sha256: String, size: Int64))

    /// Checks every file's name, then stores each, for a report (the task page's) that records
    /// them in its own transaction: refused before a byte is stored when the actor may not report.
    func storedFiles(
        _ files: [(name: String, data: ByteBuffer)],
        for id: String,
        by actor: Actor
    ) async throws
        -> [StoredFile]
    {
        guard !files.isEmpty else { return [] }
        let names = try files.map { try evidencePolicy.checkedName($0.name) }
        try await database.pool.read { db in try checkMayAttach(id, actor, db) }
        var stored: [StoredFile] = []
        for (file, name) in zip(files, names) {
            stored.append(
                (
                    name.fileName, name.contentType,
                    try await evidence.accept([file.data].asyncSequence, under: evidencePolicy)
                )
            )
        }
        return stored
    }

    /// Records stored files as the unit's pending evidence on the task, within its limit, in
    /// the caller's transaction.
    func addPending(_ files: [StoredFile], to id: String, by actor: Actor, _ db: Database) throws -> [TaskEvidence] {
        guard !files.isEmpty else { return [] }
        let pending = try TaskEvidenceStore.pendingCount(task: id, unit: actor.unit, db)
        guard pending + files.count <= Self.pendingEvidencePerTask else {
            throw DomainError(.tooManyPendingTaskEvidence(limit: Self.pendingEvidencePerTask))
        }
        return try files.map { file in
            let item = TaskEvidence(
                id: UUID().uuidString,
                fileName: file.fileName,
                size: file.stored.size,
                sha256: file.stored.sha256
            )
            try TaskEvidenceStore.addPending(
                item,
                task: id,
                unit: actor.unit,
                contentType: file.contentType,
                uploadedBy: actor.username,
                at: clock.now(),
                db
            )
            try audit.record(
                db,
                actor,
                action: "task.evidence.attach",
                target: id,
                detail: "\(file.fileName) sha256=\(file.stored.sha256)"
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

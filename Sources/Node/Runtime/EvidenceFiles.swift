import Auth
import Federation
import Foundation
import GRDB
import NIOCore
import Reporting

/// Which evidence files a node accepts: a size limit and the allowed file types.
public struct EvidencePolicy: Sendable {
    public var maximumBytes: Int64
    /// Allowed extensions (lower case) and the content type each is served with.
    public var allowedTypes: [String: String]

    public init(maximumBytes: Int64 = 20 * 1024 * 1024, allowedTypes: [String: String] = EvidencePolicy.officeDocuments)
    {
        self.maximumBytes = maximumBytes
        self.allowedTypes = allowedTypes
    }

    public static let officeDocuments: [String: String] = [
        "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "txt": "text/plain", "zip": "application/zip",
    ]

    /// The content type for an acceptable file name, or nil.
    func contentType(of fileName: String) -> String? {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        return allowedTypes[fileName[fileName.index(after: dot)...].lowercased()]
    }
}

/// The evidence files (minh chứng) of the reports: attached while a stage is open (data entry
/// with the report, the leader with the approval), read and removed, the content no report names
/// any more swept away, and the return files a child node may fetch. Its own service so that
/// evidence reaches only the shared context, the evidence store and the policy it enforces.
package struct ReportEvidence: ReportAccess {
    let context: NodeContext
    /// Evidence files, next to the database, and what the node accepts of them.
    let evidence: EvidenceStore
    let evidencePolicy: EvidencePolicy

    static let perReport = 20

    /// Deletes evidence content no attachment names any more (and abandoned uploads).
    func sweep() async throws -> Int {
        let referenced = try await database.pool.read { db in
            try AttachmentStore.referencedContent(db)
        }
        let removed = evidence.sweep(keeping: referenced)
        if removed > 0 { logger.notice("evidence swept", metadata: ["files": "\(removed)"]) }
        return removed
    }

    /// Attaches an evidence file, streamed into the store: data entry while the report can be
    /// edited (stage "submit"), the unit leader while it waits for approval (stage "approve").
    package func attach<Body: AsyncSequence>(
        to id: String,
        fileName rawName: String,
        body: Body,
        by actor: Actor
    ) async throws -> Evidence where Body.Element == ByteBuffer {
        let (fileName, contentType) = try evidencePolicy.checkedName(rawName)
        // Refuse before reading a byte when the report does not take evidence now.
        _ = try await database.pool.read { db in try stage(of: id, for: actor, db) }
        let stored = try await evidence.accept(body, under: evidencePolicy)
        let upload = StoredEvidence(
            fileName: fileName,
            contentType: contentType,
            sha256: stored.sha256,
            size: stored.size
        )
        return try await database.pool.write { db in
            try record([upload], on: id, by: actor, db)[0]
        }
    }

    /// Attaches several files (a page's file field) all or none: each is checked and stored
    /// first, then all are recorded in one transaction, so a refused file or step leaves nothing
    /// attached and sending the same files again attaches them once.
    package func attach(
        to id: String,
        files: [(name: String, data: ByteBuffer)],
        by actor: Actor
    ) async throws -> [Evidence] {
        let uploads = try await stored(files, for: id, by: actor)
        return try await database.pool.write { db in try record(uploads, on: id, by: actor, db) }
    }

    /// A file checked and stored for a step that records it: its content is in the store, and
    /// no attachment names it yet (content nothing names is removed by the evidence sweep).
    struct StoredEvidence: Sendable {
        let fileName: String
        let contentType: String
        let sha256: String
        let size: Int64
    }

    /// Checks every file's name first, then stores each (under the size limit, never empty);
    /// refused before a byte is stored when the report does not take evidence from `actor` now.
    func stored(
        _ files: [(name: String, data: ByteBuffer)],
        for id: String,
        by actor: Actor
    ) async throws -> [StoredEvidence] {
        guard !files.isEmpty else { return [] }
        let names = try files.map { try evidencePolicy.checkedName($0.name) }
        _ = try await database.pool.read { db in try stage(of: id, for: actor, db) }
        var uploads: [StoredEvidence] = []
        for (file, name) in zip(files, names) {
            let stored = try await evidence.accept([file.data].asyncSequence, under: evidencePolicy)
            uploads.append(
                StoredEvidence(
                    fileName: name.fileName,
                    contentType: name.contentType,
                    sha256: stored.sha256,
                    size: stored.size
                )
            )
        }
        return uploads
    }

    /// Records stored files on report `id` at the stage open to `actor` now, within the
    /// per-report limit, in the caller's transaction (with the step that brought them, if any).
    func record(
        _ uploads: [StoredEvidence],
        on id: String,
        by actor: Actor,
        _ db: Database
    ) throws -> [Evidence] {
        guard !uploads.isEmpty else { return [] }
        let stage = try self.stage(of: id, for: actor, db)
        guard try AttachmentStore.count(of: id, db) + uploads.count <= Self.perReport else {
            throw DomainError(.tooManyEvidenceFiles(limit: Self.perReport))
        }
        return try uploads.map { upload in
            let record = EvidenceRecord(
                id: UUID().uuidString,
                reportId: id,
                stage: stage,
                fileName: upload.fileName,
                contentType: upload.contentType,
                size: upload.size,
                sha256: upload.sha256,
                uploadedBy: actor.username,
                at: clock.now()
            )
            try record.insert(db)
            try audit.record(
                db,
                actor,
                action: "evidence.attach",
                target: id,
                detail: "\(upload.fileName) sha256=\(upload.sha256)"
            )
            return record.evidence
        }
    }

    /// The units whose reports name this content, and at which stage.
    func uses(_ sha256: String, _ db: Database) throws -> [(unit: String, stage: Evidence.Stage)] {
        try AttachmentStore.uses(of: sha256, db)
    }

    /// Whether a child node may fetch this content: only when this node has itself sent that
    /// child, down its feed, a return decision naming it (about a unit of the child's subtree
    /// whose report holds it as a return file).
    ///
    /// Content is named by its hash, and a hash is no secret. Serving whatever a report of the
    /// child's subtree names would let a child name content it saw nowhere — in a decision it
    /// sends up, or in an approved report's list of files — and fetch bytes it has no right to.
    /// So naming content gives a child nothing here. The right comes from above instead: only
    /// this node writes a child's feed — decisions made here, by someone who uploaded the file,
    /// or received from the parent, which served them under this same rule — and a decision never
    /// travels back to the child it came from (a child that sent a file up holds it and never
    /// needs it back). Where else the same bytes are used does not matter: one letter attached
    /// in two provinces is sent to each by a decision of its own, and a child's decision naming
    /// content held here for another report is applied, not parked.
    package func mayFetchReturnFile(_ sha256: String, caller: String) async throws -> Bool {
        try await database.pool.read { try mayFetchReturnFile(sha256, caller: caller, $0) }
    }

    func mayFetchReturnFile(_ sha256: String, caller: String, _ db: Database) throws -> Bool {
        guard let child = deployment.node(forUnit: caller) else { return false }
        let units = Set(
            try uses(sha256, db).filter { $0.stage == .return && deployment.node(child, speaksFor: $0.unit) }
                .map(\.unit)
        )
        guard !units.isEmpty else { return false }
        return try FeedStore.contains(audience: child.unit, kind: .reportReturned, units: units.sorted(), db) {
            envelope in
            guard let message = try? JSONDecoder.federation.decode(Envelope.self, from: envelope),
                let decision = try? JSONDecoder.federation.decode(ReviewDecision.self, from: message.body)
            else { return false }
            return decision.evidence?.contains(where: { $0.sha256 == sha256 }) == true
        }
    }

    /// An evidence file the actor may read, and where its content is.
    package func file(
        _ evidenceID: String,
        of id: String,
        for actor: Actor
    ) async throws -> (evidence: Evidence, path: String) {
        let record = try await database.pool.write { db -> EvidenceRecord in
            _ = try readable(id, actor, db)
            guard let record = try EvidenceRecord.fetchOne(db, key: evidenceID), record.reportId == id else {
                throw DomainError(.notFound(.evidenceFile))
            }
            try audit.record(db, actor, action: "evidence.read", target: id, detail: record.fileName)
            return record
        }
        guard evidence.size(record.sha256) == record.size else {
            throw DomainError(.notFound(.evidenceContent))
        }
        return (record.evidence, evidence.path(record.sha256))
    }

    /// Removes an evidence file while its stage is still open (the content stays in the store).
    package func remove(_ evidenceID: String, of id: String, by actor: Actor) async throws {
        try await database.pool.write { db in
            let stage = try self.stage(of: id, for: actor, db)
            guard let record = try EvidenceRecord.fetchOne(db, key: evidenceID), record.reportId == id else {
                throw DomainError(.notFound(.evidenceFile))
            }
            guard record.stage == stage else {
                throw DomainError(.evidenceStageOver(record.stage))
            }
            _ = try record.delete(db)
            try audit.record(db, actor, action: "evidence.remove", target: id, detail: record.fileName)
        }
    }

    /// The stage at which `actor` may change the evidence of report `id` now, or a refusal.
    /// The state decides the stage (data entry while editable, the leader while submitted); a
    /// role without that stage's right is refused (403), a state with no stage is a conflict (409).
    private func stage(of id: String, for actor: Actor, _ db: Database) throws -> Evidence.Stage {
        let record = try readable(id, actor, db)
        switch ReportActions.evidenceStage(on: ReportFacts(record, tree: tree), by: ReportActor(actor)) {
        case .success(let stage): return stage
        case .failure(let refusal): throw refusal.domainError
        }
    }
}

extension Array where Element == ByteBuffer {
    /// The buffers as the async sequence the evidence store reads.
    package var asyncSequence: AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for buffer in self { continuation.yield(buffer) }
            continuation.finish()
        }
    }
}

extension EvidencePolicy {
    /// A file name people can read back, and the type this node gives it; refused when the name
    /// is unsafe or its type is not allowed. Reports' and tasks' evidence alike.
    func checkedName(_ rawName: String) throws -> (fileName: String, contentType: String) {
        let fileName = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !fileName.isEmpty, fileName.count <= 200, !fileName.contains("/"), !fileName.contains("\\"),
            !fileName.hasPrefix(".")
        else {
            throw DomainError(.evidenceFileNameInvalid, details: ["name": "invalid"])
        }
        guard let contentType = contentType(of: fileName) else {
            let allowed = allowedTypes.keys.sorted().joined(separator: ", ")
            throw DomainError(.evidenceTypeNotAllowed(allowed: allowed), details: ["name": "type"])
        }
        return (fileName, contentType)
    }
}

extension EvidenceStore {
    /// Streams content into the store under the policy's size limit; an empty file is refused.
    /// Reports' and tasks' evidence alike.
    func accept<Body: AsyncSequence>(
        _ body: Body,
        under policy: EvidencePolicy
    ) async throws -> (sha256: String, size: Int64) where Body.Element == ByteBuffer {
        let stored: (sha256: String, size: Int64)
        do {
            stored = try await store(body, limit: policy.maximumBytes)
        } catch EvidenceRefused.tooLarge(let limit) {
            throw DomainError(.evidenceTooLarge(limit: limit))
        }
        guard stored.size > 0 else {
            throw DomainError(.evidenceEmpty, details: ["body": "empty"])
        }
        return stored
    }
}

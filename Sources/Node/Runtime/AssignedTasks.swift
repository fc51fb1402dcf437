import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import NIOCore
import Reporting
import Tasks

/// A task as the API takes it from the assigning unit.
package struct NewTask: Codable, Sendable {
    var title: String
    var description: String?
    var deadline: String
    var expectedResult: String?
    var indicator: IndicatorLink?
    var units: [String]

    package init(
        title: String,
        description: String? = nil,
        deadline: String,
        expectedResult: String? = nil,
        indicator: IndicatorLink? = nil,
        units: [String]
    ) {
        self.title = title
        self.description = description
        self.deadline = deadline
        self.expectedResult = expectedResult
        self.indicator = indicator
        self.units = units
    }
}

/// Progress or completion as the assignee sends it; `evidence` names files uploaded before.
package struct TaskReportRequest: Codable, Sendable {
    var percent: Int?
    var note: String?
    var evidence: [String]?

    package init(percent: Int? = nil, note: String? = nil, evidence: [String]? = nil) {
        self.percent = percent
        self.note = note
        self.evidence = evidence
    }
}

/// The assigning unit's decision on an assignee's completion.
package struct TaskDecisionRequest: Codable, Sendable {
    var unit: String
    var reason: String?

    package init(unit: String, reason: String? = nil) {
        self.unit = unit
        self.reason = reason
    }
}

/// Which tasks a list shows.
package struct TaskFilter: Sendable {
    /// Only tasks with this assignee (the actor's unit or one below it).
    package var unit: String?
    /// Only tasks assigned by this unit.
    package var assignedBy: String?
    /// Only assignees in this state.
    package var state: TaskState?

    package init(unit: String? = nil, assignedBy: String? = nil, state: TaskState? = nil) {
        self.unit = unit
        self.assignedBy = assignedBy
        self.state = state
    }
}

/// One assignee of a task, with its derived state.
package struct AssigneeView: Codable, Sendable {
    package let unit: String
    package let unitName: String
    package let state: TaskState
    let stateName: String
    package let percent: Int
    package let review: ReviewStatus?
    let reviewName: String?
    let completedOn: String?
    package let returnReason: String?
    /// The number of the assignee's current update (0 when none).
    let seq: Int
}

/// One fact in a task's history: an update or a review.
package struct TaskEventView: Codable, Sendable {
    package let unit: String
    /// progress, completed, confirmed or returned.
    package let kind: String
    /// The update's number (for a review: the completion it reviews).
    let seq: Int
    package let percent: Int?
    package let note: String?
    package let by: String
    package let at: Date
    package let evidence: [TaskEvidence]
}

/// A task as the API shows it; `history` only in the detail.
package struct TaskView: Codable, Sendable {
    package let id: String
    package let assignedBy: String
    package let title: String
    package let description: String
    package let deadline: String
    package let expectedResult: String
    package let indicator: IndicatorLink?
    package let assignees: [AssigneeView]
    package var history: [TaskEventView]?
}

/// A stored task.
struct TaskRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "tasks"
    var id: String
    var assignedBy: String
    var title: String
    var description: String
    var deadline: String
    var expectedResult: String
    var indicator: IndicatorLink?
    var createdBy: String
    var createdAt: Date

    var deadlineDate: CalendarDate { CalendarDate(deadline) ?? CalendarDate(year: 1970, month: 1, day: 1) }

    func notice(units: [String]) -> TaskNotice {
        TaskNotice(
            id: id,
            assignedBy: assignedBy,
            title: title,
            description: description,
            deadline: deadlineDate,
            expectedResult: expectedResult,
            indicator: indicator,
            units: units
        )
    }
}

/// Tasks (nhiệm vụ) assigned to units below: made here or received from above, reported on by
/// the assignees with evidence, confirmed or returned by the assigning unit, and linked to a
/// numeric question of a form. Its own service so that the task workflow reaches only the shared
/// context, the evidence files, the stored forms (`Forms`), and the alerts through the closure below.
package struct AssignedTasks: NodeService {
    let context: NodeContext
    /// Evidence files, next to the database, and what the node accepts of them.
    let evidence: EvidenceStore
    let evidencePolicy: EvidencePolicy
    /// The forms a task's indicator may be a question of.
    let forms: Forms
    /// Brings the alerts up to date after a change (`NodeAlerts.refreshQuietly()`). A closure
    /// because `NodeAlerts` holds this service (the tasks its rules watch): holding the alerts
    /// here too would build each from the other without end.
    let refreshAlerts: @Sendable () async -> Void

    /// Today in Vietnam: deadlines are Vietnamese days.
    var today: CalendarDate { clock.today() }

    // MARK: - Assigning

    /// Assigns a task to units below the actor's unit; it travels down to each assignee's node.
    package func create(_ request: NewTask, by actor: Actor) async throws -> TaskView {
        guard actor.holds(.assignTasks) else {
            throw DomainError(.tasksOnlyLeadersAssign)
        }
        guard let deadline = CalendarDate(request.deadline) else {
            throw DomainError(.taskDeadlineInvalid(request.deadline), details: ["deadline": "invalid"])
        }
        let units = Array(Set(request.units)).sorted()
        if let unknown = units.first(where: { !tree.contains($0) }) {
            throw DomainError(.unknownUnit(unknown), details: ["units": unknown])
        }
        if let outside = units.first(where: { !tree.isBelow($0, actor.unit) }) {
            throw DomainError(.assignTasksOnlyBelow(outside))
        }
        if let link = request.indicator, !link.formCode.isEmpty, !link.question.isEmpty {
            try await checkIndicator(link, for: actor)
        }
        let notice = TaskNotice(
            id: UUID().uuidString,
            assignedBy: actor.unit,
            title: request.title.trimmingCharacters(in: .whitespacesAndNewlines),
            description: request.description ?? "",
            deadline: deadline,
            expectedResult: request.expectedResult ?? "",
            indicator: request.indicator,
            units: units
        )
        let problems = notice.problems(today: today)
        guard problems.isEmpty else {
            throw DomainError(.taskInvalid(problems.keys.sorted().compactMap { problems[$0] }), details: problems)
        }
        let view = try await database.pool.write { db -> TaskView in
            _ = try distribute(notice, createdBy: actor.username, db)
            try audit.record(
                db,
                actor,
                action: "task.create",
                target: notice.id,
                detail: "\(notice.title) due \(deadline) units=\(units.joined(separator: ","))"
            )
            return try taskView(notice.id, for: actor, history: false, db)
        }
        await refreshAlerts()
        return view
    }

    /// Stores a task (where it is made or as it arrives) with the assignees this node speaks for,
    /// and passes each child node the part that concerns it.
    func distribute(_ notice: TaskNotice, createdBy: String, _ db: Database) throws -> Inbox.Effect {
        if let existing = try TaskRecord.fetchOne(db, key: notice.id) {
            guard existing.assignedBy == notice.assignedBy, existing.deadline == notice.deadline.description,
                existing.title == notice.title
            else {
                throw Refusal("task \(notice.id) is held here with other content")
            }
        } else {
            try TaskRecord(
                id: notice.id,
                assignedBy: notice.assignedBy,
                title: notice.title,
                description: notice.description,
                deadline: notice.deadline.description,
                expectedResult: notice.expectedResult,
                indicator: notice.indicator,
                createdBy: createdBy,
                createdAt: clock.now()
            ).insert(db)
        }
        let mine = notice.units.filter { deployment.node(node, speaksFor: $0) }
        for unit in mine {
            try TaskStore.addAssignee(unit, task: notice.id, db)
        }
        var forwarded = 0
        for child in deployment.children(of: node) {
            let theirs = mine.filter { deployment.node(child, speaksFor: $0) }
            guard !theirs.isEmpty else { continue }
            try appendToFeed(
                db,
                audience: child.unit,
                kind: .taskAssigned,
                unit: notice.assignedBy,
                body: notice.narrowed(to: theirs)
            )
            forwarded += 1
        }
        return Inbox.Effect(
            detail: "task \(notice.id) for \(mine.count) units, passed to \(forwarded) child nodes",
            feed: forwarded > 0
        )
    }

    // MARK: - Reading

    package func visible(to actor: Actor, filter: TaskFilter) async throws -> [TaskView] {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        if let unit = filter.unit, !tree.isInSubtree(unit, of: actor.unit) {
            throw DomainError(.outsideYourSubtree)
        }
        return try await database.pool.read { db in
            let records = try TaskStore.allByDeadline(db)
            var views: [TaskView] = []
            for record in records {
                if let by = filter.assignedBy, record.assignedBy != by { continue }
                var view = try taskView(record, for: actor, history: false, db)
                if let unit = filter.unit { view = view.keeping { $0.unit == unit } }
                if let state = filter.state { view = view.keeping { $0.state == state } }
                let assigner = tree.isInSubtree(record.assignedBy, of: actor.unit)
                guard !view.assignees.isEmpty || (assigner && filter.unit == nil && filter.state == nil) else {
                    continue
                }
                views.append(view)
            }
            return views
        }
    }

    package func task(_ id: String, for actor: Actor) async throws -> TaskView {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        return try await database.pool.read { db in try taskView(id, for: actor, history: true, db) }
    }

    func taskView(_ id: String, for actor: Actor, history: Bool, _ db: Database) throws -> TaskView {
        guard let record = try TaskRecord.fetchOne(db, key: id) else { throw DomainError(.notFound(.task)) }
        let view = try taskView(record, for: actor, history: history, db)
        guard !view.assignees.isEmpty || tree.isInSubtree(record.assignedBy, of: actor.unit) else {
            throw DomainError(.notFound(.task))
        }
        return view
    }

    /// The task with the assignees the actor may see: those in its subtree.
    private func taskView(_ record: TaskRecord, for actor: Actor, history: Bool, _ db: Database) throws -> TaskView {
        let units = try TaskStore.assignees(of: record.id, db)
            .filter { tree.isInSubtree($0, of: actor.unit) }
        let today = self.today
        var assignees: [AssigneeView] = []
        var events: [TaskEventView] = []
        for unit in units {
            let facts = try self.facts(record, unit: unit, db)
            let status = facts.status(today: today)
            assignees.append(
                AssigneeView(
                    unit: unit,
                    unitName: tree[unit]?.name ?? unit,
                    state: status.state,
                    stateName: status.state.vietnameseName,
                    percent: status.percent,
                    review: status.review,
                    reviewName: status.review?.vietnameseName,
                    completedOn: status.completedOn?.description,
                    returnReason: status.returnReason,
                    seq: status.seq
                )
            )
            guard history else { continue }
            for update in facts.updates {
                events.append(
                    TaskEventView(
                        unit: unit,
                        kind: update.kind.rawValue,
                        seq: update.seq,
                        percent: update.percent,
                        note: update.note,
                        by: update.by,
                        at: update.at,
                        evidence: update.evidence
                    )
                )
                for review in facts.reviews where review.completionSeq == update.seq {
                    events.append(
                        TaskEventView(
                            unit: unit,
                            kind: review.decision.rawValue,
                            seq: review.completionSeq,
                            percent: nil,
                            note: review.reason,
                            by: review.by,
                            at: review.at,
                            evidence: []
                        )
                    )
                }
            }
        }
        return TaskView(
            id: record.id,
            assignedBy: record.assignedBy,
            title: record.title,
            description: record.description,
            deadline: record.deadline,
            expectedResult: record.expectedResult,
            indicator: record.indicator,
            assignees: assignees,
            history: history ? events : nil
        )
    }

    func facts(_ record: TaskRecord, unit: String, _ db: Database) throws -> AssigneeFacts {
        try Self.facts(record, unit: unit, db)
    }

    static func facts(_ record: TaskRecord, unit: String, _ db: Database) throws -> AssigneeFacts {
        let updates = try TaskStore.updateBodies(task: record.id, unit: unit, db)
            .map { try JSONDecoder.federation.decode(TaskUpdate.self, from: Data($0.utf8)) }
        let reviews = try TaskStore.reviewBodies(task: record.id, unit: unit, db)
            .map { try JSONDecoder.federation.decode(TaskReview.self, from: Data($0.utf8)) }
        return AssigneeFacts(deadline: record.deadlineDate, updates: updates, reviews: reviews)
    }

    // MARK: - Reporting progress

    /// The assignee reports progress or completion; numbered here (this node hosts the unit) and
    /// sent up toward the assigning unit in the same transaction. `files` (the page's evidence)
    /// are recorded with the report, all or none: a refused report leaves nothing pending, so
    /// sending it again does not upload them twice.
    package func report(
        _ id: String,
        kind: TaskUpdate.Kind,
        _ request: TaskReportRequest,
        files: [(name: String, data: ByteBuffer)] = [],
        by actor: Actor
    ) async throws -> TaskView {
        guard actor.holds(.enterData) || actor.holds(.approveReports) else {
            throw DomainError(.progressOnlyAssigneeStaff)
        }
        let percent: Int
        switch kind {
        case .completed: percent = 100
        case .progress:
            guard let given = request.percent else {
                throw DomainError(.progressPercentRequired, details: ["percent": "required"])
            }
            percent = given
        }
        let note = request.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (note?.count ?? 0) <= 2000 else {
            throw DomainError(.taskNoteTooLong, details: ["note": "too_long"])
        }
        let stored = try await storedFiles(files, for: id, by: actor)
        let view = try await database.pool.write { db -> TaskView in
            let record = try assignedTask(id, to: actor, db)
            let facts = try self.facts(record, unit: actor.unit, db)
            if let refusal = facts.checkReport(kind: kind, percent: percent) { throw Self.domainError(refusal) }
            var evidence = try addPending(stored, to: id, by: actor, db)
            for evidenceID in Array(Set(request.evidence ?? [])).sorted() {
                guard let item = try TaskEvidenceStore.pending(evidenceID, task: id, unit: actor.unit, db) else {
                    throw DomainError(.taskEvidenceUnknown(evidenceID), details: ["evidence": evidenceID])
                }
                evidence.append(item)
            }
            let now = clock.now()
            let update = TaskUpdate(
                taskId: id,
                assignedBy: record.assignedBy,
                unit: actor.unit,
                seq: (facts.current?.seq ?? 0) + 1,
                kind: kind,
                percent: percent,
                note: note?.isEmpty == true ? nil : note,
                evidence: evidence,
                by: actor.username,
                at: now,
                day: CalendarDate(now)
            )
            try store(update, db)
            if !hosts(record.assignedBy) {
                try enqueueUp(db, kind: .taskProgress, unit: actor.unit, body: update)
            }
            try audit.record(
                db,
                actor,
                action: kind == .completed ? "task.complete" : "task.progress",
                target: id,
                detail: "unit=\(actor.unit) seq=\(update.seq) percent=\(percent) evidence=\(evidence.count)"
            )
            return try taskView(id, for: actor, history: true, db)
        }
        outboxSignal.notify()
        await refreshAlerts()
        return view
    }

    /// The task, when the actor's unit is one of its assignees hosted here.
    private func assignedTask(_ id: String, to actor: Actor, _ db: Database) throws -> TaskRecord {
        guard let record = try TaskRecord.fetchOne(db, key: id),
            try TaskStore.isAssigned(actor.unit, task: id, db)
        else {
            if let record = try TaskRecord.fetchOne(db, key: id),
                (try? taskView(record, for: actor, history: false, db))?.assignees.isEmpty == false
                    || tree.isInSubtree(record.assignedBy, of: actor.unit)
            {
                throw DomainError(.progressOnlyAssignee)
            }
            throw DomainError(.notFound(.task))
        }
        guard hosts(actor.unit) else { throw DomainError(.notAllowed) }
        return record
    }

    /// Keeps an update (its number and content once) and the evidence it names.
    func store(_ update: TaskUpdate, _ db: Database) throws {
        let body = String(decoding: try JSONEncoder.federation.encode(update), as: UTF8.self)
        try TaskStore.addUpdate(
            task: update.taskId,
            unit: update.unit,
            seq: update.seq,
            body: body,
            at: clock.now(),
            db
        )
        for item in update.evidence {
            try TaskEvidenceStore.keep(
                item,
                of: update,
                contentType: evidencePolicy.contentType(of: item.fileName) ?? "application/octet-stream",
                db
            )
        }
    }

    // MARK: - Reviewing

    /// The assigning unit confirms or returns an assignee's completion; the decision travels down
    /// to the assignee's node.
    package func review(
        _ id: String,
        decision: TaskReview.Decision,
        _ request: TaskDecisionRequest,
        by actor: Actor
    ) async throws -> TaskView {
        guard actor.holds(.assignTasks) else {
            throw DomainError(.reviewOnlyAssignerLeaders)
        }
        let reason = request.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (reason?.count ?? 0) <= 2000 else {
            throw DomainError(.reviewReasonTooLong, details: ["reason": "too_long"])
        }
        let view = try await database.pool.write { db -> TaskView in
            guard let record = try TaskRecord.fetchOne(db, key: id) else { throw DomainError(.notFound(.task)) }
            guard record.assignedBy == actor.unit else {
                if tree.isInSubtree(record.assignedBy, of: actor.unit)
                    || (try? taskView(record, for: actor, history: false, db))?.assignees.isEmpty == false
                {
                    throw DomainError(.reviewOnlyAssigner)
                }
                throw DomainError(.notFound(.task))
            }
            guard try TaskStore.isAssigned(request.unit, task: id, db) else {
                throw DomainError(.notAnAssignee(request.unit), details: ["unit": request.unit])
            }
            let facts = try self.facts(record, unit: request.unit, db)
            let completion: TaskUpdate
            switch facts.reviewable(decision: decision, reason: reason) {
            case .success(let update): completion = update
            case .failure(let refusal): throw Self.domainError(refusal)
            }
            let review = TaskReview(
                taskId: id,
                assignedBy: actor.unit,
                unit: request.unit,
                completionSeq: completion.seq,
                decision: decision,
                reason: reason?.isEmpty == true ? nil : reason,
                by: actor.username,
                at: clock.now()
            )
            _ = try store(review, db)
            try audit.record(
                db,
                actor,
                action: decision == .confirmed ? "task.confirm" : "task.return",
                target: id,
                detail: "unit=\(request.unit) completion=\(completion.seq)\(reason.map { " reason=\($0)" } ?? "")"
            )
            return try taskView(id, for: actor, history: true, db)
        }
        await refreshAlerts()
        return view
    }

    /// Keeps a review once and passes it toward the assignee's node. True when it went to a child.
    func store(_ review: TaskReview, _ db: Database) throws -> Bool {
        let body = String(decoding: try JSONEncoder.federation.encode(review), as: UTF8.self)
        try TaskStore.addReview(
            task: review.taskId,
            unit: review.unit,
            completionSeq: review.completionSeq,
            body: body,
            at: clock.now(),
            db
        )
        guard !hosts(review.unit), let child = deployment.childNode(of: node, toward: review.unit) else { return false }
        try appendToFeed(db, audience: child.unit, kind: .taskReviewed, unit: review.assignedBy, body: review)
        return true
    }

    static func domainError(_ refusal: TaskRefusal) -> DomainError {
        DomainError(.task(refusal), details: ["task": "\(refusal)"])
    }
}

extension TaskView {
    func keeping(_ include: (AssigneeView) -> Bool) -> TaskView {
        TaskView(
            id: id,
            assignedBy: assignedBy,
            title: title,
            description: description,
            deadline: deadline,
            expectedResult: expectedResult,
            indicator: indicator,
            assignees: assignees.filter(include),
            history: history
        )
    }
}

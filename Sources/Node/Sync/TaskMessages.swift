import Federation
import Foundation
import GRDB
import Tasks

/// Applying the task messages: `task.assigned` and `task.reviewed` come down from the parent,
/// `task.progress` comes up from a child. Each checks that the sender may speak for what it
/// says; each is kept once (a second copy with other content is parked as a conflict).
extension Inbox {
    func receiveTask(_ message: Envelope, _ db: Database) throws -> Effect {
        let notice = try JSONDecoder.federation.decode(TaskNotice.self, from: message.body)
        guard notice.assignedBy == message.unit else {
            throw Refusal("the task is assigned by \(notice.assignedBy), the message says \(message.unit)")
        }
        // A parent speaks for the units above this node, never for those hosted here or below.
        guard tree.contains(notice.assignedBy), !deployment.node(node, speaksFor: notice.assignedBy) else {
            throw Refusal("a parent may not assign tasks for unit \(notice.assignedBy), which is hosted here or below")
        }
        if let outside = notice.units.first(where: { !tree.isBelow($0, notice.assignedBy) }) {
            throw Refusal("unit \(outside) is not below the assigning unit \(notice.assignedBy)")
        }
        guard notice.units.contains(where: { deployment.node(node, speaksFor: $0) }) else {
            throw Refusal("none of the task's units is hosted on or below this node")
        }
        return try assignedTasks.distribute(notice, createdBy: "node:\(message.origin)", db)
    }

    func receiveTaskUpdate(_ message: Envelope, _ db: Database) throws -> Effect {
        let update = try JSONDecoder.federation.decode(TaskUpdate.self, from: message.body)
        guard update.unit == message.unit else {
            throw Refusal("the update is about unit \(update.unit), the message says \(message.unit)")
        }
        if let problem = update.problems.first { throw Refusal("task update: \(problem)") }
        guard tree.isBelow(update.unit, update.assignedBy) else {
            throw Refusal("unit \(update.unit) is not below the assigning unit \(update.assignedBy)")
        }
        let keepHere = hosts(update.assignedBy)
        guard keepHere || tree.isBelow(unit, update.assignedBy) else {
            throw Refusal("the assigning unit \(update.assignedBy) is neither hosted here nor above this node")
        }
        if let record = try TaskRecord.fetchOne(db, key: update.taskId) {
            guard record.assignedBy == update.assignedBy else {
                throw Refusal("task \(update.taskId) was assigned by \(record.assignedBy), not \(update.assignedBy)")
            }
            guard try TaskStore.isAssigned(update.unit, task: update.taskId, db) else {
                throw Refusal("unit \(update.unit) is not assigned task \(update.taskId)")
            }
        } else if keepHere {
            // Tasks of a unit hosted here are made here: an update for an unknown one is not ours.
            throw Refusal("task \(update.taskId) is unknown here")
        }
        if let held = try TaskStore.updateBody(task: update.taskId, unit: update.unit, seq: update.seq, db) {
            guard try JSONDecoder.federation.decode(TaskUpdate.self, from: Data(held.utf8)) == update else {
                throw Refusal(
                    "update \(update.seq) of \(update.unit) on task \(update.taskId) is held here with other content"
                )
            }
            return Effect(detail: "update \(update.seq) of \(update.unit) on task \(update.taskId) already held")
        }
        for item in update.evidence where !evidence.contains(item.sha256, size: item.size) {
            throw EvidenceMissing(fileName: item.fileName, sha256: item.sha256)
        }
        try assignedTasks.store(update, db)
        if keepHere {
            return Effect(detail: "update \(update.seq) of \(update.unit) on task \(update.taskId) kept here")
        }
        // Relayed even when the task has not reached this node yet: the update names where it goes.
        try enqueueUp(db, kind: .taskProgress, unit: update.unit, body: update)
        return Effect(
            detail: "update \(update.seq) of \(update.unit) on task \(update.taskId) kept and relayed up",
            outbox: parent != nil
        )
    }

    func receiveTaskReview(_ message: Envelope, _ db: Database) throws -> Effect {
        let review = try JSONDecoder.federation.decode(TaskReview.self, from: message.body)
        guard review.assignedBy == message.unit else {
            throw Refusal("the review is by \(review.assignedBy), the message says \(message.unit)")
        }
        guard tree.contains(review.assignedBy), !deployment.node(node, speaksFor: review.assignedBy) else {
            throw Refusal("a parent may not review for unit \(review.assignedBy), which is hosted here or below")
        }
        guard tree.isBelow(review.unit, review.assignedBy), deployment.node(node, speaksFor: review.unit) else {
            throw Refusal("unit \(review.unit) is not below both \(review.assignedBy) and this node")
        }
        if review.decision == .returned, (review.reason ?? "").isEmpty { throw Refusal("a return needs a reason") }
        if let record = try TaskRecord.fetchOne(db, key: review.taskId), record.assignedBy != review.assignedBy {
            throw Refusal("task \(review.taskId) was assigned by \(record.assignedBy), not \(review.assignedBy)")
        }
        if let held = try TaskStore.reviewBody(
            task: review.taskId,
            unit: review.unit,
            completionSeq: review.completionSeq,
            db
        ) {
            guard try JSONDecoder.federation.decode(TaskReview.self, from: Data(held.utf8)) == review else {
                throw Refusal(
                    "completion \(review.completionSeq) of \(review.unit) on task \(review.taskId) was reviewed otherwise"
                )
            }
            return Effect(detail: "review of completion \(review.completionSeq) of \(review.unit) already held")
        }
        let passed = try assignedTasks.store(review, db)
        return Effect(
            detail:
                "\(review.decision.rawValue) completion \(review.completionSeq) of \(review.unit) on task \(review.taskId)",
            feed: passed
        )
    }
}

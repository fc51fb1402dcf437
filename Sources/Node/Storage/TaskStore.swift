import Foundation
import GRDB

/// The task tables: `tasks`, who is assigned in `task_units`, and the bodies held in
/// `task_updates` and `task_reviews`, as tasks are made, reported on, reviewed, checked by the
/// sync and counted by the scores. Every function runs in the caller's transaction.
enum TaskStore {
    static func isAssigned(_ unit: String, task taskID: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM task_units WHERE task_id = ? AND unit = ?",
            arguments: [taskID, unit]
        ) == true
    }

    /// The update `seq` of `unit` on the task as held (its JSON body), if any.
    static func updateBody(task taskID: String, unit: String, seq: Int, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT body FROM task_updates WHERE task_id = ? AND unit = ? AND seq = ?",
            arguments: [taskID, unit, seq]
        )
    }

    /// The review of completion `completionSeq` of `unit` on the task as held (its JSON body), if any.
    static func reviewBody(task taskID: String, unit: String, completionSeq: Int, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT body FROM task_reviews WHERE task_id = ? AND unit = ? AND completion_seq = ?",
            arguments: [taskID, unit, completionSeq]
        )
    }

    /// The tasks assigned to the unit whose deadline is on or before `last` (`yyyy-mm-dd`).
    static func tasks(of unit: String, dueBy last: String, _ db: Database) throws -> [TaskRecord] {
        try TaskRecord.fetchAll(
            db,
            sql:
                "SELECT tasks.* FROM tasks JOIN task_units ON task_units.task_id = tasks.id WHERE task_units.unit = ? AND tasks.deadline <= ?",
            arguments: [unit, last]
        )
    }

    /// Every task held.
    static func all(_ db: Database) throws -> [TaskRecord] {
        try TaskRecord.fetchAll(db)
    }

    /// Every (task, assigned unit) pair, by task then unit.
    static func assignees(_ db: Database) throws -> [(task: String, unit: String)] {
        try Row.fetchAll(db, sql: "SELECT task_id, unit FROM task_units ORDER BY task_id, unit")
            .map { ($0["task_id"], $0["unit"]) }
    }

    /// Every task held, by deadline then id.
    static func allByDeadline(_ db: Database) throws -> [TaskRecord] {
        try TaskRecord.order(Column("deadline"), Column("id")).fetchAll(db)
    }

    /// The unit is an assignee of the task (kept once).
    static func addAssignee(_ unit: String, task taskID: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO task_units (task_id, unit) VALUES (?, ?)",
            arguments: [taskID, unit]
        )
    }

    /// The task's assignees held here, by code.
    static func assignees(of taskID: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT unit FROM task_units WHERE task_id = ? ORDER BY unit",
            arguments: [taskID]
        )
    }

    /// The JSON bodies of the unit's updates on the task, in order.
    static func updateBodies(task taskID: String, unit: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT body FROM task_updates WHERE task_id = ? AND unit = ? ORDER BY seq",
            arguments: [taskID, unit]
        )
    }

    /// The JSON bodies of the reviews of the unit's completions on the task, in order.
    static func reviewBodies(task taskID: String, unit: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT body FROM task_reviews WHERE task_id = ? AND unit = ? ORDER BY completion_seq",
            arguments: [taskID, unit]
        )
    }

    static func addUpdate(task taskID: String, unit: String, seq: Int, body: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO task_updates (task_id, unit, seq, body, received_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [taskID, unit, seq, body, at.stored]
        )
    }

    static func addReview(
        task taskID: String,
        unit: String,
        completionSeq: Int,
        body: String,
        at: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO task_reviews (task_id, unit, completion_seq, body, received_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [taskID, unit, completionSeq, body, at.stored]
        )
    }
}

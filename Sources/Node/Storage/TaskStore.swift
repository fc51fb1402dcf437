import GRDB

/// What the sync reads of tasks to check a message against: `task_units`, and the bodies held in
/// `task_updates` and `task_reviews`; and the tasks the scores count. Every function runs in the
/// caller's transaction.
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
}

import GRDB

/// The `sessions` table: ending an account's sessions, all or all but one. Every function runs in
/// the caller's transaction.
enum SessionStore {
    static func endAll(of username: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE username = ?", arguments: [username])
    }

    /// Ends the account's sessions but the one with this token hash.
    static func endOthers(of username: String, keeping tokenHash: String, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM sessions WHERE username = ? AND token_hash != ?",
            arguments: [username, tokenHash]
        )
    }
}

import GRDB

/// The `node_meta` keys: the database's epoch, made with the database and made anew by each
/// restore (written by `NodeBackup`), which the sync reads; and the name of the node that opens it.
enum NodeMetaStore {
    static func epoch(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'epoch'") ?? ""
    }

    /// The name of the node that opens the database.
    static func setNodeName(_ name: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO node_meta (key, value) VALUES ('node', ?)",
            arguments: [name]
        )
    }
}

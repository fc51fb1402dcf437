import GRDB

/// The `node_meta` keys the sync reads: the database's epoch, made with the database and made
/// anew by each restore (written by `NodeBackup`).
enum NodeMetaStore {
    static func epoch(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'epoch'") ?? ""
    }
}

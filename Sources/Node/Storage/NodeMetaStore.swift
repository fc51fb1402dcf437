import GRDB

/// The `node_meta` keys: the database's epoch, made with the database and made anew by each
/// restore (written by `NodeBackup`), which the sync reads; the name of the node that opens it;
/// and the seed of the node's tree (`SeedTopology`).
enum NodeMetaStore {
    static func epoch(_ db: Database) throws -> String {
        try String.fetchOne(try db.cachedStatement(sql: "SELECT value FROM node_meta WHERE key = 'epoch'")) ?? ""
    }

    /// The name of the node that opens the database.
    static func setNodeName(_ name: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO node_meta (key, value) VALUES ('node', ?)",
            arguments: [name]
        )
    }

    /// The topology (JSON) the node's tree grows from, if one was kept.
    static func seedTopology(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'seed_topology'")
    }

    static func keepSeedTopology(_ json: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO node_meta (key, value) VALUES ('seed_topology', ?)",
            arguments: [json]
        )
    }
}

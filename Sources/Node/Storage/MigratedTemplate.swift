import GRDB

/// A brand-new node database in one write: the real migrations run once per process on a
/// database in memory, and each new file receives a copy of its pages (the schema, the
/// `grdb_migrations` history naming every migration, the rows the migrations insert), then an
/// epoch of its own. Running the migrations on each new file made SQLite parse the whole schema
/// again at every ALTER and RENAME, 22 commits per file: about 40 ms of CPU per node, a minute
/// for a country's nodes started in one run. Files that already hold a schema migrate step by
/// step as before (`NodeDatabase.migrator`).
enum MigratedTemplate {
    /// Migrated on first use, then only read.
    static let database = Result { try migrated() }

    private static func migrated() throws -> DatabaseQueue {
        var configuration = Configuration()
        // v8 seals the audit entries already there (none here), with a statement that names the
        // function: a key that is never kept.
        let seal = AuditSeal(key: NodeKey.generated())
        configuration.prepareDatabase { db in db.add(function: seal.sqlFunction) }
        let queue = try DatabaseQueue(configuration: configuration)
        try NodeDatabase.migrator.migrate(queue)
        return queue
    }

    /// When `pool`'s file holds no schema at all (just created), copies the template into it and
    /// gives it a new epoch; true when it did.
    @discardableResult
    static func fill(_ pool: DatabasePool) throws -> Bool {
        try pool.barrierWriteWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0 else { return false }
            try database.get().read { template in try template.backup(to: db) }
            try db.execute(sql: Schema.newEpoch)
            return true
        }
    }
}

import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// A brand-new node database is a copy of the migrations' result (`MigratedTemplate`), not the
/// migrations run on the file: it must end exactly where a database brought up to date step by
/// step from an older version ends, with its own epoch.
@Suite struct FreshDatabaseTests {
    @Test(arguments: ["v1-core", "v3-security", "v9-units", "v14-joined-nodes", "v20-kept-figures"])
    func aNewDatabaseEndsWhereAnOlderOneMigratedStepByStepEnds(olderVersion: String) async throws {
        let scratch = try ScratchDirectory(prefix: "reportnet-fresh")
        defer { scratch.remove() }
        let older = scratch.path("older.sqlite").path
        // v8 seals the audit trail with the node's key, as `NodeDatabase.open` will find it.
        let seal = AuditSeal(key: try NodeKey.loadOrCreate(path: older + ".key"))
        var configuration = Configuration()
        configuration.prepareDatabase { db in db.add(function: seal.sqlFunction) }
        let queue = try DatabaseQueue(path: older, configuration: configuration)
        try NodeDatabase.migrator.migrate(queue, upTo: olderVersion)
        try queue.close()
        let stepwise = try NodeDatabase.open(path: older)
        let fresh = try NodeDatabase.open(path: scratch.path("fresh.sqlite").path)

        let stepwiseContents = try await stepwise.pool.read { try Contents($0) }
        let freshContents = try await fresh.pool.read { try Contents($0) }
        #expect(freshContents.schema == stepwiseContents.schema)
        #expect(freshContents.schema.count > 100, "tables, indexes and triggers of every migration")
        #expect(freshContents.migrations == stepwiseContents.migrations)
        #expect(freshContents.migrations == NodeDatabase.migrator.migrations)
        #expect(freshContents.rows == stepwiseContents.rows, "the rows migrations insert, but the epoch")
        #expect(freshContents.epoch.count == 32 && stepwiseContents.epoch.count == 32)
        #expect(freshContents.epoch != stepwiseContents.epoch)
    }

    @Test func eachNewDatabaseHasItsOwnEpochAndIsAWholeWALFile() async throws {
        let scratch = try ScratchDirectory(prefix: "reportnet-fresh")
        defer { scratch.remove() }
        let first = try NodeDatabase.open(path: scratch.path("a/node.sqlite").path)
        let second = try NodeDatabase.open(path: scratch.path("b/node.sqlite").path)
        let epochs = [
            try await first.pool.read { try NodeMetaStore.epoch($0) },
            try await second.pool.read { try NodeMetaStore.epoch($0) },
        ]
        #expect(epochs[0] != epochs[1], "nodes tell a restored backup from the original by its epoch")
        try await first.pool.write { db in
            try NodeMetaStore.setNodeName("ha-noi", db)
        }
        let checks = try await first.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            )
        }
        #expect(checks.0 == "wal")
        #expect(checks.1 == ["ok"])
        #expect(checks.2 == 0)
        let path = first.path
        try first.pool.close()
        let reopened = try NodeDatabase.open(path: path)
        let kept = try await reopened.pool.read { db in
            (
                try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'node'"),
                try NodeMetaStore.epoch(db)
            )
        }
        #expect(kept.0 == "ha-noi")
        #expect(kept.1 == epochs[0], "a database keeps its epoch")
    }
}

/// What a node database holds, in an order that does not depend on how its pages were written.
private struct Contents {
    var schema: [[String?]]
    var migrations: [String]
    /// Every row of every table, as text, but the epoch.
    var rows: [String: [String]]
    var epoch: String

    init(_ db: Database) throws {
        schema = try Row.fetchAll(
            db,
            sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).map { row in (0..<4).map { row[$0] as String? } }
        migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        epoch = try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'epoch'") ?? ""
        rows = [:]
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        for table in tables {
            rows[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                .map(\.description)
                .filter { !$0.contains("\"epoch\"") }
                .sorted()
        }
    }
}

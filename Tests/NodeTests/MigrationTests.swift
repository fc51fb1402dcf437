import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// A node's database made by an older version is brought up to date on start, without losing
/// what it holds and with the new rules applied to it.
@Suite struct MigrationTests {
    @Test func anOlderDatabaseIsUpgradedInPlace() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reportnet-migration-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/node.sqlite"
        // As the security release left it: accounts and their audit trail, no tasks, no seals.
        let old = try DatabaseQueue(path: path)
        try NodeDatabase.migrator.migrate(old, upTo: "v3-security")
        try await old.write { db in
            for (username, role, permissions) in [
                ("bni.admin", "admin", #"["users.manage","forms.manage","reports.view"]"#),
                ("bni.approver", "approver", #"["reports.approve","reports.view"]"#),
                ("bni.entry", "data_entry", #"["reports.enter","reports.view"]"#),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO accounts (username, full_name, unit, role, permissions, status, hosted_here, created_at, updated_at)
                        VALUES (?, 'Cán bộ', 'BNI', ?, ?, 'active', 1, '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')
                        """,
                    arguments: [username, role, permissions]
                )
                // The entry as that release wrote it: chained, not sealed.
                let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") ?? ""
                let seq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit") ?? 0) + 1
                let entry = AuditTrail.Entry(
                    seq: seq,
                    at: Date(timeIntervalSince1970: 1_767_225_600 + Double(seq)),
                    actor: "bootstrap",
                    unit: "BNI",
                    node: "bac-ninh",
                    action: "account.seed",
                    target: username,
                    detail: "",
                    source: "",
                    previousHash: previous
                )
                try db.execute(
                    sql:
                        "INSERT INTO audit (seq, at, actor, unit, node, action, target, detail, source, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        seq, entry.at, entry.actor, entry.unit, entry.node, entry.action, entry.target, "", "",
                        previous, entry.hash,
                    ]
                )
            }
        }
        try old.close()

        let database = try NodeDatabase.open(path: path)
        let permissions = try await database.pool.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT username, permissions FROM accounts").map {
                    ($0["username"] as String, $0["permissions"] as String)
                }
            )
        }
        #expect(permissions["bni.admin"]?.contains("tasks.assign") == true)
        #expect(permissions["bni.approver"]?.contains("tasks.assign") == true)
        #expect(permissions["bni.entry"]?.contains("tasks.assign") == false, "data entry assigns no tasks")
        #expect(permissions["bni.approver"]?.contains("reports.approve") == true, "what was held is kept")
        let seal = AuditSeal(key: try #require(try NodeKey.load(path: path + ".key")))
        #expect(
            try await database.pool.read { try AuditTrail.verify($0, seal: seal) } == nil,
            "the old entries are sealed and the chain is whole"
        )
        #expect(
            try await database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit WHERE seal = ''") }
                == 0
        )
    }

    /// An older binary must not open (and silently change) a database a newer one wrote.
    @Test func aDatabaseWrittenByANewerVersionIsRefusedWithTheReason() async throws {
        let scratch = try ScratchDirectory(prefix: "reportnet-newer")
        defer { scratch.remove() }
        let path = scratch.path("node.sqlite").path
        do {
            let database = try NodeDatabase.open(path: path)
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the database holds accounts and reports: owner only")
        let refusal = #expect(throws: NodeDatabase.NewerDatabase.self) { try NodeDatabase.open(path: path) }
        #expect(refusal?.unknownMigrations == ["v99-from-the-future"])
        #expect(refusal?.description.contains("newer version of ReportNet") == true)
        #expect(refusal?.description.contains(NodeDatabase.schemaVersion) == true)
        let output = try await NodeProcesses.run(["--version"])
        #expect(output.status == 0)
        #expect(output.output.contains(NodeDatabase.schemaVersion), "\(output.output)")
    }
}

import GRDB
import TestSupport
import Testing

@testable import Node

/// A commit acknowledged to a peer must survive a power cut: the writer syncs the WAL at every
/// commit (`synchronous = FULL`), on a new file and on one opened again. GRDB turns its writer
/// to NORMAL when it switches WAL on, after the node's own set-up ran.
@Suite struct DurableCommitTests {
    @Test func theWriterSyncsEveryCommitOnNewAndReopenedFiles() async throws {
        let scratch = try ScratchDirectory(prefix: "reportnet-durable")
        defer { scratch.remove() }
        let path = scratch.path("node.sqlite").path
        let new = try NodeDatabase.open(path: path)
        #expect(try await new.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        try new.pool.close()
        let reopened = try NodeDatabase.open(path: path)
        #expect(try await reopened.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
    }

    /// Savepoints (one per message received) journal what they change in memory, not in a
    /// temporary file opened and deleted in every batch; every connection is set so.
    @Test func savepointJournalsStayInMemory() async throws {
        let scratch = try ScratchDirectory(prefix: "reportnet-temp-store")
        defer { scratch.remove() }
        let database = try NodeDatabase.open(path: scratch.path("node.sqlite").path)
        #expect(try await database.pool.write { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try await database.pool.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
    }
}

import GRDB
import Synchronization

/// Writes from several children that arrive while the node's writer is busy (pushes, status
/// reports), applied in one write transaction, each in its own savepoint with its own outcome,
/// and answered only once that transaction has committed. At national scale a province took one
/// transaction, one sync to disk and two thread hops per commune's push, while the pushes that
/// arrived meanwhile queued behind it; now those queued are taken together in the next one.
///
/// A write that throws is undone alone (its savepoint) and its caller gets the error; the others
/// commit. If the transaction itself cannot go on (SQLite rolled it back) or cannot commit,
/// every write of the group fails and nothing of it is kept: each sender retries, as after any
/// failed push. A write that finds nothing else waiting is a group of one.
final class InboxGroupCommit: Sendable {
    /// One caller's write: `apply` runs it in the group's transaction and keeps its outcome;
    /// `finish` answers the caller once the transaction committed (nil) or failed.
    private struct Member: Sendable {
        let apply: @Sendable (Database) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var waiting: [Member] = []
        /// A task is applying groups; whoever arrives meanwhile waits for its next one.
        var draining = false
        /// Writes taken and not yet answered (waiting, or in the group being written).
        var unanswered = 0
    }

    private let state = Mutex(State())

    /// At most this many writes share a transaction (the rest wait for the next): one failure of
    /// the transaction fails them all, and each waits for the whole group.
    static let largestGroup = 128

    /// Writes taken and not yet answered (for tests that hold the writer while pushes arrive).
    var unanswered: Int { state.withLock { $0.unanswered } }

    /// Runs `body` in the next group transaction, in a savepoint of its own; returns what it
    /// returned once the transaction committed.
    func write<T: Sendable>(
        _ pool: DatabasePool,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let member = Member(
                apply: { db in
                    do {
                        let value = try InboxStore.inSavepoint(db) { try body(db) }
                        outcome.withLock { $0 = .success(value) }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                        // SQLite gave up the whole transaction, or the write could not be undone
                        // alone: the group cannot commit.
                        if !db.isInsideTransaction || error is SavepointNotClosed { throw error }
                    }
                },
                finish: { failure in
                    if let failure { return continuation.resume(throwing: failure) }
                    // Applied, in the committed transaction (set by `apply` before the commit).
                    continuation.resume(with: outcome.withLock { $0 }!)
                }
            )
            let lead = state.withLock { state -> Bool in
                state.waiting.append(member)
                state.unanswered += 1
                defer { state.draining = true }
                return !state.draining
            }
            if lead { writeNextGroup(pool) }
        }
    }

    /// Writes what waits as one group, on the writer's own queue, then asks for the writer again
    /// for whatever arrived meanwhile (behind the other writes waiting for it), until nothing
    /// waits. Nothing of it runs on the cooperative pool: a task resumed there after each
    /// transaction queued behind every request the node was handling, and the writer sat idle
    /// meanwhile (a national run's up leg took longer than with a transaction per push).
    private func writeNextGroup(_ pool: DatabasePool) {
        pool.asyncWriteWithoutTransaction { db in
            let group = self.state.withLock { state -> [Member] in
                if state.waiting.isEmpty { state.draining = false }
                let group = Array(state.waiting.prefix(Self.largestGroup))
                state.waiting.removeFirst(group.count)
                return group
            }
            guard !group.isEmpty else { return }
            do {
                try db.inTransaction {
                    for member in group { try member.apply(db) }
                    return .commit
                }
                self.state.withLock { $0.unanswered -= group.count }
                for member in group { member.finish(nil) }
            } catch {
                self.state.withLock { $0.unanswered -= group.count }
                for member in group { member.finish(error) }
            }
            self.writeNextGroup(pool)
        }
    }
}

import Federation
import Foundation
import GRDB
import ServiceLifecycle
import Synchronization

/// The parent's side of the downward feed: an ordered log per child node, read with a cursor.
/// Entries are appended by the services whose changes they carry (`NodeContext.appendToFeed`);
/// this service answers a child's request for them. It needs only the shared context.
package struct Feed: NodeService {
    let context: NodeContext

    /// Entries for `child` after `cursor`. When there are none and `wait` is positive, holds the
    /// call until entries for `child` are committed or the wait ends (long polling: children sit
    /// behind NAT). Only entries for `child` wake it, and a wake that finds none waits on.
    /// Entries are only ever added through `NodeContext.appendToFeed`, which signals their
    /// audience on commit, so a wait that ran out unsignalled needs no second look.
    package func page(for child: String, after cursor: Int64, limit: Int, wait: Duration) async throws -> FeedPage {
        let limit = min(max(limit, 1), FeedPage.maximumPage)
        let deadline = ContinuousClock.now.advanced(by: wait)
        var generation = feedSignal.generation(of: child)
        var page = try await readFeed(for: child, after: cursor, limit: limit)
        let shuttingDown = ShutdownFlag()
        while page.entries.isEmpty, !Task.isCancelled, !shuttingDown.isSet {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            // A node shutting down answers waiting children at once rather than holding its exit.
            await withGracefulShutdownHandler {
                await feedSignal.wait(for: child, since: generation, timeout: remaining)
            } onGracefulShutdown: {
                shuttingDown.set()
                feedSignal.notifyAll()
            }
            let seen = generation
            generation = feedSignal.generation(of: child)
            // Nothing was committed for the child meanwhile (the wait ran out): the page read
            // stands, and an idle child's poll costs one read, not two.
            if generation == seen { continue }
            page = try await readFeed(for: child, after: cursor, limit: limit)
        }
        return page
    }

    private func readFeed(for child: String, after cursor: Int64, limit: Int) async throws -> FeedPage {
        try await database.pool.read { db in
            let (entries, more) = try FeedStore.entries(for: child, after: cursor, limit: limit, db)
            return FeedPage(
                entries: entries,
                cursor: entries.last?.seq ?? cursor,
                more: more,
                epoch: try Epochs.own(db)
            )
        }
    }
}

/// Set when the node begins shutting down while a child's poll waits.
private final class ShutdownFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

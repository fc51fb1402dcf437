import Federation
import Foundation
import GRDB
import ServiceLifecycle
import Synchronization

/// The parent's side of the downward feed: an ordered log per child node, read with a cursor.
extension LocalNode {
    /// Appends an entry for `audience` (a child node's unit) inside the caller's transaction; the
    /// child's waiting poll answers when the transaction commits.
    func appendToFeed(_ db: Database, audience: String, kind: MessageKind, unit: String, body: some Encodable) throws {
        try context.appendToFeed(db, audience: audience, kind: kind, unit: unit, body: body)
    }

    /// Entries for `child` after `cursor`. When there are none and `wait` is positive, holds the
    /// call until entries for `child` are committed or the wait ends (long polling: children sit
    /// behind NAT). Only entries for `child` wake it, and a wake that finds none waits on.
    package func feedPage(for child: String, after cursor: Int64, limit: Int, wait: Duration) async throws -> FeedPage {
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
            generation = feedSignal.generation(of: child)
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
                epoch: try Self.epoch(db)
            )
        }
    }

    /// Records when a peer last answered or called (or, with `error`, why the last try failed).
    /// A child's feed request also records the position it asked from (what it has applied),
    /// which the sync-lag metric counts from.
    package func touchPeer(_ peer: String, error: String? = nil, confirmed cursor: Int64? = nil) async {
        if error == nil { metrics.contact(peer: peer, at: clock.now()) }
        do {
            try await database.pool.write { db in
                if let error {
                    try PeerStore.noteError(peer, error: error, db)
                } else if let cursor {
                    try PeerStore.noteContact(peer, cursor: cursor, at: clock.now(), db)
                } else {
                    try PeerStore.noteContact(peer, at: clock.now(), db)
                }
            }
        } catch {
            logger.warning("could not record peer contact", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// How far this node has read its parent's feed.
    func cursor(of peer: String) async throws -> Int64 {
        try await database.pool.read { db in
            try PeerStore.cursor(of: peer, db) ?? 0
        }
    }
}

/// Set when the node begins shutting down while a child's poll waits.
private final class ShutdownFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

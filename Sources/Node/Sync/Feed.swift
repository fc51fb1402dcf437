import Federation
import Foundation
import GRDB
import ServiceLifecycle

/// The parent's side of the downward feed: an ordered log per child node, read with a cursor.
extension LocalNode {
    /// Appends an entry for `audience` (a child node's unit) inside the caller's transaction.
    /// Call `feedSignal.notify()` after the transaction commits.
    func appendToFeed(_ db: Database, audience: String, kind: MessageKind, unit: String, body: some Encodable) throws {
        let envelope = Envelope(
            origin: self.unit,
            kind: kind,
            unit: unit,
            body: try JSONEncoder.federation.encode(body)
        )
        try db.execute(
            sql: "INSERT INTO feed (audience, message_id, envelope, created_at) VALUES (?, ?, ?, ?)",
            arguments: [audience, envelope.id, try JSONEncoder.federation.encode(envelope), clock.now()]
        )
        try noteSent(envelope, upward: false, db)
    }

    /// Entries for `child` after `cursor`. When there are none and `wait` is positive, holds the
    /// call until something is appended or the wait ends (long polling: children sit behind NAT).
    package func feedPage(for child: String, after cursor: Int64, limit: Int, wait: Duration) async throws -> FeedPage {
        let limit = min(max(limit, 1), FeedPage.maximumPage)
        let generation = feedSignal.generation
        var page = try await readFeed(for: child, after: cursor, limit: limit)
        if page.entries.isEmpty && wait > .zero {
            // A node shutting down answers waiting children at once rather than holding its exit.
            await withGracefulShutdownHandler {
                await feedSignal.wait(since: generation, timeout: wait)
            } onGracefulShutdown: {
                feedSignal.notify()
            }
            page = try await readFeed(for: child, after: cursor, limit: limit)
        }
        return page
    }

    private func readFeed(for child: String, after cursor: Int64, limit: Int) async throws -> FeedPage {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT seq, envelope FROM feed WHERE audience = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [child, cursor, limit + 1]
            )
            let entries = try rows.prefix(limit).map { row in
                FeedEntry(
                    seq: row["seq"],
                    envelope: try JSONDecoder.federation.decode(Envelope.self, from: row["envelope"] as Data)
                )
            }
            return FeedPage(
                entries: entries,
                cursor: entries.last?.seq ?? cursor,
                more: rows.count > limit,
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
                    try db.execute(
                        sql: """
                            INSERT INTO peers (unit, cursor, last_error) VALUES (?, 0, ?)
                            ON CONFLICT (unit) DO UPDATE SET last_error = excluded.last_error
                            """,
                        arguments: [peer, error]
                    )
                } else if let cursor {
                    try db.execute(
                        sql: """
                            INSERT INTO peers (unit, cursor, last_contact) VALUES (?, ?, ?)
                            ON CONFLICT (unit) DO UPDATE SET cursor = excluded.cursor, last_contact = excluded.last_contact, last_error = NULL
                            """,
                        arguments: [peer, cursor, clock.now()]
                    )
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO peers (unit, cursor, last_contact) VALUES (?, 0, ?)
                            ON CONFLICT (unit) DO UPDATE SET last_contact = excluded.last_contact, last_error = NULL
                            """,
                        arguments: [peer, clock.now()]
                    )
                }
            }
        } catch {
            logger.warning("could not record peer contact", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// How far this node has read its parent's feed.
    func cursor(of peer: String) async throws -> Int64 {
        try await database.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT cursor FROM peers WHERE unit = ?", arguments: [peer]) ?? 0
        }
    }
}

import Foundation
import GRDB
import Synchronization

/// A database's epoch: a random id made with the database and made anew by `reportnet restore`.
/// Peers see it in every feed page and push answer; when a parent's epoch changes, the parent has
/// gone back in time, so the child reads its feed again from the start and sends again every
/// upward message it had delivered. Both are safe: the inbox applies each message once. Its own
/// service: this node's epoch, and the parent's as the sync loop meets it, need only the shared
/// context.
package struct Epochs: NodeService {
    let context: NodeContext

    /// This database's epoch: read once per process (every push answer carries it), since only
    /// `reportnet restore` makes a new one, and it refuses while the node runs.
    package func own() async throws -> String {
        if let known = context.ownEpoch.known { return known }
        let epoch = try await database.pool.read { db in try Self.own(db) }
        context.ownEpoch.known = epoch
        return epoch
    }

    static func own(_ db: Database) throws -> String {
        try NodeMetaStore.epoch(db)
    }

    /// The parent's epoch as last seen, with the feed cursor: the pull loop reads both before a
    /// request, so that a page counted in a former epoch is never applied.
    func cursorAndEpoch(of parent: String) async throws -> (cursor: Int64, epoch: String?) {
        try await database.pool.read { db in
            try PeerStore.cursorAndEpoch(of: parent, db)
        }
    }

    /// After a page was applied: if the parent's epoch changed meanwhile (the push loop saw it
    /// first), the cursor just written counts in the former epoch; start again from 0.
    func dropCursorUnless(epoch: String?, of parent: String) async throws {
        guard let epoch else { return }
        // Nearly always the epoch known: no write transaction per page applied, and no read
        // either (`PeerEpochs` follows every commit that records an epoch, before the page's
        // own commit could follow it). A change after this resets the cursor itself, in the
        // transaction that records it.
        let known = try await storedEpoch(of: parent)
        guard let known, known != epoch else { return }
        try await database.pool.write { db in
            try PeerStore.resetCursor(of: parent, unlessEpoch: epoch, db)
        }
    }

    /// The epoch the `peers` table holds for `parent`: from memory, read once per process.
    private func storedEpoch(of parent: String) async throws -> String? {
        let epochs = context.peerEpochs
        if let known = epochs.known(parent) { return known }
        let seen = epochs.writes
        let stored = try await database.pool.read { db in try PeerStore.epoch(of: parent, db) }
        epochs.loaded(stored, of: parent, asOf: seen)
        return stored
    }

    /// Records the epoch `parent` showed (on a feed page or a push answer). Returns true when it
    /// differs from the one seen before: then, in one transaction, the feed cursor goes back to 0
    /// and every delivered message is pending again, at its original outbox position (same ids,
    /// same order).
    func noteParentEpoch(_ epoch: String?, of parent: String) async throws -> Bool {
        guard let epoch else { return false }  // a protocol-1 parent has no epoch
        // Nearly always the epoch already known: neither a write, which would queue behind the
        // writer (every push and every feed page asks; a busy node's writer is its bottleneck),
        // nor a read.
        if try await storedEpoch(of: parent) == epoch { return false }
        let epochs = context.peerEpochs
        let unit = self.unit
        let (changed, requeued) = try await database.pool.write { db -> (Bool, Int) in
            // Whichever way this goes, the table holds `epoch` once committed.
            db.afterNextTransaction(onCommit: { _ in epochs.written(epoch, of: parent) })
            let known = try PeerStore.epoch(of: parent, db)
            guard known != epoch else { return (false, 0) }
            try PeerStore.setEpoch(epoch, of: parent, db)
            // The first epoch ever seen (a new node, or one just upgraded) changes nothing.
            guard let known else { return (false, 0) }
            try PeerStore.resetCursor(of: parent, db)
            let requeued = try OutboxStore.requeueDelivered(db)
            try audit.record(
                db,
                actor: "node:\(parent)",
                unit: unit,
                action: "sync.parent-restored",
                target: parent,
                detail:
                    "parent epoch \(known) → \(epoch): its feed is read again from the start, \(requeued) delivered messages sent again"
            )
            return (true, requeued)
        }
        if changed {
            logger.notice(
                "parent restored from a backup: re-reading its feed and sending again what it had received",
                metadata: ["peer": "\(parent)", "epoch": "\(epoch)", "requeued": "\(requeued)"]
            )
            outboxSignal.notify()
        }
        return changed
    }
}

/// The epoch the `peers` table holds for each parent, so that the sync loop need not read it
/// before and after every feed page and push (two reads per page at every node). Set from the
/// commit of the transaction that writes an epoch (on the writer's queue, before any later
/// transaction), so a page committed after an epoch changed always finds the new one here; loaded
/// from the table once, and only when no epoch was written during that read.
final class PeerEpochs: Sendable {
    private struct State {
        var epochs: [String: String?] = [:]
        /// Epochs written since the process started.
        var writes: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The epoch the table holds for `parent` (`.some(nil)`: none yet), or nil when not known here.
    func known(_ parent: String) -> String?? {
        state.withLock { $0.epochs[parent] }
    }

    /// Read before loading an epoch from the table.
    var writes: UInt64 { state.withLock { $0.writes } }

    /// `epoch` was read from the table by a read begun after `writes` was `seen`.
    func loaded(_ epoch: String?, of parent: String, asOf seen: UInt64) {
        state.withLock { state in
            guard state.writes == seen, state.epochs[parent] == nil else { return }
            state.epochs[parent] = .some(epoch)
        }
    }

    /// A transaction that left `epoch` in the table for `parent` committed.
    func written(_ epoch: String, of parent: String) {
        state.withLock { state in
            state.writes &+= 1
            state.epochs[parent] = .some(epoch)
        }
    }
}

/// This node's own epoch once read: it does not change while the node runs (`Epochs.own()`).
final class OwnEpoch: Sendable {
    private let value = Mutex<String?>(nil)

    var known: String? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

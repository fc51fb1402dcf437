import Foundation
import GRDB
import Synchronization

/// Wakes the child long-polling its feed when entries for it are committed, and only that child.
///
/// One signal for every child made each entry wake them all: a province with a hundred communes
/// answered a hundred empty polls (and recorded a hundred contacts) for every receipt it passed
/// down to one of them. `NodeContext.appendToFeed` notes the entry's audience (`willAppend`), and
/// the signal, observing the writer's transactions once for the node's lifetime, wakes it when the
/// transaction commits; nothing else needs to call `notify`. (One GRDB `afterNextTransaction` per
/// entry cost more: each added observer drops every cached statement that deletes rows, so the
/// inbox re-prepared them for every report it received.)
final class FeedSignal: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Void, Never>
        let timer: Task<Void, Never>?
    }

    private struct State {
        /// Bumped by `notifyAll`: part of every audience's generation.
        var everyone: UInt64 = 0
        var generations: [String: UInt64] = [:]
        var waiters: [String: [UUID: Waiter]] = [:]
        /// Audiences of the entries appended in the writer's open transaction.
        var pending: Set<String> = []
    }

    private let state = Mutex(State())

    /// Read before looking at the feed; `wait(for:since:timeout:)` returns at once if it moved.
    func generation(of audience: String) -> UInt64 {
        state.withLock { $0.everyone &+ ($0.generations[audience] ?? 0) }
    }

    /// An entry for `audience` is being appended in the writer's open transaction: its polls
    /// answer when that transaction commits (nothing when it rolls back).
    func willAppend(for audience: String) {
        state.withLock { _ = $0.pending.insert(audience) }
    }

    /// Entries for `audience` are committed: its waiting polls answer.
    func notify(_ audience: String) {
        let waiters = state.withLock { state in
            state.generations[audience, default: 0] &+= 1
            return state.waiters.removeValue(forKey: audience)?.values.map { $0 } ?? []
        }
        resume(waiters)
    }

    /// Every waiting poll answers now (the node is shutting down).
    func notifyAll() {
        let waiters = state.withLock { state in
            state.everyone &+= 1
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        resume(waiters)
    }

    /// Returns once `audience`'s generation differs from `seen`, after `timeout`, or on
    /// cancellation. Whoever removes a waiter (notify, timer, cancellation) resumes it, once.
    func wait(for audience: String, since seen: UInt64, timeout: Duration) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    let generation = state.everyone &+ (state.generations[audience] ?? 0)
                    guard generation == seen, !Task.isCancelled else { return false }
                    let timer = Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        self?.expire(id, of: audience)
                    }
                    state.waiters[audience, default: [:]][id] = Waiter(continuation: continuation, timer: timer)
                    return true
                }
                if !registered { continuation.resume() }
            }
        } onCancel: {
            expire(id, of: audience)
        }
    }

    private func expire(_ id: UUID, of audience: String) {
        let waiter = state.withLock { state -> Waiter? in
            let waiter = state.waiters[audience]?.removeValue(forKey: id)
            if state.waiters[audience]?.isEmpty == true { state.waiters[audience] = nil }
            return waiter
        }
        guard let waiter else { return }
        resume([waiter])
    }

    private func resume(_ waiters: [Waiter]) {
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
    }
}

/// The writer's transactions, observed for the node's lifetime (`NodeContext` registers it once):
/// a commit wakes the audiences of the entries appended in it.
extension FeedSignal: TransactionObserver {
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        let audiences = state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
        for audience in audiences { notify(audience) }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { $0.pending = [] }
    }
}

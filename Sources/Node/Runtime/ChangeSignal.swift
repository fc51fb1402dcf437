import Foundation
import Synchronization

/// Wakes whoever waits for "something new" (a feed entry for long-polling children, an outbox
/// message for the push loop) without polling the database.
final class ChangeSignal: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Void, Never>
        let timer: Task<Void, Never>?
    }

    private struct State {
        var generation: UInt64 = 0
        var waiters: [UUID: Waiter] = [:]
    }

    private let state = Mutex(State())

    var generation: UInt64 { state.withLock { $0.generation } }

    func notify() {
        let waiters = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
    }

    /// Returns once the generation differs from `seen`, after `timeout`, or on cancellation.
    /// Whoever removes a waiter from the table (notify, timer, cancellation) resumes it, once.
    func wait(since seen: UInt64, timeout: Duration) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    // Checked under the lock that `expire` also takes, so a cancellation is never missed.
                    guard state.generation == seen, !Task.isCancelled else { return false }
                    let timer = Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        self?.expire(id)
                    }
                    state.waiters[id] = Waiter(continuation: continuation, timer: timer)
                    return true
                }
                if !registered { continuation.resume() }
            }
        } onCancel: {
            expire(id)
        }
    }

    private func expire(_ id: UUID) {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume()
    }
}

import GRDB
import Synchronization

/// Which handover questions the sync loop last found answered "none", and whether the `handovers`
/// table changed since. The pull loop asks for a handover to take over before every feed page, and
/// the push loop for a unit's life to hand up and for a retirement whenever its outbox empties:
/// three reads per report at every commune, and as many per idle poll, for a table that changes
/// only when a handover begins or moves on. The answer "none" stands until a transaction of the
/// node's writer changes a row of the table (observed here for the node's lifetime, registered by
/// `NodeContext`), so a question asked again with no such commit in between needs no read.
/// Only the node's own process writes the `handovers` table while it runs: `reportnet restore`
/// refuses while the node runs, and the commands that open a running node's database (forms,
/// indicators, figures, bootstrap-admin) never write it; a new process starts with nothing known.
final class HandoverChanges: Sendable {
    /// A question the sync loop asks of the `handovers` table.
    enum Question: Hashable, Sendable {
        /// A handover this node takes over (`UnitHandovers.takeOver`).
        case takeOver
        /// A moved unit's life to hand up to the parent node named so (`UnitHandovers.handUpMoved`).
        case handUpMoved(to: String)
        /// A retirement whose life goes back to the parent (`UnitHandovers.handBack`).
        case handBack
    }

    private struct State {
        /// Bumped by every committed transaction that changed a row of `handovers`.
        var generation: UInt64 = 0
        /// A row changed in the writer's open transaction.
        var changing = false
        /// The generation at which each question was last answered "none".
        var none: [Question: UInt64] = [:]
    }

    private let state = Mutex(State())

    /// Asks the table `question` with `read`, unless the answer is known to be "none" (then nil
    /// without reading); a "none" read is remembered (`noteNone(_:asOf:)`).
    func ask<Answer>(_ question: Question, _ read: () async throws -> Answer?) async rethrows -> Answer? {
        guard !knownNone(question) else { return nil }
        let seen = generation
        guard let answer = try await read() else {
            noteNone(question, asOf: seen)
            return nil
        }
        return answer
    }

    /// Read before asking the table; passed to `noteNone(_:asOf:)` with the answer.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// True when `question` was answered "none" and the table has not changed since.
    func knownNone(_ question: Question) -> Bool {
        state.withLock { $0.none[question] == $0.generation }
    }

    /// `question` was answered "none" by a read begun after `generation` was taken. Kept only if
    /// no change committed meanwhile (the read may have missed it).
    func noteNone(_ question: Question, asOf generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            state.none[question] = generation
        }
    }
}

extension HandoverChanges: TransactionObserver {
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName.lowercased() == "handovers"
    }

    func databaseDidChange(with event: DatabaseEvent) {
        state.withLock { $0.changing = true }
    }

    func databaseDidCommit(_ db: Database) {
        state.withLock { state in
            guard state.changing else { return }
            state.changing = false
            state.generation &+= 1
        }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { $0.changing = false }
    }
}

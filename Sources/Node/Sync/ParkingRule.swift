import GRDB

extension Inbox {
    /// Whether a failure while applying one message is a refusal of that message (it is parked,
    /// with its reason) rather than a failure of the moment (the whole batch fails, nothing is
    /// applied, and the sender sends it again). Cancellation — a sender gone mid-push, a node
    /// shutting down —, an interrupted or busy database, I/O errors and evidence still on its way
    /// are of the moment: parking them would set aside a message that applies a second later.
    static func parks(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError: false
        case is EvidenceMissing: false
        case let error as DatabaseError: error.isConstraintViolation
        default: !Task.isCancelled
        }
    }
}

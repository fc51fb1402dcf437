import Foundation

/// The ports each node's listeners are bound to, for nodes started on port 0: children await
/// their parent's federation port before dialling it.
public actor AddressBook {
    private var ports: [String: Int] = [:]
    private var waiters: [String: [UUID: CheckedContinuation<Int, any Error>]] = [:]

    public init() {}

    package func record(node: String, listener: String, port: Int) {
        let key = "\(node)/\(listener)"
        ports[key] = port
        for waiter in (waiters.removeValue(forKey: key) ?? [:]).values { waiter.resume(returning: port) }
    }

    /// The bound port of `listener` ("web" or "federation") of `node`, once it is listening.
    /// Throws `CancellationError` when the caller is cancelled first (e.g. a listener failed to bind).
    public func port(node: String, listener: String) async throws -> Int {
        let key = "\(node)/\(listener)"
        if let port = ports[key] { return port }
        let id = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters[key, default: [:]][id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancel(key: key, id: id) }
        }
    }

    private func cancel(key: String, id: UUID) {
        waiters[key]?.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }
}

/// The ports each node's listeners are bound to, for nodes started on port 0: children await
/// their parent's federation port before dialling it.
public actor AddressBook {
    private var ports: [String: Int] = [:]
    private var waiters: [String: [CheckedContinuation<Int, Never>]] = [:]

    public init() {}

    func record(node: String, listener: String, port: Int) {
        let key = "\(node)/\(listener)"
        ports[key] = port
        for waiter in waiters.removeValue(forKey: key) ?? [] { waiter.resume(returning: port) }
    }

    /// The bound port of `listener` ("web" or "federation") of `node`, once it is listening.
    public func port(node: String, listener: String) async -> Int {
        let key = "\(node)/\(listener)"
        if let port = ports[key] { return port }
        return await withCheckedContinuation { waiters[key, default: []].append($0) }
    }
}

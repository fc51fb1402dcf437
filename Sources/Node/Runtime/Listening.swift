import Synchronization

/// Where this node's process listens, as its server bound it. The topology names where a node is
/// meant to listen; a configuration may say otherwise, and a joining child must be told the truth.
package final class Listening: Sendable {
    private let port = Mutex<Int?>(nil)

    package init() {}

    /// The federation listener's port, once known.
    package var federationPort: Int? {
        get { port.withLock { $0 } }
        set { port.withLock { $0 = newValue } }
    }
}

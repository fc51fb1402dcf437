import Foundation

/// The state of this node's links: what waits to go up, what was parked, when peers were last seen.
package struct SyncStatus: Encodable, Sendable {
    struct Parked: Codable, Sendable {
        let message: String
        let kind: String
        let unit: String
        let reason: String
    }

    /// A message received from a peer and set aside, with why.
    struct Refused: Codable, Sendable {
        let origin: String
        let message: String
        let kind: String
        let reason: String
        let receivedAt: Date
    }

    struct Peer: Codable, Sendable {
        let unit: String
        let relation: String
        let cursor: Int64
        let lastContact: Date?
        let lastError: String?
    }

    let node: String
    let parent: String?
    let outboxPending: Int
    let parked: [Parked]
    /// The latest messages this node received and parked (newest first, at most 100).
    let parkedReceived: [Refused]
    let peers: [Peer]
}

import Foundation
import Synchronization

/// The last contact with each peer as this process knows it, and what the `peers` table holds of
/// it. A child long-polls its parent's feed every 20 s and reports its status every minute:
/// writing every contact made a write transaction (and a sync to disk) per poll on both ends of
/// every link, hundreds a second across a country's 3,356 nodes, to say only "still there". The
/// table is written when something changes (a failure recorded there is to be cleared, the peer
/// is first heard of since the node started) and otherwise at most every `writeEvery`; whoever
/// reads a contact takes the later of the table's and this one's (`latest(_:stored:)`), so the
/// nodes at a glance, silence and health see every contact at once, and after a restart the
/// table is at most `writeEvery` behind. The feed position a child confirms when it polls again
/// (what it has applied) is only shown (sync lag, the link's unread entries): it moves with every
/// entry a child reads, two a report at a province, and is written with the next contact the
/// table records (a poll due, a push, a status report), read from here meanwhile
/// (`confirmed(_:stored:)`).
final class PeerContacts: Sendable {
    /// How far behind the last contact the table may fall while nothing else changes.
    static let writeEvery: TimeInterval = 60

    private struct Link {
        /// The last contact, written or not.
        var heard: Date?
        /// The last contact the table holds (nil: none written by this process yet).
        var written: Date?
        /// The feed position the child last confirmed, written or not.
        var confirmed: Int64?
        /// The table holds a failure for the peer, which the next contact clears.
        var failing = false
    }

    private let links = Mutex([String: Link]())

    /// A contact at `at` (with the feed position a child confirmed, if any): nil when nothing
    /// needs writing now, otherwise the feed position to write with it (the last one the child
    /// confirmed, nil when it never did). When it must be written, it counts as written
    /// (`failed` undoes that if the write fails).
    func heard(_ peer: String, at: Date, cursor: Int64? = nil) -> Due? {
        links.withLock { links in
            var link = links[peer, default: Link()]
            link.heard = max(link.heard ?? at, at)
            if let cursor { link.confirmed = cursor }
            let due =
                link.written == nil || link.failing || at.timeIntervalSince(link.written!) >= Self.writeEvery
            if due {
                link.written = at
                link.failing = false
            }
            links[peer] = link
            return due ? Due(cursor: link.confirmed) : nil
        }
    }

    /// A contact to write, with the feed position the child last confirmed (nil: none).
    struct Due {
        let cursor: Int64?
    }

    /// The feed position `peer` last confirmed: the one heard since the node started, else the
    /// one the table holds (`stored`).
    func confirmed(_ peer: String, stored: Int64) -> Int64 {
        confirmed(peer) ?? stored
    }

    /// The feed position `peer` last confirmed since the node started (nil: none), written with
    /// any contact the table records for it (a poll due, a push, a status report).
    func confirmed(_ peer: String) -> Int64? {
        links.withLock { $0[peer]?.confirmed }
    }

    /// A contact written in a committed transaction (a batch that brought it, a status report).
    func written(_ peer: String, at: Date) {
        links.withLock { links in
            var link = links[peer, default: Link()]
            link.heard = max(link.heard ?? at, at)
            link.written = max(link.written ?? at, at)
            link.failing = false
            links[peer] = link
        }
    }

    /// A failure is recorded for the peer (or a contact could not be written): the next contact
    /// is written, whatever its age.
    func failed(_ peer: String) {
        links.withLock { $0[peer, default: Link()].failing = true }
    }

    /// The peers heard from at or after `since` (the benchmark's "every node has called its parent").
    func peersHeard(since: Date) -> Set<String> {
        links.withLock { links in
            Set(links.compactMap { peer, link in (link.heard ?? .distantPast) >= since ? peer : nil })
        }
    }

    /// The later of the contact the table holds (`stored`) and the last one heard.
    func latest(_ peer: String, stored: Date?) -> Date? {
        let heard = links.withLock { $0[peer]?.heard }
        return [stored, heard].compactMap { $0 }.max()
    }
}

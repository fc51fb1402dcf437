import Auth
import Federation
import Foundation
import GRDB
import Testing

@testable import Node

/// A link's contacts are written to the `peers` table only when they change something (a failure
/// is cleared) or the one written has aged a minute, with the feed position the child confirmed
/// last, while the node's own views (links, sync lag, nodes at a glance, silence) see every
/// contact and position at once.
@Suite struct PeerContactTests {
    /// What the `peers` table holds of `peer`.
    static func stored(
        _ node: LocalNode,
        _ peer: String
    ) async throws -> (cursor: Int64?, contact: Date?, error: String?) {
        try await node.database.pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT cursor, last_contact, last_error FROM peers WHERE unit = ?",
                arguments: [peer]
            )
            return (row?["cursor"], row?["last_contact"], row?["last_error"])
        }
    }

    /// The test clock also moves with real time (and a loaded machine may take seconds between two
    /// steps): a contact counts as written when it is at or after the instant read just before the
    /// touch (to the millisecond the table keeps), and as not written when the table still holds
    /// the contact written before.
    static func written(_ date: Date?, since instant: Date) -> Bool {
        date.map { $0.timeIntervalSince(instant) >= -0.002 } ?? false
    }

    @Test func aPollIsWrittenWhenItChangesSomethingOrTheContactWrittenHasAged() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let province = try nodes.open("bac-ninh")
        var before = nodes.clock.now()
        await province.syncLinks.touch("BNI-KB", confirmed: 3)
        var held = try await Self.stored(province, "BNI-KB")
        #expect(held.cursor == 3 && Self.written(held.contact, since: before), "first heard of since start: written")
        let kept = try #require(held.contact)
        // The test clock also moves with real time: each step sets it to an age of the contact
        // written, whatever time the steps before took on a loaded machine.
        func age(_ seconds: TimeInterval) {
            nodes.clock.advance(by: seconds - nodes.clock.now().timeIntervalSince(kept))
        }

        // The same position 20 s later: nothing written, yet the node's links show the contact.
        age(20)
        before = nodes.clock.now()
        await province.syncLinks.touch("BNI-KB", confirmed: 3)
        held = try await Self.stored(province, "BNI-KB")
        #expect(held.contact == kept, "an idle poll writes nothing")
        let link = try await province.syncLinks.status().peers.first { $0.unit == "BNI-KB" }
        #expect(Self.written(link?.lastContact, since: before))

        // The child read further (it polls again after every entry it reads): not written, yet
        // the node's links and the sync lag count from the position it confirmed.
        age(25)
        await province.syncLinks.touch("BNI-KB", confirmed: 4)
        held = try await Self.stored(province, "BNI-KB")
        #expect(held.cursor == 3 && held.contact == kept, "a position confirmed is not written at once")
        let moved = try await province.syncLinks.status().peers.first { $0.unit == "BNI-KB" }
        #expect(moved?.cursor == 4)

        // A minute after the contact written, a poll is written again, with the last position.
        age(50)
        await province.syncLinks.touch("BNI-KB", confirmed: 4)
        #expect(try await Self.stored(province, "BNI-KB").contact == kept)
        age(70)
        before = nodes.clock.now()
        await province.syncLinks.touch("BNI-KB", confirmed: 4)
        held = try await Self.stored(province, "BNI-KB")
        #expect(held.cursor == 4 && Self.written(held.contact, since: before))

        // A failure is written at once, and the next contact clears it, however soon.
        await province.syncLinks.touch("BNI-KB", error: "feed pull: connection refused")
        #expect(try await Self.stored(province, "BNI-KB").error == "feed pull: connection refused")
        nodes.clock.advance(by: 5)
        before = nodes.clock.now()
        await province.syncLinks.touch("BNI-KB", confirmed: 4)
        held = try await Self.stored(province, "BNI-KB")
        #expect(held.error == nil && Self.written(held.contact, since: before))

        // Another process (a restart) knows nothing yet: its first contact is written.
        let again = try nodes.open("bac-ninh")
        nodes.clock.advance(by: 5)
        before = nodes.clock.now()
        await again.syncLinks.touch("BNI-KB", confirmed: 4)
        #expect(Self.written(try await Self.stored(again, "BNI-KB").contact, since: before))
    }

    /// Bắc Ninh's status as its node reports it at `instant`, with nothing waiting.
    static func provinceStatus(at instant: Date) -> NodeStatus {
        NodeStatus(
            unit: "BNI",
            node: "bac-ninh",
            softwareVersion: SoftwareVersion.current,
            protocolVersion: ProtocolVersion.current,
            reportedAt: instant,
            parked: 0,
            certificateExpiry: nil,
            databaseBytes: nil,
            upPending: 0,
            upCurrentAt: instant,
            lastContact: nil,
            downPending: nil,
            downCurrentAt: nil
        )
    }

    @Test func aChildHeardSinceItsContactWasWrittenIsNotSilent() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let admin = Actor(username: "tw.admin", unit: "TW", role: .admin)
        _ = try await centre.nodesAtAGlance.setSilenceThreshold(
            SilenceSetting(silenceThresholdSeconds: 60),
            by: admin
        )
        let sent = nodes.clock.now()
        let status = Self.provinceStatus(at: sent)
        await centre.syncLinks.touch("BNI", confirmed: 0)
        #expect(
            try await centre.statusReports.receive(StatusReport(statuses: [status], sentAt: sent), from: "BNI") == 1
        )
        let kept = try await Self.stored(centre, "BNI").contact
        #expect(Self.written(kept, since: sent))
        func silent() async throws -> Bool {
            let listed = try await centre.nodesAtAGlance.overview(for: admin).items.first { $0.unit == "BNI" }
            return try #require(listed).silent
        }
        func alerted() async throws -> Bool {
            try await centre.alerts.visible(to: admin, includeCleared: false).contains {
                $0.kind == .silentNode && $0.unit == "BNI"
            }
        }

        // The province polls 50 s later (not written: the status report's contact is recent)...
        nodes.clock.advance(by: 50)
        await centre.syncLinks.touch("BNI", confirmed: 0)
        #expect(try await Self.stored(centre, "BNI").contact == kept)
        // ...so 100 s after the contact written, it was heard 50 s ago: not silent, no alert.
        nodes.clock.advance(by: 50)
        try await centre.nodesAtAGlance.refreshSilence()
        #expect(try await silent() == false)
        #expect(try await alerted() == false)

        // Heard of no more: silent past the threshold, alerted; a status report clears it.
        nodes.clock.advance(by: 20)
        try await centre.nodesAtAGlance.refreshSilence()
        #expect(try await silent())
        #expect(try await alerted())
        let later = nodes.clock.now()
        let back = Self.provinceStatus(at: later)
        #expect(try await centre.statusReports.receive(StatusReport(statuses: [back], sentAt: later), from: "BNI") == 1)
        #expect(try await silent() == false)
        #expect(try await alerted() == false)
    }
}

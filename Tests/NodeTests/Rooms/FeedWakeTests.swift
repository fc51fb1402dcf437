import Federation
import Foundation
import Testing

@testable import Node

/// The downward feed's long poll on Bắc Ninh's node (children `kinh-bac` and `yen-phong`), over a
/// temporary SQLite file: a child's waiting poll answers when entries for it are committed, and
/// only then. Entries for a sibling must not answer it with an empty page (a province with a
/// hundred communes once answered a hundred empty polls for every receipt it passed down).
@Suite struct FeedWakeTests {
    let nodes: LocalNodes
    let province: LocalNode

    init() throws {
        nodes = try LocalNodes()
        province = try nodes.open("bac-ninh")
    }

    private func append(for audience: String) async throws {
        try await province.database.pool.write { db in
            try province.context.appendToFeed(
                db,
                audience: audience,
                kind: .unitChanged,
                unit: audience,
                body: ["note": "for \(audience)"]
            )
        }
    }

    @Test func aWaitingPollAnswersWithItsOwnEntryAndNotASiblings() async throws {
        defer { nodes.remove() }
        let poll = Task {
            try await province.feed.page(for: "BNI-KB", after: 0, limit: 10, wait: .seconds(30))
        }
        try await Task.sleep(for: .milliseconds(200))
        try await append(for: "BNI-YP")
        // Time for a wrongly woken poll to answer empty before its own entry exists.
        try await Task.sleep(for: .milliseconds(300))
        try await append(for: "BNI-KB")
        let page = try await poll.value
        #expect(page.entries.count == 1)
        #expect(page.entries.first?.envelope.unit == "BNI-KB")
    }

    @Test func aRolledBackEntryWakesNobodyAndACommittedOneWakesOnlyItsAudience() async throws {
        defer { nodes.remove() }
        let signal = province.feedSignal
        let before = (kb: signal.generation(of: "BNI-KB"), yp: signal.generation(of: "BNI-YP"))
        struct Abandoned: Error {}
        await #expect(throws: Abandoned.self) {
            try await province.database.pool.write { db in
                try province.context.appendToFeed(db, audience: "BNI-KB", kind: .unitChanged, unit: "BNI-KB", body: [1])
                throw Abandoned()
            }
        }
        #expect(signal.generation(of: "BNI-KB") == before.kb)
        try await append(for: "BNI-YP")
        #expect(signal.generation(of: "BNI-KB") == before.kb)
        #expect(signal.generation(of: "BNI-YP") != before.yp)
    }

    @Test func aPollWithNothingForItWaitsItsTimeAndAnswersEmpty() async throws {
        defer { nodes.remove() }
        try await append(for: "BNI-YP")
        let page = try await province.feed.page(for: "BNI-KB", after: 0, limit: 10, wait: .milliseconds(300))
        #expect(page.entries.isEmpty)
        #expect(page.cursor == 0)
    }
}

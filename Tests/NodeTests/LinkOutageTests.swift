import FaultProxy
import Federation
import Foundation
import GRDB
import Testing

@testable import Node

/// Issue F: a commune cut off for a month catches up when its link returns, and a node one
/// protocol version older keeps syncing with a newer parent.
@Suite(.serialized) struct LinkOutageTests {
    /// Thirty simulated days: the volume of a month's work (a report a day, accounts, new
    /// assignments every day from the centre) piles up on both sides of a black-holed link.
    /// `REPORTNET_OUTAGE_DAYS` changes the number of days.
    @Test func communeOfflineForAMonthCatchesUp() async throws {
        let days = ProcessInfo.processInfo.environment["REPORTNET_OUTAGE_DAYS"].flatMap(Int.init) ?? 30
        let directory = TestFederation.scratchFolder("outage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: 30)
        try await TestFederation.run(in: directory, links: links) { f in
            let proxies = try await links.all(waitingFor: FaultCampaignTests.children)
            // Before the outage: a form per day of the month is assigned and reaches the commune.
            var before: [String] = []
            for day in 0..<days {
                before.append(try await f.assignToCommunes(period: Self.period(day), createForm: day == 0))
            }
            try await f.eventually("the month's assignments reach Kinh Bắc", seconds: 60) {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == days
            }
            proxies["kinh-bac"]!.outage(.blackHole)
            // The month offline: a report approved each day, accounts created on both sides,
            // and the centre goes on assigning.
            var reports: [String] = []
            var accounts: [String: String] = [:]
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            for day in 0..<days {
                reports.append(
                    try #require(
                        try await f.approveReport(
                            unit: "BNI-KB",
                            node: "kinh-bac",
                            assignment: before[day],
                            staff: day + 1
                        )
                    )
                )
                _ = try await f.assignToCommunes(period: Self.period(days + day), createForm: false)
                if day % 3 == 0 {
                    let down = "qt.kb.\(day)"
                    #expect(
                        try await province.call(
                            .POST,
                            "/api/v1/accounts",
                            body: ["username": down, "fullName": "Quản trị \(day)", "unit": "BNI-KB", "role": "admin"]
                        ).status == 201
                    )
                    accounts[down] = "kinh-bac"
                    let here = "nv.kb.\(day)"
                    #expect(
                        try await commune.call(
                            .POST,
                            "/api/v1/accounts",
                            body: [
                                "username": here, "fullName": "Nhân viên \(day)", "unit": "BNI-KB",
                                "role": "data_entry",
                            ]
                        ).status == 201
                    )
                }
            }
            let waitingUp = try await f.count("kinh-bac", "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            let waitingDown = try await f.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM feed WHERE audience = 'BNI-KB' AND seq > (SELECT cursor FROM peers WHERE unit = 'BNI-KB')"
            )
            #expect(waitingUp == days, "every approval waits in the commune's outbox")
            #expect(
                try await f.count("centre", "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-KB'") == 0,
                "nothing crossed the black hole"
            )
            // The link comes back.
            proxies["kinh-bac"]!.heal()
            let back = ContinuousClock.now
            try await f.eventually("Kinh Bắc caught up", seconds: 120) {
                let reports = try await f.count(
                    "centre",
                    "SELECT COUNT(*) FROM reports WHERE unit = 'BNI-KB' AND state = 'approved'"
                )
                let assignments = try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments")
                return reports == days && assignments == 2 * days
            }
            let caughtUp = ContinuousClock.now - back
            _ = try await f.converge(accounts: accounts)
            print(
                "long outage: \(days) simulated days offline, \(waitingUp) messages waiting up and \(waitingDown) down; caught up \(caughtUp) after the link came back (\(proxies["kinh-bac"]!.counters))"
            )
        }
    }

    static func period(_ index: Int) -> String {
        String(format: "%04d-%02d", 2024 + index / 12, index % 12 + 1)
    }

    /// The shape of protocol 1's feed page, exactly: what an older node decodes.
    struct FeedPageV1: Codable {
        let protocolVersion: Int
        let accepted: ClosedRange<Int>
        let entries: [FeedEntry]
        let cursor: Int64
        let more: Bool
    }

    @Test func olderProtocolChildKeepsSyncing() async throws {
        // Kinh Bắc's own loop is cut off; a sender one protocol version behind speaks for it instead.
        try await TestFederation.withKinhBacCutOff("version-skew", seed: 1) { f, proxies, assignment in
            let report = try #require(
                try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: assignment, staff: 9)
            )
            let pending = try await f.local("kinh-bac").outbox.pending(limit: 10)
            let message = try #require(pending.first)
            let old = Envelope(
                protocolVersion: ProtocolVersion.current - 1,
                id: message.id,
                origin: message.origin,
                kind: message.kind,
                unit: message.unit,
                body: message.body
            )
            let client = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
            defer { Task { try? await client.shutdown() } }
            let answer = try await client.push(
                PushRequest(protocolVersion: ProtocolVersion.current - 1, messages: [old])
            )
            #expect(answer.results.map(\.status) == [.applied], "\(answer.results)")
            // An older sender reads receipts from its feed only: the province's goes there.
            #expect(answer.receipts == nil)
            #expect(try await ReceiptTests.feedReceipts(client, at: "BNI") == 1)
            #expect(
                answer.accepted.contains(ProtocolVersion.current - 1)
                    && answer.protocolVersion == ProtocolVersion.current
            )
            try await f.eventually("the report pushed in protocol 1 reaches the centre") {
                try await f.count(
                    "centre",
                    "SELECT COUNT(*) FROM reports WHERE id = ? AND state = 'approved'",
                    [report]
                ) == 1
            }
            // The newer parent's feed page reads as protocol 1 (the new field is ignored)…
            let page = try await client.feed(after: 0)
            #expect(page.epoch != nil)
            let asOld = try JSONDecoder.federation.decode(
                FeedPageV1.self,
                from: try JSONEncoder.federation.encode(page)
            )
            #expect(asOld.entries.map(\.envelope.id) == page.entries.map(\.envelope.id) && asOld.cursor == page.cursor)
            // …and a protocol-1 page (no epoch) changes nothing in a newer child.
            let fromOld = try JSONDecoder.federation.decode(
                FeedPage.self,
                from: try JSONEncoder.federation.encode(asOld)
            )
            #expect(fromOld.epoch == nil)
            #expect(try await f.local("kinh-bac").epochs.noteParentEpoch(fromOld.epoch, of: "BNI") == false)
            // When the newer loop comes back, its own push of the same message is a replay.
            proxies["kinh-bac"]!.heal()
            _ = try await f.converge()
            #expect(try await f.count("bac-ninh", "SELECT COUNT(*) FROM inbox WHERE message_id = ?", [message.id]) == 1)
            #expect(
                try await f.count(
                    "centre",
                    "SELECT COUNT(*) FROM report_events WHERE report_id = ? AND action = 'received'",
                    [report]
                ) == 1
            )
        }
    }
}

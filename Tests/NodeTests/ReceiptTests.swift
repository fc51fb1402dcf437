import FaultProxy
import Federation
import Foundation
import GRDB
import Testing

@testable import Node

/// Issue H, end to end over the real federation: every level's fate of a report travels back to
/// its origin; a parked message is seen, retried when what it lacked arrives, and can be set
/// aside, and the origin sees each of these.
@Suite(.serialized) struct ReceiptTests {
    static func journey(
        _ f: TestFederation,
        report id: String,
        at node: String,
        as user: String
    ) async throws
        -> [String: Any]
    {
        let client = try await f.login(user, at: node)
        let view = try await client.call(.GET, "/api/v1/reports/\(id)")
        return view.json["journey"] as? [String: Any] ?? [:]
    }

    /// How many receipts of fates at `node` the child's feed holds (the centre's, relayed by
    /// the province, may be there too).
    static func feedReceipts(_ client: FederationClient, at node: String) async throws -> Int {
        try await client.feed(after: 0).entries.filter { entry in
            entry.envelope.kind == .receipt
                && (try? JSONDecoder.federation.decode(Receipt.self, from: entry.envelope.body))?.node == node
        }.count
    }

    static func hops(_ journey: [String: Any]) -> [String] {
        ((journey["hops"] as? [[String: Any]]) ?? []).map { "\($0["node"] ?? "?"):\($0["fate"] ?? "?")" }
    }

    /// Approves Kinh Bắc's report once the assignment has reached it; returns its id.
    static func approved(_ f: TestFederation, assignment: String) async throws -> String {
        var id: String?
        try await f.eventually("the assignment reaches Kinh Bắc") {
            id = try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: assignment, staff: 3)
            return id != nil
        }
        return try #require(id)
    }

    @Test func theOriginSeesEveryLevelAndTheReturnerSeesTheCommuneReceiveIt() async throws {
        try await TestFederation.run { f in
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            let id = try await Self.approved(f, assignment: assignment)
            try await f.eventually("the centre's receipt reaches Kinh Bắc") {
                try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")["status"] as? String
                    == "delivered"
            }
            let journey = try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")
            #expect(Self.hops(journey) == ["BNI:relayed", "TW:kept"])
            #expect(journey["countedAtOwner"] as? Bool == true)
            let summary = journey["summary"] as? String ?? ""
            #expect(summary.contains("đã đến Tỉnh Bắc Ninh"), "\(summary)")
            #expect(summary.contains("đã đến Văn phòng Trung ương"), "\(summary)")
            #expect(summary.contains("đã được tính tại đơn vị giao biểu mẫu"), "\(summary)")

            // The centre returns it: the centre sees the province pass it on and the commune receive it.
            let centre = try await f.login("tw.approver", at: "centre")
            let returned = try await centre.call(
                .POST,
                "/api/v1/reports/\(id)/return",
                body: ["message": "Bổ sung số liệu"]
            )
            #expect(returned.status == 200, "\(returned.text)")
            try await f.eventually("Kinh Bắc's receipt of the return reaches the centre") {
                let view = try await centre.call(.GET, "/api/v1/reports/\(id)").json
                return (view["returnJourney"] as? [String: Any])?["status"] as? String == "delivered"
            }
            let back = try await centre.call(.GET, "/api/v1/reports/\(id)").json["returnJourney"] as? [String: Any]
            #expect(Self.hops(back ?? [:]) == ["BNI:relayed", "BNI-KB:kept"])
            let backSummary = back?["summary"] as? String ?? ""
            #expect(backSummary.contains("đã đến Phường Kinh Bắc"), "\(backSummary)")
            // Receipts are kept once per message and node, however often they travel.
            #expect(
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM receipts WHERE subject = ?", ["report:\(id)"]) == 4,
                "Kinh Bắc: its own sent approval, the province's and the centre's fates, its own fate of the return"
            )
        }
    }

    /// A child of protocol 4 reads the parent's own receipt in the push's answer, and again when
    /// it pushes the same message once more (its first answer lost); the child's feed holds no
    /// copy of it. The commune's journey still shows every level.
    @Test func thePushAnswerCarriesTheParentsReceiptEvenForAReplay() async throws {
        // Kinh Bắc's own loop is cut off; the test pushes its message as the loop would.
        try await TestFederation.withKinhBacCutOff("receipts-in-answers", seed: 2) { f, proxies, assignment in
            let id = try #require(
                try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: assignment, staff: 3)
            )
            let message = try #require(try await f.local("kinh-bac").outbox.pending(limit: 10).first)
            let client = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
            defer { Task { try? await client.shutdown() } }
            for attempt in ["first", "replay"] {
                let answer = try await client.push(PushRequest(messages: [message]))
                #expect(answer.results.map(\.replayed) == [attempt == "replay"], "\(answer.results)")
                let receipts = try #require(answer.receipts, "\(attempt)")
                #expect(receipts.map(\.kind) == [.receipt] && receipts.map(\.origin) == ["BNI"], "\(attempt)")
                let receipt = try JSONDecoder.federation.decode(Receipt.self, from: try #require(receipts.first).body)
                #expect(receipt.node == "BNI" && receipt.fate == .relayed && receipt.subject == "report:\(id)")
            }
            #expect(
                try await Self.feedReceipts(client, at: "BNI") == 0,
                "the province's own receipt travels in the answer only"
            )
            // The loop comes back: its own push is a replay, and its answer brings the receipt home.
            proxies["kinh-bac"]!.heal()
            try await f.eventually("the centre's receipt reaches Kinh Bắc") {
                try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")["status"] as? String
                    == "delivered"
            }
            let journey = try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")
            #expect(Self.hops(journey) == ["BNI:relayed", "TW:kept"])
        }
    }

    /// The centre lacks Kinh Bắc in the assignment (as if it had never recorded it there): the
    /// report is parked there, shown to the centre's admins and at the origin, and arrives by
    /// itself once the centre adds the unit to the assignment.
    @Test func aParkedReportArrivesByItselfOnceWhatItLackedArrives() async throws {
        try await TestFederation.run { f in
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            try await f.eventually("the assignment reaches Kinh Bắc") {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == 1
            }
            try await f.local("centre").database.pool.write { db in
                try db.execute(
                    sql: "DELETE FROM assignment_units WHERE assignment_id = ? AND unit = 'BNI-KB'",
                    arguments: [assignment]
                )
            }
            let id = try await Self.approved(f, assignment: assignment)
            try await f.eventually("the origin hears that the centre parked it") {
                try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")["status"] as? String
                    == "parked"
            }
            let journey = try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")
            #expect(Self.hops(journey) == ["BNI:relayed", "TW:parked"])
            try await f.eventually("the province, which sent it, holds it as parked by its parent") {
                try await f.count("bac-ninh", "SELECT COUNT(*) FROM outbox WHERE state = 'parked'") == 1
            }
            let summary = journey["summary"] as? String ?? ""
            #expect(summary.contains("bị giữ lại tại Văn phòng Trung ương"), "\(summary)")
            #expect(summary.contains("chưa được giao biểu mẫu"), "a reason a person understands: \(summary)")

            // The centre's admins see it, with a reason saying what would fix it, and a metric counts it.
            let admin = try await f.login("tw.admin", at: "centre")
            let parked = try await admin.call(.GET, "/api/v1/sync/parked")
            #expect(parked.status == 200, "\(parked.text)")
            let item = try #require(parked.items.first { $0["subject"] as? String == "report:\(id)" })
            #expect(item["origin"] as? String == "BNI")
            #expect(item["kind"] as? String == "report.approved")
            #expect(item["state"] as? String == "parked")
            #expect((item["reason"] as? String ?? "").contains("Cần giao"), "\(item)")
            let viewer = try await f.login("bni-kb.entry", at: "kinh-bac")
            #expect(
                try await viewer.call(.GET, "/api/v1/sync/parked").status == 403,
                "parked messages are the node's admins' business"
            )
            let page = try await admin.call(.GET, "/app/sync/parked")
            #expect(page.status == 200)
            #expect(page.text.contains("Tin bị giữ lại") && page.text.contains("Cần giao"), "\(page.text)")
            // An alert to the admins of the parking node, and (through the receipt) of the origin.
            let alertsHere = try await admin.call(.GET, "/api/v1/alerts").items
            #expect(alertsHere.contains { $0["kind"] as? String == "parked_message" }, "\(alertsHere)")
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")
            let alertsAtOrigin = try await leader.call(.GET, "/api/v1/alerts").items
            #expect(
                alertsAtOrigin.contains {
                    $0["kind"] as? String == "parked_message"
                        && ($0["message"] as? String ?? "").contains("Văn phòng Trung ương")
                },
                "\(alertsAtOrigin)"
            )
            let reportPage = try await leader.call(.GET, "/app/reports/\(id)")
            #expect(reportPage.text.contains("bị giữ lại tại Văn phòng Trung ương"), "the report's page shows it")
            let metrics = try await f.local("centre").metricsScrape.text()
            #expect(metrics.contains("reportnet_inbox_parked 1"), "\(metrics)")

            // What it lacked arrives: the centre adds Kinh Bắc to the assignment.
            let amended = try await admin.call(
                .POST,
                "/api/v1/assignments/\(assignment)/amendments",
                body: ["add": ["BNI-KB"], "reason": "Bổ sung đơn vị"]
            )
            #expect(amended.status == 201, "\(amended.text)")
            try await f.eventually("the report is kept at the centre") {
                try await f.count("centre", "SELECT COUNT(*) FROM reports WHERE id = ?", [id]) == 1
            }
            try await f.eventually("the origin hears it arrived") {
                try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")["status"] as? String
                    == "delivered"
            }
            try await f.eventually("the province's outbox no longer holds it as parked") {
                try await f.count("bac-ninh", "SELECT COUNT(*) FROM outbox WHERE state = 'parked'") == 0
            }
            let cleared = try await leader.call(.GET, "/api/v1/alerts").items
            #expect(!cleared.contains { $0["kind"] as? String == "parked_message" }, "cleared once it arrived")
            let after = try await admin.call(.GET, "/api/v1/sync/parked").items.first {
                $0["id"] as? String == item["id"] as? String
            }
            #expect(after?["state"] as? String == "applied")
            #expect(
                try await f.count(
                    "centre",
                    "SELECT COUNT(*) FROM report_events WHERE report_id = ? AND action = 'received'",
                    [id]
                )
                    == 1,
                "applied once"
            )
        }
    }

    /// An admin sets a parked report aside with a reason (audited); the origin sees it.
    @Test func aSetAsideShowsAtTheOrigin() async throws {
        try await TestFederation.run { f in
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            try await f.eventually("the assignment reaches Kinh Bắc") {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == 1
            }
            try await f.local("centre").database.pool.write { db in
                try db.execute(
                    sql: "DELETE FROM assignment_units WHERE assignment_id = ? AND unit = 'BNI-KB'",
                    arguments: [assignment]
                )
            }
            let id = try await Self.approved(f, assignment: assignment)
            let admin = try await f.login("tw.admin", at: "centre")
            var parked: [String: Any]?
            try await f.eventually("the centre parks it") {
                parked = try await admin.call(.GET, "/api/v1/sync/parked").items.first {
                    $0["subject"] as? String == "report:\(id)"
                }
                return parked != nil
            }
            let origin = try #require(parked?["origin"] as? String)
            let message = try #require(parked?["id"] as? String)
            let noReason = try await admin.call(
                .POST,
                "/api/v1/sync/parked/\(origin)/\(message)/set-aside",
                body: ["reason": " "]
            )
            #expect(noReason.status == 400)
            let setAside = try await admin.call(
                .POST,
                "/api/v1/sync/parked/\(origin)/\(message)/set-aside",
                body: ["reason": "Đơn vị không thuộc đợt giao này"]
            )
            #expect(setAside.status == 200, "\(setAside.text)")
            #expect(setAside.json["state"] as? String == "set-aside")
            #expect(
                try await f.count("centre", "SELECT COUNT(*) FROM audit WHERE action = 'parked.set-aside'") == 1
            )
            try await f.eventually("the origin sees it set aside") {
                try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")["status"] as? String
                    == "set-aside"
            }
            let journey = try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")
            #expect((journey["summary"] as? String ?? "").contains("bị gác lại tại Văn phòng Trung ương"))
            #expect((journey["summary"] as? String ?? "").contains("Đơn vị không thuộc đợt giao này"))
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")
            let alerts = try await leader.call(.GET, "/api/v1/alerts").items
            #expect(
                alerts.contains { ($0["message"] as? String ?? "").contains("bị gác lại tại Văn phòng Trung ương") },
                "the origin's leaders are told: \(alerts)"
            )
            try await f.eventually("the province's outbox says it was set aside") {
                try await f.count(
                    "bac-ninh",
                    "SELECT COUNT(*) FROM outbox WHERE state = 'parked' AND reason LIKE 'set aside by the parent%'"
                ) == 1
            }
            // Set aside is final until someone decides again: a retry applies nothing.
            let retried = try await admin.call(.POST, "/api/v1/sync/parked/\(origin)/\(message)/retry")
            #expect(retried.json["state"] as? String == "set-aside")
            #expect(try await f.count("centre", "SELECT COUNT(*) FROM reports WHERE id = ?", [id]) == 0)
        }
    }

    /// With the province's link to the centre down, the origin's view waits with the last known
    /// hop, and converges when the link comes back.
    @Test func aCutLinkShowsWaitingWithTheLastKnownHop() async throws {
        let directory = TestFederation.scratchFolder("receipts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: 8)
        try await TestFederation.run(in: directory, links: links) { f in
            let proxies = try await links.all(waitingFor: FaultCampaignTests.children)
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            try await f.eventually("the assignment reaches Kinh Bắc") {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == 1
            }
            proxies["bac-ninh"]!.outage(.blackHole)
            let id = try await Self.approved(f, assignment: assignment)
            try await f.eventually("the province's receipt reaches Kinh Bắc") {
                Self.hops(try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry"))
                    == ["BNI:relayed", "TW:pending"]
            }
            let waiting = try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")
            #expect(waiting["status"] as? String == "pending")
            let summary = waiting["summary"] as? String ?? ""
            #expect(summary.contains("đã đến Tỉnh Bắc Ninh"), "\(summary)")
            #expect(summary.contains("đang chờ Văn phòng Trung ương"), "\(summary)")
            proxies["bac-ninh"]!.heal()
            try await f.eventually("the journey converges once the link is back", seconds: 90) {
                try await Self.journey(f, report: id, at: "kinh-bac", as: "bni-kb.entry")["status"] as? String
                    == "delivered"
            }
        }
    }
}

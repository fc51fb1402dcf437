import Federation
import Foundation
import GRDB
import Testing

@testable import Node
@testable import NodeHTTP

/// Decision 4587 wired to data: figures imported (CSV) and entered at the centre, the monthly
/// score with its working, the ranking with the change from last month, and the public ranking.
@Suite(.serialized) struct ScoringFlowTests {
    /// The worked example of `MonthlyScoreTests` for Bắc Ninh; Lào Cai holds the best C1 and the most tasks.
    static let october = """
        unit,month,indicator,value
        BNI,2026-10,tasksDue,20
        BNI,2026-10,completedOnTime,15
        BNI,2026-10,completedLate,2
        BNI,2026-10,tasksAssigned,20
        BNI,2026-10,publicServiceIndex,82
        BNI,2026-10,recordsDigitised,30000
        BNI,2026-10,sharingTransactions,9000
        BNI,2026-10,scienceTasksAccepted,3
        BNI,2026-10,scienceTasks,4
        BNI,2026-10,disbursementPercent,45
        BNI,2026-10,meetingsAttended,3
        BNI,2026-10,meetingsHeld,4
        BNI,2026-10,contributions,2
        BNI,2026-10,reportingOnTime,1
        BNI,2026-10,bonus,2
        LCA,2026-10,tasksAssigned,40
        LCA,2026-10,recordsDigitised,60000
        LCA,2026-10,sharingTransactions,9000
        """
    /// September: Lào Cai ahead.
    static let september = """
        unit,month,indicator,value
        LCA,2026-09,publicServiceIndex,90
        BNI,2026-09,publicServiceIndex,10
        """

    static func row(_ table: [String: Any], _ unit: String) -> [String: Any] {
        (table["rows"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == unit } ?? [:]
    }

    @Test func importScoreRankAndPublish() async throws {
        try await TestFederation.run { f in
            let approver = try await f.login("tw.approver", at: "centre")
            for file in [Self.october, Self.september] {
                let imported = try await approver.call(
                    .POST,
                    "/api/v1/indicators/import",
                    body: file,
                    contentType: "text/csv"
                )
                #expect(imported.status == 200, "\(imported.text)")
            }
            let entered = try await approver.call(
                .PUT,
                "/api/v1/indicators/LCA/2026-10",
                body: ["values": ["bonus": 1, "publicServiceIndex": 70.5]]
            )
            #expect(entered.json["changed"] as? Int == 2, "\(entered.text)")
            #expect(
                try await approver.call(.PUT, "/api/v1/indicators/LCA/2026-10", body: ["values": ["bonus": 1]]).json[
                    "changed"
                ] as? Int == 0,
                "no change, no entry"
            )

            // Refusals: a faulty file (nothing taken), a unit it does not score, data entry, a bad figure.
            let faulty = try await approver.call(
                .POST,
                "/api/v1/indicators/import",
                body: "unit,month,indicator,value\nBNI,2026-10,bonus,9\nBNI,2026-10,x,1\n",
                contentType: "text/csv"
            )
            #expect(
                faulty.status == 422
                    && (faulty.json["details"] as? [String: String])?.keys.sorted() == ["line 2", "line 3"],
                "\(faulty.text)"
            )
            #expect(
                try await approver.call(.PUT, "/api/v1/indicators/BNI-KB/2026-10", body: ["values": ["bonus": 1]])
                    .status == 403,
                "the centre scores provinces only"
            )
            #expect(
                try await f.login("tw.entry", at: "centre").call(
                    .PUT,
                    "/api/v1/indicators/BNI/2026-10",
                    body: ["values": ["bonus": 1]]
                ).status == 403
            )
            #expect(
                try await approver.call(.PUT, "/api/v1/indicators/BNI/2026-10", body: ["values": ["nope": 1]]).status
                    == 422
            )
            #expect(
                try await approver.call(
                    .POST,
                    "/api/v1/indicators/import",
                    body: "unit,month",
                    contentType: "text/plain"
                ).status == 415
            )

            let table = try await approver.call(.GET, "/api/v1/scores?month=2026-10")
            #expect(table.status == 200, "\(table.text)")
            let bni = Self.row(table.json, "BNI")
            #expect(bni["total"] as? Int == 72 && bni["grade"] as? String == "B" && bni["rank"] as? Int == 1, "\(bni)")
            #expect(abs((bni["exact"] as? Double ?? 0) - 71.55) < 1e-9)
            let working = (bni["components"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
                $0[$1["code"] as! String] = $1["working"] as? String
            }
            #expect(working["A1"] == "15 / 20 × 18" && working["C1"] == "30000 / 60000 (cao nhất) × 10")
            #expect(bni["change"] as? Int == 1, "second in September, first in October")
            let lca = Self.row(table.json, "LCA")
            #expect(lca["change"] as? Int == -1 && (lca["missing"] as? [String])?.contains("meetingsHeld") == true)
            let exported = try await approver.call(.GET, "/api/v1/scores/export?month=2026-10&format=csv")
            #expect(
                exported.status == 200 && exported.text.contains("Tỉnh Bắc Ninh") && exported.text.contains("13.5"),
                "\(exported.text)"
            )
            #expect(try await approver.call(.GET, "/api/v1/scores/export?month=2026-10&format=pdf").status == 400)
            let values = try await approver.call(.GET, "/api/v1/indicators?month=2026-10")
            #expect(
                values.items.count == 20 && values.items.allSatisfy { ["BNI", "LCA"].contains($0["unit"] as? String) }
            )
            let audited = try await f.local("centre").database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE action = 'indicator.set'")
            }
            #expect(audited == 22, "every figure set is audited (18 + 2 imported, 2 entered)")

            // Nothing is public before it is published; then only the published figures are.
            let anonymous = APIClient(baseURL: f.node("centre").webURL, caPath: f.manifest.ca)
            #expect(try await anonymous.call(.GET, "/api/v1/public/ranking?month=2026-10").status == 404)
            #expect(
                try await f.login("tw.entry", at: "centre").call(.POST, "/api/v1/scores/2026-10/publish").status == 403
            )
            #expect(try await approver.call(.POST, "/api/v1/scores/2026-10/publish").status == 201)
            let published = try await anonymous.call(.GET, "/api/v1/public/ranking?month=2026-10")
            #expect(published.status == 200, "\(published.text)")
            let first = try #require((published.json["rows"] as? [[String: Any]])?.first)
            #expect(
                first["unit"] as? String == "BNI" && first["total"] as? Int == 72
                    && (first["components"] as? [String: Double])?["A1"] == 13.5
            )
            #expect(
                !published.text.contains("inputs") && !published.text.contains("working")
                    && !published.text.contains("tw.approver"),
                "no raw inputs, working or names"
            )
            #expect(
                try await anonymous.call(.GET, "/api/v1/public/ranking").json["month"] as? String == "2026-10",
                "the latest published month"
            )
            #expect(try await anonymous.call(.GET, "/api/v1/public/ranking?month=2026-13").status == 400)
            // A later change is not public until published again.
            _ = try await approver.call(.PUT, "/api/v1/indicators/LCA/2026-10", body: ["values": ["bonus": 5]])
            #expect(try await anonymous.call(.GET, "/api/v1/public/ranking?month=2026-10").text == published.text)

            // A province scores its communes on its own node.
            let province = try await f.login("bni.approver", at: "bac-ninh")
            #expect(
                try await province.call(.PUT, "/api/v1/indicators/BNI-KB/2026-10", body: ["values": ["bonus": 4]])
                    .status == 200
            )
            #expect(
                try await province.call(.PUT, "/api/v1/indicators/BNI/2026-10", body: ["values": ["bonus": 4]]).status
                    == 403,
                "never its own score"
            )
            let communes = try await province.call(.GET, "/api/v1/scores?month=2026-10")
            #expect(
                (communes.json["rows"] as? [[String: Any]] ?? []).compactMap { $0["unit"] as? String }.sorted() == [
                    "BNI-KB", "BNI-TD", "BNI-YP",
                ]
            )

            // A province reports its own figures on its node; they travel up to the centre, where
            // the highest report number wins and a figure the centre set is never replaced.
            #expect(
                try await province.call(
                    .PUT,
                    "/api/v1/indicators/BNI/2026-11",
                    body: ["values": ["recordsDigitised": 45000, "disbursementPercent": 30]]
                ).status == 200
            )
            #expect(
                try await province.call(
                    .PUT,
                    "/api/v1/indicators/BNI/2026-11",
                    body: ["values": ["recordsDigitised": 46000]]
                ).status == 200
            )
            #expect(
                try await approver.call(
                    .PUT,
                    "/api/v1/indicators/BNI/2026-11",
                    body: ["values": ["disbursementPercent": 35]]
                ).status == 200
            )
            #expect(
                try await province.call(
                    .PUT,
                    "/api/v1/indicators/BNI/2026-11",
                    body: ["values": ["disbursementPercent": 99]]
                ).status == 200
            )
            func november() async throws -> [String: [String: Any]] {
                try await approver.call(.GET, "/api/v1/indicators?month=2026-11").items.reduce(into: [:]) {
                    $0[$1["indicator"] as! String] = $1
                }
            }
            try await f.eventually("the province's three reports reach the centre") {
                try await f.local("centre").database.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE kind = 'indicators.reported'")
                } == 3
            }
            let held = try await november()
            #expect(
                held["recordsDigitised"]?["value"] as? Double == 46000
                    && held["recordsDigitised"]?["source"] as? String == "reported"
            )
            #expect(
                held["disbursementPercent"]?["value"] as? Double == 35
                    && held["disbursementPercent"]?["source"] as? String == "entry",
                "the centre's figure wins"
            )
            let older = IndicatorReport(
                unit: "BNI",
                month: "2026-11",
                values: ["recordsDigitised": 1],
                sequence: 1,
                reportedBy: "bni.approver",
                reportedAt: TestDay.start
            )
            let replay = try await f.local("centre").inbox.receive(
                [
                    Envelope(
                        origin: "BNI",
                        kind: .indicatorsReported,
                        unit: "BNI",
                        body: try JSONEncoder.federation.encode(older)
                    )
                ],
                direction: .fromChild
            )
            #expect(replay.first?.detail.contains("0 kept") == true, "\(replay)")
            #expect(
                try await november()["recordsDigitised"]?["value"] as? Double == 46000,
                "an older report arriving late changes nothing"
            )
        }
    }

    @Test func thePublicEndpointIsRateLimited() async {
        let limit = PublicRateLimit(perMinute: 3)
        let now = ContinuousClock.now
        var admitted: [Bool] = []
        for _ in 0..<4 { admitted.append(await limit.admit("203.0.113.9", at: now)) }
        #expect(admitted == [true, true, true, false])
        #expect(await limit.admit("203.0.113.10", at: now), "per address")
        #expect(await limit.admit("203.0.113.9", at: now + .seconds(60)), "a new minute starts afresh")
    }
}

import Auth
import Foundation
import GRDB
import Testing

@testable import Node

/// Indicator values supplied below travel up (`indicator.value`, issue M points 2 and 3) in the
/// demo federation: a value entered or delivered on Kinh Bắc's own node is counted by Bắc Ninh's
/// and the centre's nodes with its source and who supplied it, and clears the overdue value the
/// province's assignment owed. The day is the pinned 20 November 2026: October is overdue.
@Suite struct IndicatorValuesUpTests {
    /// The figure of `unit` among the children in the values view of `code` for October.
    static func figure(
        _ session: APIClient,
        _ code: String,
        of unit: String,
        under parent: String
    ) async throws -> [String: Any]? {
        let values = try await session.call(
            .GET,
            "/api/v1/indicator-definitions/\(code)/values?period=2026-10&unit=\(parent)"
        )
        let row = (values.json["children"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == unit }
        return row?["figure"] as? [String: Any]
    }

    /// The overdue indicator values on a person's to-do list, as `code unit period`.
    static func overdue(_ session: APIClient) async throws -> [String] {
        let todo = try await session.call(.GET, "/api/v1/todo")
        return (todo.json["indicators"] as? [[String: Any]] ?? []).filter { $0["overdue"] as? Bool == true }.map {
            "\($0["indicator"] as? String ?? "") \($0["unit"] as? String ?? "") \($0["period"] as? String ?? "")"
        }
    }

    @Test func enteredAndDeliveredValuesReachTheProvinceAndTheCentre() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            for definition in [
                IndicatorCatalogueTests.entered("HO_SO"), IndicatorCatalogueTests.delivered("GIAO_DICH"),
            ] {
                let defined = try await centre.call(.POST, "/api/v1/indicator-definitions", body: definition)
                #expect(defined.status == 201, "\(defined.text)")
            }
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            try await f.eventually("Kinh Bắc holds the centre's indicators") {
                try await commune.call(.GET, "/api/v1/indicator-definitions").items.count == 2
            }
            // The province assigns the centre's indicator to Kinh Bắc: October is overdue there.
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let assigned = try await province.call(
                .POST,
                "/api/v1/indicator-assignments",
                body: ["indicator": "HO_SO", "units": ["BNI-KB"], "from": "2026-10"]
            )
            #expect(assigned.status == 201, "\(assigned.text)")
            let leader = try await f.login("bni.approver", at: "bac-ninh")
            #expect(try await Self.overdue(leader) == ["HO_SO BNI-KB 2026-10"], "the province sees Kinh Bắc overdue")
            // ... but Kinh Bắc enters it on its own node: the province offers no field for it.
            let approver = Actor(username: "bni.approver", unit: "BNI", role: .approver)
            #expect(
                try await f.local("bac-ninh").toDo.indicatorValuesToEnter(by: approver).filter { $0.unit == "BNI-KB" }
                    .isEmpty
            )

            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            let entered = try await entry.call(
                .PUT,
                "/api/v1/indicator-values/HO_SO/BNI-KB/2026-10",
                body: ["value": 7]
            )
            #expect(entered.status == 200 && entered.json["late"] as? Bool == true, "\(entered.text)")

            // The value is counted above as Kinh Bắc holds it: entered, late, by its clerk.
            let tw = centre
            try await f.eventually("the centre counts Kinh Bắc's entered value") {
                try await Self.figure(tw, "HO_SO", of: "BNI-KB", under: "BNI")?["value"] as? Double == 7
            }
            let atCentre = try #require(try await Self.figure(centre, "HO_SO", of: "BNI-KB", under: "BNI"))
            #expect(atCentre["source"] as? String == "entered" && atCentre["late"] as? Bool == true, "\(atCentre)")
            #expect((atCentre["explanation"] as? String)?.contains("nhập bởi bni-kb.entry") == true, "\(atCentre)")
            let atProvince = try #require(try await Self.figure(province, "HO_SO", of: "BNI-KB", under: "BNI"))
            #expect(atProvince["value"] as? Double == 7 && atProvince["source"] as? String == "entered")
            // The province's overdue entry for Kinh Bắc's October clears.
            #expect(try await Self.overdue(leader).isEmpty)
            let audited = try await f.local("centre").database.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT actor FROM audit WHERE action = 'indicator.value.received' AND target = ?",
                    arguments: ["HO_SO/BNI-KB/2026-10"]
                )
            }
            #expect(audited == ["node:BNI"], "the centre audits the receipt from the province that relayed it")

            // A machine client of Kinh Bắc delivers a value: it travels up too, with its client.
            let created = try await commune.call(
                .POST,
                "/api/v1/indicator-clients",
                body: ["name": "Nền tảng NDXP", "indicators": ["GIAO_DICH"], "units": ["BNI-KB"]]
            )
            #expect(created.status == 201, "\(created.text)")
            let token = try #require(created.json["token"] as? String)
            let client = try #require(created.json["id"] as? String)
            let delivered = try await commune.with(token: token).call(
                .POST,
                "/api/v1/indicator-deliveries",
                body: [
                    "delivery": "ndxp-1",
                    "values": [["indicator": "GIAO_DICH", "unit": "BNI-KB", "period": "2026-10", "value": 12]],
                ]
            )
            #expect(delivered.status == 200 && delivered.json["accepted"] as? Int == 1, "\(delivered.text)")
            try await f.eventually("the centre counts Kinh Bắc's delivered value") {
                try await Self.figure(tw, "GIAO_DICH", of: "BNI-KB", under: "BNI")?["source"] as? String == "delivered"
            }
            let held = try await f.local("bac-ninh").database.pool.read { db in
                try SuppliedValueStore.held(code: "GIAO_DICH", unit: "BNI-KB", period: "2026-10", db)
            }
            #expect(held?.value == 12 && held?.client == client && held?.suppliedBy == "client:\(client)")
        }
    }
}

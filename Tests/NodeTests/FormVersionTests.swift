import Foundation
import Testing

@testable import Node

/// Forms are versioned and travel as files: a report keeps the version it was filled on.
@Suite struct FormVersionTests {
    static func form(version: Int, extra: Bool) -> [String: Any] {
        var questions: [[String: Any]] = [["id": "staff", "text": "Số cán bộ", "kind": "integer", "required": true]]
        if extra {
            questions.append(["id": "budget", "text": "Kinh phí (triệu đồng)", "kind": "decimal", "required": true])
        }
        return [
            "code": "NQ57-THANG", "version": version, "title": "Báo cáo tháng", "frequency": "monthly",
            "groups": [["id": "g", "title": "G", "questions": questions]],
        ]
    }

    @Test func aNewVersionNeverCorruptsOldReports() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(
                try await centre.call(.POST, "/api/v1/forms", body: Self.form(version: 1, extra: false)).status == 201
            )
            #expect(
                try await centre.call(.POST, "/api/v1/forms", body: Self.form(version: 1, extra: true)).status == 409,
                "a version is never redefined"
            )
            let november = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-THANG", "period": "2026-11", "units": ["BNI-TD"]]
                ).json["id"] as? String
            )
            #expect(
                try await centre.call(.POST, "/api/v1/forms", body: Self.form(version: 2, extra: true)).status == 201
            )
            let december = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-THANG", "period": "2026-12", "units": ["BNI-TD"]]
                ).json["id"] as? String
            )

            let entry = try await f.login("bni-td.entry", at: "bac-ninh")
            try await f.eventually("both assignments arrive") {
                try await entry.call(.GET, "/api/v1/assignments").items.count == 2
            }
            let old = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": november]).json
            let new = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": december]).json
            #expect(old["formVersion"] as? Int == 1 && new["formVersion"] as? Int == 2)
            let oldID = try #require(old["id"] as? String)
            let newID = try #require(new["id"] as? String)
            #expect(
                try await entry.call(
                    .PUT,
                    "/api/v1/reports/\(oldID)",
                    body: ["answers": ["staff": 3, "budget": 1.5], "version": 1]
                ).status == 422,
                "v1 has no budget question"
            )
            #expect(
                try await entry.call(.PUT, "/api/v1/reports/\(oldID)", body: ["answers": ["staff": 3], "version": 1])
                    .status == 200
            )
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(oldID)/submit", body: [:] as [String: String]).status
                    == 200,
                "v1's required set is complete"
            )
            #expect(
                try await entry.call(.PUT, "/api/v1/reports/\(newID)", body: ["answers": ["staff": 3], "version": 1])
                    .status == 200
            )
            let missing = try await entry.call(.POST, "/api/v1/reports/\(newID)/submit", body: [:] as [String: String])
            #expect(
                missing.status == 422 && (missing.json["details"] as? [String: String])?.keys.sorted() == ["budget"],
                "v2 asks for the budget"
            )
        }
    }

    @Test func formsTravelAsYAMLFiles() async throws {
        try await TestFederation.run { f in
            let file = ContractTests.root.appendingPathComponent("forms/dai-hoi-bieu-1.yaml")
            let yaml = try String(contentsOf: file, encoding: .utf8)
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let imported = try await province.call(.POST, "/api/v1/forms", body: yaml, contentType: "application/yaml")
            #expect(imported.status == 201, "\(imported.text)")
            let code = try #require(imported.json["code"] as? String)
            let exported = try await province.call(.GET, "/api/v1/forms/\(code)?format=yaml")
            #expect(exported.headers["content-type"]?.hasPrefix("application/yaml") == true)
            #expect(
                try FormFile.parse(exported.text, source: "export") == FormFile.load(path: file.path),
                "the round trip keeps the form"
            )
            #expect(exported.text.contains("Tổng số"), "Vietnamese stays readable in YAML")
            let broken = try await province.call(
                .POST,
                "/api/v1/forms",
                body: "code: x\ntitle: t\nfrequency: weekly\ngroups: []\n",
                contentType: "application/yaml"
            )
            #expect(broken.status == 422)
            // Another unit may reuse the code: forms are named by their owner.
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            #expect(
                try await commune.call(.POST, "/api/v1/forms", body: yaml, contentType: "application/yaml").status
                    == 201
            )
        }
    }

    @Test func quarterlyReportsStartFromTheMonths() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            var quarterly = Self.form(version: 1, extra: false)
            quarterly["code"] = "NQ57-QUY"
            quarterly["frequency"] = "quarterly"
            quarterly["rollupOf"] = "NQ57-THANG"
            #expect(
                try await centre.call(.POST, "/api/v1/forms", body: Self.form(version: 1, extra: false)).status == 201
            )
            #expect(try await centre.call(.POST, "/api/v1/forms", body: quarterly).status == 201)
            var months: [String] = []
            for period in ["2026-10", "2026-11"] {
                months.append(
                    try #require(
                        try await centre.call(
                            .POST,
                            "/api/v1/assignments",
                            body: ["form": "NQ57-THANG", "period": period, "units": ["BNI-TD"]]
                        ).json["id"] as? String
                    )
                )
            }
            let quarter = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-QUY", "period": "2026-Q4", "units": ["BNI-TD"]]
                ).json["id"] as? String
            )
            #expect(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-QUY", "period": "2026-11", "units": ["BNI-TD"]]
                ).status == 422,
                "a quarterly form takes quarters"
            )

            let entry = try await f.login("bni-td.entry", at: "bac-ninh")
            let leader = try await f.login("bni-td.approver", at: "bac-ninh")
            try await f.eventually("the assignments arrive") {
                try await entry.call(.GET, "/api/v1/assignments").items.count == 3
            }
            for (assignment, staff) in zip(months, [10, 7]) {
                let id = try #require(
                    try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"]
                        as? String
                )
                #expect(
                    try await entry.call(
                        .PUT,
                        "/api/v1/reports/\(id)",
                        body: ["answers": ["staff": staff], "version": 1]
                    ).status == 200
                )
                #expect(
                    try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: [:] as [String: String]).status
                        == 200
                )
                #expect(
                    try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: [:] as [String: String]).status
                        == 200
                )
            }
            let created = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": quarter]).json
            #expect(
                (created["answers"] as? [String: Any])?["staff"] as? Double == 17,
                "prefilled from October and November"
            )
            let rollup = try await entry.call(.GET, "/api/v1/reports/\(created["id"] as! String)/rollup").json
            #expect(rollup["missing"] as? [String] == ["2026-12"], "the unit sees which month is missing")
            #expect((rollup["months"] as? [[String: Any]])?.count == 2)
        }
    }
}

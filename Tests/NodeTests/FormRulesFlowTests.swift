import Foundation
import Testing

@testable import Node

/// Issue L point 2 on a node: a form's computed totals are stored exactly as the sum, a draft
/// keeps whatever breaks the rules, submitting is refused with every broken blocking rule at
/// once, and a warning does not block.
@Suite(.serialized) struct FormRulesFlowTests {
    static func form(code: String, rules: [[String: Any]], tableRules: [[String: Any]]) -> [String: Any] {
        [
            "code": code, "title": "Biểu thử ràng buộc", "frequency": "once",
            "rules": rules,
            "groups": [
                [
                    "id": "g", "title": "Nhóm",
                    "questions": [
                        ["id": "tong-so-nhiem-vu", "text": "Tổng số nhiệm vụ", "kind": "integer", "minimum": 0],
                        ["id": "hoan-thanh", "text": "Số nhiệm vụ hoàn thành", "kind": "integer", "minimum": 0],
                        [
                            "id": "bang", "text": "Bảng", "kind": "table",
                            "table": [
                                "rows": [
                                    ["id": "tong-to-chuc", "label": "Tổng số tổ chức"],
                                    [
                                        "id": "da-dai-hoi", "label": "Đã đại hội",
                                        "rows": [
                                            ["id": "diem", "label": "Điểm"], ["id": "dai-tra", "label": "Đại trà"],
                                        ],
                                    ],
                                ],
                                "columns": [
                                    ["id": "tong-so", "label": "Tổng số", "computed": "sum(xa..phuong)"],
                                    ["id": "xa", "label": "Xã", "minimum": 0],
                                    ["id": "phuong", "label": "Phường", "minimum": 0],
                                ],
                                "rules": tableRules,
                            ],
                        ],
                    ],
                ]
            ],
        ]
    }

    static var rules: [[String: Any]] {
        [
            [
                "id": "hoan-thanh-toi-da", "left": "hoan-thanh", "operator": "<=", "right": "tong-so-nhiem-vu",
                "severity": "error", "message": "Hoàn thành không lớn hơn tổng số",
                "messageEnglish": "Completed is at most the total",
            ]
        ]
    }

    static var tableRules: [[String: Any]] {
        [
            [
                "id": "da-dai-hoi-toi-da", "each": "column", "left": "da-dai-hoi", "operator": "<=",
                "right": "tong-to-chuc", "severity": "error", "message": "Đã đại hội không lớn hơn tổng số tổ chức",
            ],
            [
                "id": "cac-loai-cong-lai", "each": "column", "left": "sum(diem..dai-tra)", "operator": "==",
                "right": "da-dai-hoi", "severity": "warning", "message": "Các loại cộng lại khác số đã đại hội",
            ],
        ]
    }

    @Test func unknownNamesAreAllRefusedWhenTheFormIsDefined() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            let broken = Self.form(
                code: "BIEU-SAI",
                rules: [
                    [
                        "id": "a", "left": "khong-co", "operator": "<=", "right": "tong-so-nhiem-vu", "message": "m",
                    ]
                ],
                tableRules: [
                    ["id": "b", "each": "column", "left": "dong-la", "operator": "<=", "right": "diem", "message": "m"]
                ]
            )
            let reply = try await centre.call(.POST, "/api/v1/forms", body: broken)
            #expect(reply.status == 422)
            let message = reply.json["message"] as? String ?? ""
            #expect(message.contains("“khong-co”") && message.contains("“dong-la”"), "\(message)")
        }
    }

    @Test func blockingRulesRefuseSubmissionKeepTheDraftAndWarningsDoNot() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            let defined = try await centre.call(
                .POST,
                "/api/v1/forms",
                body: Self.form(code: "BIEU-RB", rules: Self.rules, tableRules: Self.tableRules)
            )
            #expect(defined.status == 201, "\(defined.text)")
            let assignment = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "BIEU-RB", "period": "2026-once", "units": ["BNI-TD"]]
                ).json["id"] as? String,
            )
            let entry = try await f.login("bni-td.entry", at: "bac-ninh")
            try await f.eventually("the assignment arrives") {
                !(try await entry.call(.GET, "/api/v1/assignments").items.isEmpty)
            }
            let id = try #require(
                try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String
            )
            // 8 done of 5, 7 congresses held of 6 organisations in "phuong", and a typed total of 999.
            let broken: [String: Any] = [
                "tong-so-nhiem-vu": 5, "hoan-thanh": 8,
                "bang": [
                    "tong-to-chuc": ["tong-so": 999, "xa": 3, "phuong": 6],
                    "da-dai-hoi": ["xa": 3, "phuong": 7],
                    "diem": ["xa": 1], "dai-tra": ["xa": 2],
                ],
            ]
            let saved = try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": broken, "version": 1])
            #expect(saved.status == 200, "a draft keeps what breaks the rules: \(saved.text)")
            let stored = try await entry.call(.GET, "/api/v1/reports/\(id)").json
            let answers = try #require(stored["answers"] as? [String: Any])
            let table = try #require(answers["bang"] as? [String: [String: Double]])
            #expect(table["tong-to-chuc"]?["tong-so"] == 9, "the total is computed, not typed")
            #expect(table["da-dai-hoi"]?["tong-so"] == 10)
            #expect(answers["hoan-thanh"] as? Double == 8)

            let refused = try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"])
            #expect(refused.status == 422)
            #expect(refused.json["error"] as? String == "invalid")
            let message = refused.json["message"] as? String ?? ""
            #expect(message.contains("Hoàn thành không lớn hơn tổng số (8 > 5)"), "\(message)")
            #expect(message.contains("Đã đại hội không lớn hơn tổng số tổ chức (Phường: 7 > 6)"), "\(message)")
            #expect(message.contains("Đã đại hội không lớn hơn tổng số tổ chức (Tổng số: 10 > 9)"), "\(message)")
            #expect(!message.contains("Các loại cộng lại"), "a warning is not a refusal")
            let details = refused.json["details"] as? [String: String] ?? [:]
            #expect(
                Set(details.keys) == ["hoan-thanh", "bang/da-dai-hoi/phuong", "bang/da-dai-hoi/tong-so"],
                "every broken blocking rule in one round, by cell: \(details)"
            )
            let kept = try await entry.call(.GET, "/api/v1/reports/\(id)").json
            #expect(kept["state"] as? String == "draft")
            #expect((kept["answers"] as? [String: Any])?["hoan-thanh"] as? Double == 8)

            // The errors fixed, the warning left (1 + 1 ≠ 3 in "xa"): the report goes.
            var fixed = broken
            fixed["hoan-thanh"] = 5
            fixed["bang"] = [
                "tong-to-chuc": ["xa": 3, "phuong": 7],
                "da-dai-hoi": ["xa": 3, "phuong": 7],
                "diem": ["xa": 1], "dai-tra": ["xa": 1],
            ]
            let version = try #require(kept["version"] as? Int)
            #expect(
                try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": fixed, "version": version])
                    .status == 200
            )
            let submitted = try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"])
            #expect(submitted.status == 200, "\(submitted.text)")
            #expect(submitted.json["state"] as? String == "submitted")

            // The leader's correction may break a rule (it is recorded), but then cannot approve.
            let leader = try await f.login("bni-td.approver", at: "bac-ninh")
            var corrected = fixed
            corrected["hoan-thanh"] = 6
            let current = try #require(submitted.json["version"] as? Int)
            #expect(
                try await leader.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": corrected, "version": current])
                    .status == 200
            )
            let approval = try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"])
            #expect(approval.status == 422)
            #expect((approval.json["details"] as? [String: String])?.keys.sorted() == ["hoan-thanh"])

            // Put right and approved: the province's dashboard shows the table combined, cell by
            // cell, as the report lays it out, and the numbers per unit below (issue L.9).
            let latest = try #require(try await leader.call(.GET, "/api/v1/reports/\(id)").json["version"] as? Int)
            #expect(
                try await leader.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": fixed, "version": latest])
                    .status == 200
            )
            let approved = try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"])
            #expect(approved.status == 200, "\(approved.text)")
            let province = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let dashboard = try await province.get("/app?assignment=\(assignment)")
            let tables = HomePageTests.section(dashboard.text, id: "table-totals", tag: "div")
            #expect(
                tables.contains("Tổng số tổ chức") && tables.contains("data-label=\"Phường\">7<")
                    && tables.contains("computed\" data-label=\"Tổng số\">10<"),
                "\(tables)"
            )
            let pivot = HomePageTests.section(dashboard.text, id: "pivot", tag: "table")
            #expect(
                pivot.contains("Xã Tiên Du</a></th><td class=\"number\">5</td><td class=\"number\">5</td>"),
                "\(pivot)"
            )
        }
    }
}

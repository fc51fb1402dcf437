import Foundation
import Testing

@testable import Node

/// The indicator catalogue over the API (issue M): a level defines indicators for its subtree,
/// checked when defined, explained in words; the catalogue travels down to every node of the
/// subtree (`indicator.defined`).
@Suite struct IndicatorCatalogueTests {
    static var form: [String: Any] {
        [
            "code": "SO-HOA", "title": "Số hoá", "frequency": "monthly",
            "groups": [
                [
                    "id": "g", "title": "G",
                    "questions": [
                        ["id": "xa_so_hoa", "text": "Số xã đã số hoá", "kind": "integer"],
                        ["id": "tong_xa", "text": "Tổng số xã", "kind": "integer"],
                        ["id": "ghi_chu", "text": "Ghi chú", "kind": "paragraph"],
                    ],
                ]
            ],
        ]
    }

    static func indicator(_ code: String, numerator: String, denominator: String? = nil) -> [String: Any] {
        var formula: [String: Any] = ["numerator": numerator, "factor": 100]
        if let denominator { formula["denominator"] = denominator }
        return [
            "code": code, "effectiveFrom": "2026-06", "name": ["vi": "Tỷ lệ xã đã số hoá", "en": "Digitised communes"],
            "concept": "Tỷ lệ xã đã số hoá hồ sơ", "calculationMethod": "Số xã đã số hoá chia tổng số xã",
            "dataSource": "Biểu mẫu SO-HOA", "leadAgency": "Bộ KH&CN", "implementingAgency": "UBND tỉnh",
            "updatedBy": "Văn phòng UBND tỉnh", "unitOfMeasure": "%", "layer": "management",
            "sector": "Chuyển đổi số", "frequency": "monthly",
            "source": ["kind": "computed", "formula": formula], "aggregation": "weighted",
        ]
    }

    /// An indicator typed by the units (no formula), for the access matrix.
    static func entered(_ code: String) -> [String: Any] {
        var definition = indicator(code, numerator: "1")
        definition["source"] = ["kind": "entered"]
        definition["aggregation"] = "sum"
        return definition
    }

    /// An indicator another system delivers, for the access matrix and the delivery test.
    static func delivered(_ code: String) -> [String: Any] {
        var definition = indicator(code, numerator: "1")
        definition["source"] = ["kind": "delivered", "system": "Nền tảng chia sẻ dữ liệu quốc gia"]
        definition["aggregation"] = "sum"
        return definition
    }

    @Test func aLevelDefinesCheckedIndicatorsAndTheLevelsBelowSeeThem() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: Self.form).status == 201)
            let defined = try await centre.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: Self.indicator("TY_LE", numerator: "#{SO-HOA.xa_so_hoa}", denominator: "#{SO-HOA.tong_xa}")
            )
            #expect(defined.status == 201, "\(defined.text)")
            #expect(
                defined.json["explanation"] as? String == "Tỷ lệ xã đã số hoá = (Số xã đã số hoá ÷ Tổng số xã) × 100"
            )

            let unknown = try await centre.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: Self.indicator("SAI", numerator: "#{SO-HOA.khong_co} + 1", denominator: "#{SO-HOA.ghi_chu}")
            )
            #expect(unknown.status == 422)
            let message = unknown.json["message"] as? String ?? ""
            #expect(message.contains("Tử số, vị trí 1: biểu mẫu “SO-HOA” không có câu hỏi “khong_co”"), "\(message)")
            #expect(message.contains("Mẫu số, vị trí 1: #{SO-HOA.ghi_chu} là câu hỏi dạng paragraph"), "\(message)")
            #expect((unknown.json["message_en"] as? String)?.contains("Numerator, position 1: form 'SO-HOA'") == true)

            let selfCycle = try await centre.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: Self.indicator("VONG", numerator: "I{VONG} + 1")
            )
            #expect(selfCycle.status == 422)
            #expect((selfCycle.json["message"] as? String)?.contains("vòng lặp giữa các chỉ số: VONG → VONG") == true)

            let province = try await f.login("bni.admin", at: "bac-ninh")
            // The catalogue travels down: the province's node gets the centre's indicator.
            try await f.eventually("the province holds the centre's indicator") {
                try await province.call(.GET, "/api/v1/indicator-definitions").items.map {
                    "\($0["owner"] as? String ?? "")/\(($0["definition"] as? [String: Any])?["code"] as? String ?? "")"
                } == ["TW/TY_LE"]
            }
            let taken = try await province.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: Self.indicator("TY_LE", numerator: "1", denominator: "2")
            )
            #expect(taken.status == 409, "the code is the centre's: \(taken.text)")
            let own = try await province.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: Self.indicator("KHAC", numerator: "1", denominator: "2")
            )
            #expect(own.status == 201, "a province defines indicators for its own subtree: \(own.text)")
            // A commune with its own node gets both, through its province; the centre keeps only its own.
            let commune = try await f.login("bni-kb.admin", at: "kinh-bac")
            try await f.eventually("Kinh Bắc holds the centre's and the province's indicators") {
                Set(
                    try await commune.call(.GET, "/api/v1/indicator-definitions").items.compactMap {
                        $0["owner"] as? String
                    }
                ) == ["TW", "BNI"]
            }
            let listed = try await centre.call(.GET, "/api/v1/indicator-definitions").items
            #expect(listed.map { $0["owner"] as? String } == ["TW"])
            let entry = try await f.login("bni.entry", at: "bac-ninh")
            #expect(
                try await entry.call(.POST, "/api/v1/indicator-definitions", body: Self.indicator("X", numerator: "1"))
                    .status
                    == 403
            )
        }
    }

    /// Issue M.4 over the API: an admin creates a machine client (the token is answered once),
    /// the other system delivers with `Authorization: Bearer`, a replay answers the same, the
    /// values view shows the delivered value, and a revoked token is 401.
    @Test func anotherSystemDeliversValuesWithItsOwnToken() async throws {
        try await TestFederation.run { f in
            let admin = try await f.login("bni.admin", at: "bac-ninh")
            let defined = try await admin.call(
                .POST,
                "/api/v1/indicator-definitions",
                body: Self.delivered("GIAO_DICH")
            )
            #expect(defined.status == 201, "\(defined.text)")
            let created = try await admin.call(
                .POST,
                "/api/v1/indicator-clients",
                body: ["name": "Nền tảng NDXP", "indicators": ["GIAO_DICH"], "units": ["BNI-TD"]]
            )
            #expect(created.status == 201, "\(created.text)")
            let token = try #require(created.json["token"] as? String)
            let id = try #require(created.json["id"] as? String)
            let listed = try await admin.call(.GET, "/api/v1/indicator-clients").items
            #expect(listed.map { $0["id"] as? String } == [id] && listed.allSatisfy { $0["token"] == nil })

            let system = admin.with(token: token)
            let delivery: [String: Any] = [
                "delivery": "ndxp-1",
                "values": [
                    ["indicator": "GIAO_DICH", "unit": "BNI-TD", "period": "2026-10", "value": 12],
                    ["indicator": "GIAO_DICH", "unit": "BNI", "period": "2026-10", "value": 3],
                    ["indicator": "GIAO_DICH", "unit": "BNI-TD", "period": "2026-09", "value": "mười"],
                ],
            ]
            let delivered = try await system.call(.POST, "/api/v1/indicator-deliveries", body: delivery)
            #expect(delivered.status == 200, "\(delivered.text)")
            let results = delivered.json["results"] as? [[String: Any]] ?? []
            #expect(
                results.map { $0["reason"] as? String ?? $0["result"] as? String ?? "" }
                    == ["accepted", "outside_grant", "not_a_number"]
            )
            let replay = try await system.call(.POST, "/api/v1/indicator-deliveries", body: delivery)
            #expect(replay.status == 200 && replay.json["replay"] as? Bool == true)
            #expect((replay.json["results"] as? [[String: Any]])?.count == 3)

            let values = try await admin.call(.GET, "/api/v1/indicator-definitions/GIAO_DICH/values?period=2026-10")
            let tienDu = (values.json["children"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == "BNI-TD" }
            let figure = tienDu?["figure"] as? [String: Any]
            #expect(figure?["value"] as? Double == 12 && figure?["source"] as? String == "delivered", "\(values.text)")

            // A person enters an entered indicator's value; mistakes are clear 4xx.
            #expect(
                try await admin.call(.POST, "/api/v1/indicator-definitions", body: Self.entered("HO_SO")).status == 201
            )
            let entered = try await admin.call(
                .PUT,
                "/api/v1/indicator-values/HO_SO/BNI-TD/2026-10",
                body: ["value": 5]
            )
            #expect(entered.status == 200 && entered.json["source"] as? String == "entered", "\(entered.text)")
            for (path, body, status) in [
                ("HO_SO/BNI-TD/2026-10", ["value": "năm"] as [String: Any], 400),
                ("KHONG_CO/BNI-TD/2026-10", ["value": 5], 404),
                ("HO_SO/BNI-TD/2026-Q4", ["value": 5], 422),
                ("GIAO_DICH/BNI-TD/2026-10", ["value": 5], 422),
                ("HO_SO/LCA/2026-10", ["value": 5], 403),
            ] {
                let reply = try await admin.call(.PUT, "/api/v1/indicator-values/\(path)", body: body)
                #expect(reply.status == status, "\(path): \(reply.text)")
            }

            // A session is not a client token; a revoked token is refused.
            #expect(try await admin.call(.POST, "/api/v1/indicator-deliveries", body: delivery).status == 401)
            #expect(try await admin.call(.DELETE, "/api/v1/indicator-clients/\(id)").status == 200)
            let refused = try await system.call(.POST, "/api/v1/indicator-deliveries", body: delivery)
            #expect(refused.status == 401 && refused.json["error"] as? String == "client_token_refused")
        }
    }
}

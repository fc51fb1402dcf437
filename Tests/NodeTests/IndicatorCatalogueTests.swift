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
}

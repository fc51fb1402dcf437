import Foundation
import Reporting
import Testing

@testable import Node

/// The totals and rules the real forms under `forms/` declare, on the cases issue L reports:
/// "Tổng số" 10 against parts 3 + 2, a parent row 5 against sub-rows 4 + 9, and 8 tasks done of 5.
@Suite struct SampleFormRulesTests {
    static func load(_ name: String) throws -> Form {
        try FormFile.load(path: SampleFormsTests.formsFolder.appendingPathComponent(name).path)
    }

    static func broken(_ form: Form, _ answers: [String: Answer]) throws -> [String] {
        let valid = try Answers(answers).validated(against: form).get()
        return form.violations(in: valid).map { "\($0.severity.rawValue) \($0.rule.id) \($0.place ?? "-")" }
    }

    @Test func bieu1ComputesTheTotalAndRefusesSubRowsAboveTheirParent() throws {
        let form = try Self.load("dai-hoi-bieu-1.yaml")
        let typed: [String: Answer] = [
            "ket-qua-chung": .table([
                "tong-so-to-chuc-dang": ["tong-so": 10, "huyen": 3, "quan": 2],
                "so-to-chuc-da-dai-hoi": ["huyen": 5],
                "dai-hoi-diem": ["huyen": 4],
                "dai-hoi-thi-diem-bau-truc-tiep-bi-thu": ["huyen": 9],
            ])
        ]
        let valid = try Answers(typed).validated(against: form).get()
        guard case .table(let cells)? = valid["ket-qua-chung"] else {
            Issue.record("no table")
            return
        }
        #expect(cells["tong-so-to-chuc-dang"]?["tong-so"] == 5)
        #expect(cells["so-to-chuc-da-dai-hoi"]?["tong-so"] == 5)
        #expect(
            try Self.broken(form, typed) == [
                "error da-dai-hoi-khong-vuot-tong-so Huyện",
                "error dai-hoi-thi-diem-trong-so-da-dai-hoi Tổng số",
                "error dai-hoi-thi-diem-trong-so-da-dai-hoi Huyện",
                "warning cac-loai-dai-hoi-cong-lai Tổng số",
                "warning cac-loai-dai-hoi-cong-lai Huyện",
            ]
        )
    }

    @Test func bieu1ReadsARowNamedWithLeadingDigitsAsARow() throws {
        let form = try Self.load("dai-hoi-bieu-1.yaml")
        let typed: [String: Answer] = [
            "ket-qua-chung": .table(["noi-dung-dai-hoi": ["huyen": 2], "03-noi-dung": ["huyen": 3]])
        ]
        #expect(
            try Self.broken(form, typed) == [
                "warning ba-noi-dung-trong-so Tổng số", "warning ba-noi-dung-trong-so Huyện",
            ]
        )
        let fine: [String: Answer] = [
            "ket-qua-chung": .table(["noi-dung-dai-hoi": ["huyen": 3], "03-noi-dung": ["huyen": 2]])
        ]
        #expect(try Self.broken(form, fine) == [])
    }

    @Test func bieu2PartsAreNeverAboveTheirTotal() throws {
        let form = try Self.load("dai-hoi-bieu-2.yaml")
        let typed: [String: Answer] = [
            "so-luong-cap-uy-vien-duoc-bau": .table([
                "so-cap-uy-vien-duoc-bau": ["tong-so": 3, "bi-thu": 4],
                "nu": ["tong-so": 5],
            ])
        ]
        #expect(
            try Self.broken(form, typed) == [
                "error bi-thu-trong-tong-so Số lượng cấp ủy viên được bầu",
                "error nu-trong-so-duoc-bau Tổng số",
            ]
        )
    }

    @Test func bieu3ElectedAreNeverAboveTheListOrThePlan() throws {
        let form = try Self.load("dai-hoi-bieu-3.yaml")
        let fine: [String: Answer] = [
            "ket-qua-bau-cu": .table([
                "bch-theo-de-an": ["huyen": 10], "bch-trong-danh-sach-bau-cu": ["huyen": 12],
                "bch-trung-cu": ["huyen": 10], "bch-khong-trung-cu": ["huyen": 2],
            ])
        ]
        #expect(try Self.broken(form, fine) == [])
        let tooMany: [String: Answer] = [
            "ket-qua-bau-cu": .table([
                "bch-theo-de-an": ["huyen": 10], "bch-trong-danh-sach-bau-cu": ["huyen": 12],
                "bch-trung-cu": ["huyen": 13],
            ])
        ]
        #expect(
            try Self.broken(form, tooMany) == [
                "error bch-trung-cu-trong-danh-sach Tổng số", "error bch-trung-cu-trong-danh-sach Huyện",
                "error bch-trung-cu-theo-de-an Tổng số", "error bch-trung-cu-theo-de-an Huyện",
                "warning bch-trung-cu-cong-khong-trung-cu Tổng số", "warning bch-trung-cu-cong-khong-trung-cu Huyện",
                "warning bch-trung-cu-cong-bau-thieu Tổng số", "warning bch-trung-cu-cong-bau-thieu Huyện",
            ]
        )
    }

    @Test func nq57TasksDoneOnTimeAreNeverAboveTheTasksDue() throws {
        let form = try Self.load("nq57-khao-sat-xa.yaml")
        let typed: [String: Answer] = [
            "so-nhiem-vu-phai-thuc-hien": .number(5), "so-nhiem-vu-hoan-thanh-dung-han": .number(8),
        ]
        #expect(
            try Self.broken(form, typed) == [
                "error hoan-thanh-khong-vuot-tong-so -", "warning hoan-thanh-cong-qua-han -",
            ]
        )
        let withOverdue: [String: Answer] = [
            "so-nhiem-vu-phai-thuc-hien": .number(5), "so-nhiem-vu-hoan-thanh-dung-han": .number(4),
            "so-nhiem-vu-qua-han-da-hoan-thanh": .number(2),
        ]
        #expect(try Self.broken(form, withOverdue) == ["warning hoan-thanh-cong-qua-han -"])
    }
}

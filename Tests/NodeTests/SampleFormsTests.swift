import Foundation
import Reporting
import Testing

@testable import Node

/// The sample forms under `forms/`, taken from the source documents (seeds 000, 002, 003 and 004),
/// load, keep what the documents show, and survive export and re-import.
@Suite struct SampleFormsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let formsFolder = root.appendingPathComponent("forms")

    static var formFiles: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: formsFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { formsFolder.appendingPathComponent($0) }
    }

    static func load(_ name: String) throws -> Form {
        try FormFile.load(path: formsFolder.appendingPathComponent(name).path)
    }

    /// The unit-type columns printed in seed 004's Hình 26 and 27.
    static let unitTypeColumns = [
        "tong-so", "huyen", "quan", "thi-xa", "thanh-pho", "khoi-co-quan", "khoi-doanh-nghiep",
        "khoi-co-quan-doanh-nghiep",
        "don-vi-su-nghiep", "doanh-nghiep-nha-nuoc", "cong-an", "quan-su", "bien-phong", "dang-bo-khac",
    ]

    @Test func everyFileLoads() throws {
        let files = Self.formFiles
        #expect(
            files.map(\.lastPathComponent) == [
                "dai-hoi-bieu-1.yaml", "dai-hoi-bieu-2.yaml", "dai-hoi-bieu-3.yaml", "nq57-khao-sat-xa.yaml",
            ]
        )
        var codes = Set<String>()
        for file in files {
            let form = try FormFile.load(path: file.path)
            #expect(form.problems().isEmpty, "\(file.lastPathComponent): \(form.problems())")
            #expect(form.code + ".yaml" == file.lastPathComponent, "the file is named after its form code")
            #expect(form.version == 1)
            #expect(codes.insert(form.code).inserted)
        }
    }

    /// Structure from seed 000 (criteria groups, the three question kinds, `*` required marks,
    /// explanations); content composed from seeds 002 (Quy chế 02-QC/BCĐTW) and 003 (Quyết định
    /// 4587/QĐ-BKHCN), since seed 000 holds no criteria text.
    @Test func communeSurveyFollowsSeed000AndDrawsOnSeeds002And003() throws {
        let form = try Self.load("nq57-khao-sat-xa.yaml")
        #expect(form.code == "nq57-khao-sat-xa")
        #expect(form.frequency == .monthly)
        #expect(form.deadlineDay == 25)
        #expect(form.title.contains("Nghị quyết 57-NQ/TW") && form.title.contains("cấp xã"))
        #expect(
            form.groups.map(\.id) == [
                "nhom-1-nhiem-vu-duoc-giao", "nhom-2-dich-vu-cong", "nhom-3-du-lieu-an-toan-thong-tin",
                "nhom-4-khcn-chi-dao-dieu-hanh",
            ]
        )
        #expect(form.groups.allSatisfy { $0.title.hasPrefix("Nhóm tiêu chí ") })
        #expect(form.groups.map(\.questions.count) == [4, 3, 4, 5])
        #expect(form.questions.count == 16)

        // Seed 000's three kinds, plus numbers where the seeds' indicators are numbers.
        let kinds = Dictionary(grouping: form.questions, by: \.kind).mapValues(\.count)
        #expect(kinds == [.singleChoice: 2, .multipleChoice: 2, .paragraph: 3, .integer: 6, .percentage: 3])
        for question in form.questions where question.kind.isNumeric {
            #expect(question.minimum == 0, "\(question.id) has minimum 0")
            #expect(
                question.aggregation == (question.kind == .integer ? .sum : .average),
                "\(question.id): counts sum, rates average"
            )
        }

        #expect(
            form.questions.filter(\.required).map(\.id) == [
                "so-nhiem-vu-phai-thuc-hien", "so-nhiem-vu-hoan-thanh-dung-han", "so-nhiem-vu-qua-han-da-hoan-thanh",
                "ty-le-ho-so-truc-tuyen", "so-ban-ghi-so-hoa", "chat-luong-du-lieu", "tham-du-hop-chi-dao",
            ]
        )
        #expect(
            form.questions.filter { $0.kind == .paragraph }.allSatisfy { !$0.required },
            "free-text questions are optional"
        )

        // Every criterion has an explanation citing its source in seed 002 or 003.
        for question in form.questions {
            let explanation = question.explanation ?? ""
            #expect(!explanation.isEmpty, "\(question.id) has an explanation")
            #expect(
                explanation.contains("Quyết định 4587/QĐ-BKHCN") || explanation.contains("Quy chế 02-QC/BCĐTW"),
                "\(question.id) cites its source"
            )
        }
        #expect(form.question("so-nhiem-vu-hoan-thanh-dung-han")?.explanation?.contains("chỉ số A1") == true)
        #expect(form.question("so-ban-ghi-so-hoa")?.explanation?.contains("chỉ số C1") == true)
        #expect(
            form.question("ty-le-ho-so-truc-tuyen")?.explanation?.contains("mục 2.d Phụ lục Quy chế 02-QC/BCĐTW")
                == true
        )
        #expect(form.question("giai-phap-phuc-vu-nguoi-dan")?.options.count == 6)
        #expect(
            form.question("chat-luong-du-lieu")?.options == [
                "Đã rà soát, dữ liệu đáp ứng đầy đủ yêu cầu", "Đã rà soát, còn sai sót đang khắc phục",
                "Chưa rà soát trong tháng",
            ]
        )
        #expect(form.question("tham-du-hop-chi-dao")?.options.count == 4)
        #expect(form.question("kho-khan-kien-nghi")?.options.isEmpty == true)

        // A commune's month of answers fits it, and required questions are enforced.
        let answers = Answers([
            "so-nhiem-vu-phai-thuc-hien": .number(12),
            "so-nhiem-vu-hoan-thanh-dung-han": .number(9),
            "so-nhiem-vu-qua-han-da-hoan-thanh": .number(1),
            "nguyen-nhan-cham-tien-do": .text(
                "Nhiệm vụ số hoá sổ hộ tịch chậm do thiếu máy quét; dự kiến hoàn thành trong tháng sau."
            ),
            "ty-le-ho-so-truc-tuyen": .number(72.5),
            "giai-phap-phuc-vu-nguoi-dan": .choices([
                "Hướng dẫn, hỗ trợ người dân nộp hồ sơ trực tuyến",
                "Số hoá hồ sơ, kết quả giải quyết thủ tục hành chính",
            ]),
            "so-ban-ghi-so-hoa": .number(1_250),
            "chat-luong-du-lieu": .text("Đã rà soát, còn sai sót đang khắc phục"),
            "bien-phap-an-toan-thong-tin": .choices([
                "Ký số dữ liệu, báo cáo gửi lên Hệ thống", "Sao lưu dữ liệu định kỳ",
            ]),
            "tham-du-hop-chi-dao": .text("Tham dự đầy đủ, đúng thành phần"),
            "so-nhiem-vu-khcn-nghiem-thu": .number(0),
        ])
        let valid = try answers.validated(against: form).get()
        #expect(valid.missingRequired(in: form).isEmpty)
        #expect(valid["chat-luong-du-lieu"] == .choice("Đã rà soát, còn sai sót đang khắc phục"))
        func refused(_ id: String, _ answer: Answer) -> Bool {
            if case .failure(let problems) = Answers([id: answer]).validated(against: form) {
                return problems.byQuestion.keys.sorted() == [id]
            }
            return false
        }
        #expect(refused("so-nhiem-vu-phai-thuc-hien", .number(3.5)), "counts are whole numbers")
        #expect(refused("ty-le-ho-so-truc-tuyen", .number(120)), "rates are 0–100")
        #expect(refused("so-ban-ghi-so-hoa", .number(-1)), "counts are not negative")
        #expect(refused("chat-luong-du-lieu", .text("Không rõ")), "only the listed options")
        var partial = answers.values
        partial["so-ban-ghi-so-hoa"] = nil
        partial["tham-du-hop-chi-dao"] = .text("  ")
        #expect(Answers(partial).missingRequired(in: form).map(\.id) == ["so-ban-ghi-so-hoa", "tham-du-hop-chi-dao"])
        #expect(
            Answers(["kho-khan-kien-nghi": .text("Thiếu cán bộ chuyên trách.")]).missingRequired(in: form).count == 7
        )
    }

    @Test func bieu1IsTheGeneralResultsTable() throws {
        let form = try Self.load("dai-hoi-bieu-1.yaml")
        #expect(form.frequency == .once)
        #expect(form.title.contains("Một Số Kết Quả Chung Đại Hội Đảng Bộ Cấp Huyện Và Tương Đương"))
        let table = try #require(form.questions.first?.table)
        #expect(form.questions.count == 1 && form.questions.first?.kind == .table)
        #expect(table.columns.map(\.id) == Self.unitTypeColumns)
        #expect(table.columns.map(\.label).prefix(4) == ["Tổng số", "Huyện", "Quận", "Thị xã"])
        #expect(table.columns.last?.label == "Đảng bộ khác")
        #expect(
            table.columns.allSatisfy {
                $0.kind == .integer && $0.aggregation == .sum && $0.minimum == 0 && $0.group == nil
            }
        )
        #expect(table.rows.count == 6)
        #expect(table.flatRows.count == 10)
        let held = try #require(table.rows.first { $0.id == "so-to-chuc-da-dai-hoi" })
        #expect(held.label == "Số tổ chức đảng đã tổ chức đại hội")
        #expect(
            held.rows.map(\.label) == [
                "Đại hội điểm", "Đại hội thí điểm bầu trực tiếp bí thư", "Đại hội đại trà theo Điều lệ Đảng",
            ]
        )
        #expect(table.rows.first { $0.id == "noi-dung-dai-hoi" }?.rows.map(\.label) == ["03 nội dung"])
    }

    @Test func bieu2IsTheCommitteeQualityTable() throws {
        let form = try Self.load("dai-hoi-bieu-2.yaml")
        #expect(form.frequency == .once)
        #expect(form.title.contains("Phân Tích Chất Lượng Cấp Ủy Cấp Huyện Và Tương Đương"))
        let table = try #require(form.question("so-luong-cap-uy-vien-duoc-bau")?.table)
        #expect(table.columns.map(\.id) == ["tong-so", "uy-vien-btv", "bi-thu", "pho-bi-thu", "chu-nhiem-ubkt"])
        #expect(table.columns.map(\.label) == ["Tổng số", "Ủy viên BTV", "Bí thư", "Phó bí thư", "Chủ nhiệm UBKT"])
        #expect(table.columns.map(\.group) == ["Cấp ủy viên", "Trong đó", "Trong đó", "Trong đó", "Trong đó"])
        #expect(table.columns.allSatisfy { $0.kind == .integer && $0.aggregation == .sum })
        #expect(table.rows.count == 1)
        #expect(table.rows[0].label == "Số lượng cấp ủy viên được bầu")
        #expect(
            table.rows[0].rows.map(\.label) == [
                "Tham gia lần đầu", "Nữ", "Dân tộc thiểu số", "Tôn giáo", "Không là người địa phương",
            ]
        )
        #expect(table.flatRows.map(\.depth) == [0, 1, 1, 1, 1, 1])

        // The guide's sample row (Hình 28) is a valid answer; fractions and negatives are not.
        let question = try #require(form.question("so-luong-cap-uy-vien-duoc-bau"))
        let sample: [String: [String: Double]] = [
            "so-cap-uy-vien-duoc-bau": [
                "tong-so": 18, "uy-vien-btv": 10, "bi-thu": 5, "pho-bi-thu": 2, "chu-nhiem-ubkt": 1,
            ]
        ]
        #expect(question.check(.table(sample)) == nil)
        #expect(question.check(.table(["nu": ["tong-so": 2.5]])) != nil)
        #expect(question.check(.table(["nu": ["bi-thu": -1]])) != nil)
    }

    @Test func bieu3IsTheElectionResultsTable() throws {
        let form = try Self.load("dai-hoi-bieu-3.yaml")
        #expect(form.frequency == .once)
        #expect(
            form.title.contains("Kết Quả Bầu Cử Cấp Ủy, Ban Thường Vụ, Bí Thư, Phó Bí Thư Cấp Huyện Và Tương Đương")
        )
        let table = try #require(form.questions.first?.table)
        #expect(table.columns.map(\.id) == Self.unitTypeColumns)
        #expect(table.rows.map(\.label) == ["Ban chấp hành", "Ban Thường vụ"])
        #expect(table.rows.map(\.rows.count) == [5, 2])
        #expect(table.flatRows.count == 9)
        #expect(table.rows[0].rows.map(\.label).contains("Số lượng bầu thiếu"))
        #expect(table.rows[1].rows.first?.label == "Số lượng ủy viên thường vụ theo đề án đại hội thông qua")
    }

    @Test func everyFormSurvivesExportAndReimport() throws {
        for file in Self.formFiles {
            let form = try FormFile.load(path: file.path)
            let json = try FormFile.export(form, json: true)
            #expect(try FormFile.parse(json, source: "\(file.lastPathComponent) as JSON") == form)
            let yaml = try FormFile.export(form, json: false)
            #expect(try FormFile.parse(yaml, source: "\(file.lastPathComponent) as YAML") == form)
        }
    }
}

import Foundation
import Hierarchy
import Reporting

/// The monthly form the benchmarks assign: a small NQ57-style survey (numbers, a choice, a
/// paragraph), and answers that differ from unit to unit.
public enum SampleForm {
    public static func monthly(code: String = "NQ57-THANG") -> Form {
        Form(
            code: code,
            title: "Báo cáo tháng thực hiện Nghị quyết 57",
            frequency: .monthly,
            groups: [
                CriteriaGroup(
                    id: "g1",
                    title: "Chuyển đổi số",
                    questions: [
                        Question(
                            id: "staff",
                            text: "Số cán bộ được đào tạo kỹ năng số",
                            required: true,
                            kind: .integer,
                            minimum: 0
                        ),
                        Question(
                            id: "online",
                            text: "Tỷ lệ hồ sơ trực tuyến",
                            required: true,
                            kind: .percentage,
                            minimum: 0,
                            maximum: 100
                        ),
                        Question(
                            id: "level",
                            text: "Mức độ số hóa",
                            required: true,
                            kind: .singleChoice,
                            options: ["Chưa", "Một phần", "Toàn bộ"]
                        ),
                        Question(id: "note", text: "Khó khăn, vướng mắc", kind: .paragraph),
                    ]
                )
            ]
        )
    }

    /// A plausible set of answers for unit number `index`.
    public static func answers(_ index: Int) -> Answers {
        Answers([
            "staff": .number(Double(5 + index % 40)),
            "online": .number(Double(40 + index % 61)),
            "level": .choice(["Chưa", "Một phần", "Toàn bộ"][index % 3]),
            "note": .text("Đơn vị \(index): cần thêm kinh phí cho hạ tầng số và đào tạo cán bộ."),
        ])
    }
}

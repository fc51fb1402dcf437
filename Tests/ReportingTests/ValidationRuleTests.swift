import Foundation
import Testing

@testable import Reporting

/// A congress-like table: a computed "Tổng số" column, a parent row with sub-rows, and rules per
/// column; plus two numeric questions with a form-level rule ("hoàn thành ≤ tổng số").
let rulesForm = Form(
    code: "bieu-thu",
    title: "Biểu thử",
    frequency: .once,
    groups: [
        CriteriaGroup(
            id: "g",
            title: "Nhóm",
            questions: [
                Question(id: "tong-so-nhiem-vu", text: "Tổng số nhiệm vụ", kind: .integer, minimum: 0),
                Question(id: "hoan-thanh", text: "Số nhiệm vụ hoàn thành", kind: .integer, minimum: 0),
                Question(
                    id: "bang",
                    text: "Bảng",
                    kind: .table,
                    table: TableLayout(
                        rows: [
                            TableRow(id: "tong-to-chuc", label: "Tổng số tổ chức"),
                            TableRow(
                                id: "da-dai-hoi",
                                label: "Đã đại hội",
                                rows: [TableRow(id: "diem", label: "Điểm"), TableRow(id: "dai-tra", label: "Đại trà")]
                            ),
                        ],
                        columns: [
                            TableColumn(id: "tong-so", label: "Tổng số", kind: .decimal, computed: "sum(xa..phuong)"),
                            TableColumn(id: "xa", label: "Xã", kind: .decimal, minimum: 0),
                            TableColumn(id: "phuong", label: "Phường", kind: .decimal, minimum: 0),
                        ],
                        rules: [
                            ValidationRule(
                                id: "da-dai-hoi-toi-da",
                                left: "da-dai-hoi",
                                comparison: .lessOrEqual,
                                right: "tong-to-chuc",
                                message: "Đã đại hội không lớn hơn tổng số",
                                messageEnglish: "Held is at most the total",
                                each: .column
                            ),
                            ValidationRule(
                                id: "cac-loai-cong-lai",
                                left: "sum(diem..dai-tra)",
                                comparison: .equal,
                                right: "da-dai-hoi",
                                severity: .warning,
                                message: "Các loại cộng lại bằng số đã đại hội",
                                each: .column
                            ),
                        ]
                    )
                ),
            ]
        )
    ],
    rules: [
        ValidationRule(
            id: "hoan-thanh-toi-da",
            left: "hoan-thanh",
            comparison: .lessOrEqual,
            right: "tong-so-nhiem-vu",
            message: "Hoàn thành không lớn hơn tổng số",
            messageEnglish: "Completed is at most the total"
        )
    ]
)

private func table(_ answers: Answers, _ id: String = "bang") -> [String: [String: Double]] {
    if case .table(let cells)? = answers[id] { return cells }
    return [:]
}

@Suite struct ValidationRuleTests {
    @Test func soundRulesHaveNoProblems() {
        #expect(rulesForm.problems() == [])
        #expect(rulesForm.computedCells().count == 4)
    }

    @Test func unknownNamesAndBrokenExpressionsAreAllListed() {
        let layout = TableLayout(
            rows: [TableRow(id: "a", label: "A"), TableRow(id: "b", label: "B", computed: "a + b")],
            columns: [
                TableColumn(id: "x", label: "X"), TableColumn(id: "t", label: "T", computed: "sum(y..x)"),
            ],
            rules: [
                ValidationRule(id: "r1", left: "a", comparison: .less, right: "khong-co", message: "m", each: .column),
                ValidationRule(id: "r1", left: "a +", comparison: .less, right: "a/x", message: " ", each: .row),
            ]
        )
        let form = Form(
            code: "f",
            title: "F",
            frequency: .monthly,
            groups: [
                CriteriaGroup(
                    id: "g",
                    title: "G",
                    questions: [
                        Question(id: "ghi-chu", text: "Ghi chú", kind: .paragraph),
                        Question(id: "bang", text: "Bảng", kind: .table, table: layout),
                    ]
                )
            ],
            rules: [
                ValidationRule(id: "r2", left: "ghi-chu", comparison: .equal, right: "bang/a/zz", message: "m"),
                ValidationRule(id: "r3", left: "1", comparison: .equal, right: "2", message: "m", each: .column),
            ]
        )
        let problems = form.problems()
        let expected = [
            "rule id 'r1' appears twice",
            "rule 'r1' has no message",
            "rule 'r3': `each` is for rules of a table",
            "rule 'r2': left “ghi-chu” refers to “ghi-chu”",
            "rule 'r2': right “bang/a/zz” refers to “bang/a/zz”",
            "rule 'r1': right “khong-co” refers to “khong-co”, which is not a row of the table",
            "rule 'r1': left “a +” ends with an operator",
            "column 't' computed “sum(y..x)” sum(y..x) must run forward",
            "the total in b/x depends on itself",
        ]
        for text in expected {
            #expect(problems.contains { $0.contains(text) }, "missing: \(text) in \(problems)")
        }
    }

    @Test func computedTotalsIgnoreWhatWasTypedAndStayEmptyWithoutInputs() throws {
        let typed = Answers([
            "bang": .table([
                "tong-to-chuc": ["tong-so": 999, "xa": 3, "phuong": 2],
                "da-dai-hoi": ["tong-so": 7],
            ])
        ])
        let answers = try typed.validated(against: rulesForm).get()
        let cells = table(answers)
        #expect(cells["tong-to-chuc"]?["tong-so"] == 5)
        #expect(cells["da-dai-hoi"] == nil)
    }

    @Test func decimalsAreSummedAndComparedExactly() throws {
        let typed = Answers([
            "bang": .table([
                "tong-to-chuc": ["xa": 0.3, "phuong": 0.6],
                "da-dai-hoi": ["xa": 0.3, "phuong": 0.6],
                "diem": ["xa": 0.1, "phuong": 0.6],
                "dai-tra": ["xa": 0.2],
            ])
        ])
        let answers = try typed.validated(against: rulesForm).get()
        #expect(table(answers)["tong-to-chuc"]?["tong-so"] == 0.9)
        #expect(0.3 + 0.6 != 0.9)
        // 0.1 + 0.2 == 0.3 in column "xa", 0.7 + 0.2 == 0.9 in column "tong-so".
        #expect(rulesForm.violations(in: answers) == [])
    }

    @Test func brokenRulesAreFoundPerCellWithSeverity() throws {
        let typed = Answers([
            "tong-so-nhiem-vu": .number(5),
            "hoan-thanh": .number(8),
            "bang": .table([
                "tong-to-chuc": ["xa": 10],
                "da-dai-hoi": ["xa": 5],
                "diem": ["xa": 4],
                "dai-tra": ["xa": 9],
            ]),
        ])
        let answers = try typed.validated(against: rulesForm).get()
        let violations = rulesForm.violations(in: answers)
        let found = violations.map { "\($0.rule.id) \($0.severity) \($0.cells.map(\.key))" }
        #expect(
            found == [
                "hoan-thanh-toi-da error [\"hoan-thanh\"]",
                "cac-loai-cong-lai warning [\"bang/diem/tong-so\", \"bang/dai-tra/tong-so\"]",
                "cac-loai-cong-lai warning [\"bang/diem/xa\", \"bang/dai-tra/xa\"]",
            ]
        )
        #expect(violations[0].text(vietnamese: true) == "Hoàn thành không lớn hơn tổng số (8 > 5)")
        #expect(violations[0].text(vietnamese: false) == "Completed is at most the total (8 > 5)")
        #expect(violations[1].text(vietnamese: true) == "Các loại cộng lại bằng số đã đại hội (Tổng số: 13 > 5)")
    }

    @Test func anEmptyValueCountsAsZeroAndAllEmptyIsNotChecked() throws {
        #expect(rulesForm.violations(in: Answers()) == [])
        let onlyDone = try Answers(["hoan-thanh": .number(1)]).validated(against: rulesForm).get()
        #expect(rulesForm.violations(in: onlyDone).map(\.rule.id) == ["hoan-thanh-toi-da"])
        let onlyTotal = try Answers(["tong-so-nhiem-vu": .number(1)]).validated(against: rulesForm).get()
        #expect(rulesForm.violations(in: onlyTotal) == [])
    }

    @Test func numbersInExplanationsAreGroupedTheLanguagesWay() {
        #expect(RuleViolation.format(Decimal(string: "1234567.5")!, true) == "1.234.567,5")
        #expect(RuleViolation.format(Decimal(string: "-1234.25")!, false) == "-1,234.25")
        #expect(RuleViolation.format(Decimal(12), true) == "12")
    }

    @Test func rulesAndTotalsRoundTripAndFormsWithoutThemEncodeAsBefore() throws {
        let data = try JSONEncoder().encode(rulesForm)
        #expect(try JSONDecoder().decode(Form.self, from: data) == rulesForm)
        let plain = try JSONEncoder().encode(sampleForm)
        let text = String(decoding: plain, as: UTF8.self)
        #expect(!text.contains("rules") && !text.contains("computed"))
        let json = """
            {"id": "r", "left": "a", "operator": "<=", "right": "b", "message": "m"}
            """
        let rule = try JSONDecoder().decode(ValidationRule.self, from: Data(json.utf8))
        #expect(rule.comparison == .lessOrEqual && rule.severity == .error && rule.each == nil)
    }
}

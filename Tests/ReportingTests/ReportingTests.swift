import Foundation
import Hierarchy
import Testing

@testable import Reporting

let sampleForm = Form(
    code: "NQ57-M",
    title: "Báo cáo tháng",
    frequency: .monthly,
    groups: [
        CriteriaGroup(
            id: "g1",
            title: "Hạ tầng số",
            questions: [
                Question(id: "staff", text: "Số cán bộ", required: true, kind: .integer, minimum: 0),
                Question(id: "rate", text: "Tỷ lệ hồ sơ trực tuyến", kind: .percentage),
                Question(
                    id: "plan",
                    text: "Đã ban hành kế hoạch?",
                    required: true,
                    kind: .singleChoice,
                    options: ["Có", "Chưa"]
                ),
                Question(
                    id: "areas",
                    text: "Lĩnh vực",
                    kind: .multipleChoice,
                    options: ["Y tế", "Giáo dục", "Giao thông"]
                ),
                Question(id: "note", text: "Ghi chú", kind: .paragraph),
            ]
        )
    ]
)

@Suite struct FormTests {
    @Test func soundFormHasNoProblems() {
        #expect(sampleForm.problems().isEmpty)
        #expect(sampleForm.question("rate")?.aggregation == .average)
        #expect(sampleForm.question("staff")?.aggregation == .sum)
    }

    @Test func reportsStructuralProblems() {
        let bad = Form(
            code: "x y",
            title: " ",
            frequency: .monthly,
            deadlineDay: 31,
            groups: [
                CriteriaGroup(
                    id: "g",
                    title: "g",
                    questions: [
                        Question(id: "a", text: "A", kind: .singleChoice),
                        Question(id: "a", text: "A", kind: .integer, minimum: 5, maximum: 1),
                    ]
                )
            ]
        )
        #expect(bad.problems().count == 6)
    }

    @Test func decodesFromJSONWithDefaults() throws {
        let json =
            #"{"code":"F1","title":"T","frequency":"monthly","groups":[{"id":"g","title":"G","questions":[{"id":"n","text":"N","kind":"integer"}]}]}"#
        let form = try JSONDecoder().decode(Form.self, from: Data(json.utf8))
        #expect(
            form.version == 1 && form.deadlineDay == 25 && form.questions[0].aggregation == .sum
                && !form.questions[0].required
        )
    }
}

@Suite struct AnswerTests {
    @Test func validatesAndShapes() throws {
        let json = #"{"staff": 12, "rate": 40.5, "plan": "Có", "areas": ["Y tế"], "note": "<script>x</script>"}"#
        let answers = try JSONDecoder().decode(Answers.self, from: Data(json.utf8))
        let valid = try answers.validated(against: sampleForm).get()
        #expect(valid["plan"] == .choice("Có"))
        #expect(valid["note"] == .text("<script>x</script>"))
        #expect(valid.missingRequired(in: sampleForm).isEmpty)
    }

    @Test func collectsEveryProblem() {
        let answers = Answers([
            "staff": .number(1.5), "rate": .number(120), "plan": .text("Maybe"), "areas": .choices(["Y tế", "Y tế"]),
            "ghost": .number(1),
        ])
        guard case .failure(let problems) = answers.validated(against: sampleForm) else {
            Issue.record("expected problems")
            return
        }
        #expect(Set(problems.byQuestion.keys) == ["staff", "rate", "plan", "areas", "ghost"])
        #expect(problems.byQuestion["staff"]?.contains("số nguyên") == true)
    }

    @Test func listsMissingRequired() {
        let answers = Answers(["staff": .number(3), "plan": .text("  ")])
        #expect(answers.missingRequired(in: sampleForm).map(\.id) == ["plan"])
    }

    @Test func boundsAreEnforced() {
        #expect(sampleForm.question("staff")!.check(.number(-1)) != nil)
        #expect(sampleForm.question("staff")!.check(.number(0)) == nil)
        #expect(sampleForm.question("staff")!.check(.number(1e300)) != nil, "huge values are refused")
    }
}

@Suite struct WorkflowTests {
    @Test func followsTheSeedStates() throws {
        #expect(try ReportWorkflow.next(after: .submit, from: .draft).get() == .submitted)
        #expect(try ReportWorkflow.next(after: .submit, from: .returned).get() == .submitted)
        #expect(try ReportWorkflow.next(after: .approve, from: .submitted).get() == .approved)
        #expect(try ReportWorkflow.next(after: .return, from: .approved).get() == .returned)
        #expect(try ReportWorkflow.next(after: .delete, from: .draft).get() == nil)
        #expect(try ReportWorkflow.next(after: .correct, from: .submitted).get() == .submitted)
    }

    @Test func refusesWhatTheStateForbids() {
        for (action, state) in [
            (ReportAction.save, ReportState.submitted), (.approve, .draft), (.delete, .approved), (.submit, .approved),
            (.return, .draft), (.correct, .draft), (.correct, .approved),
        ] {
            guard case .failure(let error) = ReportWorkflow.next(after: action, from: state) else {
                Issue.record("\(action) from \(state) should fail")
                continue
            }
            #expect(!error.description.isEmpty)
        }
    }
}

@Suite struct AggregatedAnswersTests {
    @Test func combinesByQuestion() {
        let a = Answers([
            "staff": .number(10), "rate": .number(50), "plan": .choice("Có"), "areas": .choices(["Y tế", "Giáo dục"]),
        ])
        let b = Answers([
            "staff": .number(5), "rate": .number(100), "plan": .choice("Chưa"), "areas": .choices(["Y tế"]),
        ])
        let total = AggregatedAnswers(form: sampleForm, answers: [a, b])
        let byId = Dictionary(uniqueKeysWithValues: total.items.map { ($0.question, $0) })
        #expect(total.reports == 2)
        #expect(byId["staff"]?.value == 15)
        #expect(byId["rate"]?.value == 75)
        #expect(byId["plan"]?.counts == ["Có": 1, "Chưa": 1])
        #expect(byId["areas"]?.counts == ["Y tế": 2, "Giáo dục": 1, "Giao thông": 0])
        #expect(byId["note"] == nil)
    }
}

/// Seed 004's congress tables: indicator rows with sub-rows × breakdown columns.
let congressForm = Form(
    code: "DH-B1",
    title: "Kết quả bầu cấp ủy",
    frequency: .once,
    groups: [
        CriteriaGroup(
            id: "g",
            title: "Biểu 1",
            questions: [
                Question(
                    id: "t",
                    text: "Số lượng cấp ủy viên",
                    required: true,
                    kind: .table,
                    table: TableLayout(
                        rows: [
                            TableRow(
                                id: "elected",
                                label: "Số cấp ủy viên được bầu",
                                rows: [TableRow(id: "women", label: "Trong đó: nữ")]
                            ),
                            TableRow(id: "rate", label: "Tỷ lệ trẻ"),
                        ],
                        columns: [
                            TableColumn(id: "total", label: "Tổng số"),
                            TableColumn(id: "secretary", label: "Bí thư", group: "Trong đó"),
                            TableColumn(id: "share", label: "Tỷ lệ (%)", kind: .percentage),
                        ]
                    )
                ),
                Question(id: "held", text: "Ngày đại hội", kind: .date),
            ]
        )
    ]
)

@Suite struct TableQuestionTests {
    @Test func layoutIsSound() {
        #expect(congressForm.problems().isEmpty, "\(congressForm.problems())")
        #expect(
            congressForm.question("t")!.table!.flatRows.map { "\($0.row.id)@\($0.depth)" } == [
                "elected@0", "women@1", "rate@0",
            ]
        )
        let broken = Form(
            code: "X",
            title: "X",
            frequency: .once,
            groups: [
                CriteriaGroup(
                    id: "g",
                    title: "g",
                    questions: [
                        Question(
                            id: "t",
                            text: "T",
                            kind: .table,
                            table: TableLayout(
                                rows: [TableRow(id: "a", label: "A"), TableRow(id: "a", label: "B")],
                                columns: [TableColumn(id: "c", label: "C", kind: .paragraph)]
                            )
                        ),
                        Question(id: "u", text: "U", kind: .table),
                    ]
                )
            ]
        )
        #expect(broken.problems().count == 3)
    }

    @Test func decodesAndValidatesCells() throws {
        let json =
            #"{"t": {"elected": {"total": 15, "secretary": 1, "share": 20}, "women": {"total": 4}}, "held": "2026-03-15"}"#
        let answers = try JSONDecoder().decode(Answers.self, from: Data(json.utf8))
        let valid = try answers.validated(against: congressForm).get()
        #expect(valid["t"] == .table(["elected": ["total": 15, "secretary": 1, "share": 20], "women": ["total": 4]]))
        for bad in [
            #"{"t": {"nope": {"total": 1}}}"#, #"{"t": {"elected": {"nope": 1}}}"#,
            #"{"t": {"elected": {"total": 1.5}}}"#,
            #"{"t": {"elected": {"share": 120}}}"#, #"{"held": "2026-02-30"}"#, #"{"held": 5}"#,
        ] {
            let answers = try JSONDecoder().decode(Answers.self, from: Data(bad.utf8))
            guard case .failure = answers.validated(against: congressForm) else {
                Issue.record("accepted \(bad)")
                continue
            }
        }
        #expect(
            Answers(["t": .table([:])]).missingRequired(in: congressForm).map(\.id) == ["t"],
            "an empty table does not answer a required one"
        )
    }

    @Test func aggregatesCellByCell() {
        let a = Answers(["t": .table(["elected": ["total": 15, "share": 20], "women": ["total": 4]])])
        let b = Answers(["t": .table(["elected": ["total": 9, "share": 40]])])
        let item = AggregatedAnswers(form: congressForm, answers: [a, b]).items.first { $0.question == "t" }
        #expect(item?.cells == ["elected": ["total": 24, "share": 30], "women": ["total": 4]])
        #expect(item?.answered == 2)
    }
}

@Suite struct RollupTests {
    @Test func quarterFromMonths() {
        let quarterly = Form(
            code: "Q",
            title: "Quý",
            frequency: .quarterly,
            groups: sampleForm.groups + congressForm.groups,
            rollupOf: "M"
        )
        #expect(quarterly.problems().isEmpty, "\(quarterly.problems())")
        let october = Answers([
            "staff": .number(10), "rate": .number(40), "plan": .choice("Chưa"), "t": .table(["elected": ["total": 3]]),
        ])
        let november = Answers(["staff": .number(12), "rate": .number(60), "note": .text("Tháng 11")])
        let december = Answers([
            "staff": .number(5), "plan": .choice("Có"), "t": .table(["elected": ["total": 4, "share": 50]]),
        ])
        let rolled = Rollup.answers(for: quarterly, from: [october, november, december])
        #expect(rolled["staff"] == .number(27), "counts add up over the quarter")
        #expect(rolled["rate"] == .number(50), "rates average")
        #expect(rolled["plan"] == .choice("Có"), "choices: the latest month")
        #expect(rolled["note"] == .text("Tháng 11"), "the latest month that answered")
        #expect(rolled["t"] == .table(["elected": ["total": 7, "share": 50]]))
        #expect(rolled["held"] == nil)
        #expect(Rollup.answers(for: quarterly, from: []) == Answers())
    }

    @Test func onlyQuarterlyAndYearlyFormsRollUp() {
        let monthly = Form(code: "M2", title: "x", frequency: .monthly, groups: sampleForm.groups, rollupOf: "M")
        #expect(monthly.problems().contains("only quarterly and yearly forms roll up monthly reports"))
    }
}

import Foundation
import Testing
import Hierarchy
@testable import Reporting

let sampleForm = Form(code: "NQ57-M", title: "Báo cáo tháng", frequency: .monthly, groups: [
    CriteriaGroup(id: "g1", title: "Hạ tầng số", questions: [
        Question(id: "staff", text: "Số cán bộ", required: true, kind: .integer, minimum: 0),
        Question(id: "rate", text: "Tỷ lệ hồ sơ trực tuyến", kind: .percentage),
        Question(id: "plan", text: "Đã ban hành kế hoạch?", required: true, kind: .singleChoice, options: ["Có", "Chưa"]),
        Question(id: "areas", text: "Lĩnh vực", kind: .multipleChoice, options: ["Y tế", "Giáo dục", "Giao thông"]),
        Question(id: "note", text: "Ghi chú", kind: .paragraph),
    ]),
])

@Suite struct FormTests {
    @Test func soundFormHasNoProblems() {
        #expect(sampleForm.problems().isEmpty)
        #expect(sampleForm.question("rate")?.aggregation == .average)
        #expect(sampleForm.question("staff")?.aggregation == .sum)
    }

    @Test func reportsStructuralProblems() {
        let bad = Form(code: "x y", title: " ", frequency: .monthly, deadlineDay: 31, groups: [
            CriteriaGroup(id: "g", title: "g", questions: [
                Question(id: "a", text: "A", kind: .singleChoice),
                Question(id: "a", text: "A", kind: .integer, minimum: 5, maximum: 1),
            ]),
        ])
        #expect(bad.problems().count == 6)
    }

    @Test func decodesFromJSONWithDefaults() throws {
        let json = #"{"code":"F1","title":"T","frequency":"monthly","groups":[{"id":"g","title":"G","questions":[{"id":"n","text":"N","kind":"integer"}]}]}"#
        let form = try JSONDecoder().decode(Form.self, from: Data(json.utf8))
        #expect(form.version == 1 && form.deadlineDay == 25 && form.questions[0].aggregation == .sum && !form.questions[0].required)
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
        let answers = Answers(["staff": .number(1.5), "rate": .number(120), "plan": .text("Maybe"), "areas": .choices(["Y tế", "Y tế"]), "ghost": .number(1)])
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
    }

    @Test func refusesWhatTheStateForbids() {
        for (action, state) in [(ReportAction.save, ReportState.submitted), (.approve, .draft), (.delete, .approved), (.submit, .approved), (.return, .draft)] {
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
        let a = Answers(["staff": .number(10), "rate": .number(50), "plan": .choice("Có"), "areas": .choices(["Y tế", "Giáo dục"])])
        let b = Answers(["staff": .number(5), "rate": .number(100), "plan": .choice("Chưa"), "areas": .choices(["Y tế"])])
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

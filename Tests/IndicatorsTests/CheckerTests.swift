import Hierarchy
import Reporting
import Testing

@testable import Indicators

@Suite struct CheckerTests {
    static func problems(_ numerator: String, _ denominator: String? = nil, code: String = "NEW") -> [FormulaProblem] {
        let catalogue = Fixtures.catalogue()
        let formula = IndicatorFormula(numerator: numerator, denominator: denominator)
        switch IndicatorChecker(catalogue: catalogue).check(formula, for: code) {
        case .success: return []
        case .failure(let problems): return problems.problems
        }
    }

    @Test func aSoundFormulaPasses() {
        #expect(Self.problems("#{so-hoa.xa_so_hoa} + #{so-hoa.bang.cntt.nu}", "I{TY_LE_SO_HOA} * 2").isEmpty)
        #expect(Self.problems("sum(#{so-hoa.ho_so}) / 2").isEmpty)
    }

    @Test func unknownFormsQuestionsRowsColumnsAndIndicators() {
        #expect(
            Self.problems("#{khac.x}") == [FormulaProblem(part: .numerator, position: 1, kind: .unknownForm("khac"))]
        )
        #expect(
            Self.problems("1", "2 + #{so-hoa.khong_co}") == [
                FormulaProblem(
                    part: .denominator,
                    position: 5,
                    kind: .unknownQuestion(form: "so-hoa", question: "khong_co")
                )
            ]
        )
        #expect(
            Self.problems("#{so-hoa.bang.x.nu}").map(\.kind) == [
                .unknownRow(reference: "#{so-hoa.bang}", row: "x")
            ]
        )
        #expect(
            Self.problems("#{so-hoa.bang.tong.y}").map(\.kind) == [
                .unknownColumn(reference: "#{so-hoa.bang}", column: "y")
            ]
        )
        let indicator = Self.problems("3 * I{KHONG}")
        #expect(indicator == [FormulaProblem(part: .numerator, position: 5, kind: .unknownIndicator("KHONG"))])
        #expect(indicator.first?.vietnamese == "Tử số, vị trí 5: không có chỉ số “KHONG”")
        #expect(indicator.first?.english == "Numerator, position 5: no indicator 'KHONG'")
    }

    @Test func aTextOrChoiceQuestionIsNotANumber() {
        let text = Self.problems("#{so-hoa.ho_so} + #{so-hoa.ghi_chu}")
        #expect(text.map(\.kind) == [.notANumber(reference: "#{so-hoa.ghi_chu}", kind: "paragraph")])
        #expect(text.first?.position == 19)
        #expect(
            text.first?.vietnamese
                == "Tử số, vị trí 19: #{so-hoa.ghi_chu} là câu hỏi dạng paragraph, không phải số nên không tính toán được"
        )
        #expect(
            Self.problems("#{so-hoa.muc_do}").map(\.kind) == [
                .notANumber(reference: "#{so-hoa.muc_do}", kind: "single_choice")
            ]
        )
        #expect(Self.problems("#{so-hoa.bang}").map(\.kind) == [.tableNeedsCell(reference: "#{so-hoa.bang}")])
        #expect(Self.problems("#{so-hoa.ho_so.a.b}").map(\.kind) == [.notATable(reference: "#{so-hoa.ho_so}")])
    }

    @Test func divisionByAConstantZero() {
        let inside = Self.problems("#{so-hoa.ho_so} / (2 - 2)")
        #expect(inside == [FormulaProblem(part: .numerator, position: 17, kind: .divisionByZero)])
        #expect(inside.first?.description == "Tử số, vị trí 17: chia cho 0 / Numerator, position 17: division by zero")
        #expect(
            Self.problems("#{so-hoa.ho_so}", "0 * 5") == [
                FormulaProblem(part: .denominator, position: 1, kind: .divisionByZero)
            ]
        )
        // Zero only when the data says so is not refused: it is undefined when computed.
        #expect(Self.problems("#{so-hoa.ho_so}", "#{so-hoa.tong_xa} - #{so-hoa.xa_so_hoa}").isEmpty)
    }

    @Test func cyclesBetweenIndicatorsAreRefusedWithTheirPath() {
        let a = Fixtures.definition("A", source: Fixtures.computed("#{so-hoa.ho_so} + 1"))
        let b = Fixtures.definition("B", source: Fixtures.computed("I{A} * 2"))
        let catalogue = Fixtures.catalogue([a, b])
        // A changed so that it reads B, which reads A.
        let changed = IndicatorFormula(numerator: "1 + I{B}")
        guard case .failure(let problems) = IndicatorChecker(catalogue: catalogue).check(changed, for: "A") else {
            Issue.record("a cycle was accepted")
            return
        }
        #expect(problems.problems == [FormulaProblem(part: .numerator, position: 5, kind: .cycle(["A", "B", "A"]))])
        #expect(problems.problems.first?.vietnamese == "Tử số, vị trí 5: vòng lặp giữa các chỉ số: A → B → A")
        // An indicator naming itself.
        guard
            case .failure(let own) = IndicatorChecker(catalogue: catalogue).check(
                IndicatorFormula(numerator: "1", denominator: "I{B}"),
                for: "B"
            )
        else {
            Issue.record("a self-reference was accepted")
            return
        }
        #expect(own.problems.map(\.kind) == [.cycle(["B", "B"])])
        #expect(own.problems.first?.part == .denominator)
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let problems = Self.problems("#{x.y} + I{Z} / 0", "#{so-hoa.ghi_chu}")
        #expect(problems.count == 4)
        #expect(problems.map(\.part) == [.numerator, .numerator, .numerator, .denominator])
    }

    @Test func theCatalogueRefusesADefinitionWithTheCheckersMessages() {
        var catalogue = Fixtures.catalogue()
        let bad = Fixtures.definition("BAD", source: Fixtures.computed("#{so-hoa.ghi_chu}", "0"))
        #expect(throws: IndicatorRefusal.self) { try catalogue.add(bad) }
        do {
            try catalogue.add(bad)
        } catch {
            #expect(error.formula.count == 2)
            #expect(error.messages.allSatisfy { $0.contains(" / ") })
        }
        #expect(catalogue.latest("BAD") == nil)
        let weightedWithoutDenominator = Fixtures.definition(
            "W",
            source: Fixtures.computed("#{so-hoa.ho_so}"),
            aggregation: .weighted
        )
        #expect(throws: IndicatorRefusal.self) { try catalogue.add(weightedWithoutDenominator) }
        let blank = IndicatorDefinition(
            code: "bad code",
            effectiveFrom: .month(2026, 1),
            name: BilingualText(vi: "", en: "x"),
            concept: "x",
            calculationMethod: "x",
            dataSource: "x",
            leadAgency: "x",
            implementingAgency: "x",
            updatedBy: " ",
            unitOfMeasure: "x",
            layer: .centralSteering,
            sector: "x",
            frequency: .monthly,
            source: .delivered(system: "Cổng DVC"),
            aggregation: .sum,
            targets: [IndicatorTarget(period: .quarter(2026, 1), value: 1)]
        )
        #expect(blank.attributeProblems().count == 4)
        // A code that names one of the indicator pages would hide its own page behind it.
        let page = IndicatorDefinition(
            code: "entry",
            effectiveFrom: .month(2026, 1),
            name: BilingualText(vi: "x", en: "x"),
            concept: "x",
            calculationMethod: "x",
            dataSource: "x",
            leadAgency: "x",
            implementingAgency: "x",
            updatedBy: "x",
            unitOfMeasure: "x",
            layer: .centralSteering,
            sector: "x",
            frequency: .monthly,
            source: .entered,
            aggregation: .sum
        )
        #expect(page.attributeProblems().map { $0.contains("names a page") } == [true])
    }
}

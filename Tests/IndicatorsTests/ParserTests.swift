import Testing

@testable import Indicators

@Suite struct ParserTests {
    static func parse(_ text: String) throws -> Expression { try FormulaParser.parse(text) }

    static func problem(_ text: String, part: FormulaPart = .numerator) -> FormulaProblem? {
        do {
            _ = try FormulaParser.parse(text, part: part)
            return nil
        } catch {
            return error
        }
    }

    @Test func multiplicationAndDivisionBindTighterThanAdditionAndSubtraction() throws {
        #expect(try Self.parse("1 + 2 * 3").constantValue == 7)
        #expect(try Self.parse("(1 + 2) * 3").constantValue == 9)
        #expect(try Self.parse("10 - 4 - 3").constantValue == 3)
        #expect(try Self.parse("12 / 3 / 2").constantValue == 2)
        #expect(try Self.parse("2 × 3 ÷ 4 − 1").constantValue == 0.5)
        #expect(try Self.parse("-2 * -(3 + 1)").constantValue == 8)
        #expect(try Self.parse("1,5 + 0.5").constantValue == 2)
    }

    @Test func referencesToAnswersTableCellsAndIndicators() throws {
        let expression = try Self.parse("#{so-hoa.xa_so_hoa} + #{so-hoa.bang.tong.nu} * I{TY_LE}")
        #expect(
            expression.answerReferences == [
                AnswerReference(form: "so-hoa", question: "xa_so_hoa"),
                AnswerReference(form: "so-hoa", question: "bang", row: "tong", column: "nu"),
            ]
        )
        #expect(expression.indicatorReferences == ["TY_LE"])
        guard
            case .binary(.add, .answer(_, at: 1), .binary(.multiply, _, .indicator("TY_LE", at: 48), at: 46), at: 21) =
                expression
        else {
            Issue.record("unexpected tree \(expression)")
            return
        }
    }

    @Test func functionsOverTheUnitsBelow() throws {
        let expression = try Self.parse("sum(#{so-hoa.ho_so}) / count(#{so-hoa.ho_so})")
        guard case .binary(.divide, .subtree(.sum, _, at: 1), .subtree(.count, _, at: 24), at: 22) = expression else {
            Issue.record("unexpected tree \(expression)")
            return
        }
        #expect(Self.problem("sum(avg(1))")?.kind == .nestedFunction("avg"))
        #expect(Self.problem("sum(avg(1))")?.position == 5)
        #expect(Self.problem("median(1)")?.kind == .unknownFunction("median"))
        #expect(Self.problem("median(1)")?.position == 1)
    }

    @Test func syntaxErrorsNameTheirPosition() {
        let empty = Self.problem("   ")
        #expect(empty?.kind == .empty)
        let dangling = Self.problem("1 +")
        #expect(dangling?.kind == .unexpected(found: nil, expected: .operand))
        #expect(dangling?.position == 4)
        let unclosed = Self.problem("(1 + 2", part: .denominator)
        #expect(unclosed?.kind == .unexpected(found: nil, expected: .character(")")))
        #expect(unclosed?.description.hasPrefix("Mẫu số, vị trí 7: gặp hết biểu thức, cần “)”") == true)
        #expect(unclosed?.description.contains("Denominator, position 7: found the end of the expression") == true)
        let twoNumbers = Self.problem("1 2")
        #expect(twoNumbers?.kind == .unexpected(found: "2", expected: .operation))
        #expect(twoNumbers?.position == 3)
        let doubled = Self.problem("1 * * 2")
        #expect(doubled?.kind == .unexpected(found: "*", expected: .operand))
        #expect(doubled?.position == 5)
        #expect(Self.problem("1 + $")?.kind == .invalidCharacter("$"))
        #expect(Self.problem("1 + $")?.position == 5)
        let unclosedReference = Self.problem("2 * #{so-hoa.tong_xa")
        #expect(unclosedReference?.kind == .unexpected(found: nil, expected: .closingBrace(openedAt: 5)))
        let malformed = Self.problem("1 + #{so-hoa.bang.tong}")
        #expect(malformed?.kind == .malformedReference("#{so-hoa.bang.tong}"))
        #expect(malformed?.position == 5)
        #expect(Self.problem("I{bad code}")?.kind == .unexpected(found: "I{bad code}", expected: .indicatorCode))
    }

    @Test func messagesAreVietnameseFirstThenEnglish() throws {
        let problem = try #require(Self.problem("1 + $"))
        #expect(problem.description == "\(problem.vietnamese) / \(problem.english)")
        #expect(problem.vietnamese == "Tử số, vị trí 5: ký tự “$” không dùng được trong công thức")
        #expect(problem.english == "Numerator, position 5: character '$' cannot be used in a formula")
    }
}

@Suite struct ParserLimitTests {
    @Test func aHostileFormulaIsRefusedNotFollowed() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        #expect(ParserTests.problem(deep)?.kind == .tooDeep)
        #expect(ParserTests.problem(String(repeating: "-", count: 500) + "1")?.kind == .tooDeep)
        #expect(ParserTests.problem(String(repeating: "1+", count: 1500) + "1")?.kind == .tooLong)
        #expect(throws: Never.self) {
            try FormulaParser.parse(String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30))
        }
    }
}

import Hierarchy
import Testing

@testable import Reporting

/// A tally that reports are added to and taken out of, in any order, combines to the same answers
/// as the reports still counted combined one by one in unit order.
@Suite struct AnswerTallyTests {
    static let form = Form(
        code: "T",
        title: "Tally",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g",
                title: "g",
                questions: [
                    Question(id: "sum", text: "s", kind: .integer, aggregation: .sum),
                    Question(id: "avg", text: "a", kind: .decimal, aggregation: .average),
                    Question(id: "min", text: "m", kind: .integer, aggregation: .min),
                    Question(id: "max", text: "M", kind: .integer, aggregation: .max),
                    Question(id: "last", text: "l", kind: .integer, aggregation: .last),
                    Question(id: "many", text: "c", kind: .multipleChoice, options: ["x", "y"]),
                    Question(
                        id: "tab",
                        text: "t",
                        kind: .table,
                        table: TableLayout(
                            rows: [TableRow(id: "r", label: "r")],
                            columns: [
                                TableColumn(id: "n", label: "n"), TableColumn(id: "lo", label: "lo", aggregation: .min),
                            ]
                        )
                    ),
                ]
            )
        ]
    )

    static func answers(_ index: Int) -> Answers {
        var values: [String: Answer] = ["sum": .number(Double(index % 7)), "avg": .number(Double(index) / 4)]
        if index % 3 != 0 { values["min"] = .number(Double((index * 5) % 11)) }
        if index % 4 != 1 { values["max"] = .number(Double((index * 3) % 13)) }
        if index % 2 == 0 { values["last"] = .number(Double(index)) }
        values["many"] = index % 5 == 0 ? .choices([]) : .choices(index % 2 == 0 ? ["x", "w"] : ["y"])
        if index % 3 != 2 { values["tab"] = .table(["r": ["n": Double(index % 4), "lo": Double(9 - index % 6)]]) }
        return Answers(values)
    }

    @Test func addingAndTakingOutGivesWhatCombiningTheRestGives() {
        var generator = SeededGenerator(seed: 20_261_207)
        var tally = AnswerTally()
        var counted: [String: Answers] = [:]
        for step in 0..<400 {
            let unit = "U\(Int.random(in: 10..<30, using: &generator))"
            if let held = counted[unit] {
                tally.subtract(AnswerTally(form: Self.form, unit: unit, answers: held))
                counted[unit] = nil
            }
            if Bool.random(using: &generator) {
                let answers = Self.answers(step)
                tally.add(AnswerTally(form: Self.form, unit: unit, answers: answers))
                counted[unit] = answers
            }
            let expected = AggregatedAnswers(form: Self.form, answers: counted.keys.sorted().map { counted[$0]! })
            #expect(AggregatedAnswers(form: Self.form, tally: tally) == expected, "step \(step)")
        }
    }

    @Test func aPartKeepsItsKindWhenStored() {
        for part in [AnswerTally.Part.answers, .option("Một phần"), .option("o:x y"), .cell(row: "r1", column: "c.2")] {
            #expect(AnswerTally.Part(stored: part.stored) == part)
        }
        #expect(AnswerTally.Part(stored: "c:nospace") == nil)
    }
}

/// A splitmix64 generator: the same seed gives the same sequence.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

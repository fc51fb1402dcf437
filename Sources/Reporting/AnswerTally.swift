import Hierarchy

/// The approved answers of one form over a group of units, kept as counts and sums (and, where a
/// number combines by minimum, maximum or last, each unit's value) so that one report can be
/// added to the group or taken out of it without reading the others: what a node keeps per group
/// as reports are approved, returned and approved again, and turns into `AggregatedAnswers`.
public struct AnswerTally: Sendable, Hashable {
    /// What one measure counts: a question's answers, one option of a choice, or one table cell.
    public enum Part: Sendable, Hashable, Comparable {
        case answers
        case option(String)
        case cell(row: String, column: String)

        /// As stored: `""`, `o:<option>` or `c:<row> <column>` (row and column ids hold no space).
        public var stored: String {
            switch self {
            case .answers: ""
            case .option(let option): "o:" + option
            case .cell(let row, let column): "c:\(row) \(column)"
            }
        }

        public init?(stored: String) {
            if stored.isEmpty {
                self = .answers
            } else if stored.hasPrefix("o:") {
                self = .option(String(stored.dropFirst(2)))
            } else if stored.hasPrefix("c:") {
                let ids = stored.dropFirst(2).split(separator: " ", maxSplits: 1)
                guard ids.count == 2 else { return nil }
                self = .cell(row: String(ids[0]), column: String(ids[1]))
            } else {
                return nil
            }
        }

        public static func < (lhs: Part, rhs: Part) -> Bool { lhs.stored < rhs.stored }
    }

    /// One question's part.
    public struct Key: Sendable, Hashable, Comparable {
        public let question: String
        public let part: Part

        public init(question: String, part: Part) {
            self.question = question
            self.part = part
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.question, lhs.part.stored) < (rhs.question, rhs.part.stored)
        }
    }

    /// How many answers (or numbers, or choices of the option) were counted, how many of the numbers
    /// were finite, and their sum.
    public struct Measure: Sendable, Hashable {
        public var count = 0
        public var finite = 0
        public var total = 0.0

        public init(count: Int = 0, finite: Int = 0, total: Double = 0) {
            self.count = count
            self.finite = finite
            self.total = total
        }
    }

    /// Approved reports counted.
    public var reports = 0
    public var measures: [Key: Measure] = [:]
    /// Finite numbers by unit, for the parts combined by minimum, maximum or last (the last is the
    /// value of the highest unit code, as the units are listed in code order).
    public var values: [Key: [String: Double]] = [:]

    public init() {}

    /// One approved report of `unit`: what it adds to a group's tally.
    public init(form: Form, unit: String, answers: Answers) {
        reports = 1
        for question in form.questions {
            guard let answer = answers[question.id] else { continue }
            if question.kind.isNumeric {
                guard let number = answer.number else { continue }
                count(number, Key(question: question.id, part: .answers), question.aggregation, unit)
            } else if question.kind.isChoice {
                measures[Key(question: question.id, part: .answers), default: Measure()].count += 1
                switch answer {
                case .choice(let option), .text(let option):
                    measures[Key(question: question.id, part: .option(option)), default: Measure()].count += 1
                case .choices(let options):
                    for option in options {
                        measures[Key(question: question.id, part: .option(option)), default: Measure()].count += 1
                    }
                case .number, .table: break
                }
            } else if let layout = question.table, case .table(let cells) = answer {
                measures[Key(question: question.id, part: .answers), default: Measure()].count += 1
                for (row, _) in layout.flatRows {
                    for column in layout.columns {
                        guard let value = cells[row.id]?[column.id] else { continue }
                        let key = Key(question: question.id, part: .cell(row: row.id, column: column.id))
                        count(value, key, column.aggregation, unit)
                    }
                }
            }
        }
    }

    private mutating func count(_ number: Double, _ key: Key, _ aggregation: Aggregation, _ unit: String) {
        var measure = measures[key] ?? Measure()
        measure.count += 1
        if number.isFinite {
            measure.finite += 1
            measure.total += number
            if Self.keepsValues(aggregation) { values[key, default: [:]][unit] = number }
        }
        measures[key] = measure
    }

    /// Whether a part combined this way keeps each unit's value (sums and counts cannot give it).
    public static func keepsValues(_ aggregation: Aggregation) -> Bool {
        aggregation == .min || aggregation == .max || aggregation == .last
    }

    /// Adds another group's (or report's) tally.
    public mutating func add(_ other: AnswerTally) {
        reports += other.reports
        for (key, measure) in other.measures {
            var kept = measures[key] ?? Measure()
            kept.count += measure.count
            kept.finite += measure.finite
            kept.total += measure.total
            measures[key] = kept
        }
        for (key, byUnit) in other.values {
            values[key, default: [:]].merge(byUnit) { _, new in new }
        }
    }

    /// Takes a report's tally out again (a report returned, or replaced by its next approval): a
    /// part counted by no report any more is dropped, so nothing of it lingers.
    public mutating func subtract(_ other: AnswerTally) {
        reports -= other.reports
        for (key, measure) in other.measures {
            var kept = measures[key] ?? Measure()
            kept.count -= measure.count
            kept.finite -= measure.finite
            kept.total -= measure.total
            measures[key] = kept.count == 0 ? nil : kept
        }
        for (key, byUnit) in other.values {
            for unit in byUnit.keys { values[key]?[unit] = nil }
            if values[key]?.isEmpty == true { values[key] = nil }
        }
    }

    /// The part's numbers combined as `aggregation` combines them (nil when none is finite).
    public func combined(_ key: Key, by aggregation: Aggregation) -> Double? {
        guard let measure = measures[key], measure.finite > 0 else { return nil }
        let result: Double?
        switch aggregation {
        case .sum: result = measure.total
        case .average: result = measure.total / Double(measure.finite)
        case .min: result = values[key]?.values.min()
        case .max: result = values[key]?.values.max()
        case .last: result = values[key]?.max { $0.key < $1.key }?.value
        case .none: result = nil
        }
        return result.flatMap { $0.isFinite ? $0 : nil }
    }
}

extension AggregatedAnswers {
    /// The same items as combining the reports' answers one by one, read from their tally.
    public init(form: Form, tally: AnswerTally) {
        self.init(
            reports: tally.reports,
            items: form.questions.compactMap { question in
                let main = AnswerTally.Key(question: question.id, part: .answers)
                let answered = tally.measures[main]?.count ?? 0
                if question.kind.isNumeric {
                    return Item(
                        question: question.id,
                        aggregation: question.aggregation,
                        answered: answered,
                        value: tally.combined(main, by: question.aggregation),
                        counts: nil
                    )
                }
                if question.kind.isChoice {
                    var counts = Dictionary(uniqueKeysWithValues: question.options.map { ($0, 0) })
                    for (key, measure) in tally.measures where key.question == question.id {
                        if case .option(let option) = key.part { counts[option, default: 0] += measure.count }
                    }
                    return Item(
                        question: question.id,
                        aggregation: .none,
                        answered: answered,
                        value: nil,
                        counts: counts
                    )
                }
                if let layout = question.table {
                    var cells: [String: [String: Double]] = [:]
                    for (row, _) in layout.flatRows {
                        for column in layout.columns {
                            let key = AnswerTally.Key(
                                question: question.id,
                                part: .cell(row: row.id, column: column.id)
                            )
                            if let value = tally.combined(key, by: column.aggregation) {
                                cells[row.id, default: [:]][column.id] = value
                            }
                        }
                    }
                    return Item(
                        question: question.id,
                        aggregation: .none,
                        answered: answered,
                        value: nil,
                        counts: nil,
                        cells: cells
                    )
                }
                return nil
            }
        )
    }
}

extension AggregatedAnswers {
    init(reports: Int, items: [Item]) {
        self.reports = reports
        self.items = items
    }
}

import Foundation

/// The monthly scores of the units one scorer ranks, computed from their figures: the "best
/// unit" figures (A3, C1, C2) are the highest among the units scored together, and a missing
/// figure counts as 0 and is listed, so the working shows what was not yet supplied.
public struct ScoreBoard: Sendable, Hashable, Codable {
    /// One unit's score with everything it was computed from.
    public struct Entry: Sendable, Hashable, Codable {
        public let unit: String
        public let inputs: ScoreInputs
        public let score: MonthlyScore
        /// Figures nobody supplied for the month (counted as 0).
        public let missing: [Indicator]
    }

    public let month: ScoreMonth
    public let entries: [Entry]

    /// `values` holds the imported or entered figures per unit; `tasks` the task figures per unit
    /// (which take the place of the imported A figures when given). Every unit of `units` is
    /// scored, with or without figures.
    public init(
        month: ScoreMonth,
        units: [String],
        values: [String: [Indicator: Double]],
        tasks: [String: TaskFigures] = [:]
    ) {
        func figures(_ unit: String) -> (TaskFigures, [Indicator: Double]) {
            let own = values[unit] ?? [:]
            return (tasks[unit] ?? TaskFigures(values: own), own)
        }
        let all = units.map { figures($0) }
        let mostTasks = all.map(\.0.assigned).max() ?? 0
        let mostRecords = all.map { Int($0.1[.recordsDigitised] ?? 0) }.max() ?? 0
        let mostSharing = all.map { Int($0.1[.sharingTransactions] ?? 0) }.max() ?? 0
        entries = units.sorted().map { unit in
            let (task, own) = figures(unit)
            func count(_ indicator: Indicator) -> Int { Int(own[indicator] ?? 0) }
            let inputs = ScoreInputs(
                tasksDue: task.due,
                completedOnTime: task.completedOnTime,
                completedLate: task.completedLate,
                tasksAssigned: task.assigned,
                mostTasksAssigned: mostTasks,
                publicServiceIndex: own[.publicServiceIndex] ?? 0,
                recordsDigitised: count(.recordsDigitised),
                mostRecordsDigitised: mostRecords,
                sharingTransactions: count(.sharingTransactions),
                mostSharingTransactions: mostSharing,
                scienceTasksAccepted: count(.scienceTasksAccepted),
                scienceTasks: count(.scienceTasks),
                disbursementPercent: own[.disbursementPercent] ?? 0,
                meetingsAttended: count(.meetingsAttended),
                meetingsHeld: count(.meetingsHeld),
                contributions: count(.contributions),
                thematicReports: count(.thematicReports),
                reportingOnTime: own[.reportingOnTime] ?? 0,
                bonus: count(.bonus)
            )
            let fromTasks: [Indicator] =
                tasks[unit] != nil ? [.tasksDue, .completedOnTime, .completedLate, .tasksAssigned] : []
            let supplied = Set(own.keys).union(fromTasks)
            return Entry(
                unit: unit,
                inputs: inputs,
                score: MonthlyScore(inputs),
                missing: Indicator.allCases.filter { !supplied.contains($0) }
            )
        }
        self.month = month
    }

    public var scores: [String: MonthlyScore] { Dictionary(uniqueKeysWithValues: entries.map { ($0.unit, $0.score) }) }

    /// The ranking, with the change from `previous` (last month's ranks).
    public func ranking(previous: [String: Int] = [:]) -> Ranking { Ranking(scores: scores, previous: previous) }
}

/// One figure of an import: a unit, a month, an indicator and its value.
public struct IndicatorRow: Sendable, Hashable, Codable {
    public let unit: String
    public let month: ScoreMonth
    public let indicator: Indicator
    public let value: Double

    public init(unit: String, month: ScoreMonth, indicator: Indicator, value: Double) {
        self.unit = unit
        self.month = month
        self.indicator = indicator
        self.value = value
    }
}

/// Reads an indicator import: CSV (RFC 4180, comma or semicolon) with the header
/// `unit,month,indicator,value`. Every problem is reported with its line, and nothing is taken
/// unless the whole file is right.
public enum IndicatorCSV {
    public struct Problem: Sendable, Hashable, Codable {
        public let line: Int
        public let message: String
    }

    /// Why a file was refused: every faulty line.
    public struct Problems: Error, Sendable, Hashable {
        public let lines: [Problem]
    }

    public static func parse(_ text: String) -> Result<[IndicatorRow], Problems> {
        let lines = records(text)
        guard
            let header = lines.first?.fields.map({
                $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased()
            }),
            header.count >= 4, Array(header.prefix(4)) == ["unit", "month", "indicator", "value"]
        else {
            return .failure(
                Problems(lines: [Problem(line: 1, message: "Dòng đầu phải là: unit,month,indicator,value")])
            )
        }
        var rows: [IndicatorRow] = []
        var problems: [Problem] = []
        var seen: [String: Int] = [:]
        for (line, fields) in lines.dropFirst() {
            let cells = fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.allSatisfy(\.isEmpty) { continue }
            guard cells.count >= 4 else {
                problems.append(Problem(line: line, message: "Thiếu cột (cần 4 cột)"))
                continue
            }
            guard let month = ScoreMonth(cells[1]) else {
                problems.append(Problem(line: line, message: "Tháng “\(cells[1])” không hợp lệ (ví dụ 2026-11)"))
                continue
            }
            guard let indicator = Indicator(rawValue: cells[2]) else {
                problems.append(Problem(line: line, message: "Không có chỉ số “\(cells[2])”"))
                continue
            }
            guard let value = Double(cells[3].replacingOccurrences(of: ",", with: ".")) else {
                problems.append(Problem(line: line, message: "Giá trị “\(cells[3])” không phải là số"))
                continue
            }
            if let problem = indicator.problem(with: value) {
                problems.append(Problem(line: line, message: problem))
                continue
            }
            let key = "\(cells[0])|\(month)|\(indicator.rawValue)"
            if let first = seen[key] {
                problems.append(Problem(line: line, message: "Trùng với dòng \(first)"))
                continue
            }
            seen[key] = line
            rows.append(IndicatorRow(unit: cells[0], month: month, indicator: indicator, value: value))
        }
        return problems.isEmpty ? .success(rows) : .failure(Problems(lines: problems))
    }

    /// Records with their starting line numbers; quoted fields may hold separators, quotes ("")
    /// and line breaks.
    static func records(_ text: String) -> [(line: Int, fields: [String])] {
        let separator: Character =
            (text.split(separator: "\n").first?.contains(";") ?? false)
                && !(text.split(separator: "\n").first?.contains(",") ?? false) ? ";" : ","
        var result: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return iterator.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    let following = next()
                    if following == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = following
                    }
                } else {
                    if character == "\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case separator:
                fields.append(field)
                field = ""
            case "\r\n", "\n", "\r":
                fields.append(field)
                result.append((start, fields))
                fields = []
                field = ""
                line += 1
                start = line
            default: field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            result.append((start, fields))
        }
        return result
    }
}

import Auth
import Foundation
import GRDB
import Hierarchy
import Scoring
import Spreadsheet
import Tasks

/// Where A1–A3's task figures come from (`MonthlyScores.taskFigures`): the tasks this node holds
/// (`RecordedTaskFigures`), or, for a unit with no task recorded here, the imported indicator
/// values `tasksDue`, `completedOnTime`, `completedLate` and `tasksAssigned`.
protocol TaskFiguresSource: Sendable {
    /// The task figures of `units` for `month`; a unit left out counts as having none supplied.
    func figures(units: [String], month: ScoreMonth, _ db: Database) throws -> [String: TaskFigures]
}

/// Task figures taken from imported or entered indicator values.
struct ImportedTaskFigures: TaskFiguresSource {
    func figures(units: [String], month: ScoreMonth, _ db: Database) throws -> [String: TaskFigures] {
        let taskIndicators = Indicator.allCases.filter { $0.source == .tasks }.map(\.rawValue)
        var values: [String: [Indicator: Double]] = [:]
        for row in try IndicatorValueStore.values(month: month.description, indicators: taskIndicators, db) {
            let unit: String = row["unit"]
            guard let indicator = Indicator(rawValue: row["indicator"]) else { continue }
            values[unit, default: [:]][indicator] = row["value"]
        }
        return values.filter { units.contains($0.key) }.mapValues(TaskFigures.init(values:))
    }
}

/// Task figures counted from the tasks recorded on this node (`Tasks.MonthlyTally`): the tasks
/// of each unit, as they stood at the end of the month. A completion counts unless it was
/// returned. A unit with no task due in the month falls back to imported figures, for tasks
/// followed outside the system.
struct RecordedTaskFigures: TaskFiguresSource {
    func figures(units: [String], month: ScoreMonth, _ db: Database) throws -> [String: TaskFigures] {
        let first = CalendarDate(year: month.year, month: month.month, day: 1)
        let next = first.adding(days: 31)
        let last = next.adding(days: -next.day)
        var result = try ImportedTaskFigures().figures(units: units, month: month, db)
        for unit in units {
            let records = try TaskStore.tasks(of: unit, dueBy: last.description, db)
            let entries = try records.map {
                MonthlyTally.entry(try AssignedTasks.facts($0, unit: unit, db), last: last)
            }
            let tally = MonthlyTally(entries, first: first, last: last)
            guard tally.due > 0 else { continue }
            result[unit] = TaskFigures(
                due: tally.due,
                completedOnTime: tally.completedOnTime,
                completedLate: tally.completedLate,
                assigned: tally.due
            )
        }
        return result
    }
}

/// A figure as held, with where it came from.
package struct IndicatorValueView: Codable, Sendable {
    package let unit: String
    let month: String
    package let indicator: Indicator
    let component: String
    let name: String
    package let value: Double
    let source: String
    let enteredBy: String
    let enteredAt: Date
}

/// The figures a responsible user enters for one unit and month.
package struct IndicatorEntry: Codable, Sendable {
    package var values: [String: Double]
}

/// An import sent as JSON rather than CSV.
package struct IndicatorImport: Codable, Sendable {
    package var rows: [IndicatorRow]
}

/// What an import changed.
package struct ImportResult: Codable, Sendable {
    let rows: Int
    package let changed: Int
}

/// One unit's monthly score, with its rank and all its working.
package struct ScoreRow: Codable, Sendable {
    package let unit: String
    package let name: String
    package let rank: Int
    package let change: Int?
    package let total: Int
    package let exact: Double
    package let grade: MonthlyScore.Grade
    package let gradeName: String
    package let components: [ScoreComponent]
    let inputs: ScoreInputs
    package let missing: [Indicator]
}

/// The scores of the units a scorer ranks, for one month.
package struct ScoreTable: Codable, Sendable {
    let scorer: String
    let month: String
    package let publishedAt: Date?
    package let rows: [ScoreRow]
}

/// What the public sees: the published ranking and the published component points (no raw inputs).
package struct PublicRanking: Codable, Sendable {
    package struct Row: Codable, Sendable {
        let unit: String
        package let name: String
        package let rank: Int
        package let change: Int?
        package let total: Int
        package let grade: MonthlyScore.Grade
        /// Points per component (A1…E3, bonus).
        package let components: [String: Double]
    }

    let scorer: String
    package let scorerName: String
    package let month: String
    package let publishedAt: Date
    package let rows: [Row]
}

/// The monthly scores of Decision 4587: the figures a unit's scorer (its parent) enters or
/// imports, the ranking computed from them with the task figures this node holds, its export, and
/// its publication for the public page. Its own service because the scorer's rights and the
/// published rankings belong to it alone.
package struct MonthlyScores: NodeService {
    let context: NodeContext
    /// The seam for A1–A3.
    var taskFigures: any TaskFiguresSource = RecordedTaskFigures()

    /// The units the actor's unit scores: those directly below it.
    package func scoredUnits(by scorer: String) -> [String] { tree.children(of: scorer).map(\.code).sorted() }

    /// Who may set a figure of `unit`: the approvers and the admin of the unit that scores it
    /// (its parent) — for every figure, those the unit reports included, which they check.
    func mayEnterFigures(of unit: String, _ actor: Actor) -> Bool {
        actor.holds(.approveReports) && tree.parent(of: unit)?.code == actor.unit
    }

    package func indicatorValues(month: ScoreMonth, for actor: Actor) async throws -> [IndicatorValueView] {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let units = scoredUnits(by: actor.unit)
        return try await database.pool.read { db in
            try IndicatorValueStore.rows(month: month.description, db).compactMap { row in
                let unit: String = row["unit"]
                guard let indicator = Indicator(rawValue: row["indicator"]), units.contains(unit) else { return nil }
                return IndicatorValueView(
                    unit: unit,
                    month: row["month"],
                    indicator: indicator,
                    component: indicator.component,
                    name: indicator.vietnameseName,
                    value: row["value"],
                    source: row["source"],
                    enteredBy: row["entered_by"],
                    enteredAt: row["entered_at"]
                )
            }
        }
    }

    /// Sets figures, all or nothing; every change is audited with its old and new value.
    package func setIndicators(_ rows: [IndicatorRow], source: String, by actor: Actor) async throws -> ImportResult {
        guard !rows.isEmpty, rows.count <= 10_000 else {
            throw DomainError(.figureCountOutOfRange)
        }
        var problems: [String: String] = [:]
        for (index, row) in rows.enumerated() {
            if let problem = row.indicator.problem(with: row.value) { problems["\(index + 1)"] = problem }
        }
        guard problems.isEmpty else {
            throw DomainError(.figuresInvalid, details: problems)
        }
        let outside = Set(rows.map(\.unit)).filter { !mayEnterFigures(of: $0, actor) }.sorted()
        guard outside.isEmpty else {
            throw DomainError(.figuresOnlyFromAbove(outside))
        }
        return try await database.pool.write { db in
            var changed = 0
            for row in rows {
                let held = try IndicatorValueStore.held(
                    unit: row.unit,
                    month: row.month.description,
                    indicator: row.indicator.rawValue,
                    db
                )
                let old: Double? = held?["value"]
                // The same figure already set by the scorer changes nothing; a reported one becomes the scorer's.
                if old == row.value, held?["source"] as String? != "reported" { continue }
                try IndicatorValueStore.set(
                    unit: row.unit,
                    month: row.month.description,
                    indicator: row.indicator.rawValue,
                    value: row.value,
                    source: source,
                    enteredBy: actor.username,
                    enteredAt: clock.now(),
                    db
                )
                try audit.record(
                    db,
                    actor,
                    action: "indicator.set",
                    target: "\(row.unit)/\(row.month)/\(row.indicator.rawValue)",
                    detail:
                        "\(old.map { MonthlyScoreText.number($0) } ?? "∅") → \(MonthlyScoreText.number(row.value)) (\(source))"
                )
                changed += 1
            }
            return ImportResult(rows: rows.count, changed: changed)
        }
    }

    /// The month's scores of the units the actor's unit scores, ranked, with the change from the
    /// month before (computed the same way from that month's figures, when it has any).
    package func scoreTable(month: ScoreMonth, for actor: Actor) async throws -> ScoreTable {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        return try await database.pool.read { db in try scoreTable(scorer: actor.unit, month: month, db) }
    }

    func scoreTable(scorer: String, month: ScoreMonth, _ db: Database) throws -> ScoreTable {
        let units = scoredUnits(by: scorer)
        let board = try scoreBoard(units: units, month: month, db)
        var previous: [String: Int] = [:]
        if let last = try scoreBoardIfAny(units: units, month: month.previous, db) {
            previous = Dictionary(uniqueKeysWithValues: last.ranking().rows.map { ($0.unit, $0.rank) })
        }
        let ranking = board.ranking(previous: previous)
        let entries = Dictionary(uniqueKeysWithValues: board.entries.map { ($0.unit, $0) })
        let rows = ranking.rows.map { row in
            let entry = entries[row.unit]!
            return ScoreRow(
                unit: row.unit,
                name: tree[row.unit]?.name ?? row.unit,
                rank: row.rank,
                change: row.change,
                total: row.total,
                exact: entry.score.exact,
                grade: row.grade,
                gradeName: row.grade.vietnameseName,
                components: entry.score.components,
                inputs: entry.inputs,
                missing: entry.missing
            )
        }
        let published = try ScoreStore.publishedAt(scorer: scorer, month: month.description, db)
        return ScoreTable(scorer: scorer, month: month.description, publishedAt: published, rows: rows)
    }

    private func scoreBoard(units: [String], month: ScoreMonth, _ db: Database) throws -> ScoreBoard {
        var values: [String: [Indicator: Double]] = [:]
        for row in try IndicatorValueStore.values(month: month.description, db) {
            let unit: String = row["unit"]
            guard let indicator = Indicator(rawValue: row["indicator"]), indicator.source != .tasks else { continue }
            values[unit, default: [:]][indicator] = row["value"]
        }
        return ScoreBoard(
            month: month,
            units: units,
            values: values.filter { units.contains($0.key) },
            tasks: try taskFigures.figures(units: units, month: month, db)
        )
    }

    private func scoreBoardIfAny(units: [String], month: ScoreMonth, _ db: Database) throws -> ScoreBoard? {
        guard try IndicatorValueStore.hasAny(month: month.description, db) else { return nil }
        return try scoreBoard(units: units, month: month, db)
    }

    /// The month's scores as a spreadsheet: rank, change, total, class and every component's
    /// points (audited as an export).
    package func exportScores(month: ScoreMonth, format: ExportFormat, for actor: Actor) async throws -> Download {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let table = try await database.pool.write { db in
            let table = try scoreTable(scorer: actor.unit, month: month, db)
            try audit.record(
                db,
                actor,
                action: "scores.export",
                target: "\(actor.unit)/\(month)",
                detail: format.rawValue
            )
            return table
        }
        let codes = table.rows.first?.components.map(\.code) ?? []
        var rows: [[Cell]] = [
            [.text("Kết quả chấm điểm tháng \(month.month)/\(month.year) — \(tree[actor.unit]?.name ?? actor.unit)")],
            [.text("Hạng"), .text("Thay đổi"), .text("Đơn vị"), .text("Mã"), .text("Tổng điểm"), .text("Xếp loại")]
                + codes.map(Cell.text),
        ]
        for row in table.rows {
            rows.append(
                [
                    .number(Double(row.rank)), row.change.map { Cell.number(Double($0)) } ?? Cell.empty,
                    .text(row.name), .text(row.unit),
                    .number(Double(row.total)), .text(row.gradeName),
                ] + row.components.map { Cell.number(($0.points * 100).rounded() / 100) }
            )
        }
        let sheet = Sheet(
            name: "Xếp hạng",
            rows: rows,
            headerRows: 2,
            columnWidths: [8, 10, 28, 10, 10, 20] + codes.map { _ in 8 }
        )
        return try format.download(Workbook(sheets: [sheet]), named: "xep-hang-\(actor.unit)-\(month)")
    }

    /// Publishes the month's ranking of the actor's unit: from now on the public endpoint shows
    /// it (a later publication of the same month replaces it, audited).
    package func publishScores(month: ScoreMonth, by actor: Actor) async throws -> PublicRanking {
        guard actor.holds(.approveReports) else { throw DomainError(.notAllowed) }
        guard !scoredUnits(by: actor.unit).isEmpty else {
            throw DomainError(.nothingToRank)
        }
        return try await database.pool.write { db in
            let table = try scoreTable(scorer: actor.unit, month: month, db)
            let now = clock.now()
            let ranking = PublicRanking(
                scorer: actor.unit,
                scorerName: tree[actor.unit]?.name ?? actor.unit,
                month: month.description,
                publishedAt: now,
                rows: table.rows.map { row in
                    PublicRanking.Row(
                        unit: row.unit,
                        name: row.name,
                        rank: row.rank,
                        change: row.change,
                        total: row.total,
                        grade: row.grade,
                        components: Dictionary(
                            uniqueKeysWithValues: row.components.map { ($0.code, ($0.points * 100).rounded() / 100) }
                        )
                    )
                }
            )
            let body = String(decoding: try Self.publicEncoder.encode(ranking), as: UTF8.self)
            try ScoreStore.publish(
                scorer: actor.unit,
                month: month.description,
                body: body,
                publishedBy: actor.username,
                publishedAt: now,
                db
            )
            try audit.record(
                db,
                actor,
                action: "scores.publish",
                target: "\(actor.unit)/\(month)",
                detail: table.rows.map { "\($0.unit)=\($0.total)" }.joined(separator: " ")
            )
            return ranking
        }
    }

    /// The published ranking of this node's unit (the latest when no month is given), as stored:
    /// one row read, nothing computed.
    package func publishedRanking(month: ScoreMonth?) async throws -> Data {
        let body = try await database.pool.read { db in
            if let month {
                return try ScoreStore.body(scorer: unit, month: month.description, db)
            }
            return try ScoreStore.latestBody(scorer: unit, db)
        }
        guard let body else {
            throw DomainError(.rankingNotPublished(month))
        }
        return Data(body.utf8)
    }

    static var publicEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The months this node's unit has published a ranking for, newest first.
    package func publishedMonths() async throws -> [String] {
        try await database.pool.read { db in
            try ScoreStore.months(scorer: unit, db)
        }
    }
}

/// Numbers in audit details: no trailing ".0".
enum MonthlyScoreText {
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

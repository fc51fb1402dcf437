import Auth
import Foundation
import GRDB
import Hierarchy
import Indicators
import Spreadsheet

/// The units directly below a unit ranked by one indicator for one period (issue M.5): what the
/// values answer shows as each unit's `rank`, and what a ranking by an indicator reads.
///
/// Not wired into Decision 4587's scoring (`MonthlyScores`, `Figures/Scores.swift`) nor the public
/// ranking (`PublicRankingPage`): those rank by the decision's fixed components (A–E, the
/// `Scoring.Indicator` figures of `IndicatorValueStore`), not by indicators of Letter 3158's
/// catalogue, and have no place for a catalogue indicator without a redesign (which indicator
/// feeds which component, at which level). A component that one day reads a catalogue indicator
/// takes its per-unit values and ranks from `IndicatorFigures.ranking(code:period:unit:for:)`.
package struct IndicatorRanking: Codable, Sendable {
    /// One unit with a value, best first.
    package struct Entry: Codable, Sendable {
        package let unit: String
        package let name: String
        package let value: Double
        /// 1 for the best; equal values share the better rank ("1, 1, 3").
        package let rank: Int
        package let target: Double?
        package let targetMet: Bool?
    }

    package let indicator: String
    package let period: String
    /// The unit whose units below are ranked.
    package let unit: String
    package let direction: IndicatorDirection
    package let entries: [Entry]
    /// The units below without a value (missing or undefined): never ranked, never last by default.
    package let unranked: [String]

    /// 1 for the best value by the indicator's direction; equal values share the better rank, and
    /// the next value's rank counts every unit before it ("1, 1, 3").
    package static func ranks(_ values: [(String, Double)], direction: IndicatorDirection) -> [String: Int] {
        let lowerIsBetter = direction == .lowerIsBetter
        let sorted = values.sorted { lowerIsBetter ? $0.1 < $1.1 : $0.1 > $1.1 }
        var ranks: [String: Int] = [:]
        for (index, entry) in sorted.enumerated() {
            if index > 0, sorted[index - 1].1 == entry.1 {
                ranks[entry.0] = ranks[sorted[index - 1].0]
            } else {
                ranks[entry.0] = index + 1
            }
        }
        return ranks
    }

    /// Value minus target, and that as a percentage of the target's size (not when the target is 0).
    package static func distance(_ value: Double?, target: Double?) -> (value: Double?, percent: Double?) {
        guard let value, let target else { return (nil, nil) }
        let distance = value - target
        return (distance, target == 0 ? nil : distance / abs(target) * 100)
    }

    /// Whether a value meets its target: at least the target when higher is better, at most when
    /// lower is better; nil when either is unknown.
    package static func meets(_ value: Double?, target: Double?, _ direction: IndicatorDirection) -> Bool? {
        guard let value, let target else { return nil }
        return direction == .higherIsBetter ? value >= target : value <= target
    }

    /// The ranking a values table shows.
    init(_ table: IndicatorValuesView) {
        indicator = table.indicator
        period = table.period
        unit = table.unit
        direction = table.direction
        entries = table.children.compactMap { row in
            guard let rank = row.rank, let value = row.figure.value else { return nil }
            return Entry(
                unit: row.unit,
                name: row.name,
                value: value,
                rank: rank,
                target: row.target,
                targetMet: row.targetMet
            )
        }
        .sorted { ($0.rank, $0.unit) < ($1.rank, $1.unit) }
        unranked = table.children.filter { $0.rank == nil }.map(\.unit)
    }
}

/// An indicator over the last periods of its frequency at a unit and each unit directly below it
/// (issue M.5), with the target of each period: what a trend chart or table reads.
package struct IndicatorTrendView: Codable, Sendable {
    /// A unit below, named once.
    package struct Member: Codable, Sendable {
        package let unit: String
        package let name: String
    }

    /// A unit's value in one period.
    package struct Value: Codable, Sendable {
        package let unit: String
        /// `value`, `missing` or `undefined`, as in the values answer.
        package let status: String
        package let value: Double?
        package let targetMet: Bool?
        package let rank: Int?
    }

    /// One period, oldest first.
    package struct Point: Codable, Sendable {
        package let period: String
        /// The definition's version in force for the period (absent before the first).
        package let version: Int?
        package let target: Double?
        /// The unit's own value.
        package let status: String
        package let value: Double?
        package let targetMet: Bool?
        /// Each unit below, in the order of `units`.
        package let children: [Value]
    }

    package let indicator: String
    package let owner: String
    package let name: BilingualText
    package let unitOfMeasure: String
    package let direction: IndicatorDirection
    package let frequency: Frequency
    package let unit: String
    package let unitName: String
    package let from: String
    package let to: String
    package let units: [Member]
    package let points: [Point]
}

extension Period {
    /// The period before this one of the same frequency; nil for a one-off.
    package var previous: Period? {
        switch frequency {
        case .monthly: index == 1 ? .month(year - 1, 12) : .month(year, index - 1)
        case .quarterly: index == 1 ? .quarter(year - 1, 4) : .quarter(year, index - 1)
        case .yearly: .year(year - 1)
        case .once: nil
        }
    }

    /// The period of `frequency` that holds `today` (a one-off: today's year's round).
    package static func holding(_ today: CalendarDate, _ frequency: Frequency) -> Period {
        switch frequency {
        case .monthly: .month(today.year, today.month)
        case .quarterly: .quarter(today.year, (today.month - 1) / 3 + 1)
        case .yearly: .year(today.year)
        case .once: Period("\(today.year)-once") ?? .year(today.year)
        }
    }
}

/// What the values of an indicator show over units and time (issue M.5): the units below ranked,
/// the trend over the last periods, the values table as a spreadsheet. Its own service over the
/// context, the values (`IndicatorValues`, which reads the catalogue) and the oversight's rule
/// for whose figures an actor may read (`Oversight`).
package struct IndicatorFigures: NodeService {
    let context: NodeContext
    let values: IndicatorValues
    /// The unit whose figures the actor reads (the actor's own by default), checked: needs
    /// `reports.view` in the actor's subtree (`Oversight.overseenUnit(_:for:)`).
    let oversight: Oversight

    /// The most periods a trend covers (five years of months).
    package static let trendPeriodsAtMost = 60

    /// The units directly below `unit` (the actor's own by default) ranked by the indicator `code`
    /// for `period`, best first, with the units without a value apart. The same figures and ranks
    /// as `IndicatorValues.table(code:period:unit:for:)`, which needs `reports.view` in the actor's subtree.
    package func ranking(
        code: String,
        period: String,
        unit: String?,
        for actor: Actor
    ) async throws -> IndicatorRanking {
        IndicatorRanking(try await values.table(code: code, period: period, unit: unit, for: actor))
    }

    /// The indicator `code` at `unit` (the actor's own by default) and each unit directly below it
    /// for the `count` periods (12 by default, at most 60) of its frequency ending with `to` (by
    /// default the period holding today), with each period's target. Needs `reports.view` in the
    /// actor's subtree; an unknown unit is not found; `to` must be a period of the indicator's
    /// frequency.
    package func trend(
        code: String,
        unit requested: String?,
        to text: String?,
        count: Int?,
        for actor: Actor
    ) async throws -> IndicatorTrendView {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        let count = count ?? 12
        guard (1...Self.trendPeriodsAtMost).contains(count) else {
            throw DomainError(.indicatorTrendCountInvalid(String(count)), details: ["count": "invalid"])
        }
        if let requested, tree[requested] == nil { throw DomainError(.notFound(.unit)) }
        let unit = try oversight.overseenUnit(requested, for: actor)
        let today = clock.today()
        return try await database.pool.read { db in
            let (catalogue, owners) = try values.definitions.catalogue(for: unit, db)
            guard let owner = owners[code], let latest = catalogue.latest(code) else {
                throw DomainError(.notFound(.indicator))
            }
            let last: Period
            if let text {
                guard let period = Period(text), period.frequency == latest.frequency else {
                    throw DomainError(.indicatorPeriodInvalid(text), details: ["to": "invalid"])
                }
                last = period
            } else {
                last = Period.holding(today, latest.frequency)
            }
            var periods = [last]
            while periods.count < count, let earlier = periods[0].previous, earlier.year >= 2000 {
                periods.insert(earlier, at: 0)
            }
            let tables = try periods.map { period in
                try values.table(code, owner: owner, catalogue: catalogue, period: period, unit: unit, db)
            }
            let members = tree.children(of: unit).map { IndicatorTrendView.Member(unit: $0.code, name: $0.name) }
            return IndicatorTrendView(
                indicator: code,
                owner: owner,
                name: latest.name,
                unitOfMeasure: latest.unitOfMeasure,
                direction: latest.direction,
                frequency: latest.frequency,
                unit: unit,
                unitName: tree[unit]?.name ?? unit,
                from: periods[0].description,
                to: last.description,
                units: members,
                points: tables.map { table in
                    IndicatorTrendView.Point(
                        period: table.period,
                        version: table.version,
                        target: table.target,
                        status: table.figure.status,
                        value: table.figure.value,
                        targetMet: IndicatorRanking.meets(table.figure.value, target: table.target, table.direction),
                        children: table.children.map { row in
                            IndicatorTrendView.Value(
                                unit: row.unit,
                                status: row.figure.status,
                                value: row.figure.value,
                                targetMet: row.targetMet,
                                rank: row.rank
                            )
                        }
                    )
                }
            )
        }
    }

    /// The values table as a spreadsheet (xlsx or CSV, UTF-8 with a byte-order mark): Vietnamese
    /// column headers first, then one row per unit below and a last row for the unit itself
    /// (not ranked). Audited as a read of the figures.
    package func export(
        code: String,
        period: String,
        unit: String?,
        format: ExportFormat,
        for actor: Actor
    ) async throws -> Download {
        let table = try await values.table(code: code, period: period, unit: unit, for: actor)
        try await database.pool.write { db in
            try audit.record(
                db,
                actor,
                action: "indicator.export",
                target: "\(code)/\(table.unit)/\(table.period)",
                detail: format.rawValue
            )
        }
        var rows: [[Cell]] = [
            [
                .text("Mã đơn vị"), .text("Tên đơn vị"), .text("Giá trị (\(table.unitOfMeasure))"),
                .text("Nguồn số liệu"),
                .text("Chỉ tiêu"), .text("Chênh lệch so với chỉ tiêu"), .text("Chênh lệch (% chỉ tiêu)"),
                .text("Đạt chỉ tiêu"), .text("Xếp hạng"),
            ]
        ]
        func number(_ value: Double?) -> Cell { value.map(Cell.number) ?? .empty }
        func cells(unit: String, name: String, figure: IndicatorValuesView.Figure, rank: Int?) -> [Cell] {
            let distance = IndicatorRanking.distance(figure.value, target: table.target)
            let met = IndicatorRanking.meets(figure.value, target: table.target, table.direction)
            return [
                .text(unit), .text(name), number(figure.value), .text(Self.sourceWords(figure).vi),
                number(table.target),
                number(distance.value), number(distance.percent),
                met.map { Cell.text($0 ? "Đạt" : "Không đạt") } ?? .empty,
                rank.map { Cell.number(Double($0)) } ?? .empty,
            ]
        }
        for row in table.children {
            rows.append(cells(unit: row.unit, name: row.name, figure: row.figure, rank: row.rank))
        }
        rows.append(
            cells(unit: table.unit, name: tree[table.unit]?.name ?? table.unit, figure: table.figure, rank: nil)
        )
        let sheet = Sheet(
            name: "Giá trị chỉ số",
            rows: rows,
            headerRows: 1,
            columnWidths: [14, 32, 16, 26, 12, 16, 16, 12, 10]
        )
        return try format.download(Workbook(sheets: [sheet]), named: "chi-so-\(code)-\(table.unit)-\(table.period)")
    }

    /// Where a figure comes from, in words (the export's source column, the indicator's page).
    package static func sourceWords(_ figure: IndicatorValuesView.Figure) -> BilingualText {
        let late = figure.late == true
        switch (figure.status, figure.source) {
        case ("missing", _): return BilingualText(vi: "Thiếu số liệu", en: "No data yet")
        case ("undefined", _):
            return BilingualText(vi: "Không tính được (ví dụ chia cho 0)", en: "Cannot be computed (e.g. ÷ 0)")
        case (_, "entered"?):
            return BilingualText(vi: late ? "Nhập tay (nộp muộn)" : "Nhập tay", en: late ? "Entered (late)" : "Entered")
        case (_, "delivered"?):
            return BilingualText(
                vi: late ? "Hệ thống cung cấp (nộp muộn)" : "Hệ thống cung cấp",
                en: late ? "Delivered (late)" : "Delivered"
            )
        default:
            return figure.missing == nil
                ? BilingualText(vi: "Tính từ báo cáo đã phê duyệt", en: "Computed from approved reports")
                : BilingualText(vi: "Tổng hợp từ các đơn vị cấp dưới", en: "Combined from the units below")
        }
    }
}

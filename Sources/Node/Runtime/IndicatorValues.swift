import Auth
import Foundation
import GRDB
import Hierarchy
import Indicators
import Reporting

/// One indicator for one period at a unit and for each unit directly below it, computed from the
/// approved answers this node holds, with the target and a ranking of the units below.
package struct IndicatorValuesView: Codable, Sendable {
    /// A value with what it is made of, as a person reads it.
    package struct Figure: Codable, Sendable {
        /// `value`, `missing` (no data: never read as zero) or `undefined` (no number, e.g. ÷ 0).
        package let status: String
        package let value: Double?
        package let explanation: String
        /// The units whose data is missing, when the figure combines units.
        package let missing: [String]?
        /// For a value entered or delivered for this very unit: `entered` or `delivered`.
        package var source: String? = nil
        /// For an entered or delivered value: it came after the period's deadline.
        package var late: Bool? = nil
    }

    package struct Row: Codable, Sendable {
        package let unit: String
        package let name: String
        package let figure: Figure
        /// Value minus target (in the indicator's unit), when both are known.
        package let distanceToTarget: Double?
        /// 1 for the best by the indicator's direction, among the units with a value.
        package let rank: Int?
        /// The period's target (the definition's; the same for every unit below), when one is set.
        package var target: Double? = nil
        /// The distance as a percentage of the target's size (`distanceToTarget ÷ |target| × 100`),
        /// when the target is known and not zero: −10 is 10 % below the target, whatever the direction.
        package var distanceToTargetPercent: Double? = nil
        /// Whether the value meets the target by the indicator's direction (at least the target when
        /// higher is better, at most when lower is better), when both are known.
        package var targetMet: Bool? = nil
    }

    package let indicator: String
    package let version: Int?
    package let owner: String
    package let name: BilingualText
    package let unitOfMeasure: String
    package let direction: IndicatorDirection
    package let period: String
    package let unit: String
    /// The level whose units' data the figures are computed from.
    package let level: Level
    package let target: Double?
    package let figure: Figure
    package let children: [Row]
}

/// The values of the indicators: computed per unit from the approved answers held here, or read as
/// entered or delivered, combined up by each indicator's rule, with the target and the ranks of
/// the units below. Its own service over the context, the catalogue (`IndicatorDefinitions`) and
/// the oversight's rule for whose figures an actor may read (`Oversight`).
package struct IndicatorValues: NodeService {
    let context: NodeContext
    let definitions: IndicatorDefinitions
    /// The unit whose figures the actor reads (the actor's own by default), checked: needs
    /// `reports.view` in the actor's subtree (`Oversight.overseenUnit(_:for:)`).
    let oversight: Oversight

    /// The indicator `code` for `period` at `unit` (the actor's own by default) and each unit
    /// directly below it. Values are computed per unit of the lowest level below `unit` from the
    /// approved reports held here, and combined up by the indicator's rule; missing data stays
    /// missing. Entered and delivered values are read from `SuppliedValueStore`; one supplied for a
    /// unit above the lowest level is that unit's figure (instead of the combination below it).
    package func table(
        code: String,
        period text: String,
        unit requested: String?,
        for actor: Actor
    ) async throws -> IndicatorValuesView {
        let unit = try oversight.overseenUnit(requested, for: actor)
        return try await database.pool.read { db in
            let (catalogue, owners) = try definitions.catalogue(for: unit, db)
            guard let owner = owners[code], let latest = catalogue.latest(code) else {
                throw DomainError(.notFound(.indicator))
            }
            guard let period = Period(text), period.frequency == latest.frequency else {
                throw DomainError(.indicatorPeriodInvalid(text), details: ["period": "invalid"])
            }
            return try table(code, owner: owner, catalogue: catalogue, period: period, unit: unit, db)
        }
    }

    /// The values table of `code` for one period at `unit` (already authorised) and each unit
    /// directly below it, in the caller's transaction: what `table(code:period:unit:for:)` answers, and
    /// what the trend, the export and the ranking read.
    func table(
        _ code: String,
        owner: String,
        catalogue: IndicatorCatalogue,
        period: Period,
        unit: String,
        _ db: Database
    ) throws -> IndicatorValuesView {
        guard let latest = catalogue.latest(code) else { throw DomainError(.notFound(.indicator)) }
        let level = tree.subtree(of: unit).map(\.level).max() ?? .commune
        let data = try ApprovedAnswers(catalogue: catalogue, visibleFrom: unit, period: period, tree: tree, db)
        let evaluator = IndicatorEvaluator(catalogue: catalogue, tree: tree, period: period, data: data)
        let definition = catalogue.definition(code, for: period) ?? latest
        let target = definition.target(for: period)

        func figure(at code_: String) -> IndicatorValuesView.Figure {
            // A value entered or delivered for the unit itself is its figure, at any level.
            if definition.source.formula == nil, let supplied = data.supplied(indicator: code, unit: code_) {
                var figure = Self.figure(
                    .value(supplied.value),
                    "\(definition.name.vi) = \(FormulaExplainer.format(supplied.value)) ("
                        + (supplied.source == "entered"
                            ? "nhập bởi \(supplied.suppliedBy)" : "do hệ thống cung cấp")
                        + (supplied.late ? ", nộp muộn" : "") + ")",
                    missing: nil
                )
                figure.source = supplied.source
                figure.late = supplied.late
                return figure
            }
            if tree[code_]?.level == level {
                let value = evaluator.value(code, unit: code_)
                return Self.figure(value.outcome, value.explanation, missing: nil)
            }
            let combined = evaluator.aggregate(code, below: code_, at: level)
            return Self.figure(combined.outcome, combined.explanation, missing: combined.missing)
        }
        let children: [(unit: Hierarchy.Unit, figure: IndicatorValuesView.Figure)] = tree.children(of: unit).map {
            child in
            (child, figure(at: child.code))
        }
        let ranks = IndicatorRanking.ranks(
            children.compactMap { row in row.figure.value.map { (row.unit.code, $0) } },
            direction: definition.direction
        )
        return IndicatorValuesView(
            indicator: code,
            version: catalogue.definition(code, for: period)?.version,
            owner: owner,
            name: definition.name,
            unitOfMeasure: definition.unitOfMeasure,
            direction: definition.direction,
            period: period.description,
            unit: unit,
            level: level,
            target: target,
            figure: figure(at: unit),
            children: children.map { row in
                let distance = IndicatorRanking.distance(row.figure.value, target: target)
                var view = IndicatorValuesView.Row(
                    unit: row.unit.code,
                    name: row.unit.name,
                    figure: row.figure,
                    distanceToTarget: distance.value,
                    rank: ranks[row.unit.code]
                )
                view.target = target
                view.distanceToTargetPercent = distance.percent
                view.targetMet = IndicatorRanking.meets(row.figure.value, target: target, definition.direction)
                return view
            }
        )
    }

    private static func figure(
        _ outcome: Outcome,
        _ explanation: String,
        missing: [String]?
    )
        -> IndicatorValuesView.Figure
    {
        switch outcome {
        case .value(let value):
            IndicatorValuesView.Figure(status: "value", value: value, explanation: explanation, missing: missing)
        case .missing:
            IndicatorValuesView.Figure(status: "missing", value: nil, explanation: explanation, missing: missing)
        case .undefined:
            IndicatorValuesView.Figure(status: "undefined", value: nil, explanation: explanation, missing: missing)
        }
    }
}

/// The approved answers an indicator evaluation reads, for one period: of each form the catalogue
/// knows, from the nearest owner above (or at) the unit asked about, as
/// `IndicatorDefinitions.catalogue(for:_:)` picks its forms; and the values entered or delivered
/// for the period (`SuppliedValueStore`). Read once, in the caller's transaction.
struct ApprovedAnswers: IndicatorData {
    private let answers: [String: [String: Answers]]
    /// By indicator code, then unit.
    private let supplied: [String: [String: SuppliedValueStore.Value]]

    init(
        catalogue: IndicatorCatalogue,
        visibleFrom unit: String,
        period: Period,
        tree: UnitTree,
        _ db: Database
    )
        throws
    {
        var owner: [String: String] = [:]
        for candidate in ([unit] + tree.ancestors(of: unit).map(\.code)).reversed() {
            for record in try FormStore.forms(of: candidate, db) { owner[record.code] = candidate }
        }
        var answers: [String: [String: Answers]] = [:]
        for (code, formOwner) in owner {
            answers[code] = try ReportStore.approvedAnswers(
                formOwner: formOwner,
                formCode: code,
                period: period.description,
                db
            )
        }
        self.answers = answers
        var supplied: [String: [String: SuppliedValueStore.Value]] = [:]
        for value in try SuppliedValueStore.values(period: period.description, db) {
            supplied[value.code, default: [:]][value.unit] = value
        }
        self.supplied = supplied
    }

    func answer(form: String, question: String, unit: String) -> Answer? {
        answers[form]?[unit]?[question]
    }

    func value(indicator: String, unit: String) -> Double? { supplied[indicator]?[unit]?.value }

    /// The value entered or delivered for the unit, with its source.
    func supplied(indicator: String, unit: String) -> SuppliedValueStore.Value? { supplied[indicator]?[unit] }
}

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Scoring

/// The figures a unit reports about itself for Decision 4587's monthly scores (records digitised,
/// sharing transactions, S&T tasks, disbursement), kept by the node of the unit that scores it:
/// reported here or received from below. Its own service: it needs only the shared context.
package struct SelfReportedFigures: NodeService {
    let context: NodeContext

    /// A unit reports its own figures (those Decision 4587 has units report: records digitised,
    /// sharing transactions, S&T tasks, disbursement) for the unit that scores it. Its approvers
    /// and admin do so on its own node; the figures travel up (`indicators.reported`) unless the
    /// scorer is hosted here. A figure the scorer set is never replaced by a report.
    package func report(_ rows: [IndicatorRow], by actor: Actor) async throws -> ImportResult {
        guard actor.holds(.approveReports) else { throw DomainError(.notAllowed) }
        let own = Indicator.allCases.filter { $0.source == .unit }
        if let other = rows.first(where: { $0.indicator.source != .unit }) {
            throw DomainError(.selfReportOnlyOwnIndicators(own: own.map(\.rawValue), other: other.indicator.rawValue))
        }
        guard let first = rows.first, rows.allSatisfy({ $0.unit == actor.unit && $0.month == first.month }) else {
            throw DomainError(.selfReportOneUnitOneMonth)
        }
        var problems: [String: String] = [:]
        for row in rows {
            if let problem = row.indicator.problem(with: row.value) {
                problems["values.\(row.indicator.rawValue)"] = problem
            }
        }
        guard problems.isEmpty else {
            throw DomainError(.figuresInvalid, details: problems)
        }
        let scorerHere = tree.parent(of: actor.unit).map { hosts($0.code) } ?? true
        let result = try await database.pool.write { db -> ImportResult in
            let sequence =
                (try IndicatorValueStore.lastReportedSequence(of: actor.unit, db) ?? 0) + 1
            let report = IndicatorReport(
                unit: actor.unit,
                month: first.month.description,
                values: Dictionary(uniqueKeysWithValues: rows.map { ($0.indicator.rawValue, $0.value) }),
                sequence: sequence,
                reportedBy: actor.username,
                reportedAt: clock.now()
            )
            let changed = try keepReported(report, db)
            try audit.record(
                db,
                actor,
                action: "indicator.report",
                target: "\(actor.unit)/\(first.month)",
                detail: rows.map { "\($0.indicator.rawValue)=\(MonthlyScoreText.number($0.value))" }.joined(
                    separator: " "
                ) + " (#\(sequence))"
            )
            if !scorerHere { try enqueueUp(db, kind: .indicatorsReported, unit: actor.unit, body: report) }
            return ImportResult(rows: rows.count, changed: changed)
        }
        if !scorerHere { outboxSignal.notify() }
        return result
    }

    /// Keeps each reported figure unless the scorer set it, or a report with a higher number is held.
    private func keepReported(_ report: IndicatorReport, _ db: Database) throws -> Int {
        var changed = 0
        for (name, value) in report.values.sorted(by: { $0.key < $1.key }) {
            let held = try IndicatorValueStore.heldWithSequence(
                unit: report.unit,
                month: report.month,
                indicator: name,
                db
            )
            if let held {
                let source: String = held["source"]
                let sequence: Int = held["sequence"]
                if source != "reported" || sequence >= report.sequence { continue }
            }
            try IndicatorValueStore.keepReported(
                unit: report.unit,
                month: report.month,
                indicator: name,
                value: value,
                sequence: report.sequence,
                reportedBy: report.reportedBy,
                reportedAt: report.reportedAt,
                db
            )
            changed += 1
        }
        return changed
    }

    /// Figures a child unit reported about itself, kept here when this node hosts the unit that scores it.
    func receive(_ report: IndicatorReport, from message: Envelope, _ db: Database) throws -> Inbox.Effect {
        guard report.unit == message.unit else {
            throw Refusal("the figures are of unit \(report.unit), the message says \(message.unit)")
        }
        guard let scorer = tree.parent(of: report.unit), hosts(scorer.code) else {
            throw Refusal("the unit that scores \(report.unit) is not hosted here")
        }
        guard ScoreMonth(report.month) != nil else { throw Refusal("invalid month \(report.month)") }
        for (name, value) in report.values {
            guard let indicator = Indicator(rawValue: name), indicator.source == .unit else {
                throw Refusal("\(name) is not a figure a unit reports")
            }
            if let problem = indicator.problem(with: value) { throw Refusal(problem) }
        }
        let changed = try keepReported(report, db)
        try audit.record(
            db,
            actor: "node:\(message.origin)",
            unit: report.unit,
            action: "indicator.report",
            target: "\(report.unit)/\(report.month)",
            detail: "#\(report.sequence) by \(report.reportedBy): \(changed) of \(report.values.count) kept"
        )
        return Inbox.Effect(
            detail: "figures #\(report.sequence) of \(report.unit) for \(report.month): \(changed) kept"
        )
    }
}

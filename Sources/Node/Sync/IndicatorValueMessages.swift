import Federation
import Foundation
import GRDB
import Hierarchy

/// An indicator value as it travels up (`indicator.value`): what the node hosting the unit holds
/// (who supplied it, how, when, late or not, the definition version) and whose indicator it is,
/// so that each node above keeps it as the supplier's node holds it and the unit's province and
/// the centre count it (issue M, points 2 and 3). Values are supplied only where their unit is
/// hosted; every other node learns them from this message.
struct SuppliedIndicatorValue: Codable, Sendable, Equatable {
    /// The unit that defined the indicator in force for the unit (the nearest level holding the
    /// code): the value travels up to that unit's node and no further.
    let owner: String
    let code: String
    let unit: String
    let period: String
    let version: Int
    let value: Double
    /// `entered` or `delivered`.
    let source: String
    let client: String?
    let suppliedBy: String
    /// When it was supplied, in whole milliseconds since 1970 by the supplier's clock (exact on
    /// the wire and through relays, unlike a date in whole seconds).
    let suppliedAtMilliseconds: Int64
    let late: Bool

    init(_ value: SuppliedValueStore.Value, owner: String) {
        self.owner = owner
        code = value.code
        unit = value.unit
        period = value.period
        version = value.version
        self.value = value.value
        source = value.source
        client = value.client
        suppliedBy = value.suppliedBy
        suppliedAtMilliseconds = Self.milliseconds(value.suppliedAt)
        late = value.late
    }

    var held: SuppliedValueStore.Value {
        SuppliedValueStore.Value(
            code: code,
            unit: unit,
            period: period,
            version: version,
            value: value,
            source: source,
            client: client,
            suppliedBy: suppliedBy,
            suppliedAt: Date(timeIntervalSince1970: Double(suppliedAtMilliseconds) / 1000),
            late: late
        )
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// The order of two values supplied for the same indicator, unit and period, the same at
    /// every node so that all of them keep the same one whatever order messages arrive in: the
    /// later `suppliedAt` (to the millisecond, by the supplier's clock) wins; at the same
    /// millisecond the larger of (source, client, supplied by, value) wins, an arbitrary but
    /// fixed tie-breaker. Only the node hosting the unit supplies its values, so its own clock
    /// orders them.
    static func supersedes(_ new: SuppliedValueStore.Value, _ held: SuppliedValueStore.Value?) -> Bool {
        guard let held else { return true }
        func key(_ value: SuppliedValueStore.Value) -> (Int64, String, String, String, Double) {
            (milliseconds(value.suppliedAt), value.source, value.client ?? "", value.suppliedBy, value.value)
        }
        return key(new) > key(held)
    }
}

extension SuppliedValues {
    /// Sends a value just supplied here up toward the indicator owner's node, in the supplying
    /// transaction; nothing goes up for an indicator defined by a unit this node hosts.
    func sendUp(_ value: SuppliedValueStore.Value, owner: String, _ db: Database) throws {
        guard !hosts(owner) else { return }
        try enqueueUp(db, kind: .indicatorValue, unit: value.unit, body: SuppliedIndicatorValue(value, owner: owner))
    }

    /// Keeps an indicator value supplied below, when the sending node speaks for its unit and the
    /// indicator is the one this node knows under that code for the unit, and relays it further
    /// up unless this node hosts the indicator's owner. A value not newer than the one held
    /// (`SuppliedIndicatorValue.supersedes`) changes nothing, so replays, reordering and late
    /// arrivals leave every node with the same value. Audited where kept.
    func receive(_ supplied: SuppliedIndicatorValue, from message: Envelope, _ db: Database) throws -> Inbox.Effect {
        let target = "\(supplied.code)/\(supplied.unit)/\(supplied.period)"
        guard supplied.unit == message.unit else {
            throw Refusal("the indicator value is for unit \(supplied.unit), the message says \(message.unit)")
        }
        guard tree.contains(supplied.unit) else { throw Refusal("unit \(supplied.unit) is unknown") }
        guard let sender = deployment.node(forUnit: message.origin),
            deployment.node(sender, speaksFor: supplied.unit)
        else {
            throw Refusal("node \(message.origin) may not speak for unit \(supplied.unit)")
        }
        guard ["entered", "delivered"].contains(supplied.source), supplied.value.isFinite,
            Period(supplied.period) != nil
        else {
            throw Refusal("indicator value \(target) is not valid (source, value or period)")
        }
        let (_, owners) = try definitions.catalogue(for: supplied.unit, db)
        guard owners[supplied.code] == supplied.owner else {
            throw Refusal(
                "indicator \(supplied.code) of \(supplied.unit) is \(owners[supplied.code].map { "defined by \($0)" } ?? "unknown") here, the value is for \(supplied.owner)'s"
            )
        }
        let value = supplied.held
        let held = try SuppliedValueStore.held(
            code: supplied.code,
            unit: supplied.unit,
            period: supplied.period,
            db
        )
        guard SuppliedIndicatorValue.supersedes(value, held) else {
            return Inbox.Effect(detail: "indicator value \(target) is not newer than the one held")
        }
        try SuppliedValueStore.set(value, replacing: held, at: clock.now(), db)
        try audit.record(
            db,
            actor: "node:\(message.origin)",
            unit: supplied.unit,
            action: "indicator.value.received",
            target: target,
            detail:
                "value \(supplied.value), \(supplied.source) by \(supplied.suppliedBy)\(supplied.late ? "; late" : "")"
                + (held.map { " (was \($0.value), \($0.source) by \($0.suppliedBy))" } ?? "")
        )
        let relay = !hosts(supplied.owner)
        if relay { try enqueueUp(db, kind: .indicatorValue, unit: supplied.unit, body: supplied) }
        return Inbox.Effect(
            detail: "indicator value \(target) kept\(relay && parent != nil ? " and relayed up" : "")",
            outbox: relay && parent != nil
        )
    }
}

import Auth
import Foundation
import GRDB
import Hierarchy
import Indicators

/// An indicator value that is not computed, as the API shows it: entered by a person or
/// delivered by another system, with who supplied it, when, and whether it came after the
/// period's deadline (issue M.4).
package struct SuppliedValueView: Codable, Sendable {
    package let indicator: String
    package let unit: String
    package let period: String
    /// The definition version in force for the period.
    package let version: Int
    package let value: Double
    /// `entered` or `delivered`.
    package let source: String
    /// The machine client that delivered it.
    package let client: String?
    /// The account, or `client:<id>` for a delivered value.
    package let suppliedBy: String
    package let suppliedAt: Date
    /// The period's deadline (the 25th of its last month).
    package let deadline: String
    /// Supplied after the deadline (e.g. May's figure filled in in November).
    package let late: Bool
    /// The value this one replaced, if any (kept in the history).
    package let previous: Double?
    /// False when the same value was held already (nothing was written).
    package let changed: Bool
}

/// What a person enters for one indicator, unit and period.
package struct IndicatorValueEntry: Codable, Sendable {
    package let value: Double
}

/// A batch of values a machine client delivers, under one idempotency key (`delivery`).
package struct IndicatorDelivery: Decodable, Sendable {
    /// One value of a delivery. Each field is read as given, so one bad value (a text where a
    /// number belongs) is refused on its own instead of the whole batch.
    package struct Item: Decodable, Sendable, Encodable {
        package let indicator: String?
        package let unit: String?
        package let period: String?
        /// nil when what was sent is not a number.
        package let value: Double?

        enum CodingKeys: String, CodingKey { case indicator, unit, period, value }

        package init(indicator: String?, unit: String?, period: String?, value: Double?) {
            self.indicator = indicator
            self.unit = unit
            self.period = period
            self.value = value
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            indicator = (try? container.decodeIfPresent(String.self, forKey: .indicator)) ?? nil
            unit = (try? container.decodeIfPresent(String.self, forKey: .unit)) ?? nil
            period = (try? container.decodeIfPresent(String.self, forKey: .period)) ?? nil
            value = (try? container.decodeIfPresent(Double.self, forKey: .value)) ?? nil
        }
    }

    package let delivery: String
    package let values: [Item]

    package init(delivery: String, values: [Item]) {
        self.delivery = delivery
        self.values = values
    }

    /// At most this many values in one delivery.
    package static let limit = 1000
}

/// What became of each value of a delivery, in the order sent.
package struct DeliveryReceipt: Codable, Sendable {
    /// One value's result: `accepted`, `unchanged` (held already) or `refused` with a reason
    /// (`unknown_indicator`, `outside_grant`, `not_delivered`, `bad_period`, `not_a_number`,
    /// `duplicate`) and its words, Vietnamese then English.
    package struct Result: Codable, Sendable {
        package let index: Int
        package let indicator: String?
        package let unit: String?
        package let period: String?
        package let result: String
        package let reason: String?
        package let message: String?
        /// For an accepted value: it came after the period's deadline.
        package let late: Bool?
    }

    package let delivery: String
    package let client: String
    /// True when the delivery was received before: nothing changed, the results are the first answer's.
    package let replay: Bool
    package let accepted: Int
    package let unchanged: Int
    package let refused: Int
    package let results: [Result]
}

/// The values of indicators that are not computed: entered by a person, delivered by another
/// system (a machine client, `IndicatorClients`), each checked against the period in force, kept
/// with the one it replaces, and sent up toward the indicator owner's node (`indicator.value`),
/// where the nodes above keep them (`Sync/IndicatorValueMessages.swift`). Its own service over
/// the context, the catalogue (`IndicatorDefinitions`) and the alerts (`NodeAlerts`).
package struct SuppliedValues: NodeService {
    let context: NodeContext
    let definitions: IndicatorDefinitions
    /// Evaluated again after a value is supplied (an overdue value may no longer be missing).
    let alerts: NodeAlerts

    /// Enters the value of an `entered` indicator for a unit and period. A unit's data-entry
    /// staff and leaders enter for their own unit; the leaders (approvers, admins) of a unit above
    /// enter for the units of its subtree this node hosts. A changed value keeps the one it
    /// replaces in the history; the same value again changes nothing. Audited.
    package func enter(
        code: String,
        unit: String,
        period text: String,
        value: Double,
        by actor: Actor
    ) async throws -> SuppliedValueView {
        guard actor.holds(.enterData) || actor.holds(.approveReports) else { throw DomainError(.notAllowed) }
        guard tree[unit] != nil else { throw DomainError(.notFound(.unit)) }
        guard tree.isInSubtree(unit, of: actor.unit) else { throw DomainError(.unitOutsideYourSubtree(unit)) }
        guard unit == actor.unit || actor.holds(.approveReports) else { throw DomainError(.notAllowed) }
        guard hosts(unit) else { throw DomainError(.unitNotServedHere) }
        let now = clock.now()
        let today = clock.today()
        let entered = try await database.pool.write { db in
            let (catalogue, owners) = try definitions.catalogue(for: unit, db)
            guard let latest = catalogue.latest(code) else { throw DomainError(.notFound(.indicator)) }
            let (period, definition) = try Self.periodInForce(text, of: latest, catalogue, today: today)
            guard case .entered = definition.source else {
                throw DomainError(.indicatorNotEntered(code))
            }
            let held = try SuppliedValueStore.held(code: code, unit: unit, period: period.description, db)
            if let held, held.value == value, held.source == "entered" {
                return Self.view(held, previous: nil, changed: false, period: period)
            }
            let supplied = SuppliedValueStore.Value(
                code: code,
                unit: unit,
                period: period.description,
                version: definition.version,
                value: value,
                source: "entered",
                client: nil,
                suppliedBy: actor.username,
                suppliedAt: now,
                late: today > period.deadline()
            )
            try SuppliedValueStore.set(supplied, replacing: held, at: now, db)
            try audit.record(
                db,
                actor,
                action: "indicator.value.enter",
                target: "\(code)/\(unit)/\(period)",
                detail: Self.auditDetail(supplied, previous: held)
            )
            // The levels above count it too: it travels up to the indicator's owner.
            try sendUp(supplied, owner: owners[code] ?? unit, db)
            return Self.view(supplied, previous: held?.value, changed: true, period: period)
        }
        // An overdue value of an assigned indicator is no longer missing: its alert clears.
        if entered.changed {
            outboxSignal.notify()
            await alerts.refreshQuietly()
        }
        return entered
    }

    /// Receives a machine client's delivery. The token must be a client's, not revoked (401
    /// otherwise). Each value is judged on its own (in the grant, a `delivered` indicator, a
    /// period of its frequency that has begun, a number) and written whole or not at all, all in
    /// one transaction with the delivery's record: a delivery received before under the same key
    /// changes nothing and answers the first results; the same key with other values is 409.
    package func deliver(
        _ delivery: IndicatorDelivery,
        token: String?,
        from address: String
    ) async throws -> DeliveryReceipt {
        let digest = token.map(Secret.digest)
        let now = clock.now()
        let today = clock.today()
        let answered = try await database.pool.write { db in
            guard let digest, let client = try IndicatorClientStore.client(tokenHash: digest, db),
                client.revokedAt == nil
            else {
                throw DomainError(.deliveryTokenRefused)
            }
            let key = delivery.delivery.trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.count <= 200 else {
                throw DomainError(.deliveryInvalid, details: ["delivery": "1 to 200 characters"])
            }
            guard (1...IndicatorDelivery.limit).contains(delivery.values.count) else {
                throw DomainError(.deliveryInvalid, details: ["values": "1 to \(IndicatorDelivery.limit) values"])
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let requestDigest = Secret.digest(String(decoding: try encoder.encode(delivery.values), as: UTF8.self))
            if let earlier = try IndicatorClientStore.delivery(client: client.id, key: key, db) {
                guard earlier.digest == requestDigest else { throw DomainError(.deliveryKeyReused(key)) }
                let results = try JSONDecoder().decode([DeliveryReceipt.Result].self, from: earlier.results)
                return Self.receipt(key, client: client.id, replay: true, results)
            }
            // The grant names the codes as the client's owner knows them; a unit below may hold
            // its own indicator under the same code (the nearest level's wins there), which the
            // grant does not reach. Each unit's catalogue is read once per delivery.
            let (catalogue, grantOwners) = try definitions.catalogue(for: client.owner, db)
            var inForce: [String: (catalogue: IndicatorCatalogue, owners: [String: String])] = [:]
            var seen = Set<String>()
            var results: [DeliveryReceipt.Result] = []
            for (index, item) in delivery.values.enumerated() {
                func refuse(_ reason: String, _ message: String) {
                    results.append(
                        DeliveryReceipt.Result(
                            index: index,
                            indicator: item.indicator,
                            unit: item.unit,
                            period: item.period,
                            result: "refused",
                            reason: reason,
                            message: message,
                            late: nil
                        )
                    )
                }
                guard let code = item.indicator, catalogue.latest(code) != nil else {
                    refuse("unknown_indicator", "Không có chỉ số này / no such indicator")
                    continue
                }
                let outsideGrant =
                    "Chỉ số hoặc đơn vị ngoài phạm vi được cấp / the indicator or unit is outside the client's grant"
                guard let unit = item.unit, client.indicators.contains(code), client.units.contains(unit),
                    hosts(unit), tree.isInSubtree(unit, of: client.owner)
                else {
                    refuse("outside_grant", outsideGrant)
                    continue
                }
                if inForce[unit] == nil {
                    let (unitCatalogue, owners) = try definitions.catalogue(for: unit, db)
                    inForce[unit] = (unitCatalogue, owners)
                }
                guard let unitCatalogue = inForce[unit], unitCatalogue.owners[code] == grantOwners[code],
                    let latest = unitCatalogue.catalogue.latest(code)
                else {
                    refuse("outside_grant", outsideGrant)
                    continue
                }
                guard case .delivered = latest.source else {
                    refuse("not_delivered", "Chỉ số không do hệ thống khác cung cấp / the indicator is not delivered")
                    continue
                }
                guard let text = item.period,
                    let found = try? Self.periodInForce(text, of: latest, unitCatalogue.catalogue, today: today),
                    case .delivered = found.1.source
                else {
                    refuse(
                        "bad_period",
                        "Kỳ không hợp lệ, chưa bắt đầu hoặc chỉ số chưa áp dụng / the period is invalid, not begun, or before the indicator"
                    )
                    continue
                }
                guard let value = item.value, value.isFinite else {
                    refuse("not_a_number", "Giá trị không phải là số / the value is not a number")
                    continue
                }
                let (period, definition) = found
                guard seen.insert("\(code)|\(unit)|\(period)").inserted else {
                    refuse("duplicate", "Giá trị trùng trong cùng lần gửi / the same value twice in one delivery")
                    continue
                }
                let held = try SuppliedValueStore.held(code: code, unit: unit, period: period.description, db)
                if let held, held.value == value, held.source == "delivered", held.client == client.id {
                    results.append(
                        DeliveryReceipt.Result(
                            index: index,
                            indicator: code,
                            unit: unit,
                            period: period.description,
                            result: "unchanged",
                            reason: nil,
                            message: nil,
                            late: held.late
                        )
                    )
                    continue
                }
                let supplied = SuppliedValueStore.Value(
                    code: code,
                    unit: unit,
                    period: period.description,
                    version: definition.version,
                    value: value,
                    source: "delivered",
                    client: client.id,
                    suppliedBy: "client:\(client.id)",
                    suppliedAt: now,
                    late: today > period.deadline()
                )
                try SuppliedValueStore.set(supplied, replacing: held, at: now, db)
                try audit.record(
                    db,
                    actor: "client:\(client.id)",
                    unit: client.owner,
                    action: "indicator.value.deliver",
                    target: "\(code)/\(unit)/\(period)",
                    detail: "delivery \(key); " + Self.auditDetail(supplied, previous: held),
                    source: address
                )
                try sendUp(supplied, owner: unitCatalogue.owners[code] ?? unit, db)
                results.append(
                    DeliveryReceipt.Result(
                        index: index,
                        indicator: code,
                        unit: unit,
                        period: period.description,
                        result: "accepted",
                        reason: nil,
                        message: nil,
                        late: supplied.late
                    )
                )
            }
            try IndicatorClientStore.recordDelivery(
                client: client.id,
                key: key,
                digest: requestDigest,
                results: try encoder.encode(results),
                at: now,
                db
            )
            let receipt = Self.receipt(key, client: client.id, replay: false, results)
            try audit.record(
                db,
                actor: "client:\(client.id)",
                unit: client.owner,
                action: "indicator.delivery",
                target: key,
                detail: "accepted \(receipt.accepted), unchanged \(receipt.unchanged), refused \(receipt.refused)",
                source: address
            )
            return receipt
        }
        if answered.accepted > 0 && !answered.replay {
            outboxSignal.notify()
            await alerts.refreshQuietly()
        }
        return answered
    }

    /// The period `text` of the indicator, with the version in force then: of its frequency,
    /// begun (today is on or after its first day), and on or after the first version.
    static func periodInForce(
        _ text: String,
        of latest: IndicatorDefinition,
        _ catalogue: IndicatorCatalogue,
        today: CalendarDate
    ) throws -> (Period, IndicatorDefinition) {
        guard let period = Period(text), period.frequency == latest.frequency,
            let definition = catalogue.definition(latest.code, for: period),
            CalendarDate(year: period.year, month: period.months.first?.index ?? 1, day: 1) <= today
        else {
            throw DomainError(.indicatorPeriodInvalid(text), details: ["period": "invalid"])
        }
        return (period, definition)
    }

    private static func auditDetail(_ value: SuppliedValueStore.Value, previous: SuppliedValueStore.Value?) -> String {
        var detail = "value \(value.value)"
        if let previous { detail += " (was \(previous.value), \(previous.source) by \(previous.suppliedBy))" }
        if value.late { detail += "; late" }
        return detail
    }

    private static func view(
        _ value: SuppliedValueStore.Value,
        previous: Double?,
        changed: Bool,
        period: Period
    ) -> SuppliedValueView {
        SuppliedValueView(
            indicator: value.code,
            unit: value.unit,
            period: value.period,
            version: value.version,
            value: value.value,
            source: value.source,
            client: value.client,
            suppliedBy: value.suppliedBy,
            suppliedAt: value.suppliedAt,
            deadline: period.deadline().description,
            late: value.late,
            previous: previous,
            changed: changed
        )
    }

    private static func receipt(
        _ key: String,
        client: String,
        replay: Bool,
        _ results: [DeliveryReceipt.Result]
    ) -> DeliveryReceipt {
        DeliveryReceipt(
            delivery: key,
            client: client,
            replay: replay,
            accepted: results.count { $0.result == "accepted" },
            unchanged: results.count { $0.result == "unchanged" },
            refused: results.count { $0.result == "refused" },
            results: results
        )
    }
}

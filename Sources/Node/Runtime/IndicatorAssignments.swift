import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Indicators

/// What a leader sends to assign an indicator to units below (issue M.3): the indicator, the
/// units (or every unit of a level below), from which period (and, optionally, until which), and
/// who updates it (`unit`: entered by the unit; `system`: delivered by another system; by default
/// what the indicator's definition says).
package struct NewIndicatorAssignment: Codable, Sendable {
    package var indicator: String
    package var units: [String]?
    package var level: Level?
    package var from: String
    package var until: String?
    package var updatedBy: String?

    package init(
        indicator: String,
        units: [String]? = nil,
        level: Level? = nil,
        from: String,
        until: String? = nil,
        updatedBy: String? = nil
    ) {
        self.indicator = indicator
        self.units = units
        self.level = level
        self.from = from
        self.until = until
        self.updatedBy = updatedBy
    }
}

/// An indicator assignment as the API shows it: the units are those of the reader's subtree.
package struct IndicatorAssignmentView: Codable, Sendable {
    package let id: String
    /// The unit that assigned it.
    package let owner: String
    package let indicator: String
    /// The indicator's name, Vietnamese then English (empty when this node does not know it).
    package let name: String
    package let nameEn: String
    package let frequency: String
    package let from: String
    package let until: String?
    /// `unit` (entered by the unit) or `system` (delivered by another system).
    package let updatedBy: String
    package let units: [String]
    package let assignedBy: String
    package let assignedAt: Date
    package let withdrawnBy: String?
    package let withdrawnAt: Date?
}

/// An indicator assignment as it travels down (`indicator.assigned`): every node hosting one of
/// its units keeps it with the units of its own subtree; a withdrawal travels the same way.
struct AssignedIndicator: Codable, Sendable, Equatable {
    let id: String
    let owner: String
    let code: String
    let from: String
    let until: String?
    let updatedBy: String
    let units: [String]
    let assignedBy: String
    let assignedAt: Date
    let withdrawnBy: String?
    let withdrawnAt: Date?

    init(_ held: IndicatorAssignmentStore.Assignment, units: [String]? = nil) {
        id = held.id
        owner = held.owner
        code = held.code
        from = held.from
        until = held.until
        updatedBy = held.updatedBy
        self.units = units ?? held.units
        assignedBy = held.assignedBy
        assignedAt = held.assignedAt
        withdrawnBy = held.withdrawnBy
        withdrawnAt = held.withdrawnAt
    }

    var held: IndicatorAssignmentStore.Assignment {
        IndicatorAssignmentStore.Assignment(
            id: id,
            owner: owner,
            code: code,
            from: from,
            until: until,
            updatedBy: updatedBy,
            units: units,
            assignedBy: assignedBy,
            assignedAt: assignedAt,
            withdrawnBy: withdrawnBy,
            withdrawnAt: withdrawnAt
        )
    }
}

/// A value an assigned indicator owes: one unit, one period that has begun, its deadline (the
/// 25th of the period's last month, as for reports), and whether a value is held for it.
struct OwedIndicatorValue: Sendable {
    let assignment: IndicatorAssignmentStore.Assignment
    let unit: String
    let period: Period
    let deadline: CalendarDate
    let supplied: Bool

    /// Past its deadline with no value.
    func overdue(today: CalendarDate) -> Bool { !supplied && today > deadline }

    /// The values `assignments` owe for the units `counts` keeps, for every period from the
    /// assignment's first to its last (if set) that has begun by `today`; `held` is the
    /// `code|unit|period` of every value held. A withdrawn assignment owes nothing; a value owed
    /// by two assignments (two levels assigned the same indicator) is counted once.
    static func owed(
        by assignments: [IndicatorAssignmentStore.Assignment],
        units counts: (String) -> Bool,
        held: Set<String>,
        today: CalendarDate
    ) -> [OwedIndicatorValue] {
        var seen = Set<String>()
        var owed: [OwedIndicatorValue] = []
        for assignment in assignments where assignment.withdrawnAt == nil {
            guard let from = Period(assignment.from) else { continue }
            let until = assignment.until.flatMap(Period.init)
            var periods: [Period] = []
            var period: Period? = from
            while let current = period, current.hasBegun(by: today) {
                if let until, until < current { break }
                periods.append(current)
                period = current.next
            }
            // The latest 240 periods at most (20 years of months): the recent ones matter.
            periods = Array(periods.suffix(240))
            for unit in assignment.units where counts(unit) {
                for period in periods {
                    let key = "\(assignment.code)|\(unit)|\(period)"
                    guard seen.insert(key).inserted else { continue }
                    owed.append(
                        OwedIndicatorValue(
                            assignment: assignment,
                            unit: unit,
                            period: period,
                            deadline: period.deadline(),
                            supplied: held.contains(key)
                        )
                    )
                }
            }
        }
        return owed
    }
}

extension Period {
    /// The period after this one of the same frequency; nil for a one-off.
    var next: Period? {
        switch frequency {
        case .monthly: index == 12 ? .month(year + 1, 1) : .month(year, index + 1)
        case .quarterly: index == 4 ? .quarter(year + 1, 1) : .quarter(year, index + 1)
        case .yearly: .year(year + 1)
        case .once: nil
        }
    }

    /// Its first day is on or before `today`.
    func hasBegun(by today: CalendarDate) -> Bool {
        CalendarDate(year: year, month: months.first?.index ?? 1, day: 1) <= today
    }
}

/// Indicators assigned to the units below (issue M.3): made here, withdrawn, received from above
/// and passed down, and the values they owe. Its own service over the context, the indicator
/// catalogue (`IndicatorDefinitions`), the open units (`Expectations`) and the alerts.
package struct IndicatorAssignments: NodeService {
    let context: NodeContext
    /// The indicator catalogue in force at a unit, with the owner of each code.
    let definitions: IndicatorDefinitions
    /// The targets still open (closed units refused when named, skipped when implied by a level).
    let expectations: Expectations
    /// Evaluated again after a change (owed values may have changed).
    let alerts: NodeAlerts

    /// Assigns an indicator of the leader's catalogue to units below the leader's unit, from a
    /// period on: each unit then owes a value for every period, by its deadline, entered by the
    /// unit or delivered by a system as the indicator says. Stored and audited in one
    /// transaction, and sent down toward each unit's node (`indicator.assigned`). A unit outside
    /// the subtree is refused with its code; a unit already given the indicator by this level is
    /// 409.
    package func assign(
        _ request: NewIndicatorAssignment,
        by actor: Actor
    ) async throws -> IndicatorAssignmentView {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        let targets: [String]
        if let units = request.units, !units.isEmpty {
            targets = Array(Set(units)).sorted()
        } else if let level = request.level {
            targets = tree.descendants(of: actor.unit, at: level).map(\.code).sorted()
        } else {
            throw DomainError(.assignmentTargetsRequired, details: ["units": "required"])
        }
        for unit in targets {
            guard tree[unit] != nil else { throw DomainError(.unknownUnit(unit), details: ["units": unit]) }
            guard tree.isBelow(unit, actor.unit) else {
                throw DomainError(.indicatorAssignOnlyBelow(unit), details: ["units": unit])
            }
        }
        guard !targets.isEmpty else { throw DomainError(.noUnitsToAssign, details: ["units": "empty"]) }
        let now = clock.now()
        let view = try await database.pool.write { db -> IndicatorAssignmentView in
            let targets = try expectations.openUnits(targets, explicit: request.units?.isEmpty == false, db)
            let (catalogue, owners) = try definitions.catalogue(for: actor.unit, db)
            guard let latest = catalogue.latest(request.indicator) else { throw DomainError(.notFound(.indicator)) }
            var problems: [String] = []
            let updater: String
            switch latest.source {
            case .entered: updater = "unit"
            case .delivered: updater = "system"
            case .computed:
                throw DomainError(
                    .indicatorAssignmentInvalid([
                        "Chỉ số “\(latest.code)” được tính theo công thức, không cần đơn vị cập nhật / \(latest.code) is computed by its formula: nobody updates it"
                    ])
                )
            }
            if let asked = request.updatedBy, asked != updater {
                problems.append(
                    updater == "unit"
                        ? "Chỉ số “\(latest.code)” do đơn vị nhập, không do hệ thống khác cung cấp (updatedBy: unit) / \(latest.code) is entered by the unit (updatedBy: unit)"
                        : "Chỉ số “\(latest.code)” do hệ thống khác cung cấp, không do đơn vị nhập (updatedBy: system) / \(latest.code) is delivered by another system (updatedBy: system)"
                )
            }
            guard let from = Period(request.from), from.frequency == latest.frequency,
                catalogue.definition(latest.code, for: from) != nil
            else {
                throw DomainError(.indicatorPeriodInvalid(request.from), details: ["from": "invalid"])
            }
            var until: Period?
            if let text = request.until {
                guard let last = Period(text), last.frequency == latest.frequency else {
                    throw DomainError(.indicatorPeriodInvalid(text), details: ["until": "invalid"])
                }
                if last < from {
                    problems.append("Kỳ kết thúc trước kỳ bắt đầu / the last period is before the first")
                }
                until = last
            }
            guard problems.isEmpty else { throw DomainError(.indicatorAssignmentInvalid(problems)) }
            let owner = owners[latest.code] ?? actor.unit
            // One standing assignment per unit and period: another for the same units must cover
            // other periods (e.g. until June, then from July).
            for standing in try IndicatorAssignmentStore.standing(owner: actor.unit, code: latest.code, db) {
                guard let first = Period(standing.from) else { continue }
                let last = standing.until.flatMap(Period.init)
                let overlaps = !(last.map { $0 < from } ?? false) && !(until.map { $0 < first } ?? false)
                if overlaps, let unit = targets.first(where: standing.units.contains) {
                    throw DomainError(
                        .indicatorAlreadyAssigned(code: latest.code, unit: unit),
                        details: ["assignment": standing.id]
                    )
                }
            }
            let assignment = IndicatorAssignmentStore.Assignment(
                id: "ia-" + UUID().uuidString.lowercased(),
                owner: actor.unit,
                code: latest.code,
                from: from.description,
                until: until?.description,
                updatedBy: updater,
                units: targets,
                assignedBy: actor.username,
                assignedAt: now,
                withdrawnBy: nil,
                withdrawnAt: nil
            )
            try IndicatorAssignmentStore.save(assignment, db)
            try audit.record(
                db,
                actor,
                action: "indicator.assign",
                target: assignment.id,
                detail:
                    "\(latest.code) (of \(owner)) from \(from)\(until.map { " until \($0)" } ?? "") by \(updater); units \(targets.joined(separator: ","))"
            )
            try passDown(AssignedIndicator(assignment), db)
            return Self.view(assignment, units: targets, catalogue)
        }
        await alerts.refreshQuietly()
        return view
    }

    /// The indicator assignments that concern the actor's unit: made by it or a unit of its
    /// subtree, or covering it or units below it (those units only), withdrawn ones included.
    package func visible(to actor: Actor) async throws -> [IndicatorAssignmentView] {
        guard actor.holds(.viewReports) || actor.holds(.enterData) || actor.holds(.manageForms) else {
            throw DomainError(.notAllowed)
        }
        return try await database.pool.read { db in
            var catalogues: [String: IndicatorCatalogue] = [:]
            return try IndicatorAssignmentStore.all(db).compactMap { held -> IndicatorAssignmentView? in
                let units = held.units.filter { tree.isInSubtree($0, of: actor.unit) }
                guard !units.isEmpty || tree.isInSubtree(held.owner, of: actor.unit) else { return nil }
                if catalogues[held.owner] == nil {
                    catalogues[held.owner] = try definitions.catalogue(for: held.owner, db).0
                }
                return Self.view(
                    held,
                    units: units,
                    catalogues[held.owner] ?? IndicatorCatalogue(forms: [], definitions: [])
                )
            }
        }
    }

    /// Withdraws an assignment the leader's unit made: its units owe no more values for it (the
    /// values supplied stay). The withdrawal travels down like the assignment; withdrawing again
    /// changes nothing. Audited.
    package func withdraw(_ id: String, by actor: Actor) async throws -> IndicatorAssignmentView {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        let now = clock.now()
        let view = try await database.pool.write { db -> IndicatorAssignmentView in
            guard let held = try IndicatorAssignmentStore.assignment(id: id, db),
                tree.isInSubtree(held.owner, of: actor.unit)
                    || held.units.contains(where: { tree.isInSubtree($0, of: actor.unit) })
            else { throw DomainError(.notFound(.indicatorAssignment)) }
            guard held.owner == actor.unit else { throw DomainError(.notAllowed) }
            let catalogue = try definitions.catalogue(for: held.owner, db).0
            guard held.withdrawnAt == nil else { return Self.view(held, units: held.units, catalogue) }
            let withdrawn = IndicatorAssignmentStore.Assignment(
                id: held.id,
                owner: held.owner,
                code: held.code,
                from: held.from,
                until: held.until,
                updatedBy: held.updatedBy,
                units: held.units,
                assignedBy: held.assignedBy,
                assignedAt: held.assignedAt,
                withdrawnBy: actor.username,
                withdrawnAt: now
            )
            try IndicatorAssignmentStore.save(withdrawn, db)
            try audit.record(db, actor, action: "indicator.assignment.withdraw", target: id, detail: held.code)
            try passDown(AssignedIndicator(withdrawn), db)
            return Self.view(withdrawn, units: withdrawn.units, catalogue)
        }
        await alerts.refreshQuietly()
        return view
    }

    /// Sends an assignment (or its withdrawal) to each child node whose subtree holds some of
    /// its units, carrying only those units.
    private func passDown(_ assigned: AssignedIndicator, _ db: Database) throws {
        for child in deployment.children(of: node) {
            let units = assigned.units.filter { tree.isInSubtree($0, of: child.unit) }
            guard !units.isEmpty else { continue }
            try appendToFeed(
                db,
                audience: child.unit,
                kind: .indicatorAssigned,
                unit: assigned.owner,
                body: AssignedIndicator(assigned.held, units: units)
            )
        }
    }

    /// Sends a node that just joined below the indicator assignments in force (not withdrawn) for
    /// the units of its subtree, each carrying only those units, in the transaction that records
    /// the join (after the catalogue, `IndicatorDefinitions.sendCatalogue(to:_:)`, so the indicators
    /// are known).
    func sendInForce(to child: NodeDescription, _ db: Database) throws {
        for held in try IndicatorAssignmentStore.standing(db) {
            let units = held.units.filter { tree.isInSubtree($0, of: child.unit) }
            guard !units.isEmpty, tree.isBelow(child.unit, held.owner) else { continue }
            try appendToFeed(
                db,
                audience: child.unit,
                kind: .indicatorAssigned,
                unit: held.owner,
                body: AssignedIndicator(held, units: units)
            )
        }
    }

    /// Keeps an assignment (or its withdrawal) made above this node and passes it further down.
    /// Only a unit above this node's own assigns, and only units of this node's subtree; the
    /// same state again changes nothing.
    func receive(_ assigned: AssignedIndicator, from message: Envelope, _ db: Database) throws -> Inbox.Effect {
        guard assigned.owner == message.unit, tree.isBelow(unit, assigned.owner) else {
            throw Refusal(
                "indicator assignment \(assigned.id) is made by \(assigned.owner), which is not above \(unit)"
            )
        }
        guard !assigned.units.isEmpty, assigned.units.allSatisfy({ tree.isInSubtree($0, of: unit) }),
            ["unit", "system"].contains(assigned.updatedBy), Period(assigned.from) != nil
        else {
            throw Refusal("indicator assignment \(assigned.id) names units outside \(unit) or is not valid")
        }
        let previous = try IndicatorAssignmentStore.assignment(id: assigned.id, db)
        if let previous {
            guard previous.owner == assigned.owner, previous.code == assigned.code else {
                throw Refusal("indicator assignment \(assigned.id) is held for another indicator or owner")
            }
            if AssignedIndicator(previous) == assigned {
                return Inbox.Effect(detail: "indicator assignment \(assigned.id) already held")
            }
            // A withdrawal is final: an older state arriving late (a parked message retried) does
            // not make the units owe values again.
            if previous.withdrawnAt != nil, assigned.withdrawnAt == nil {
                return Inbox.Effect(detail: "indicator assignment \(assigned.id) is withdrawn here already")
            }
        }
        try IndicatorAssignmentStore.save(assigned.held, db)
        try audit.record(
            db,
            actor: "node:\(message.origin)",
            unit: assigned.owner,
            action: assigned.withdrawnAt == nil ? "indicator.assignment.received" : "indicator.assignment.withdrawn",
            target: assigned.id,
            detail: "\(assigned.code) from \(assigned.from); units \(assigned.units.joined(separator: ","))"
        )
        try passDown(assigned, db)
        return Inbox.Effect(
            detail: "indicator assignment \(assigned.id) of \(assigned.owner) kept",
            feed: deployment.children(of: node).contains { child in
                assigned.units.contains { tree.isInSubtree($0, of: child.unit) }
            }
        )
    }

    /// The values that assigned indicators owe for the units of this node's subtree among
    /// `units`: those it hosts (where values are supplied) and those below, whose values reach it
    /// as `indicator.value`.
    func owed(
        for units: (String) -> Bool,
        today: CalendarDate,
        _ db: Database
    ) throws -> [OwedIndicatorValue] {
        let assignments = try IndicatorAssignmentStore.standing(db)
        guard !assignments.isEmpty else { return [] }
        let held = try SuppliedValueStore.keys(codes: Array(Set(assignments.map(\.code))), db)
        return OwedIndicatorValue.owed(
            by: assignments,
            units: { deployment.node(node, speaksFor: $0) && units($0) },
            held: held,
            today: today
        )
    }

    static func view(
        _ held: IndicatorAssignmentStore.Assignment,
        units: [String],
        _ catalogue: IndicatorCatalogue
    ) -> IndicatorAssignmentView {
        let definition = catalogue.latest(held.code)
        return IndicatorAssignmentView(
            id: held.id,
            owner: held.owner,
            indicator: held.code,
            name: definition?.name.vi ?? "",
            nameEn: definition?.name.en ?? "",
            frequency: definition?.frequency.rawValue ?? Period(held.from)?.frequency.rawValue ?? "",
            from: held.from,
            until: held.until,
            updatedBy: held.updatedBy,
            units: units,
            assignedBy: held.assignedBy,
            assignedAt: held.assignedAt,
            withdrawnBy: held.withdrawnBy,
            withdrawnAt: held.withdrawnAt
        )
    }
}

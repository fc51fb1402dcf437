import Auth
import GRDB
import Hierarchy
import Reporting

extension ReportActor {
    /// The account as the report workflow sees it.
    init(_ actor: Actor) {
        var rights: Set<ReportRight> = []
        if actor.holds(.enterData) { rights.insert(.enterData) }
        if actor.holds(.approveReports) { rights.insert(.approve) }
        self.init(unit: actor.unit, rights: rights)
    }
}

extension ReportRight {
    /// The account permission that grants this right.
    var permission: Permission {
        switch self {
        case .enterData: .enterData
        case .approve: .approveReports
        }
    }
}

extension ReportFacts {
    init(_ record: ReportRecord, tree: UnitTree) {
        self.init(
            state: record.state,
            unit: record.unit,
            formOwner: record.formOwner,
            parentUnit: tree[record.unit]?.parent,
            hostedHere: record.hostedHere
        )
    }

    init(_ view: ReportView, tree: UnitTree) {
        self.init(
            state: view.state,
            unit: view.unit,
            formOwner: view.formOwner,
            parentUnit: tree[view.unit]?.parent,
            hostedHere: !view.received
        )
    }
}

extension ReportRefusal {
    /// The refusal as the core throws it (the catalogue at the edge words it).
    var domainError: DomainError {
        switch self {
        case .state(let error): DomainError(.reportAction(self), details: ["state": error.state.rawValue])
        case .evidenceClosed(let state): DomainError(.reportAction(self), details: ["state": state.rawValue])
        default: DomainError(.reportAction(self))
        }
    }
}

/// The rules every report service applies alike: which reports an actor may read, and what it
/// may do with one (decided once, by `ReportActions`, for the API and the pages).
protocol ReportAccess: NodeService {}

extension ReportAccess {
    /// Checks that `actor` may do `action` with the stored report; the state it leads to, or
    /// the refusal as the API answers it.
    @discardableResult
    func permitted(_ action: ReportAction, _ record: ReportRecord, _ actor: Actor) throws -> ReportState {
        switch ReportActions.decide(action, on: ReportFacts(record, tree: tree), by: ReportActor(actor)) {
        case .success(let next): return next
        case .failure(let refusal): throw refusal.domainError
        }
    }

    /// Refuses before any report is read when the actor lacks the right `action` always needs.
    func requireRight(for action: ReportAction, _ actor: Actor) throws {
        guard actor.holds(ReportActions.right(for: action).permission) else { throw DomainError(.notAllowed) }
    }

    /// The stored report, when `actor` may read it (of its unit or a unit below); not found otherwise.
    func readable(_ id: String, _ actor: Actor, _ db: Database) throws -> ReportRecord {
        guard actor.holds(.viewReports) || actor.holds(.enterData), let record = try ReportStore.report(id: id, db),
            tree.isInSubtree(record.unit, of: actor.unit)
        else { throw DomainError(.notFound(.report)) }
        return record
    }
}

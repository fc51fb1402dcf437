import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// What an admin sends to add a unit directly below its own unit.
package struct NewUnit: Codable, Sendable {
    var code: String
    var name: String
    /// Optional: when given, it must be the admin's own unit.
    var parent: String?
    /// Optional: when given, it must be the level directly below the admin's unit.
    var level: Level?

    package init(code: String, name: String, parent: String? = nil, level: Level? = nil) {
        self.code = code
        self.name = name
        self.parent = parent
        self.level = level
    }
}

/// What an admin sends to rename a unit directly below its own unit (codes never change).
package struct UnitRename: Codable, Sendable {
    var name: String

    package init(name: String) {
        self.name = name
    }
}

/// A unit as the units API and page show it, with where it is hosted and whether it closed.
package struct UnitView: Codable, Sendable {
    package let code: String
    let name: String
    let level: Level
    let parent: String?
    /// The node where its users and data live.
    let hostedBy: String?
    let closedOn: String?
    let mergedInto: String?
}

/// A stored unit change (table `unit_changes`).
struct UnitChangeRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "unit_changes"
    var id: String
    var kind: UnitChange.Kind
    var code: String
    var name: String
    var level: Level
    var parent: String
    var decidedBy: String
    var decidedAt: Date
    var receivedFrom: String?
    var recordedAt: Date
    var nodeName: String?
    var nodeWeb: String?
    var nodeFederation: String?
    var movedFrom: String?

    init(_ change: UnitChange, receivedFrom: String?, at recordedAt: Date) {
        id = change.id
        kind = change.kind
        code = change.code
        name = change.name
        level = change.level
        parent = change.parent
        decidedBy = change.decidedBy
        decidedAt = change.decidedAt
        self.receivedFrom = receivedFrom
        self.recordedAt = recordedAt
        nodeName = change.node?.name
        nodeWeb = change.node?.web
        nodeFederation = change.node?.federation
        movedFrom = change.from
    }

    var change: UnitChange {
        UnitChange(
            id: id,
            kind: kind,
            code: code,
            name: name,
            level: level,
            parent: parent,
            decidedBy: decidedBy,
            decidedAt: decidedAt,
            node: nodeName.map { JoinedNode(name: $0, web: nodeWeb ?? "", federation: nodeFederation ?? "") },
            from: movedFrom
        )
    }
}

extension UnitChange.Kind: DatabaseValueConvertible {}

/// A unit's recorded closure, as the tree shows it.
package struct UnitClosure: Sendable {
    package let closedOn: String
    package let mergedInto: String?
}

extension NodeContext {
    /// Rebuilds the live deployment from the topology and the changes kept here, in order.
    func reloadUnits() throws {
        let changes = try database.pool.read { db in
            try UnitChangeStore.all(db).map(\.change)
        }
        for skipped in units.replay(changes) {
            logger.warning(
                "unit change left out",
                metadata: [
                    "change": "\(skipped.change.id)", "unit": "\(skipped.change.code)", "reason": "\(skipped.problem)",
                ]
            )
        }
    }

    /// Runs a write that may swap the live deployment; if it fails, the deployment is rebuilt from
    /// what the database holds, so memory never keeps a change that was not committed.
    func keepingUnitsInStep<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch {
            try? reloadUnits()
            throw error
        }
    }
}

/// The units this node administers: adding a unit below the admin's own, renaming one, the
/// closures kept here, and the unit changes that arrive from a child or the parent. Each change
/// is kept in `unit_changes` and swaps the live deployment in the context. Its own service so
/// that the rules of the unit tree need only the shared context.
package struct UnitChanges: NodeService {
    let context: NodeContext

    /// The units closed or merged away, by code. Reads on its own.
    package func closures() async throws -> [String: UnitClosure] {
        try await database.pool.read { try closures($0) }
    }

    func closures(_ db: Database) throws -> [String: UnitClosure] {
        try ClosureStore.all(db)
    }

    func unitView(_ code: String, closure: UnitClosure?) -> UnitView? {
        guard let unit = tree[code] else { return nil }
        return UnitView(
            code: unit.code,
            name: unit.name,
            level: unit.level,
            parent: unit.parent,
            hostedBy: deployment.hostingNode(of: code)?.name,
            closedOn: closure?.closedOn,
            mergedInto: closure?.mergedInto
        )
    }

    /// Adds a unit directly below the admin's unit, hosted by this node. Its code starts with the
    /// parent's code and '-', so that codes made in different subtrees never collide; it must be
    /// unused nationwide as far as this node knows (the centre refuses a clash when it arrives).
    package func add(_ request: NewUnit, by actor: Actor) async throws -> UnitView {
        guard actor.holds(.manageUsers), hosts(actor.unit) else { throw DomainError(.notAllowed) }
        let parentCode = actor.unit
        if let parent = request.parent, parent != parentCode {
            throw DomainError(.addUnitsOnlyBelowOwn)
        }
        guard let parent = tree[parentCode] else { throw DomainError(.notFound(.unit)) }
        guard let below = parent.level.below else {
            throw DomainError(.noLevelBelow(parent.level), details: ["level": "none_below"])
        }
        if let level = request.level, level != below {
            throw DomainError(
                .onlyLevelBelow(below: below, parentName: parent.name, parentCode: parent.code),
                details: ["level": "wrong"]
            )
        }
        let code = request.code.trimmingCharacters(in: .whitespaces)
        let change = UnitChange(
            kind: .added,
            code: code,
            name: UnitChange.normalisedName(request.name),
            level: below,
            parent: parentCode,
            decidedBy: actor.username,
            decidedAt: clock.now()
        )
        let view = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> UnitView in
                let next = try validated(change)
                try UnitChangeRecord(change, receivedFrom: nil, at: clock.now()).insert(db)
                try audit.record(
                    db,
                    actor,
                    action: "unit.add",
                    target: change.code,
                    detail: "\(change.name) (\(below.rawValue), \(parentCode))"
                )
                try enqueueUp(db, kind: .unitChanged, unit: parentCode, body: change)
                context.units.set(next)
                return unitView(change.code, closure: nil)!
            }
        }
        outboxSignal.notify()
        return view
    }

    /// Renames a unit directly below the admin's unit; its code stays.
    package func rename(_ code: String, _ request: UnitRename, by actor: Actor) async throws -> UnitView {
        guard actor.holds(.manageUsers), hosts(actor.unit) else { throw DomainError(.notAllowed) }
        guard let unit = tree[code], tree.isInSubtree(code, of: actor.unit) else {
            throw DomainError(.notFound(.unit))
        }
        guard unit.parent == actor.unit else {
            throw DomainError(.renameOnlyBelowOwn)
        }
        let change = UnitChange(
            kind: .renamed,
            code: code,
            name: UnitChange.normalisedName(request.name),
            level: unit.level,
            parent: actor.unit,
            decidedBy: actor.username,
            decidedAt: clock.now()
        )
        if change.name == unit.name {
            return try await database.pool.read { db in unitView(code, closure: try closures(db)[code])! }
        }
        let view = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> UnitView in
                let next = try validated(change)
                try UnitChangeRecord(change, receivedFrom: nil, at: clock.now()).insert(db)
                try audit.record(
                    db,
                    actor,
                    action: "unit.rename",
                    target: code,
                    detail: "\(unit.name) → \(change.name)"
                )
                try enqueueUp(db, kind: .unitChanged, unit: actor.unit, body: change)
                try passDown(change, except: nil, db)
                context.units.set(next)
                return unitView(code, closure: try closures(db)[code])!
            }
        }
        outboxSignal.notify()
        return view
    }

    /// The deployment with `change` applied, or a refusal a person understands.
    private func validated(_ change: UnitChange) throws -> Deployment {
        do {
            return try deployment.applying(change)
        } catch {
            switch error {
            case .emptyName:
                throw DomainError(.unitNameRequired, details: ["name": "required"])
            case .nameTooLong:
                throw DomainError(.unitNameTooLong(limit: UnitChange.maximumNameLength), details: ["name": "too_long"])
            case .invalidCode, .codeOutsideParent:
                throw DomainError(.unitCodeInvalid(parent: change.parent), details: ["code": "invalid"])
            case .codeInUse:
                throw DomainError(.unitCodeTaken(change.code), details: ["code": "taken"])
            default:
                throw DomainError(.unitChangeRefused(error.description))
            }
        }
    }

    static func auditAction(_ kind: UnitChange.Kind) -> String {
        switch kind {
        case .added: "unit.add"
        case .renamed: "unit.rename"
        case .hosted: "node.joined"
        case .retired: "node.retired"
        case .moved: "unit.move"
        }
    }

    /// A rename goes down to the child nodes inside the renamed unit's subtree (they show the name),
    /// a move to the child nodes that host the parent the unit leaves or the one it joins (its life
    /// moves between them). Additions and joined nodes concern only the nodes above, which they
    /// travel up to.
    @discardableResult
    func passDown(_ change: UnitChange, except sender: String?, _ db: Database) throws -> Int {
        var passed = 0
        for child in deployment.children(of: node) where child.unit != sender {
            switch change.kind {
            case .renamed: guard tree.isInSubtree(child.unit, of: change.code) else { continue }
            case .moved:
                guard
                    deployment.node(child, speaksFor: change.parent)
                        || change.from.map({ deployment.node(child, speaksFor: $0) }) == true
                else { continue }
            case .added, .hosted, .retired: continue
            }
            try appendToFeed(db, audience: child.unit, kind: .unitChanged, unit: change.parent, body: change)
            passed += 1
        }
        return passed
    }

    /// A unit change from a child (to keep and relay up) or from the parent (to keep and pass
    /// down). From a child, the sending node must speak for the changed unit's parent; from the
    /// parent, the change must concern a unit above or at this node's own, which it governs.
    func receive(
        _ change: UnitChange,
        from message: Envelope,
        direction: Inbox.Direction,
        _ db: Database
    ) throws -> Inbox.Effect {
        guard change.parent == message.unit else {
            throw Refusal("the change is about a unit below \(change.parent), the message says \(message.unit)")
        }
        switch direction {
        case .fromChild:
            guard let sender = deployment.node(forUnit: message.origin),
                deployment.node(sender, speaksFor: change.parent),
                change.from.map({ deployment.node(sender, speaksFor: $0) }) ?? true
            else {
                throw Refusal("node \(message.origin) may not speak for unit \(change.from ?? change.parent)")
            }
        case .fromParent where change.kind == .moved:
            // Decided above both parents: it concerns this node when it hosts either (or lies above).
            guard
                [change.parent, change.from].contains(where: {
                    $0.map { deployment.node(node, speaksFor: $0) } ?? false
                })
            else {
                throw Refusal("unit \(change.code) moves between units that do not concern this node")
            }
        case .fromParent:
            guard !deployment.node(node, speaksFor: change.parent) else {
                throw Refusal("a parent may not change units below \(change.parent), which is hosted here or below")
            }
            guard tree.isInSubtree(node.unit, of: change.code) else {
                throw Refusal("unit \(change.code) does not concern this node")
            }
        }
        if try UnitChangeStore.holds(change.id, db) {
            return Inbox.Effect(detail: "unit change \(change.id) already held")
        }
        let next: Deployment
        do { next = try deployment.applying(change) } catch {
            throw Refusal("unit change \(change.id): \(error.description)")
        }
        let previous = tree[change.code]?.name
        try UnitChangeRecord(change, receivedFrom: message.origin, at: clock.now()).insert(db)
        try audit.record(
            db,
            actor: "node:\(message.origin)",
            unit: change.parent,
            action: Self.auditAction(change.kind),
            target: change.code,
            detail: "\(previous.map { "\($0) → " } ?? "")\(change.name) (\(change.decidedBy))"
        )
        var effect = Inbox.Effect(detail: "unit \(change.code) \(change.kind.rawValue) below \(change.parent)")
        if let joined = change.node { effect.detail += " by node \(joined.name)" }
        if direction == .fromChild, parent != nil {
            try enqueueUp(db, kind: .unitChanged, unit: change.parent, body: change)
            effect.outbox = true
        }
        effect.feed = try passDown(change, except: direction == .fromChild ? message.origin : nil, db) > 0
        // Last, once nothing more can fail in this message's savepoint.
        context.units.set(next)
        return effect
    }
}

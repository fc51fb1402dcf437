import Auth
import Federation
import Foundation
import GRDB
import Indicators
import Reporting

/// An indicator version as the API shows it: its owner, the definition, and its formula in words.
package struct IndicatorView: Codable, Sendable {
    package let owner: String
    package let definition: IndicatorDefinition
    /// The formula in words (Vietnamese, then English); absent for entered and delivered values.
    package let explanation: String?
    package let explanationEn: String?
    package let definedBy: String
}

/// An indicator version as it travels down (`indicator.defined`): every node of the owner's
/// subtree keeps it, so each level computes and shows the indicators set above it.
struct DefinedIndicator: Codable, Sendable {
    let owner: String
    let definition: IndicatorDefinition
    let definedBy: String
}

/// The indicator set (Letter 3158's catalogue): indicators defined here version by version (checked
/// against the forms and indicators in force), kept as they arrive from above and passed down,
/// sent whole to a node that joins below, and read as the catalogue in force at a unit. Its own
/// service so that the catalogue needs only the shared context; the values, the clients, the
/// assignments and the figures of indicators read it from here.
package struct IndicatorDefinitions: NodeService {
    let context: NodeContext

    /// The catalogue a unit sees: its own indicators and those of the units above it, with the
    /// forms their formulas may read (the latest version of each, the nearest owner first).
    /// Also says who owns each indicator code.
    func catalogue(for unit: String, _ db: Database) throws -> (IndicatorCatalogue, [String: String]) {
        let owners = [unit] + tree.ancestors(of: unit).map(\.code)
        var forms: [String: Form] = [:]
        // From the centre down, latest version last: the nearest owner's latest form wins a shared code.
        for owner in owners.reversed() {
            for record in try FormStore.forms(of: owner, db) {
                forms[record.code] = record.definition
            }
        }
        // A code two levels both define (one defined it before the other's arrived) is the
        // nearest level's: the unit's own first, then upward.
        var owner: [String: String] = [:]
        var definitions: [IndicatorDefinition] = []
        let rows = Dictionary(grouping: try IndicatorStore.all(owners: owners, db), by: \.owner)
        for level in owners {
            for row in rows[level] ?? [] {
                if let held = owner[row.definition.code], held != row.owner { continue }
                owner[row.definition.code] = row.owner
                definitions.append(row.definition)
            }
        }
        return (IndicatorCatalogue(forms: Array(forms.values), definitions: definitions), owner)
    }

    /// Defines an indicator, or its next version, for the actor's unit and its subtree. The
    /// definition and its formula are checked first (unknown references, text used as a number,
    /// division by zero, cycles): a refusal is 422 with each problem, Vietnamese then English.
    package func define(_ definition: IndicatorDefinition, by actor: Actor) async throws -> IndicatorView {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        let now = clock.now()
        let view = try await database.pool.write { db in
            var (catalogue, owners) = try self.catalogue(for: actor.unit, db)
            if let owner = owners[definition.code], owner != actor.unit {
                throw DomainError(.indicatorCodeTaken(code: definition.code, owner: owner))
            }
            do {
                try catalogue.add(definition)
            } catch let refusal as IndicatorRefusal {
                throw DomainError(
                    .indicatorInvalid(refusal),
                    details: Dictionary(
                        uniqueKeysWithValues: refusal.messages.enumerated().map { ("\($0.offset)", $0.element) }
                    )
                )
            }
            try IndicatorStore.insert(owner: actor.unit, definition, by: actor.username, at: now, db)
            try audit.record(db, actor, action: "indicator.define", target: "\(definition.code)@\(definition.version)")
            let defined = DefinedIndicator(owner: actor.unit, definition: definition, definedBy: actor.username)
            try passDown(defined, db)
            return Self.view(owner: actor.unit, definition, definedBy: actor.username, catalogue)
        }
        return view
    }

    /// Sends an indicator version down to the child nodes inside its owner's subtree (a unit
    /// hosted here defines indicators for its own units only, not for its siblings' nodes).
    private func passDown(_ defined: DefinedIndicator, to children: [NodeDescription]? = nil, _ db: Database) throws {
        for child in children ?? deployment.children(of: node) where tree.isBelow(child.unit, defined.owner) {
            try appendToFeed(db, audience: child.unit, kind: .indicatorDefined, unit: defined.owner, body: defined)
        }
    }

    /// Keeps an indicator version defined above this node and passes it further down. Only a unit
    /// above this node's own defines indicators for it; a version held already changes nothing.
    func receive(_ defined: DefinedIndicator, from message: Envelope, _ db: Database) throws -> Inbox.Effect {
        guard defined.owner == message.unit, tree.isBelow(unit, defined.owner) else {
            throw Refusal(
                "indicator \(defined.definition.code) is owned by \(defined.owner), which is not above \(unit)"
            )
        }
        let problems = defined.definition.attributeProblems()
        guard problems.isEmpty else {
            throw Refusal("indicator \(defined.definition.code) is not valid: \(problems.joined(separator: "; "))")
        }
        let definition = defined.definition
        if try IndicatorStore.holds(owner: defined.owner, code: definition.code, version: definition.version, db) {
            return Inbox.Effect(detail: "indicator \(definition.code)@\(definition.version) already held")
        }
        try IndicatorStore.insert(owner: defined.owner, definition, by: defined.definedBy, at: clock.now(), db)
        try audit.record(
            db,
            actor: "node:\(message.origin)",
            unit: defined.owner,
            action: "indicator.received",
            target: "\(definition.code)@\(definition.version)"
        )
        try passDown(defined, db)
        return Inbox.Effect(
            detail: "indicator \(definition.code)@\(definition.version) of \(defined.owner) kept",
            feed: deployment.children(of: node).contains { tree.isBelow($0.unit, defined.owner) }
        )
    }

    /// Sends a node that just joined below the catalogue in force above it (the indicators of
    /// every unit above its own, every version), in the transaction that records the join.
    func sendCatalogue(to child: NodeDescription, _ db: Database) throws {
        let owners = tree.ancestors(of: child.unit).map(\.code)
        for row in try IndicatorStore.all(owners: owners, db) {
            try passDown(
                DefinedIndicator(owner: row.owner, definition: row.definition, definedBy: row.definedBy),
                to: [child],
                db
            )
        }
    }

    /// Every indicator version of the actor's unit and of the units above it.
    package func visible(to actor: Actor) async throws -> [IndicatorView] {
        try await database.pool.read { db in
            let (catalogue, _) = try self.catalogue(for: actor.unit, db)
            let owners = [actor.unit] + tree.ancestors(of: actor.unit).map(\.code)
            return try IndicatorStore.all(owners: owners, db).map {
                Self.view(owner: $0.owner, $0.definition, definedBy: $0.definedBy, catalogue)
            }
        }
    }

    static func view(
        owner: String,
        _ definition: IndicatorDefinition,
        definedBy: String,
        _ catalogue: IndicatorCatalogue
    ) -> IndicatorView {
        var explanation: String?
        var english: String?
        if let formula = definition.source.formula,
            case .success(let checked) = IndicatorChecker(catalogue: catalogue).check(formula, for: definition.code)
        {
            let explainer = FormulaExplainer(catalogue: catalogue)
            explanation = explainer.explain(definition, checked, in: .vi)
            english = explainer.explain(definition, checked, in: .en)
        }
        return IndicatorView(
            owner: owner,
            definition: definition,
            explanation: explanation,
            explanationEn: english,
            definedBy: definedBy
        )
    }
}

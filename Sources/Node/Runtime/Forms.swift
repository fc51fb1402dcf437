import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting

/// A form with the unit that owns it.
package struct FormView: Codable, Sendable {
    package let owner: String
    package let form: Form

    package init(owner: String, form: Form) {
        self.owner = owner
        self.form = form
    }
}

/// The forms the units define: stored version by version (a version never changes once stored),
/// read by owner, code and version (each version decoded once, `FormCache`), and listed for the
/// units that may be assigned them. Its own service so that defining and reading forms needs only
/// the shared context and the node's cache of decoded forms.
package struct Forms: NodeService {
    let context: NodeContext
    /// Stored forms, decoded once per version (owned by `LocalNode`, shared by every `Forms`).
    let cache: FormCache

    /// Stores a new form version authored by a unit (defines it; assigning is separate).
    package func define(_ form: Form, by actor: Actor) async throws -> Form {
        guard actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
        let problems = form.problems()
        guard problems.isEmpty else {
            throw DomainError(
                .formInvalid(problems),
                details: Dictionary(uniqueKeysWithValues: problems.enumerated().map { ("\($0.offset)", $0.element) })
            )
        }
        try await database.pool.write { db in
            if try FormRecord.fetchOne(db, key: ["owner_unit": actor.unit, "code": form.code, "version": form.version])
                != nil
            {
                throw DomainError(.formVersionExists(code: form.code, version: form.version))
            }
            try FormRecord(
                ownerUnit: actor.unit,
                code: form.code,
                version: form.version,
                definition: form,
                createdAt: clock.now()
            ).insert(db)
            try audit.record(db, actor, action: "form.define", target: "\(form.code)@\(form.version)")
        }
        return form
    }

    /// Forms owned by the actor's unit or by a unit above it (those it may be assigned).
    package func visible(to actor: Actor) async throws -> [FormView] {
        let owners = [actor.unit] + tree.ancestors(of: actor.unit).map(\.code)
        return try await database.pool.read { db in
            try FormStore.forms(ofAny: owners, db)
                .map { FormView(owner: $0.ownerUnit, form: $0.definition) }
        }
    }

    /// A form of `owner`; the latest version when `version` is nil. Reads on its own.
    package func form(owner: String, code: String, version: Int? = nil) async throws -> Form? {
        try await database.pool.read { try form(owner: owner, code: code, version: version, $0) }
    }

    /// A form of `owner`; the latest version when `version` is nil.
    func form(owner: String, code: String, version: Int? = nil, _ db: Database) throws -> Form? {
        if let version {
            if let kept = cache.form(owner: owner, code: code, version: version) { return kept }
            let form = try FormRecord.fetchOne(db, key: ["owner_unit": owner, "code": code, "version": version])?
                .definition
            if let form { cache.keep(form, owner: owner) }
            return form
        }
        return try FormStore.latest(owner: owner, code: code, db)?.definition
    }
}

import Auth
import Foundation
import GRDB

/// What the audit page shows: a page of entries and the state of the chain.
package struct AuditTrailView: Sendable {
    package struct Entry: Sendable {
        package let at: Date
        package let actor: String
        package let unit: String
        package let action: String
        package let target: String
        package let detail: String
    }

    package let entries: [Entry]
    /// Where the hash chain breaks, if it does.
    package let broken: String?
}

/// Reading the audit trail (nhật ký kiểm toán): an admin sees the latest entries of the subtree
/// and whether the chain is whole, and the reading is itself recorded. Its own service so that it
/// needs only the shared context; writing entries is `AuditTrail`'s, in each use case's
/// transaction.
package struct AuditReading: NodeService {
    let context: NodeContext

    /// The latest 200 audit entries of the admin's unit and the units below (optionally of one
    /// account), and whether the node's chain is whole. Reading it is itself recorded.
    package func trail(visibleTo actor: Actor, account: String?) async throws -> AuditTrailView {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        let units = tree.subtree(of: actor.unit).map(\.code)
        return try await database.pool.write { db in
            let entries = try AuditTrail.latest(units: units, account: account, db)
            let broken = try AuditTrail.verify(db).map(\.description)
            try audit.record(db, actor, action: "audit.read", target: actor.unit)
            return AuditTrailView(entries: entries, broken: broken)
        }
    }
}

import Auth
import Foundation
import GRDB
import Hierarchy
import Indicators

/// What an admin asks for when creating a machine client: a name (the other system) and the
/// indicators and units it may deliver.
package struct NewIndicatorClient: Codable, Sendable {
    package let name: String
    package let indicators: [String]
    package let units: [String]
}

/// A machine client as the API shows it; `token` only in the answer that created it.
package struct IndicatorClientView: Codable, Sendable {
    package let id: String
    package let owner: String
    package let name: String
    package let indicators: [String]
    package let units: [String]
    package let createdBy: String
    package let createdAt: Date
    package let revokedBy: String?
    package let revokedAt: Date?
    /// The bearer token, shown once: only its digest is kept.
    package let token: String?

    init(_ client: IndicatorClientStore.Client, token: String? = nil) {
        id = client.id
        owner = client.owner
        name = client.name
        indicators = client.indicators
        units = client.units
        createdBy = client.createdBy
        createdAt = client.createdAt
        revokedBy = client.revokedBy
        revokedAt = client.revokedAt
        self.token = token
    }
}

/// The machine clients of other systems (issue M.4): bearer tokens an admin creates for the
/// `delivered` indicators and the units of the admin's subtree this node hosts, lists, revokes,
/// and checks before a delivery is read (`SuppliedValues.deliver`). Its own service over the
/// context and the catalogue (`IndicatorDefinitions`).
package struct IndicatorClients: NodeService {
    let context: NodeContext
    let definitions: IndicatorDefinitions

    /// Creates a machine client for another system: a bearer token (answered once, kept as its
    /// digest) granted the named `delivered` indicators for the named units of the admin's
    /// subtree that this node hosts. Audited.
    package func create(
        _ request: NewIndicatorClient,
        by actor: Actor
    ) async throws
        -> IndicatorClientView
    {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String] = []
        if name.isEmpty || name.count > 200 {
            problems.append("Tên hệ thống phải có từ 1 đến 200 ký tự / the system's name must be 1 to 200 characters")
        }
        let indicators = Array(Set(request.indicators)).sorted()
        let units = Array(Set(request.units)).sorted()
        if indicators.isEmpty || indicators.count > 200 {
            problems.append("Cần từ 1 đến 200 chỉ số / name 1 to 200 indicators")
        }
        if units.isEmpty || units.count > 2000 {
            problems.append("Cần từ 1 đến 2000 đơn vị / name 1 to 2000 units")
        }
        for unit in units {
            guard tree[unit] != nil else { throw DomainError(.unknownUnit(unit)) }
            guard tree.isInSubtree(unit, of: actor.unit) else { throw DomainError(.unitOutsideYourSubtree(unit)) }
            guard hosts(unit) else { throw DomainError(.unitNotServedHere) }
        }
        let token = "rnic_" + Secret.token()
        let id = "ic-" + UUID().uuidString.lowercased()
        let now = clock.now()
        let attributeProblems = problems
        return try await database.pool.write { db in
            var problems = attributeProblems
            let (catalogue, _) = try definitions.catalogue(for: actor.unit, db)
            for code in indicators {
                guard let definition = catalogue.latest(code) else {
                    problems.append("Không có chỉ số “\(code)” / no indicator \(code)")
                    continue
                }
                guard case .delivered = definition.source else {
                    problems.append(
                        "Chỉ số “\(code)” không do hệ thống khác cung cấp / \(code) is not delivered by another system"
                    )
                    continue
                }
            }
            guard problems.isEmpty else { throw DomainError(.indicatorClientInvalid(problems)) }
            try IndicatorClientStore.insert(
                id: id,
                owner: actor.unit,
                name: name,
                tokenHash: Secret.digest(token),
                indicators: indicators,
                units: units,
                by: actor.username,
                at: now,
                db
            )
            try audit.record(
                db,
                actor,
                action: "indicator.client.create",
                target: id,
                detail:
                    "\(name): indicators \(indicators.joined(separator: ",")); units \(units.joined(separator: ","))"
            )
            guard let client = try IndicatorClientStore.client(id: id, db) else {
                throw DomainError(.notFound(.indicatorClient))
            }
            return IndicatorClientView(client, token: token)
        }
    }

    /// The machine clients of the admin's unit, revoked ones included.
    package func list(for actor: Actor) async throws -> [IndicatorClientView] {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        return try await database.pool.read { db in
            try IndicatorClientStore.clients(owner: actor.unit, db).map { IndicatorClientView($0) }
        }
    }

    /// Revokes a machine client of the admin's unit: its token is refused from then on. Revoking
    /// a revoked client changes nothing. Audited.
    package func revoke(_ id: String, by actor: Actor) async throws -> IndicatorClientView {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        let now = clock.now()
        return try await database.pool.write { db in
            guard let client = try IndicatorClientStore.client(id: id, db), client.owner == actor.unit else {
                throw DomainError(.notFound(.indicatorClient))
            }
            if try IndicatorClientStore.revoke(id: id, by: actor.username, at: now, db) {
                try audit.record(db, actor, action: "indicator.client.revoke", target: id, detail: client.name)
            }
            guard let revoked = try IndicatorClientStore.client(id: id, db) else {
                throw DomainError(.notFound(.indicatorClient))
            }
            return IndicatorClientView(revoked)
        }
    }

    /// Checks a machine client's token before its delivery is read: a client's, not revoked.
    package func authenticate(token: String?) async throws {
        guard let digest = token.map(Secret.digest) else { throw DomainError(.deliveryTokenRefused) }
        let client = try await database.pool.read { db in try IndicatorClientStore.client(tokenHash: digest, db) }
        guard let client, client.revokedAt == nil else { throw DomainError(.deliveryTokenRefused) }
    }
}

import Federation
import Foundation
import GRDB

/// The witness check of `reportnet audit verify` (issue J.8): asks a node's parent, with the
/// node's own certificate, what it witnessed of the node's audit trail. Reads the node's
/// database (its seed tree, unit changes and revocations, for the live tree) without writing to
/// it, so it runs beside a serving node or on a stopped one.
package enum AuditWitnessQuery {
    /// The parent's unit and what it witnessed; nil for the centre, which has no parent. Throws
    /// when the parent cannot be asked (unreachable, refusing, or older than the witness).
    /// - Parameter topology: the configuration's topology file, if it names one; the tree the
    ///   database keeps otherwise.
    package static func ask(
        node name: String,
        topology file: String?,
        databaseAt path: String,
        credentials: NodeCredentials,
        parentURL: String?
    ) async throws -> (parent: String, witness: AuditWitness)? {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let (seed, changes, revoked) = try await queue.read { db in
            (
                try NodeMetaStore.seedTopology(db),
                try UnitChangeStore.all(db).map(\.change),
                Set(try PKIStore.revokedFingerprints(db))
            )
        }
        try queue.close()
        var deployment: Deployment
        if let file {
            deployment = try TopologyFile.load(path: file)
        } else if let seed {
            deployment = try Deployment(try JSONDecoder().decode(Topology.self, from: Data(seed.utf8)))
        } else {
            throw ConfigurationError("\(path) holds no tree and the configuration names no topology")
        }
        for change in changes {
            if let next = try? deployment.applying(change) { deployment = next }
        }
        guard let node = deployment.node(named: name) else {
            throw ConfigurationError("node '\(name)' is not in the topology")
        }
        guard let parent = deployment.parent(of: node) else { return nil }
        let trust = try ChainTrust(
            rootPEM: credentials.trustRootPEM,
            tree: deployment.tree,
            isRevoked: { revoked.contains($0) }
        )
        let client = try FederationClient(
            address: parentURL ?? "https://\(parent.federation)",
            peer: NodeIdentity(unitCode: parent.unit),
            credentials: credentials,
            trust: trust
        )
        do {
            let witness = try await client.auditWitness()
            try? await client.shutdown()
            return (parent.unit, witness)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

import Federation
import Foundation
import Hierarchy
import Logging
import Testing

@testable import Node
@testable import NodeCommands

/// Opens real nodes of the demo topology (certificates, SQLite files) in a temporary folder,
/// without listeners, for tests that drive a node's logic directly.
struct LocalNodes {
    let directory: String
    let deployment: Deployment
    /// The nodes' time of day, pinned like the test federation's.
    let clock = AnchoredClock(startingAt: TestDay.start)

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("reportnet-local-\(UUID().uuidString)").path
        deployment = try TopologyFile.demo
        try NodeCertificates.issue(for: deployment, into: directory + "/certs")
    }

    func credentials(_ name: String) throws -> NodeCredentials {
        let files = NodeCertificates.paths(in: directory + "/certs", node: name)
        return try NodeCredentials.load(
            certificate: files.certificate,
            key: files.key,
            trustRoot: NodeCertificates.caPaths(in: directory + "/certs").certificate
        )
    }

    /// Opens `name`'s node (`loginDelay`: the pause after a first failed login).
    func open(_ name: String, loginDelay: Duration = .milliseconds(250)) throws -> LocalNode {
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = .critical
        return try LocalNode(
            node: deployment.node(named: name)!,
            deployment: deployment,
            database: try NodeDatabase.open(path: "\(directory)/\(name).sqlite"),
            credentials: try credentials(name),
            passwordCost: 4,
            loginDelay: loginDelay,
            clock: clock,
            logger: logger
        )
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Why `body` was refused, or nil when it went through; records an issue when it failed with
/// anything other than a `DomainError` (the rooms refuse only in their own terms).
func refusal(_ body: () async throws -> Void) async -> DomainError.Reason? {
    do {
        try await body()
        return nil
    } catch let error as DomainError {
        return error.reason
    } catch {
        Issue.record("not a domain error: \(error)")
        return nil
    }
}

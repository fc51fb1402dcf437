import Auth
import Federation
import Foundation
import Hierarchy
import Logging
import NIOPosix
import Node
import NodeHTTP
import ServiceLifecycle

/// Many real nodes in one process, sharing its event loops: each with its own SQLite database
/// (its own folder), its own certificate from one in-memory root CA, and real mutual-TLS HTTP/2
/// between parent and child. Nodes with children run a federation listener on a free loopback
/// port; nodes below the centre run their sync loop. No node runs a web listener: the benchmarks
/// drive use cases through `BenchmarkSeam`.
public final class InProcessFederation: Sendable {
    public struct Options: Sendable {
        public var directory: String
        /// Seconds a parent holds a child's feed request open.
        public var pollWait = 20
        public var logLevel: Logger.Level = .error
        /// Databases opened (and migrated) at once while starting.
        public var openers = 8
        /// When set, every node's certificate, key and trusted root are read from this folder
        /// (as `NationalCertificates.write` left them) instead of issued here.
        public var credentialFolder: String?

        public init(directory: String) {
            self.directory = directory
        }
    }

    public let deployment: Deployment
    public let options: Options
    /// Every node, by unit code.
    public let nodes: [String: NodeServer]
    /// The nodes not running here, by unit code (their parents still listen for them).
    public let absent: Set<String>
    /// The root CA the nodes' certificates were issued from; nil when they were read from a folder.
    public let authority: CertificateAuthority?
    private let ports = PortBook()

    /// Issues certificates and opens every node's database, except the units in `absent` (run
    /// elsewhere, e.g. as a separate `reportnet serve` process). `parentURLs` overrides where a
    /// node finds its parent (by node unit), for parents running elsewhere.
    public init(
        deployment: Deployment,
        options: Options,
        authority: CertificateAuthority? = nil,
        absent: Set<String> = [],
        parentURLs: [String: String] = [:]
    ) async throws {
        self.deployment = deployment
        self.options = options
        self.absent = absent
        let folder = options.credentialFolder
        let authority =
            try folder == nil
            ? authority ?? CertificateAuthority.makeRoot(commonName: "ReportNet benchmark root CA") : nil
        self.authority = authority
        try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        let ports = self.ports
        let withChildren = Set(deployment.nodes.compactMap { deployment.parent(of: $0)?.unit })
        let pool = NIOThreadPool(numberOfThreads: max(1, options.openers))
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        let options = self.options
        let servers = try await withThrowingTaskGroup(of: (String, NodeServer).self) { group in
            for node in deployment.nodes where !absent.contains(node.unit) {
                group.addTask {
                    try await pool.runIfActive {
                        let credentials =
                            try authority.map { try Self.credentials(for: node, from: $0) }
                            ?? NationalCertificates.read(for: node, in: folder ?? "")
                        var logger = Logger(label: "bench.\(node.name)")
                        logger.logLevel = options.logLevel
                        logger[metadataKey: "node"] = "\(node.name)"
                        let database = try NodeDatabase.open(path: "\(options.directory)/\(node.name)/node.sqlite")
                        let local = try LocalNode(
                            node: node,
                            deployment: deployment,
                            database: database,
                            credentials: credentials,
                            passwordCost: 4,
                            logger: logger
                        )
                        let parentURL: (@Sendable () async throws -> String)? = deployment.parent(of: node).map {
                            parent in
                            if let fixed = parentURLs[node.unit] { return { @Sendable in fixed } }
                            return { @Sendable in "https://127.0.0.1:\(try await ports.port(parent.unit))" }
                        }
                        let unit = node.unit
                        let server = try NodeServer(
                            local: local,
                            credentials: credentials,
                            web: nil,
                            federation: withChildren.contains(node.unit) ? ListenAddress(node.federation) : nil,
                            parentURL: parentURL,
                            pollWait: options.pollWait,
                            onListening: { listener, port in
                                if listener == "federation" { await ports.record(unit, port) }
                            }
                        )
                        return (node.unit, server)
                    }
                }
            }
            var servers: [String: NodeServer] = [:]
            for try await (unit, server) in group { servers[unit] = server }
            return servers
        }
        self.nodes = servers
    }

    /// A node's certificate and key, issued by `authority`, and the root it trusts.
    public static func credentials(
        for node: NodeDescription,
        from authority: CertificateAuthority
    ) throws -> NodeCredentials {
        let issued = try authority.issueNodeCertificate(
            NodeCertificateRequest(
                unitCode: node.unit,
                nodeName: node.name,
                dnsNames: [NodeIdentity(unitCode: node.unit).dnsName, "localhost"],
                ipAddresses: ["127.0.0.1"]
            )
        )
        return NodeCredentials(
            certificatePEM: issued.certificatePEM,
            privateKeyPEM: issued.privateKeyPEM,
            trustRootPEM: authority.certificatePEM
        )
    }

    public func seam(_ unit: String) -> BenchmarkSeam { BenchmarkSeam(nodes[unit]!.local) }

    /// The bound federation port of the node of `unit`, once it listens.
    public func federationPort(_ unit: String) async throws -> Int { try await ports.port(unit) }

    /// Runs every node, calls `body` once every listener is bound, then stops them gracefully.
    public func run<Result: Sendable>(
        _ body: @Sendable (InProcessFederation) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "bench.federation")
        logger.logLevel = options.logLevel
        // Named explicitly: the default name is `"\(service)"`, a reflection of everything it holds.
        let services = nodes.flatMap { unit, server in
            server.services.map {
                ServiceGroupConfiguration.ServiceConfiguration(service: $0, serviceName: "\(type(of: $0)) of \(unit)")
            }
        }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        // The units with a child node, found once: asked of every node against every node, this
        // cost a worker of 664 communes 2.2 million parent look-ups, a tenth of its start.
        let parents = Set(deployment.nodes.compactMap { deployment.parent(of: $0)?.unit })
        let listening = nodes.keys.filter { parents.contains($0) }
        return try await withThrowingTaskGroup(of: Result?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                for unit in listening { _ = try await ports.port(unit) }
                outcome = .success(try await body(self))
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return try outcome.get()
        }
    }

    /// Who acts at a unit, as the use cases see them (the benchmarks skip logins).
    public static func admin(_ unit: String) -> Actor {
        Actor(username: "\(unit.lowercased()).admin", unit: unit, role: .admin)
    }
    public static func entry(_ unit: String) -> Actor {
        Actor(username: "\(unit.lowercased()).entry", unit: unit, role: .dataEntry)
    }
    public static func approver(_ unit: String) -> Actor {
        Actor(username: "\(unit.lowercased()).approver", unit: unit, role: .approver)
    }
}

/// Bound federation ports by unit; children wait for their parent's.
actor PortBook {
    private var ports: [String: Int] = [:]
    private var waiters: [String: [CheckedContinuation<Int, Never>]] = [:]

    func record(_ unit: String, _ port: Int) {
        ports[unit] = port
        for waiter in waiters.removeValue(forKey: unit) ?? [] { waiter.resume(returning: port) }
    }

    func port(_ unit: String) async throws -> Int {
        if let port = ports[unit] { return port }
        return await withCheckedContinuation { waiters[unit, default: []].append($0) }
    }
}

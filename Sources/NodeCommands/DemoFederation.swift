import Auth
import Federation
import Foundation
import Hierarchy
import Logging
import Node
import NodeHTTP
import ServiceLifecycle
import UnixSignals

/// A demo account, as written to `demo.json`.
public struct DemoAccount: Codable, Sendable {
    public let username: String
    public let password: String
    public let unit: String
    public let role: Role
    public let node: String
    /// The account's TOTP secret (base32, as authenticator apps take it): the demo turns MFA on
    /// for every account, and this keeps it drivable.
    public let totpSecret: String

    enum CodingKeys: String, CodingKey {
        case username, password, unit, role, node
        case totpSecret = "totp_secret"
    }
}

/// What `demo.json` holds: where everything is, and how to log in.
public struct DemoManifest: Codable, Sendable {
    public struct Node: Codable, Sendable {
        public let name: String
        public let unit: String
        public let webURL: String
        public let federationURL: String
        public let cert: String
        public let key: String
        public let database: String

        enum CodingKeys: String, CodingKey {
            case name, unit, cert, key, database
            case webURL = "web_url"
            case federationURL = "federation_url"
        }
    }

    public let ca: String
    public let nodes: [Node]
    public let accounts: [DemoAccount]
}

/// Runs every node of a topology in one process — each with its own database, certificate and
/// ports, real mutual-TLS HTTP/2 between them — and seeds demo accounts for every unit.
public struct DemoFederation: Sendable {
    public struct Options: Sendable {
        public var directory: String
        /// Listen on the topology's ports; otherwise on free ports chosen by the system.
        public var topologyPorts = true
        public var pollWait = 20
        /// How often each node reports its status up and checks for silent nodes below.
        public var statusEvery: Duration = .seconds(60)
        public var passwordCost: UInt8 = 10
        public var logLevel: Logger.Level = .warning
        public var loginDelay: Duration = .milliseconds(250)
        /// Seed demo accounts only for each node's own unit, not for every unit it hosts (the
        /// country demo's nodes host thousands of units; three bcrypt hashes each would take long).
        public var accountsForOwnUnitOnly = false
        /// Nodes not to run (tests enrol and start one themselves).
        public var skipNodes: Set<String> = []
        /// Given a child node's name and its parent's federation address (`host:port`), the
        /// address the child dials instead (e.g. a fault-injecting proxy in front of the parent).
        public var parentLink: (@Sendable (_ child: String, _ parentAddress: String) async throws -> String)?
        /// The time of day every node reads (tests pin the date with an `AnchoredClock`).
        public var clock: any WallClock = SystemClock()

        public init(directory: String) {
            self.directory = directory
        }
    }

    public let deployment: Deployment
    public let options: Options
    public let servers: [NodeServer]
    public let accounts: [DemoAccount]
    public let addresses = AddressBook()

    public var certificateFolder: String { "\(options.directory)/certs" }

    public static func databasePath(in directory: String, node: String) -> String {
        "\(directory)/nodes/\(node).sqlite"
    }

    /// Issues certificates, opens every database and seeds the demo accounts (once per folder).
    public init(deployment: Deployment, options: Options) async throws {
        self.deployment = deployment
        self.options = options
        let directory = options.directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try NodeCertificates.issue(for: deployment, into: "\(directory)/certs")
        let previous = try? JSONDecoder().decode(
            DemoManifest.self,
            from: Data(contentsOf: URL(fileURLWithPath: "\(directory)/demo.json"))
        )
        let known = Dictionary(
            (previous?.accounts ?? []).map { ($0.username, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let addresses = self.addresses
        var servers: [NodeServer] = []
        var accounts: [DemoAccount] = []
        for node in deployment.nodes where !options.skipNodes.contains(node.name) {
            var logger = Logger(label: "reportnet.\(node.name)")
            logger.logLevel = options.logLevel
            logger[metadataKey: "node"] = "\(node.name)"
            let files = NodeCertificates.paths(in: "\(directory)/certs", node: node.name)
            let credentials = try NodeCredentials.load(
                certificate: files.certificate,
                key: files.key,
                trustRoot: NodeCertificates.caPaths(in: "\(directory)/certs").certificate
            )
            let database = try NodeDatabase.open(path: Self.databasePath(in: directory, node: node.name))
            let local = try LocalNode(
                node: node,
                deployment: deployment,
                database: database,
                credentials: credentials,
                passwordCost: options.passwordCost,
                loginDelay: options.loginDelay,
                credentialFiles: files,
                issuer: try NodeCertificates.issuer(for: node, in: deployment, folder: "\(directory)/certs"),
                clock: options.clock,
                logger: logger
            )
            for unit in options.accountsForOwnUnitOnly ? [node.unit] : node.hosts {
                for role in [Role.admin, .approver, .dataEntry] {
                    let username = "\(unit.lowercased()).\(role == .dataEntry ? "entry" : role.rawValue)"
                    let account =
                        known[username]
                        ?? DemoAccount(
                            username: username,
                            password: "Demo-\(Secret.token().prefix(10))",
                            unit: unit,
                            role: role,
                            node: node.name,
                            totpSecret: SecondFactor.generate().secret
                        )
                    if try await !local.accounts.exists(username) {
                        let name = "\(role.vietnameseName) \(deployment.tree[unit]?.name ?? unit)"
                        try await local.accounts.seed(
                            username: username,
                            fullName: name,
                            unit: unit,
                            role: role,
                            password: account.password
                        )
                        try await local.sessions.seedSecondFactor(
                            username: username,
                            factor: SecondFactor(secret: account.totpSecret)!
                        )
                    }
                    accounts.append(account)
                }
            }
            let web = ListenAddress(node.web)!
            let federation = ListenAddress(node.federation)!
            let parent = deployment.parent(of: node)
            let topologyPorts = options.topologyPorts
            let name = node.name
            let parentLink = options.parentLink
            let parentURL: (@Sendable () async throws -> String)? = parent.map { parent in
                { @Sendable in
                    let address = ListenAddress(parent.federation)!
                    let port =
                        topologyPorts
                        ? address.port : try await addresses.port(node: parent.name, listener: "federation")
                    let direct = address.description.replacingOccurrences(of: ":\(address.port)", with: ":\(port)")
                    return "https://\(try await parentLink?(name, direct) ?? direct)"
                }
            }
            servers.append(
                try NodeServer(
                    local: local,
                    credentials: credentials,
                    web: options.topologyPorts ? web : ListenAddress(host: web.host, port: 0),
                    federation: options.topologyPorts ? federation : ListenAddress(host: federation.host, port: 0),
                    parentURL: parentURL,
                    pollWait: options.pollWait,
                    statusEvery: options.statusEvery,
                    onListening: { listener, port in await addresses.record(node: name, listener: listener, port: port)
                    }
                )
            )
        }
        self.servers = servers
        self.accounts = accounts
    }

    /// A service group running every node; run it, and trigger its graceful shutdown to stop.
    public func serviceGroup(signals: [UnixSignal] = []) -> ServiceGroup {
        var logger = Logger(label: "reportnet.demo")
        logger.logLevel = options.logLevel
        var configuration = ServiceGroupConfiguration(
            services: servers.flatMap(\.services).map { .init(service: $0) },
            gracefulShutdownSignals: signals,
            logger: logger
        )
        // A stop never hangs: what has not ended gracefully after a minute is cancelled.
        configuration.maximumGracefulShutdownDuration = .seconds(60)
        return ServiceGroup(configuration: configuration)
    }

    /// Waits until every listener is bound, then describes the running federation.
    public func manifest() async throws -> DemoManifest {
        var nodes: [DemoManifest.Node] = []
        for node in deployment.nodes where !options.skipNodes.contains(node.name) {
            let web = try await addresses.port(node: node.name, listener: "web")
            let federation = try await addresses.port(node: node.name, listener: "federation")
            let files = NodeCertificates.paths(in: certificateFolder, node: node.name)
            nodes.append(
                .init(
                    name: node.name,
                    unit: node.unit,
                    webURL: "https://\(ListenAddress(node.web)!.host):\(web)",
                    federationURL: "https://\(ListenAddress(node.federation)!.host):\(federation)",
                    cert: files.certificate,
                    key: files.key,
                    database: Self.databasePath(in: options.directory, node: node.name)
                )
            )
        }
        return DemoManifest(
            ca: NodeCertificates.caPaths(in: certificateFolder).certificate,
            nodes: nodes,
            accounts: accounts
        )
    }

    public func writeManifest(_ manifest: DemoManifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = "\(options.directory)/demo.json"
        // It holds passwords: created readable by the owner only, never briefly wider.
        try? FileManager.default.removeItem(atPath: path)
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: try encoder.encode(manifest),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw ConfigurationError("cannot write \(path)")
        }
    }
}

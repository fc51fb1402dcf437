import ArgumentParser
import Auth
import Federation
import Foundation
import Logging
import NIOCore
import Node
import NodeHTTP
import ServiceLifecycle
import UnixSignals
import Yams

/// A node's configuration file, as a province runs it in production.
struct NodeConfiguration: Codable {
    var node: String
    /// The topology file that seeds the node's tree (optional once the database keeps one:
    /// `SeedTopology`).
    var topology: String?
    var database: String
    var certificate: String
    var key: String
    var trustRoot: String
    /// The CA this node issues its children's certificates with (the root at the centre, the
    /// province's intermediate at a province); optional.
    var issuerCertificate: String?
    var issuerKey: String?
    var web: String?
    var federation: String?
    var parentURL: String?
    var passwordCost: UInt8?
    var pollWait: Int?
    /// Seconds between status reports to the parent and looks for silent nodes below (default 60).
    var statusEvery: Int?
    var logLevel: String?
    /// Largest evidence file, in megabytes (default 20).
    var evidenceMaxMB: Int?
    /// Allowed evidence file extensions (default: office documents, PDF, images, text, zip).
    var evidenceTypes: [String]?
    /// Bearer token a Prometheus scraper presents for `/metrics`; without it only loopback may scrape.
    var metricsToken: String?
    /// Where alerts are e-mailed (an SMTP relay and the recipients per audience); none by default.
    var alertMail: AlertMail?
    /// `text` (default) or `json`: one JSON object per line, for journald or a log collector.
    var logFormat: String?
    /// The web listener's own certificate and key (e.g. from the agency's public CA); the node's
    /// certificate from the federation's PKI when absent. The federation listener always keeps it.
    var webCertificate: String?
    var webKey: String?
    /// Reverse proxies (IP addresses) whose `X-Forwarded-For` names the client.
    var trustedProxies: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case node, topology, database, certificate, key, web, federation
        case trustRoot = "trust_root"
        case issuerCertificate = "issuer_certificate"
        case issuerKey = "issuer_key"
        case parentURL = "parent_url"
        case passwordCost = "password_cost"
        case pollWait = "poll_wait"
        case statusEvery = "status_every"
        case logLevel = "log_level"
        case evidenceMaxMB = "evidence_max_mb"
        case evidenceTypes = "evidence_types"
        case metricsToken = "metrics_token"
        case alertMail = "alert_mail"
        case logFormat = "log_format"
        case webCertificate = "web_certificate"
        case webKey = "web_key"
        case trustedProxies = "trusted_proxies"
    }

    /// The keys a file may hold; anything else stops the node (`docs/configuration.md` lists them).
    static let keys = ConfigurationKeys(
        allowed: CodingKeys.allCases.map(\.rawValue),
        sections: [CodingKeys.alertMail.rawValue: ConfigurationKeys(allowed: AlertMail.keys)]
    )

    /// Reads the file; relative paths in it are relative to the file's folder. Unknown keys, values
    /// of the wrong kind and files that are not there are errors naming the key and the file.
    static func load(_ path: String) throws -> NodeConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError("cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        try keys.check(text, file: path)
        var configuration: NodeConfiguration
        do { configuration = try YAMLDecoder().decode(NodeConfiguration.self, from: text) } catch let error
            as DecodingError
        {
            throw ConfigurationError(error.describe(file: path))
        } catch {
            throw ConfigurationError("\(path): \(error)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ value: String) -> String {
            value.hasPrefix("/") ? value : base.appendingPathComponent(value).path
        }
        configuration.topology = configuration.topology.map(resolve)
        configuration.database = resolve(configuration.database)
        configuration.certificate = resolve(configuration.certificate)
        configuration.key = resolve(configuration.key)
        configuration.trustRoot = resolve(configuration.trustRoot)
        configuration.issuerCertificate = configuration.issuerCertificate.map(resolve)
        configuration.issuerKey = configuration.issuerKey.map(resolve)
        configuration.webCertificate = configuration.webCertificate.map(resolve)
        configuration.webKey = configuration.webKey.map(resolve)
        if var mail = configuration.alertMail {
            mail.passwordFile = mail.passwordFile.map(resolve)
            mail.caFile = mail.caFile.map(resolve)
            configuration.alertMail = mail
        }
        try configuration.validate(file: path)
        return configuration
    }

    /// Checks what decoding cannot: files that must exist, pairs that go together, known values.
    func validate(file: String) throws {
        var files: [(CodingKeys, String)] = [(.certificate, certificate), (.key, key), (.trustRoot, trustRoot)]
        if let topology { files.append((.topology, topology)) }
        if let issuerCertificate { files.append((.issuerCertificate, issuerCertificate)) }
        if let mail = alertMail {
            for (key, path) in [("alert_mail.password_file", mail.passwordFile), ("alert_mail.ca_file", mail.caFile)]
            where path.map({ !FileManager.default.fileExists(atPath: $0) }) == true {
                throw ConfigurationError("\(file): '\(key)' names \(path!), which does not exist")
            }
            if (mail.username == nil) != (mail.passwordFile == nil) {
                throw ConfigurationError(
                    "\(file): 'alert_mail.username' and 'alert_mail.password_file' go together: set both or neither"
                )
            }
            if mail.username != nil, mail.security == .none {
                throw ConfigurationError(
                    "\(file): a mail password is never sent without TLS: 'alert_mail.security' is none"
                )
            }
        }
        if let issuerKey { files.append((.issuerKey, issuerKey)) }
        if let webCertificate { files.append((.webCertificate, webCertificate)) }
        if let webKey { files.append((.webKey, webKey)) }
        for (key, path) in files where !FileManager.default.fileExists(atPath: path) {
            throw ConfigurationError("\(file): '\(key.rawValue)' names \(path), which does not exist")
        }
        if (issuerCertificate == nil) != (issuerKey == nil) {
            throw ConfigurationError(
                "\(file): 'issuer_certificate' and 'issuer_key' go together: set both (a node with children) or neither"
            )
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError("\(file): 'log_level' is '\(logLevel)'; it must be one of \(levels)")
        }
        if (webCertificate == nil) != (webKey == nil) {
            throw ConfigurationError("\(file): 'web_certificate' and 'web_key' go together: set both or neither")
        }
        if let logFormat, !["text", "json"].contains(logFormat) {
            throw ConfigurationError("\(file): 'log_format' is '\(logFormat)'; it must be text or json")
        }
        for proxy in trustedProxies ?? [] where (try? SocketAddress(ipAddress: proxy, port: 0)) == nil {
            throw ConfigurationError("\(file): 'trusted_proxies' holds '\(proxy)', which is not an IP address")
        }
        if let pollWait, !(1...300).contains(pollWait) {
            throw ConfigurationError("\(file): 'poll_wait' must be between 1 and 300 seconds")
        }
        if let statusEvery, !(5...3600).contains(statusEvery) {
            throw ConfigurationError("\(file): 'status_every' must be between 5 and 3600 seconds")
        }
        if let passwordCost, !(4...31).contains(passwordCost) {
            throw ConfigurationError("\(file): 'password_cost' must be between 4 and 31")
        }
    }

    /// Opens the database and credentials of the configured node.
    func open() throws -> (LocalNode, NodeCredentials) {
        var logger = Logger(label: "reportnet.\(node)")
        logger.logLevel = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? .info
        let database = try NodeDatabase.open(path: self.database)
        let (deployment, source) = try SeedTopology.resolve(file: topology, database: database)
        guard let description = deployment.node(named: node) else {
            throw ConfigurationError("node '\(node)' is not in \(topology ?? "the tree kept in \(self.database)")")
        }
        if case .file(let file) = source {
            logger.notice("tree seeded from the topology file", metadata: ["file": "\(file)"])
        }
        let credentials = try NodeCredentials.load(certificate: certificate, key: key, trustRoot: trustRoot)
        var issuer: CertificateAuthority?
        if let issuerCertificate, let issuerKey {
            issuer = try CertificateAuthority(
                certificatePEM: try String(contentsOfFile: issuerCertificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: issuerKey, encoding: .utf8)
            )
        }
        let local = try LocalNode(
            node: description,
            deployment: deployment,
            database: database,
            credentials: credentials,
            passwordCost: passwordCost ?? 12,
            evidencePolicy: try evidencePolicy(),
            credentialFiles: (certificate, key),
            issuer: issuer,
            logger: logger
        )
        local.metrics.setScrapeToken(metricsToken)
        return (local, credentials)
    }
}

extension NodeConfiguration {
    /// The evidence limits of this node: the defaults, narrowed or widened by the file.
    func evidencePolicy() throws -> EvidencePolicy {
        var policy = EvidencePolicy()
        if let megabytes = evidenceMaxMB {
            guard (1...2048).contains(megabytes) else {
                throw ConfigurationError("evidence_max_mb must be between 1 and 2048")
            }
            policy.maximumBytes = Int64(megabytes) * 1_048_576
        }
        if let types = evidenceTypes {
            var allowed: [String: String] = [:]
            for type in types.map({ $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". ")) }) {
                allowed[type] = EvidencePolicy.officeDocuments[type] ?? "application/octet-stream"
            }
            guard !allowed.isEmpty else { throw ConfigurationError("evidence_types must list at least one extension") }
            policy.allowedTypes = allowed
        }
        return policy
    }
}

/// `reportnet serve`: one node from its configuration file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run one node from a configuration file (YAML)."
    )

    @Option(help: "Node configuration file.")
    var config: String?

    @Option(help: "A node's folder, as `reportnet enrol` or `restore` wrote it (runs its node.yaml).")
    var dir: String?

    func validate() throws {
        guard (config == nil) != (dir == nil) else {
            throw ValidationError("give either --config FILE or --dir FOLDER")
        }
    }

    func run() async throws {
        let configuration = try NodeConfiguration.load(config ?? "\(dir!)/node.yaml")
        if configuration.logFormat == "json" {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        }
        let (local, credentials) = try configuration.open()
        let web = try Self.address(configuration.web ?? local.node.web, "web")
        let federation = try Self.address(configuration.federation ?? local.node.federation, "federation")
        let parentURL = configuration.parentURL ?? local.parent.map { "https://\($0.federation)" }
        let server = try NodeServer(
            local: local,
            credentials: credentials,
            web: web,
            federation: federation,
            parentURL: parentURL.map { url in { @Sendable in url } },
            pollWait: configuration.pollWait ?? 20,
            statusEvery: .seconds(configuration.statusEvery ?? 60),
            alertMail: configuration.alertMail,
            webIdentity: configuration.webCertificate.flatMap { certificate in
                configuration.webKey.map { WebIdentity(certificatePath: certificate, keyPath: $0) }
            },
            trustedProxies: Set(configuration.trustedProxies ?? [])
        )
        local.logger.notice(
            "node starting",
            metadata: [
                "unit": "\(local.unit)", "web": "\(web)", "federation": "\(federation)",
                "parent": "\(parentURL ?? "-")",
            ]
        )
        let group = ServiceGroup(
            configuration: .init(
                services: server.services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigint, .sigterm],
                logger: local.logger
            )
        )
        try await group.run()
    }

    static func address(_ text: String, _ name: String) throws -> ListenAddress {
        guard let address = ListenAddress(text) else {
            throw ConfigurationError("\(name) address '\(text)' must be host:port")
        }
        return address
    }
}

/// `reportnet bootstrap-admin`: the first admin of a node's unit, before anyone can log in.
struct BootstrapAdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap-admin",
        abstract: "Create the first admin account of a node's own unit; prints its password once."
    )

    @Option(help: "Node configuration file.")
    var config: String

    @Option(help: "Username of the admin.")
    var username: String

    @Option(help: "Full name.")
    var fullName: String = "Quản trị hệ thống"

    func run() async throws {
        let (local, _) = try NodeConfiguration.load(config).open()
        let password = "Init-" + Auth.Secret.token().prefix(14)
        try await local.accounts.seed(
            username: username.lowercased(),
            fullName: fullName,
            unit: local.unit,
            role: .admin,
            password: String(password),
            mustChange: true
        )
        print("Tài khoản quản trị / admin account: \(username.lowercased())  mật khẩu / password: \(password)")
    }
}

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Logging
import NIOHTTP1
import Synchronization
import Testing

@testable import Node
@testable import NodeCommands

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// Nodes of the demo topology run as real `reportnet serve --config …` processes, each on its own
/// SQLite file, so a test can kill one with SIGKILL and start it again on the same file.
final class NodeProcesses: @unchecked Sendable {
    struct Ports {
        let web: Int
        let federation: Int
    }

    let directory: String
    let deployment: Deployment
    private let initialPorts: [String: Ports]
    let sessions = SessionCache()
    /// Clock offsets (seconds) for nodes run with a skewed clock (`SkewedClock`).
    let clockOffsets: [String: Int]
    /// The clock the node processes run on: the operating system's (which datefudge moves for the
    /// whole suite), as a deployed node's is.
    let processClock: any WallClock = SystemClock()
    private var running: [String: ChildProcess] = [:]
    private let lock = NSLock()
    private var secrets: [String: (password: String, factor: SecondFactor)] = [:]

    /// The `reportnet` executable `swift build` / `swift test` put beside the test bundle.
    static var executable: String {
        get throws {
            var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
            // …/Tests/NodeTests/Support/NodeProcesses.swift → package root → .build/debug
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(root.appendingPathComponent(".build/debug"))
            for folder in candidates {
                for path in [
                    folder.appendingPathComponent("reportnet").path,
                    folder.deletingLastPathComponent().appendingPathComponent("reportnet").path,
                ]
                where FileManager.default.isExecutableFile(atPath: path) {
                    return path
                }
            }
            throw TestFailure(
                "no reportnet executable next to the tests (looked in \(candidates.map(\.path))); run `swift build` first"
            )
        }
    }

    /// Issues certificates, writes one configuration per node and seeds the accounts of `units`
    /// (entry, approver, admin; MFA on), without starting anything.
    init(nodes: [String], units: [String], clockOffsets: [String: Int] = [:]) async throws {
        directory = TestFederation.scratchFolder("processes")
        deployment = try TopologyFile.demo
        self.clockOffsets = clockOffsets
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try DemoTopology.yaml.write(toFile: "\(directory)/topology.yaml", atomically: true, encoding: .utf8)
        try NodeCertificates.issue(for: deployment, into: "\(directory)/certs")
        var ports: [String: Ports] = [:]
        for node in deployment.nodes {
            ports[node.name] = Ports(web: try Self.freePort(), federation: try Self.freePort())
        }
        self.initialPorts = ports
        for name in nodes {
            let node = deployment.node(named: name)!
            let files = NodeCertificates.paths(in: "\(directory)/certs", node: name)
            var lines = [
                "node: \(name)", "topology: topology.yaml", "database: nodes/\(name).sqlite",
                "certificate: \(files.certificate)", "key: \(files.key)",
                "trust_root: \(NodeCertificates.caPaths(in: "\(directory)/certs").certificate)",
                "web: 127.0.0.1:\(ports[name]!.web)", "federation: 127.0.0.1:\(ports[name]!.federation)",
                "password_cost: 4", "poll_wait: 2", "log_level: notice",
            ]
            if let parent = deployment.parent(of: node) {
                lines.append("parent_url: https://127.0.0.1:\(ports[parent.name]!.federation)")
            }
            // The CA it issues its children's certificates with: the root at the centre, the
            // intermediate at a province.
            let issuer =
                deployment.parent(of: node) == nil
                ? NodeCertificates.caPaths(in: "\(directory)/certs")
                : NodeCertificates.intermediatePaths(in: "\(directory)/certs", node: name)
            if FileManager.default.fileExists(atPath: issuer.certificate) {
                lines += ["issuer_certificate: \(issuer.certificate)", "issuer_key: \(issuer.key)"]
            }
            try lines.joined(separator: "\n").write(toFile: configuration(name), atomically: true, encoding: .utf8)
            // Accounts are seeded through the node's own code, then the database is closed.
            var logger = Logger(label: "seed")
            logger.logLevel = .critical
            let credentials = try NodeCredentials.load(
                certificate: files.certificate,
                key: files.key,
                trustRoot: NodeCertificates.caPaths(in: "\(directory)/certs").certificate
            )
            let database = try NodeDatabase.open(path: databasePath(name))
            let local = try LocalNode(
                node: node,
                deployment: deployment,
                database: database,
                credentials: credentials,
                passwordCost: 4,
                logger: logger
            )
            try await seed(local, units: units.filter { node.hosts.contains($0) })
            try database.pool.close()
        }
    }

    /// Seeds an entry clerk, an approver and an admin (MFA on) for each of `units` on `local`.
    private func seed(_ local: LocalNode, units: [String]) async throws {
        for unit in units {
            for role in [Role.admin, .approver, .dataEntry] {
                let username = "\(unit.lowercased()).\(role == .dataEntry ? "entry" : role.rawValue)"
                let password = "Demo-\(Secret.token().prefix(10))"
                let factor = SecondFactor.generate()
                try await local.accounts.seed(
                    username: username,
                    fullName: "\(role.vietnameseName) \(unit)",
                    unit: unit,
                    role: role,
                    password: password
                )
                try await local.sessions.seedSecondFactor(username: username, factor: factor)
                lock.withLock { secrets[username] = (password, factor) }
            }
        }
    }

    /// Seeds the accounts of `units` on a node that is not in the demo topology (one that joined),
    /// through its configuration file, while it does not run.
    func seedAccounts(configuration: String, units: [String]) async throws {
        let (local, _) = try NodeConfiguration.load(configuration).open()
        try await seed(local, units: units)
        try local.database.pool.close()
    }

    /// The process id of a running node.
    func pid(_ node: String) -> Int32? { lock.withLock { running[node]?.processIdentifier } }

    /// A node brought back in another folder, with other ports (`reportnet restore --into`).
    struct Relocation {
        let configuration: String
        let database: String
        let ports: Ports
    }
    private var relocations: [String: Relocation] = [:]

    /// From now on `node` runs from `relocation` (start it after).
    func relocate(_ node: String, to relocation: Relocation) async {
        lock.withLock { relocations[node] = relocation }
        // Sessions live in the database, so the backup taken after login still knows them.
        await sessions.move(node, to: webURL(node))
    }

    private func relocation(_ node: String) -> Relocation? { lock.withLock { relocations[node] } }

    var ports: [String: Ports] {
        initialPorts.merging(lock.withLock { relocations.mapValues(\.ports) }) { $1 }
    }
    func configuration(_ node: String) -> String { relocation(node)?.configuration ?? "\(directory)/\(node).yaml" }
    func databasePath(_ node: String) -> String { relocation(node)?.database ?? "\(directory)/nodes/\(node).sqlite" }
    var caPath: String { NodeCertificates.caPaths(in: "\(directory)/certs").certificate }

    /// Starts `node` and waits until its web listener answers (`webCA`: the root its web
    /// certificate chains to, when it is not the federation's; `arguments`: other than
    /// `serve --config` with its configuration).
    func start(_ node: String, webCA: String? = nil, arguments: [String]? = nil) async throws {
        var environment = ProcessInfo.processInfo.environment
        if let offset = clockOffsets[node] {
            environment = try SkewedClock.environment(offset: offset, base: environment)
        }
        let log = "\(directory)/\(node).log"
        let process = try ChildProcess(
            try Self.executable,
            arguments ?? ["serve", "--config", configuration(node)],
            environment: environment,
            output: log,
            errors: log
        )
        lock.withLock { running[node] = process }
        let client = APIClient(baseURL: webURL(node), caPath: webCA ?? caPath)
        for _ in 0..<150 {
            if (try? await client.call(.GET, "/healthz"))?.status == 200 { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure(
            "\(node) did not start: \((try? String(contentsOfFile: log, encoding: .utf8))?.suffix(2_000) ?? "")"
        )
    }

    /// Runs one `reportnet` command to its end; its exit status and what it printed.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Command.run(try executable, arguments, mergingErrors: true)
        return (result.status, result.output)
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    func kill9(_ node: String) {
        lock.withLock { running.removeValue(forKey: node) }?.kill()
    }

    /// SIGTERM, and waits for the graceful exit; SIGKILL after 20 seconds, so that a node that
    /// does not stop cannot hang the suite.
    func stop(_ node: String) async {
        guard let process = lock.withLock({ running.removeValue(forKey: node) }) else { return }
        process.terminate()
        if await !process.ended(within: .seconds(20)) { process.kill() }
    }

    func stopAll() async {
        for node in lock.withLock({ Array(running.keys) }) { await stop(node) }
    }

    /// Ends every node at once (SIGKILL: its files are deleted next, so nothing of a graceful
    /// stop would be kept) and deletes the folder; it may run in a `defer`.
    func remove() {
        let all = lock.withLock {
            defer { running.removeAll() }
            return Array(running.values)
        }
        for process in all { process.kill() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func webURL(_ node: String) -> String { "https://127.0.0.1:\(ports[node]!.web)" }

    /// Logs in on `node` with the TOTP code for the node's own clock; one session per account.
    func login(_ username: String, at node: String) async throws -> APIClient {
        if let cached = await sessions.client(username, node) { return cached }
        guard let secret = lock.withLock({ secrets[username] }) else {
            throw TestFailure("no seeded account \(username)")
        }
        let client = APIClient(baseURL: webURL(node), caPath: caPath)
        let grant = try await client.call(
            .POST,
            "/api/v1/session",
            body: ["username": username, "password": secret.password]
        )
        guard grant.status == 200, let token = grant.json["token"] as? String else {
            throw TestFailure("login \(username): \(grant.status) \(grant.text)")
        }
        let now = self.now(at: node)
        let step = try await client.with(token: token).call(
            .POST,
            "/api/v1/session/mfa",
            body: ["code": secret.factor.code(at: now)]
        )
        guard step.status == 200, let completed = step.json["token"] as? String else {
            throw TestFailure("MFA \(username): \(step.status) \(step.text)")
        }
        let session = client.with(token: completed)
        await sessions.keep(session, username, node)
        return session
    }

    /// The time of day as `node`'s process reads it: the node processes read the operating
    /// system's clock (moved with the whole suite by datefudge, and skewed further where asked), so
    /// a test that must agree with one (a TOTP code, a deadline) asks here, not the test's clock.
    func now(at node: String) -> Date {
        processClock.now().addingTimeInterval(TimeInterval(clockOffsets[node] ?? 0))
    }

    /// Waits until `node`'s clock is in a later 30-second step than `moment`: a second-factor code
    /// works once, so an account that logged in elsewhere at `moment` needs the next step's code.
    func waitForNextCodeStep(after moment: Date, at node: String) async throws {
        let next = ((moment.timeIntervalSince1970 / 30).rounded(.down) + 1) * 30 + 1
        let wait = next - now(at: node).timeIntervalSince1970
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
    }

    /// A web call that waits for a node being restarted.
    func call(
        _ username: String,
        at node: String,
        _ method: HTTPMethod,
        _ path: String,
        body: Any? = nil
    ) async throws -> APIClient.Reply {
        var lastError: (any Error)?
        for _ in 0..<150 {
            do {
                return try await login(username, at: node).call(method, path, body: body)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw TestFailure("\(method) \(path) at \(node): \(lastError.map { "\($0)" } ?? "?")")
    }

    /// Reads one figure from a node's database file (whether or not the node runs).
    func count(_ node: String, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        let queue = try DatabaseQueue(path: databasePath(node), configuration: Self.busyTolerant)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    /// `PRAGMA integrity_check` on a node's file.
    func integrity(_ node: String) throws -> String {
        let queue = try DatabaseQueue(path: databasePath(node), configuration: Self.busyTolerant)
        defer { try? queue.close() }
        return try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
    }

    static var busyTolerant: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// A loopback port nobody listens on now, for a node process to bind. Taken from below the
    /// kernel's ephemeral range: a port from that range (what binding port 0 gives) can be taken,
    /// between this check and the child's bind, as the local port of any outgoing connection of
    /// the busy test process ("Address already in use"); ports below it are only ever taken by a
    /// bind. No port is handed out twice in one test process.
    static func freePort() throws -> Int {
        let low = ephemeralRangeStart()
        let range = max(1_024, low - 12_000)..<max(1_025, low)
        for _ in 0..<500 {
            let port = Int.random(in: range)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if canBind(port) { return port }
        }
        throw TestFailure("no free port in \(range)")
    }

    private static let handedOut = Mutex<Set<Int>>([])

    /// The first port of `ip_local_port_range` (32768 unless the machine says otherwise).
    private static func ephemeralRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
    }

    private static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }
}

/// A node process whose wall clock is off by some seconds from this process's: Debian's datefudge
/// library (the one `.ci/run` moves the whole suite with) put in front of libc with LD_PRELOAD,
/// given the seconds it subtracts from the real time of day in `DATEFUDGE`. Only the time of day
/// moves; monotonic clocks, timers and sleeps stay real. When the suite itself runs under
/// datefudge, the child's offset adds to the one the suite already has.
enum SkewedClock {
    /// The environment that runs a process `offset` seconds off the clock this process sees.
    static func environment(offset: Int, base: [String: String]) throws -> [String: String] {
        let library = try Self.library()
        var environment = base
        let preloads = base["LD_PRELOAD"].map { $0.split(separator: ":").map(String.init) } ?? []
        // Under the suite's own datefudge the library is already preloaded (by its bare name).
        if !preloads.contains(where: { $0.hasSuffix("/datefudge.so") || $0 == "datefudge.so" }) {
            environment["LD_PRELOAD"] = ([library] + preloads).joined(separator: ":")
        }
        let suiteOffset = base["DATEFUDGE"].flatMap { Int($0) } ?? 0
        environment["DATEFUDGE"] = "\(suiteOffset - offset)"
        // A static date (datefudge -s) would stop the child's clock instead of offsetting it.
        environment["DATEFUDGE_DOSTATIC"] = nil
        return environment
    }

    /// datefudge's library, where Debian's `datefudge` package installs it for this process's
    /// architecture.
    static func library() throws -> String {
        #if arch(x86_64)
        let triplet = "x86_64-linux-gnu"
        #elseif arch(arm64)
        let triplet = "aarch64-linux-gnu"
        #else
        let triplet = ""
        #endif
        let path = "/usr/lib/\(triplet)/datefudge/datefudge.so"
        let found = FileManager.default.fileExists(atPath: path) ? path : nil
        guard let found else {
            throw TestFailure("datefudge is not installed (apt-get install datefudge; .ci/run installs it)")
        }
        return found
    }
}

extension NodeProcesses {
    /// The centre defines the monthly form and assigns it to every commune for `months`; the ids.
    func assignToCommunes(months: [String]) async throws -> [String] {
        let form = try await call("tw.admin", at: "centre", .POST, "/api/v1/forms", body: FederationFlowTests.form)
        #expect(form.status == 201, "\(form.text)")
        var assignments: [String] = []
        for month in months {
            let assigned = try await call(
                "tw.admin",
                at: "centre",
                .POST,
                "/api/v1/assignments",
                body: ["form": "NQ57-THANG", "period": month, "level": "commune"]
            )
            assignments.append(try #require(assigned.json["id"] as? String, "\(assigned.text)"))
        }
        return assignments
    }
}

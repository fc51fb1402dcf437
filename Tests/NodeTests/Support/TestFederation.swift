import AsyncHTTPClient
import Auth
import Federation
import Foundation
import Hierarchy
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import TestSupport

@testable import Node
@testable import NodeCommands

/// A demo federation on free loopback ports in a temporary folder, run for the length of a test.
struct TestFederation {
    let federation: DemoFederation
    let manifest: DemoManifest
    let directory: String
    /// The nodes' time of day, pinned to `TestDay.start` so that no test depends on today's date.
    let clock: AnchoredClock
    /// One session per account and node: a TOTP code works once, so logins are not repeated.
    var sessions = SessionCache()

    /// Starts every node, runs `body`, then shuts the nodes down gracefully.
    /// - Parameter deployment: the federation to run (default: the demo topology).
    /// - Parameter accountsForOwnUnitOnly: seed accounts only for each node's own unit.
    /// - Parameter skip: nodes not to start (a test enrols and starts one itself).
    static func run(
        deployment: Deployment? = nil,
        accountsForOwnUnitOnly: Bool = false,
        skip: Set<String> = [],
        _ body: (TestFederation) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reportnet-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = DemoFederation.Options(directory: directory)
        options.topologyPorts = false
        options.pollWait = 5
        options.passwordCost = 4
        options.logLevel = .error
        options.loginDelay = .milliseconds(5)
        options.skipNodes = skip
        options.accountsForOwnUnitOnly = accountsForOwnUnitOnly
        let clock = AnchoredClock(startingAt: TestDay.start)
        options.clock = clock
        let federation = try await DemoFederation(
            deployment: try deployment ?? TopologyFile.demo,
            options: options
        )
        let group = federation.serviceGroup()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let manifest = try await federation.manifest()
            do {
                try await body(
                    TestFederation(federation: federation, manifest: manifest, directory: directory, clock: clock)
                )
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func node(_ name: String) -> DemoManifest.Node { manifest.nodes.first { $0.name == name }! }
    func local(_ name: String) -> LocalNode { federation.servers.first { $0.local.node.name == name }!.local }
    func password(_ username: String) -> String { manifest.accounts.first { $0.username == username }!.password }
    func secondFactor(_ username: String) -> SecondFactor? {
        manifest.accounts.first { $0.username == username }.flatMap { SecondFactor(secret: $0.totpSecret) }
    }

    /// Logs in on `node` (with the TOTP code when the account has MFA) and returns a client
    /// speaking as that account; the same client for the same account and node.
    func login(
        _ username: String,
        at node: String,
        password: String? = nil,
        factor: SecondFactor? = nil
    ) async throws -> APIClient {
        if let cached = await sessions.client(username, node) { return cached }
        let client = APIClient(baseURL: self.node(node).webURL, caPath: manifest.ca)
        let grant = try await client.call(
            .POST,
            "/api/v1/session",
            body: ["username": username, "password": password ?? self.password(username)]
        )
        guard grant.status == 200, let token = grant.json["token"] as? String else {
            throw TestFailure("login \(username) at \(node): \(grant.status) \(grant.text)")
        }
        var session = client.with(token: token)
        if grant.json["next"] as? String == "mfa_enrolment" {
            _ = try await Self.enrolMFA(session, clock: clock)
        } else if grant.json["next"] as? String == "mfa_code" {
            guard let factor = factor ?? secondFactor(username) else {
                throw TestFailure("\(username) needs a second factor")
            }
            let step = try await session.call(
                .POST,
                "/api/v1/session/mfa",
                body: ["code": factor.code(at: clock.now())]
            )
            guard step.status == 200, let completed = step.json["token"] as? String else {
                throw TestFailure("MFA for \(username) at \(node): \(step.status) \(step.text)")
            }
            // The token issued before the code is replaced once the code is given.
            session = client.with(token: completed)
        }
        await sessions.keep(session, username, node)
        return session
    }

    /// A federation client presenting `node`'s certificate (or another) and expecting `target`'s
    /// (or, with `address`, dialling another node's listener while expecting `target`).
    func federationClient(
        as node: String,
        to target: String,
        address: String? = nil,
        certificate: String? = nil,
        key: String? = nil
    ) throws -> FederationClient {
        let own = self.node(node)
        let credentials = try NodeCredentials.load(
            certificate: certificate ?? own.cert,
            key: key ?? own.key,
            trustRoot: manifest.ca
        )
        return try FederationClient(
            address: address ?? self.node(target).federationURL,
            peer: NodeIdentity(unitCode: self.node(target).unit),
            credentials: credentials
        )
    }

    /// Polls `condition` until it holds (sync is asynchronous), failing after `seconds`.
    func eventually(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("timed out waiting for: \(what)")
    }
}

extension TestFederation {
    /// Enrols an authenticator for the session's account, as its owner would; returns the factor
    /// and the recovery codes.
    static func enrolMFA(
        _ session: APIClient,
        clock: some WallClock
    ) async throws -> (factor: SecondFactor, recovery: [String]) {
        let enrolment = try await session.call(.POST, "/api/v1/me/mfa")
        guard let secret = enrolment.json["secret"] as? String, let factor = SecondFactor(secret: secret) else {
            throw TestFailure("MFA enrolment: \(enrolment.text)")
        }
        let confirmed = try await session.call(
            .POST,
            "/api/v1/me/mfa/confirm",
            body: ["code": factor.code(at: clock.now())]
        )
        guard let codes = confirmed.json["codes"] as? [String] else {
            throw TestFailure("MFA confirmation: \(confirmed.text)")
        }
        return (factor, codes)
    }
}

/// The day tests run on, whatever the machine's date: 20 November 2026, 09:00 in Vietnam. Tests
/// that need another day move the federation's clock (`AnchoredClock.advance(by:)`).
enum TestDay {
    static let start = Date(timeIntervalSince1970: 1_795_140_000)
    static var today: CalendarDate { CalendarDate(start) }
}

/// Logged-in clients by account and node.
actor SessionCache {
    private var clients: [String: APIClient] = [:]

    func client(_ username: String, _ node: String) -> APIClient? { clients["\(username)@\(node)"] }
    func keep(_ client: APIClient, _ username: String, _ node: String) { clients["\(username)@\(node)"] = client }
    /// The sessions at `node` now reach it at `baseURL` (a node moved to another port keeps them).
    func move(_ node: String, to baseURL: String) {
        for (key, client) in clients where key.hasSuffix("@\(node)") {
            clients[key] = APIClient(
                baseURL: baseURL,
                caPath: client.caPath,
                token: client.token,
                headers: client.headers
            )
        }
    }
}

/// A small HTTPS JSON client for the web API, trusting only the demo CA.
struct APIClient: Sendable {
    struct Reply {
        let status: Int
        let data: Data
        let headers: [String: String]
        var text: String { String(decoding: data, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    }

    let baseURL: String
    let caPath: String
    var token: String?
    /// Sent as is, for browser-like calls (a session cookie, a CSRF token).
    var headers: [String: String] = [:]

    init(baseURL: String, caPath: String, token: String? = nil, headers: [String: String] = [:]) {
        self.baseURL = baseURL
        self.caPath = caPath
        self.token = token
        self.headers = headers
    }

    func with(token: String) -> APIClient { APIClient(baseURL: baseURL, caPath: caPath, token: token) }
    func with(headers: [String: String]) -> APIClient {
        APIClient(baseURL: baseURL, caPath: caPath, token: token, headers: headers)
    }

    /// Sends `body` as JSON (or as is when it is `Data` or a `String`). `timeout` bounds the whole
    /// exchange; the default suits every ordinary request even with the whole suite running at once.
    func call(
        _ method: HTTPMethod,
        _ path: String,
        body: Any? = nil,
        contentType: String = "application/json",
        timeout: TimeAmount = .seconds(60)
    ) async throws -> Reply {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: .init(tlsConfiguration: tls, redirectConfiguration: .disallow)
        )
        do {
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                let data =
                    try (body as? Data) ?? (body as? String).map { Data($0.utf8) }
                    ?? JSONSerialization.data(withJSONObject: body)
                request.body = .bytes(ByteBuffer(data: data))
            }
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
            try await http.shutdown()
            let headers = Dictionary(
                response.headers.map { ($0.name.lowercased(), $0.value) },
                uniquingKeysWith: { first, _ in first }
            )
            return Reply(status: Int(response.status.code), data: Data(buffer: bytes), headers: headers)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

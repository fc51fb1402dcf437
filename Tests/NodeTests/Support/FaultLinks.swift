import FaultProxy
import Foundation
import GRDB
import Hierarchy
import TestSupport

@testable import Node
@testable import NodeCommands

/// One fault-injecting proxy per child node, in front of its parent's federation listener.
/// Created when the child's sync loop first asks where its parent is.
actor FaultLinks {
    let seed: UInt64
    private var proxies: [String: FaultProxy] = [:]

    init(seed: UInt64) { self.seed = seed }

    func link(child: String, parentAddress: String) async throws -> String {
        if let proxy = proxies[child] { return proxy.address }
        guard let colon = parentAddress.lastIndex(of: ":"),
            let port = Int(parentAddress[parentAddress.index(after: colon)...])
        else {
            throw TestFailure("parent address \(parentAddress)")
        }
        // Each link has its own seed, derived from the run's seed and the child's name.
        let own = child.utf8.reduce(seed) { ($0 &* 31) &+ UInt64($1) }
        let proxy = try await FaultProxy.start(
            upstreamHost: String(parentAddress[..<colon]),
            upstreamPort: port,
            seed: own
        )
        proxies[child] = proxy
        return proxy.address
    }

    /// The proxies, once every one of `children` has dialled its parent.
    func all(waitingFor children: [String]) async throws -> [String: FaultProxy] {
        for _ in 0..<200 where !children.allSatisfy({ proxies[$0] != nil }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard children.allSatisfy({ proxies[$0] != nil }) else {
            throw TestFailure("not every child dialled its parent")
        }
        return proxies
    }

    func stopAll() async {
        for proxy in proxies.values { try? await proxy.stop() }
        proxies = [:]
    }
}

extension TestFederation {
    /// Like `run`, in a folder the caller owns (kept afterwards, so a second run resumes the same
    /// nodes) and with every child dialling its parent through `links` when given.
    /// Runs that resume the same nodes share `clock`, so that their time goes on.
    static func run(
        in directory: String,
        links: FaultLinks? = nil,
        sessions: SessionCache = SessionCache(),
        pollWait: Int = 2,
        clock: AnchoredClock = AnchoredClock(startingAt: TestDay.start),
        statusEvery: Duration = .seconds(60),
        _ body: (TestFederation) async throws -> Void
    ) async throws {
        var options = DemoFederation.Options(directory: directory)
        options.clock = clock
        options.statusEvery = statusEvery
        options.topologyPorts = false
        options.pollWait = pollWait
        options.passwordCost = 4
        options.logLevel =
            ProcessInfo.processInfo.environment["REPORTNET_TEST_LOG"].flatMap { .init(rawValue: $0) } ?? .critical
        options.loginDelay = .milliseconds(5)
        if let links {
            options.parentLink = { child, parent in try await links.link(child: child, parentAddress: parent) }
        }
        let federation = try await DemoFederation(deployment: try TopologyFile.demo, options: options)
        let group = federation.serviceGroup()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let manifest = try await federation.manifest()
            try federation.writeManifest(manifest)
            do {
                try await body(
                    TestFederation(
                        federation: federation,
                        manifest: manifest,
                        directory: directory,
                        clock: clock,
                        sessions: sessions
                    )
                )
            } catch {
                await group.triggerGracefulShutdown()
                await links?.stopAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            await links?.stopAll()
            try await tasks.waitForAll()
        }
    }

    static func scratchFolder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("reportnet-\(name)-\(UUID().uuidString)").path
    }

    /// Counts one SQL figure on a node.
    func count(_ node: String, _ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await local(node).database.pool.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The centre's form and one monthly assignment to every commune; returns the assignment id.
    func assignToCommunes(period: String, createForm: Bool) async throws -> String {
        let centre = try await login("tw.admin", at: "centre")
        if createForm {
            let form = try await centre.call(.POST, "/api/v1/forms", body: FederationFlowTests.form)
            guard form.status == 201 else { throw TestFailure("form: \(form.text)") }
        }
        let assigned = try await centre.call(
            .POST,
            "/api/v1/assignments",
            body: ["form": "NQ57-THANG", "period": period, "level": "commune"]
        )
        guard assigned.status == 201, let id = assigned.json["id"] as? String else {
            throw TestFailure("assignment: \(assigned.text)")
        }
        return id
    }

    /// Creates, fills, submits and approves `unit`'s report on `node`; returns its id, or nil when
    /// the assignment has not reached the node yet.
    func approveReport(unit: String, node: String, assignment: String, staff: Int) async throws -> String? {
        let entry = try await login("\(unit.lowercased()).entry", at: node)
        let created = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment])
        guard created.status == 201, let id = created.json["id"] as? String else { return nil }
        try await resubmitAndApprove(unit: unit, node: node, report: id, staff: staff)
        return id
    }

    /// Saves answers on a draft or returned report, submits it and approves it.
    func resubmitAndApprove(unit: String, node: String, report id: String, staff: Int) async throws {
        let entry = try await login("\(unit.lowercased()).entry", at: node)
        let current = try await entry.call(.GET, "/api/v1/reports/\(id)")
        guard let version = current.json["version"] as? Int else { throw TestFailure("report \(id): \(current.text)") }
        let saved = try await entry.call(
            .PUT,
            "/api/v1/reports/\(id)",
            body: ["answers": ["staff": staff, "online": 50, "plan": "Có"], "version": version]
        )
        guard saved.status == 200 else { throw TestFailure("save \(id): \(saved.text)") }
        let submitted = try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"])
        guard submitted.status == 200 else { throw TestFailure("submit \(id): \(submitted.text)") }
        let approver = try await login("\(unit.lowercased()).approver", at: node)
        let approved = try await approver.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"])
        guard approved.json["state"] as? String == "approved" else {
            throw TestFailure("approve \(id): \(approved.text)")
        }
    }

    /// What must hold once sync has settled, as a list of what does not (empty: converged).
    /// For every report that was ever approved where it was entered: every node above it up to
    /// the centre holds the same approval, in the same state (approved, or returned when the
    /// reporting unit has it back), each approval applied exactly once; every outbox is empty;
    /// every provisioned account has reached its node.
    func convergenceProblems(accounts: [String: String] = [:]) async throws -> [String] {
        var problems: [String] = []
        for server in federation.servers {
            let node = server.local.node.name
            let pending = try await count(node, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            if pending > 0 { problems.append("\(node): \(pending) messages still in the outbox") }
            let unexplained =
                try await count(
                    node,
                    "SELECT COUNT(*) FROM outbox WHERE state = 'parked' AND COALESCE(reason, '') = ''"
                )
                + count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked' AND detail = ''")
            if unexplained > 0 { problems.append("\(node): \(unexplained) parked messages without a reason") }
        }
        for server in federation.servers {
            let local = server.local
            let reports = try await local.database.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT id, unit, state, approval_count FROM reports WHERE hosted_here = 1 AND approval_count > 0"
                )
                .map {
                    (
                        id: $0["id"] as String, unit: $0["unit"] as String, state: $0["state"] as String,
                        approvals: $0["approval_count"] as Int
                    )
                }
            }
            for report in reports {
                var above = federation.deployment.parent(of: local.node)
                while let node = above {
                    let pool = self.local(node.name).database.pool
                    let id = report.id
                    let row = try await pool.read { db -> (state: String, approvals: Int, received: Int)? in
                        try Row.fetchOne(
                            db,
                            sql: """
                                SELECT state, approval_count, (SELECT COUNT(*) FROM report_events e WHERE e.report_id = r.id AND e.action = 'received') AS received
                                FROM reports r WHERE id = ?
                                """,
                            arguments: [id]
                        ).map { ($0["state"], $0["approval_count"], $0["received"]) }
                    }
                    if let (state, approvals, received) = row {
                        let expected = report.state == "approved" ? "approved" : "returned"
                        if approvals != report.approvals || state != expected {
                            problems.append(
                                "\(node.name): report \(report.id) of \(report.unit) is \(state) #\(approvals), at its unit \(report.state) #\(report.approvals)"
                            )
                        }
                        if received > approvals {
                            problems.append(
                                "\(node.name): report \(report.id) received \(received) times for \(approvals) approvals (applied twice)"
                            )
                        }
                    } else {
                        problems.append(
                            "\(node.name): report \(report.id) of \(report.unit) (approved #\(report.approvals)) is missing"
                        )
                    }
                    above = federation.deployment.parent(of: node)
                }
            }
        }
        for (username, node) in accounts.sorted(by: { $0.key < $1.key }) {
            if try await count(node, "SELECT COUNT(*) FROM accounts WHERE username = ?", [username]) != 1 {
                problems.append("\(node): account \(username) has not arrived")
            }
        }
        return problems
    }

    /// Waits until `convergenceProblems` is empty; returns how long it took.
    func converge(accounts: [String: String] = [:], within seconds: Double = 150) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var problems: [String] = []
        while clock.now - start < .seconds(seconds) {
            problems = try await convergenceProblems(accounts: accounts)
            if problems.isEmpty { return clock.now - start }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestFailure("did not converge within \(seconds) s:\n" + problems.prefix(20).joined(separator: "\n"))
    }
}

extension TestFederation {
    /// Runs `body` on a federation (its own scratch folder, every child behind a fault proxy)
    /// whose Kinh Bắc holds a form assignment for November 2026 and has then lost its own link
    /// (its proxy refuses): a test speaks in its place. `body` gets the proxies and the assignment.
    static func withKinhBacCutOff(
        _ name: String,
        seed: UInt64,
        _ body: (TestFederation, [String: FaultProxy], String) async throws -> Void
    ) async throws {
        let directory = scratchFolder(name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: seed)
        try await run(in: directory, links: links) { f in
            let proxies = try await links.all(waitingFor: FaultCampaignTests.children)
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            try await f.eventually("the assignment reaches Kinh Bắc") {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == 1
            }
            proxies["kinh-bac"]!.outage(.refuse)
            try await body(f, proxies, assignment)
        }
    }
}

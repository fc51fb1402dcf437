import FaultProxy
import Federation
import Foundation
import GRDB
import Testing

@testable import Node

/// Issue F: the federation keeps its promises while its links misbehave. Every child node dials
/// its parent through a fault-injecting proxy (real TLS passes through it untouched).
///
/// The campaign is seeded: `REPORTNET_CAMPAIGN_SEED` replays a run (its seed is printed), and
/// `REPORTNET_CAMPAIGN_CYCLES` makes it longer (default 10 cycles, about a minute and a half).
@Suite(.serialized) struct FaultCampaignTests {
    static let communes = [
        ("BNI-KB", "kinh-bac"), ("BNI-YP", "yen-phong"), ("LCA-SP", "sa-pa"), ("BNI-TD", "bac-ninh"),
    ]
    static let children = ["bac-ninh", "lao-cai", "kinh-bac", "yen-phong", "sa-pa"]
    /// Who returns a commune's report: the approver of its province, on the province's node.
    static func province(of unit: String) -> (approver: String, node: String) {
        unit.hasPrefix("LCA") ? ("lca.approver", "lao-cai") : ("bni.approver", "bac-ninh")
    }

    @Test func randomisedCampaignConverges() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed =
            environment["REPORTNET_CAMPAIGN_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let cycles = environment["REPORTNET_CAMPAIGN_CYCLES"].flatMap(Int.init) ?? 10
        print("fault campaign: seed \(seed) (replay with REPORTNET_CAMPAIGN_SEED=\(seed)), \(cycles) cycles")
        var random = SeededGenerator(seed: seed)
        let directory = TestFederation.scratchFolder("campaign")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: seed)
        try await TestFederation.run(in: directory, links: links) { f in
            let proxies = try await links.all(waitingFor: Self.children)
            let periods = (1...6).map { String(format: "2026-%02d", $0) }
            var assignments: [String] = []
            for (index, period) in periods.enumerated() {
                assignments.append(try await f.assignToCommunes(period: period, createForm: index == 0))
            }
            var todo = Self.communes.flatMap { commune in
                assignments.map { (unit: commune.0, node: commune.1, assignment: $0) }
            }
            todo.shuffle(using: &random)
            var approved: [(unit: String, node: String, report: String)] = []
            var returned: [(unit: String, node: String, report: String)] = []
            var accounts: [String: String] = [:]
            var actions = 0
            let started = ContinuousClock.now
            for cycle in 1...cycles {
                // A fault for every link, drawn from the seed.
                var plan: [String] = []
                for child in Self.children {
                    let proxy = proxies[child]!
                    proxy.heal()
                    switch Int.random(in: 0..<6, using: &random) {
                    case 0: plan.append("\(child): healthy")
                    case 1:
                        proxy.outage(.blackHole)
                        plan.append("\(child): black hole")
                    case 2:
                        proxy.outage(.refuse)
                        plan.append("\(child): refused")
                    case 3:
                        proxy.sever()
                        proxy.setMode(.random(rate: 0.6))
                        plan.append("\(child): reset, then random faults")
                    case 4:
                        proxy.setMode(
                            .schedule([
                                .delay(milliseconds: 150),
                                .cut(afterBytes: Int.random(in: 200...6_000, using: &random)), nil,
                            ])
                        )
                        proxy.sever(reset: false)
                        plan.append("\(child): cut, delays")
                    default:
                        proxy.sever()
                        proxy.setMode(.schedule([.reset(afterBytes: Int.random(in: 0...3_000, using: &random)), nil]))
                        plan.append("\(child): resets")
                    }
                }
                print("cycle \(cycle): \(plan.joined(separator: "; "))")
                // People keep working meanwhile: their own node's web listener is unaffected.
                for _ in 0..<3 {
                    guard let next = todo.popLast() else { break }
                    if let id = try await f.approveReport(
                        unit: next.unit,
                        node: next.node,
                        assignment: next.assignment,
                        staff: Int.random(in: 1...20, using: &random)
                    ) {
                        approved.append((next.unit, next.node, id))
                        actions += 1
                    } else {
                        todo.insert(next, at: 0)  // the assignment has not arrived there yet
                    }
                }
                // A province returns a report it already holds; the commune sends it again later.
                if !approved.isEmpty, Bool.random(using: &random) {
                    let pick = approved.remove(at: Int.random(in: 0..<approved.count, using: &random))
                    let province = Self.province(of: pick.unit)
                    let approver = try await f.login(province.approver, at: province.node)
                    let answer = try await approver.call(
                        .POST,
                        "/api/v1/reports/\(pick.report)/return",
                        body: ["message": "Bổ sung số liệu (chu kỳ \(cycle))"]
                    )
                    if answer.status == 200 {
                        returned.append(pick)
                        actions += 1
                    } else {
                        approved.append(pick)
                    }
                }
                if let again = returned.first, Bool.random(using: &random) {
                    let entry = try await f.login("\(again.unit.lowercased()).entry", at: again.node)
                    if try await entry.call(.GET, "/api/v1/reports/\(again.report)").json["state"] as? String
                        == "returned"
                    {
                        returned.removeFirst()
                        try await f.resubmitAndApprove(
                            unit: again.unit,
                            node: again.node,
                            report: again.report,
                            staff: Int.random(in: 1...20, using: &random)
                        )
                        approved.append(again)
                        actions += 1
                    }
                }
                // Admins create accounts: one delivered down a link, one kept on the node.
                let province = try await f.login("bni.admin", at: "bac-ninh")
                let commune = Self.communes[Int.random(in: 0..<2, using: &random)]
                let username = "qt.\(commune.0.lowercased()).\(cycle)"
                let created = try await province.call(
                    .POST,
                    "/api/v1/accounts",
                    body: ["username": username, "fullName": "Quản trị \(cycle)", "unit": commune.0, "role": "admin"]
                )
                #expect(created.status == 201, "\(created.text)")
                accounts[username] = commune.1
                let local = try await f.login("\(commune.0.lowercased()).admin", at: commune.1)
                let localName = "nv.\(commune.0.lowercased()).\(cycle)"
                let kept = try await local.call(
                    .POST,
                    "/api/v1/accounts",
                    body: [
                        "username": localName, "fullName": "Nhân viên \(cycle)", "unit": commune.0,
                        "role": "data_entry",
                    ]
                )
                #expect(kept.status == 201, "\(kept.text)")
                accounts[localName] = commune.1
                actions += 2
                try await Task.sleep(for: .seconds(2))
            }
            // Last, every link goes down while every commune still works, so healing has a
            // backlog to move on every link.
            for (index, child) in Self.children.enumerated() {
                proxies[child]!.heal()
                proxies[child]!.outage(index % 2 == 0 ? .blackHole : .refuse)
            }
            for commune in Self.communes {
                if let index = todo.lastIndex(where: { $0.unit == commune.0 }),
                    let id = try await f.approveReport(
                        unit: commune.0,
                        node: commune.1,
                        assignment: todo[index].assignment,
                        staff: 3
                    )
                {
                    todo.remove(at: index)
                    approved.append((commune.0, commune.1, id))
                    actions += 1
                }
            }
            let province = try await f.login("bni.admin", at: "bac-ninh")
            let created = try await province.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": "qt.bni-yp.last", "fullName": "Quản trị cuối", "unit": "BNI-YP", "role": "admin"]
            )
            #expect(created.status == 201, "\(created.text)")
            accounts["qt.bni-yp.last"] = "yen-phong"
            let backlog = try await f.convergenceProblems(accounts: accounts).count
            #expect(backlog > 0, "the links are down with work waiting")
            let campaign = ContinuousClock.now - started
            for proxy in proxies.values { proxy.heal() }
            let healed = ContinuousClock.now
            let converged = try await f.converge(accounts: accounts)
            let faults = proxies.values.map(\.counters.totalFaults).reduce(0, +)
            var messages = 0
            for server in f.federation.servers {
                messages += try await f.count(server.local.node.name, "SELECT COUNT(*) FROM inbox")
            }
            print(
                "fault campaign: seed \(seed), \(cycles) cycles in \(campaign), \(actions) user actions, \(faults) faults injected, \(messages) messages received; \(backlog) things out of step at healing, converged \(converged) after healing"
            )
            for (child, proxy) in proxies.sorted(by: { $0.key < $1.key }) {
                print("  link \(child): \(proxy.counters)")
            }
            #expect(faults >= cycles, "faults were injected")
            // Every node's database is intact.
            for server in f.federation.servers {
                let check = try await server.local.database.pool.read {
                    try String.fetchOne($0, sql: "PRAGMA integrity_check")
                }
                #expect(check == "ok")
            }
            _ = healed
        }
    }

    /// The same seed gives the same fault schedule.
    @Test func seededPlansReplay() {
        var first = FaultPlan(mode: .random(rate: 0.5), seed: 42)
        var second = FaultPlan(mode: .random(rate: 0.5), seed: 42)
        var other = FaultPlan(mode: .random(rate: 0.5), seed: 43)
        let a = (0..<200).map { _ in first.nextConnection() }
        let b = (0..<200).map { _ in second.nextConnection() }
        let c = (0..<200).map { _ in other.nextConnection() }
        #expect(a == b)
        #expect(a != c)
        #expect(
            Set(a.compactMap { $0?.name }) == ["delay", "refuse", "reset", "cut", "black-hole"],
            "every kind of fault is drawn"
        )
        var scheduled = FaultPlan(mode: .schedule([.refuse, nil]), seed: 1)
        #expect((0..<4).map { _ in scheduled.nextConnection() } == [.refuse, nil, .refuse, nil])
    }
}

import Foundation
import Glibc
import TestSupport
import Testing

@testable import Node

/// Issue J.1 with real processes: a commune's node frozen with SIGSTOP (alive, its connections
/// open, answering nothing) shows as silent at its province and at the centre, and raises the
/// `silent_node` alert at both within the silence threshold (the smallest allowed, a minute) and a
/// watch cycle (`status_every: 5` seconds); after SIGCONT it is heard again and the alerts clear.
@Suite(.serialized) struct NodeFreezeTests {
    static let names = ["centre", "bac-ninh", "kinh-bac"]

    static func standingSilence(_ nodes: NodeProcesses, admin: String, at node: String) async throws -> Bool {
        try await nodes.call(admin, at: node, .GET, "/api/v1/alerts").items.contains {
            $0["kind"] as? String == "silent_node" && $0["unit"] as? String == "BNI-KB"
        }
    }

    static func silent(_ nodes: NodeProcesses, admin: String, at node: String) async throws -> Bool? {
        try await nodes.call(admin, at: node, .GET, "/api/v1/nodes").items.first {
            $0["unit"] as? String == "BNI-KB"
        }?["silent"] as? Bool
    }

    /// Polls `condition` every half second until it holds, failing after `seconds`.
    static func eventually(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw TestFailure("timed out after \(Int(seconds)) s waiting for: \(what)")
    }

    @Test func aFrozenCommuneIsSilentAndHeardAgainAfterSIGCONT() async throws {
        let nodes = try await NodeProcesses(nodes: Self.names, units: ["TW", "BNI", "BNI-KB"])
        defer { nodes.remove() }
        for node in Self.names {
            let file = nodes.configuration(node)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try (text + "\nstatus_every: 5\n").write(toFile: file, atomically: true, encoding: .utf8)
            try await nodes.start(node)
        }
        let watchers = [("bni.admin", "bac-ninh"), ("tw.admin", "centre")]
        let threshold = SilenceSetting.allowed.lowerBound
        for (admin, node) in watchers {
            let set = try await nodes.call(
                admin,
                at: node,
                .PUT,
                "/api/v1/nodes/settings",
                body: ["silenceThresholdSeconds": threshold]
            )
            #expect(set.status == 200, "\(set.text)")
        }
        for (admin, node) in watchers {
            try await Self.eventually("\(node) hears the commune", seconds: 60) {
                try await Self.silent(nodes, admin: admin, at: node) == false
            }
            #expect(try await !Self.standingSilence(nodes, admin: admin, at: node))
        }

        // Frozen: the process lives, its sockets stay open, nothing it sends arrives.
        let pid = try #require(nodes.pid("kinh-bac"))
        #expect(Glibc.kill(pid, SIGSTOP) == 0)
        var frozen = true
        defer { if frozen { Glibc.kill(pid, SIGCONT) } }
        let stoppedAt = ContinuousClock.now
        // The alert comes once the threshold has passed, at the next watch (every 5 s) or status
        // report: well within the threshold and a few cycles.
        let bound = Double(threshold) + 30
        for (admin, node) in watchers {
            let left = bound - Double((ContinuousClock.now - stoppedAt).components.seconds)
            try await Self.eventually("the frozen commune raises a silent_node alert at \(node)", seconds: left) {
                try await Self.standingSilence(nodes, admin: admin, at: node)
            }
            #expect(try await Self.silent(nodes, admin: admin, at: node) == true)
        }
        let elapsed = ContinuousClock.now - stoppedAt
        // (The last contact may precede the freeze by a status cycle.)
        #expect(elapsed >= .seconds(threshold - 10), "no alert before the threshold: \(elapsed)")

        // Thawed: it reports again, and the alerts clear at both levels.
        #expect(Glibc.kill(pid, SIGCONT) == 0)
        frozen = false
        for (admin, node) in watchers {
            try await Self.eventually("the silent_node alert clears at \(node)", seconds: 60) {
                try await !Self.standingSilence(nodes, admin: admin, at: node)
            }
            #expect(try await Self.silent(nodes, admin: admin, at: node) == false)
        }
    }
}

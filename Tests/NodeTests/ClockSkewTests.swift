import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue F: clocks hours apart change nothing; order comes from sequence numbers and approval
/// counts, never from wall clocks. The centre runs 4 hours ahead and the province 6 hours behind
/// (real processes under datefudge's library, `SkewedClock`); the commune keeps the true time.
@Suite(.serialized) struct ClockSkewTests {
    @Test func hoursOfSkewChangeNothing() async throws {
        let nodes = try await NodeProcesses(
            nodes: ["centre", "bac-ninh", "kinh-bac"],
            units: ["TW", "BNI", "BNI-KB"],
            clockOffsets: ["centre": 4 * 3600, "bac-ninh": -6 * 3600]
        )
        defer { nodes.remove() }
        for node in ["centre", "bac-ninh", "kinh-bac"] { try await nodes.start(node) }
        #expect(
            try await nodes.call("tw.admin", at: "centre", .POST, "/api/v1/forms", body: FederationFlowTests.form)
                .status == 201
        )
        let assigned = try await nodes.call(
            "tw.admin",
            at: "centre",
            .POST,
            "/api/v1/assignments",
            body: ["form": "NQ57-THANG", "period": "2026-11", "level": "commune"]
        )
        let assignment = try #require(assigned.json["id"] as? String, "\(assigned.text)")
        let report = try await Self.waitFor("the assignment reaches the commune") { () -> String? in
            let created = try await nodes.call(
                "bni-kb.entry",
                at: "kinh-bac",
                .POST,
                "/api/v1/reports",
                body: ["assignment": assignment]
            )
            return created.json["id"] as? String ?? (created.json["details"] as? [String: String])?["report"]
        }
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-KB", node: "kinh-bac", report: report)
        _ = try await Self.waitFor("approval 1 reaches the centre") {
            try nodes.count(
                "centre",
                "SELECT COUNT(*) FROM reports WHERE id = ? AND approval_count = 1 AND state = 'approved'",
                [report]
            ) == 1 ? true : nil
        }
        // The centre, hours ahead, returns it: its return is stamped later than anything the
        // commune will ever stamp today.
        let returned = try await nodes.call(
            "tw.approver",
            at: "centre",
            .POST,
            "/api/v1/reports/\(report)/return",
            body: ["message": "Bổ sung minh chứng"]
        )
        #expect(returned.status == 200, "\(returned.text)")
        _ = try await Self.waitFor("the return reaches the commune") {
            try nodes.count("kinh-bac", "SELECT COUNT(*) FROM reports WHERE id = ? AND state = 'returned'", [report])
                == 1 ? true : nil
        }
        // The commune approves again, at a wall-clock time "before" the centre's return.
        try await CrashRecoveryTests.driveToApproved(nodes, unit: "BNI-KB", node: "kinh-bac", report: report)
        _ = try await Self.waitFor("approval 2 reaches the province and the centre") {
            let centre = try nodes.count(
                "centre",
                "SELECT COUNT(*) FROM reports WHERE id = ? AND approval_count = 2 AND state = 'approved'",
                [report]
            )
            let province = try nodes.count(
                "bac-ninh",
                "SELECT COUNT(*) FROM reports WHERE id = ? AND approval_count = 2 AND state = 'approved'",
                [report]
            )
            return centre == 1 && province == 1 ? true : nil
        }
        // The skew was real: the centre stamped its return hours in the future, the province
        // stamped its receipt hours in the past, and the second approval is "older" than the return.
        let queue = try DatabaseQueue(path: nodes.databasePath("centre"))
        let returnedAt = try await queue.read {
            try Date.fetchOne(
                $0,
                sql: "SELECT MAX(at) FROM report_events WHERE report_id = ? AND action = 'return'",
                arguments: [report]
            )
        }
        try queue.close()
        let province = try DatabaseQueue(path: nodes.databasePath("bac-ninh"))
        let receivedAt = try await province.read { try Date.fetchOne($0, sql: "SELECT MAX(received_at) FROM inbox") }
        try province.close()
        let commune = try DatabaseQueue(path: nodes.databasePath("kinh-bac"))
        let reapprovedAt = try await commune.read {
            try Date.fetchOne($0, sql: "SELECT approved_at FROM reports WHERE id = ?", arguments: [report])
        }
        try commune.close()
        #expect(try #require(returnedAt).timeIntervalSinceNow > 3 * 3600, "the centre's clock runs ahead")
        #expect(try #require(receivedAt).timeIntervalSinceNow < -5 * 3600, "the province's clock runs behind")
        #expect(
            try #require(reapprovedAt) < returnedAt!,
            "approval 2 carries an earlier time than the return it answers, and still wins"
        )
        // Nothing parked, outboxes empty.
        for node in ["centre", "bac-ninh", "kinh-bac"] {
            #expect(
                try nodes.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0,
                "\(node) parked nothing"
            )
            #expect(try nodes.count(node, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0)
        }
    }

    static func waitFor<T>(_ what: String, seconds: Double = 30, _ body: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let value = try await body() { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("timed out waiting for: \(what)")
    }
}

import FaultProxy
import Foundation
import GRDB
import Testing

@testable import Node

/// A node's calls to its parent (the long poll, pushes, status reports) share one connection:
/// a federation of thousands of nodes pays one TLS handshake per node at each end, not one per
/// call the sync loop happens to make while the first handshake is still under way.
@Suite(.serialized) struct ParentConnectionTests {
    @Test func everyChildDialsItsParentOnce() async throws {
        let directory = TestFederation.scratchFolder("one-connection")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: 7)
        try await TestFederation.run(in: directory, links: links) { f in
            let proxies = try await links.all(waitingFor: FaultCampaignTests.children)
            // Down, then up: the feed's long polls, a push and status reports on every link.
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            try await f.eventually("the assignment reaches Kinh Bắc") {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == 1
            }
            let report = try #require(
                try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: assignment, staff: 3)
            )
            try await f.eventually("the approved report reaches the centre") {
                try await f.count(
                    "centre",
                    "SELECT COUNT(*) FROM reports WHERE id = ? AND state = 'approved'",
                    [report]
                ) == 1
            }
            try await f.eventually("Kinh Bắc's status reaches the centre") {
                try await f.count("centre", "SELECT COUNT(*) FROM node_statuses WHERE unit = 'BNI-KB'") == 1
            }
            for child in FaultCampaignTests.children {
                let counters = try #require(proxies[child]).counters
                #expect(counters.connections == 1, "\(child): \(counters)")
            }
        }
    }
}

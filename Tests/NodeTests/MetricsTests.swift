import FaultProxy
import Foundation
import Testing

@testable import Node

/// Issue F: `/metrics` in the Prometheus text format, readable from the node's own machine or
/// with the configured scrape token, and nothing else.
@Suite(.serialized) struct MetricsTests {
    /// The value of the first sample whose name and labels start with `prefix`.
    static func sample(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
            $0.split(separator: " ").last.flatMap { Double($0) }
        }
    }

    @Test func syncFiguresPerPeer() async throws {
        let directory = TestFederation.scratchFolder("metrics")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let links = FaultLinks(seed: 7)
        try await TestFederation.run(in: directory, links: links) { f in
            let proxies = try await links.all(waitingFor: FaultCampaignTests.children)
            let assignment = try await f.assignToCommunes(period: "2026-11", createForm: true)
            try await f.eventually("the assignment reaches Kinh Bắc") {
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM assignments") == 1
            }
            proxies["kinh-bac"]!.outage(.blackHole)
            _ = try #require(
                try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: assignment, staff: 1)
            )
            try await Task.sleep(for: .milliseconds(1_100))
            let anonymous = APIClient(baseURL: f.node("kinh-bac").webURL, caPath: f.manifest.ca)
            let scrape = try await anonymous.call(.GET, "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.headers["content-type"]?.hasPrefix("text/plain") == true)
            let text = scrape.text
            #expect(Self.sample(text, "reportnet_outbox_depth") == 1, "the approval waits behind the black hole")
            #expect(Self.sample(text, #"reportnet_sync_lag_messages{peer="BNI",relation="parent"}"#) == 1)
            #expect(
                (Self.sample(text, #"reportnet_sync_lag_seconds{peer="BNI",relation="parent"}"#) ?? 0) >= 1,
                "and has waited at least a second"
            )
            #expect(
                (Self.sample(text, #"reportnet_peer_last_contact_timestamp_seconds{peer="BNI",relation="parent"}"#) ?? 0)
                    > 1_700_000_000
            )
            #expect(
                text.contains("reportnet_http_request_duration_seconds_bucket{listener=\"web\""),
                "request latency is measured"
            )
            #expect(Self.sample(text, "reportnet_inbox_parked") == 0)

            proxies["kinh-bac"]!.heal()
            _ = try await f.converge()
            // At the province: its children, each with its lag and last contact. Receipts coming
            // back from the centre may reach the province's feed just after the convergence, so
            // the children are given a moment to read them.
            let provinceScraper = APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca)
            var province = ""
            try await f.eventually("both children have read the province's feed") {
                province = try await provinceScraper.call(.GET, "/metrics").text
                return ["BNI-KB", "BNI-YP"].allSatisfy {
                    Self.sample(province, #"reportnet_sync_lag_messages{peer="\#($0)",relation="child"}"#) == 0
                }
            }
            for child in ["BNI-KB", "BNI-YP"] {
                #expect(
                    Self.sample(province, #"reportnet_sync_lag_messages{peer="\#(child)",relation="child"}"#) == 0,
                    "\(child) has read its feed"
                )
                #expect(
                    (Self.sample(
                        province,
                        #"reportnet_peer_last_contact_timestamp_seconds{peer="\#(child)",relation="child"}"#
                    ) ?? 0) > 1_700_000_000
                )
            }
            #expect(Self.sample(province, "reportnet_outbox_depth") == 0)
            #expect(
                province.contains(
                    "reportnet_http_request_duration_seconds_count{listener=\"federation\",method=\"POST\",status=\"200\"}"
                ),
                "pushes were timed"
            )

            // With a scrape token configured, only a caller presenting it reads the metrics.
            f.local("bac-ninh").metrics.setScrapeToken("scrape-\(UUID().uuidString)")
            let refused = try await APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca).call(
                .GET,
                "/metrics"
            )
            #expect(refused.status == 401)
            #expect((refused.json["message"] as? String)?.hasPrefix("Cần mã") == true)
            let token = f.local("bac-ninh").metrics.token!
            let wrong = try await APIClient(
                baseURL: f.node("bac-ninh").webURL,
                caPath: f.manifest.ca,
                token: "not-" + token
            ).call(.GET, "/metrics")
            #expect(wrong.status == 401)
            let right = try await APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca, token: token)
                .call(.GET, "/metrics")
            #expect(right.status == 200 && right.text.contains("reportnet_outbox_depth"))
            // Behind a reverse proxy, loopback proves nothing: a relayed request is refused.
            f.local("bac-ninh").metrics.setScrapeToken(nil)
            let relayed = try await APIClient(
                baseURL: f.node("bac-ninh").webURL,
                caPath: f.manifest.ca,
                headers: ["X-Forwarded-For": "203.0.113.9"]
            ).call(.GET, "/metrics")
            #expect(relayed.status == 403)
        }
    }
}

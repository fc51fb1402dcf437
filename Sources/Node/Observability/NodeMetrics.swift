import Foundation
import Prometheus
import Synchronization

/// A node's metrics in the Prometheus text format: request latency measured as requests pass,
/// sync figures (lag per peer, outbox depth, parked messages, last contact) read from the
/// database at each scrape. One registry per node, so nodes sharing a process stay apart.
public final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// When set, a scrape must present it as a bearer token; when not, only loopback may scrape.
    private let scrapeToken = Mutex<String?>(nil)
    /// Last successful exchange with each peer in this process's life (the database keeps the rest).
    private let contacts = Mutex<[String: Date]>([:])

    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init() {}

    public func setScrapeToken(_ token: String?) {
        scrapeToken.withLock { $0 = token.flatMap { $0.isEmpty ? nil : $0 } }
    }

    package var token: String? { scrapeToken.withLock { $0 } }

    func contact(peer: String, at date: Date) {
        contacts.withLock { $0[peer] = date }
    }

    func lastContact(_ peer: String) -> Date? { contacts.withLock { $0[peer] } }

    /// Records how long one request took on a listener.
    package func observe(listener: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "reportnet",
                metricName: "http_request_duration",
                unitName: "seconds",
                helpText: "Time to answer a request, by listener, method and status."
            ),
            labels: [("listener", listener), ("method", method), ("status", "\(status)")],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(
            descriptor: .init(namespace: "reportnet", metricName: name, unitName: "", helpText: help),
            labels: labels
        )
    }
}

/// One peer's row for the sync gauges.
struct PeerLag {
    let peer: String
    let relation: String
    let messages: Int
    let seconds: Double
    let lastContact: Date?
}

import Foundation
import GRDB
import Prometheus

/// What a scrape of `/metrics` reads: the sync gauges refreshed from the database (outbox, parked
/// messages, lag and last contact per peer, and every node below as it last reported), then every
/// metric rendered. Its own service so that it needs only the shared context, the metrics and the
/// nodes at a glance.
package struct MetricsScrape: NodeService {
    let context: NodeContext
    let metrics: NodeMetrics
    let nodesAtAGlance: NodesAtAGlance

    /// Refreshes the sync gauges from the database and renders every metric.
    package func text() async throws -> String {
        let now = clock.now()
        let parent = self.parent?.unit
        let children = deployment.children(of: node).map(\.unit)
        let (pending, parked, parkedReceived, lags) = try await database.pool.read { db -> (Int, Int, Int, [PeerLag]) in
            let pending = try OutboxStore.pendingCount(db)
            let parked = try OutboxStore.parkedCount(db)
            // Parked and not settled: a message set aside by an admin is no longer waiting.
            let parkedReceived = try InboxStore.parkedNotSetAsideCount(db)
            var lags: [PeerLag] = []
            func contact(_ peer: String) throws -> Date? {
                try PeerStore.lastContact(of: peer, db)
            }
            if let parent {
                // Upward: what waits in the outbox, and for how long the oldest has waited.
                let oldest = try OutboxStore.oldestPending(db)
                lags.append(
                    PeerLag(
                        peer: parent,
                        relation: "parent",
                        messages: pending,
                        seconds: oldest.map { max(now.timeIntervalSince($0), 0) } ?? 0,
                        lastContact: try contact(parent)
                    )
                )
            }
            for child in children {
                // Downward: feed entries beyond the position the child last asked from.
                let cursor = contacts.confirmed(child, stored: try PeerStore.cursor(of: child, db) ?? 0)
                let (messages, oldest) = try FeedStore.unread(for: child, after: cursor, db)
                lags.append(
                    PeerLag(
                        peer: child,
                        relation: "child",
                        messages: messages,
                        seconds: oldest.map { max(now.timeIntervalSince($0), 0) } ?? 0,
                        lastContact: try contact(child)
                    )
                )
            }
            return (pending, parked, parkedReceived, lags)
        }
        metrics.gauge("outbox_depth", "Upward messages waiting to be sent to the parent.").set(Double(pending))
        metrics.gauge(
            "outbox_parked",
            "Upward messages set aside with a reason (never sent, or refused by the parent)."
        ).set(Double(parked))
        metrics.gauge("inbox_parked", "Messages received from peers and parked with a reason.").set(
            Double(parkedReceived)
        )
        for lag in lags {
            let labels = [("peer", lag.peer), ("relation", lag.relation)]
            metrics.gauge(
                "sync_lag_messages",
                "Messages not yet taken by the peer: the outbox for the parent, the unread feed for a child.",
                labels
            ).set(Double(lag.messages))
            metrics.gauge(
                "sync_lag_seconds",
                "Age of the oldest message not yet taken by the peer (0 when none).",
                labels
            ).set(lag.seconds)
            let latest = [lag.lastContact, metrics.lastContact(lag.peer)].compactMap { $0 }.max()
            metrics.gauge(
                "peer_last_contact_timestamp_seconds",
                "Unix time of the last successful exchange with the peer (0 when never).",
                labels
            )
            .set(latest?.timeIntervalSince1970 ?? 0)
        }
        // Issue J: every node below, labelled with its unit (latest status reported up).
        for below in try await nodesAtAGlance.below().nodes {
            let labels = [("unit", below.unit), ("node", below.node)]
            func set(_ name: String, _ help: String, _ value: Double?, _ extra: [(String, String)] = []) {
                metrics.gauge(name, help, labels + extra).set(value ?? 0)
            }
            set(
                "node_last_contact_timestamp_seconds",
                "Unix time of the node's parent's last contact with it (0 when never).",
                below.lastContact?.timeIntervalSince1970
            )
            set(
                "node_silent",
                "1 when the node has not been heard from for longer than the silence threshold.",
                below.silent ? 1 : 0
            )
            set("node_parked", "Messages parked at the node, as it last reported.", Double(below.parked))
            set(
                "node_certificate_expiry_timestamp_seconds",
                "Unix time the node's certificate expires (0 when unknown).",
                below.certificateExpiry?.timeIntervalSince1970
            )
            set(
                "node_database_bytes",
                "Size of the node's database (with its log).",
                below.databaseBytes.map(Double.init)
            )
            set(
                "node_lag_messages",
                "Messages not yet taken across the node's link to its parent, by direction.",
                Double(below.upLagMessages),
                [("direction", "up")]
            )
            set(
                "node_lag_messages",
                "Messages not yet taken across the node's link to its parent, by direction.",
                below.downLagMessages.map(Double.init),
                [("direction", "down")]
            )
            set(
                "node_lag_seconds",
                "Seconds since the far side of the node's link to its parent held everything, by direction.",
                below.upLagSeconds,
                [("direction", "up")]
            )
            set(
                "node_lag_seconds",
                "Seconds since the far side of the node's link to its parent held everything, by direction.",
                below.downLagSeconds,
                [("direction", "down")]
            )
            set(
                "node_protocol_version",
                "The protocol version the node speaks; its software version is the `version` label.",
                Double(below.protocolVersion),
                [("version", below.softwareVersion)]
            )
        }
        return metrics.registry.emitToString()
    }
}

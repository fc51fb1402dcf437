import Alerts
import Auth
import Federation
import Foundation
import GRDB
import ServiceLifecycle

/// One node of the subtree as an admin sees it (issue J, "the country at a glance").
package struct NodeView: Codable, Sendable {
    package let unit: String
    package let unitName: String
    package let node: String
    /// The unit of the node's parent node (nil at the centre).
    package let parentUnit: String?
    /// This node itself (its figures are read now, not reported).
    package let isSelf: Bool
    package let softwareVersion: String
    package let protocolVersion: Int
    /// When the node last reported its figures (by its own clock), and when they arrived here.
    package let reportedAt: Date
    package let receivedAt: Date?
    /// The node's parent's last contact with it (for a direct child, this node's own).
    package let lastContact: Date?
    /// Seconds since `lastContact`, and whether that is beyond the silence threshold.
    package let silentSeconds: Double?
    package let silent: Bool
    /// Upward: messages waiting in the node's outbox, and seconds since the parent held all it sent.
    package let upLagMessages: Int
    package let upLagSeconds: Double?
    /// Downward: feed entries the node has not read, and seconds since it had read everything.
    package let downLagMessages: Int?
    package let downLagSeconds: Double?
    package let parked: Int
    package let certificateExpiry: Date?
    package let databaseBytes: Int64?
    /// The last entry of the node's audit trail, as reported (absent from an older node).
    package let auditHead: AuditHead?
    /// The latest cut this node found in that node's trail (issue J.8); absent when none.
    package let auditCut: AuditCut?
}

/// Every node of the caller's subtree, with the silence threshold in force.
package struct NodesOverview: Codable, Sendable {
    package let silenceThresholdSeconds: Int
    package let silent: Int
    package let items: [NodeView]
}

/// The silence threshold an admin sets.
package struct SilenceSetting: Codable, Sendable {
    package let silenceThresholdSeconds: Int
    package init(silenceThresholdSeconds: Int) { self.silenceThresholdSeconds = silenceThresholdSeconds }
    /// From a minute to thirty days.
    package static let allowed = 60...(30 * 24 * 3600)
}

/// Why a node's health is degraded.
package struct HealthProblem: Codable, Sendable {
    /// `uplink_failing` or `parked_messages`.
    package let code: String
    package let message: String
    package let messageEN: String
}

/// The nodes of the subtree at a glance (issue J): this node's own figures and the statuses
/// reported from below, with each direct child's link as this node sees it; the silence
/// threshold and the alerts for silent nodes; and this node's own health. Its own service so
/// that it needs only the shared context and node status, reached through the two closures below
/// because `StatusReports` holds this service (it re-judges silence through it): holding
/// `StatusReports` here too would build each from the other without end.
package struct NodesAtAGlance: NodeService {
    let context: NodeContext
    /// This node's own figures now (`StatusReports.ownStatus()`).
    let ownStatus: @Sendable () async throws -> NodeStatus
    /// The feed toward a direct child: unread entries and the instant up to which it read all
    /// (`StatusReports.downLink(to:now:_:)`), in the caller's transaction.
    let downLink: @Sendable (_ child: String, _ now: Date, Database) throws -> (pending: Int, currentAt: Date?)

    /// The nodes page and `GET /api/v1/nodes` are for the admins of the node's own unit (the
    /// level the node serves); what they see is limited to their unit's subtree all the same.
    private func requireNodesAdmin(_ actor: Actor) throws {
        guard actor.holds(.manageUsers), actor.unit == unit else {
            throw DomainError(.nodesOnlyOwnAdmins)
        }
    }

    /// This node and every node below it that reported, within the actor's subtree.
    package func overview(for actor: Actor) async throws -> NodesOverview {
        try requireNodesAdmin(actor)
        let own = try await ownStatus()
        let now = clock.now()
        return try await database.pool.read { db in
            let threshold = try NodeStatusStore.threshold(db)
            var items: [NodeView] = []
            if tree.isInSubtree(unit, of: actor.unit) {
                items.append(try view(own, receivedAt: nil, isSelf: true, threshold: threshold, now: now, db))
            }
            for (status, receivedAt) in try NodeStatusStore.all(db)
            where status.unit != unit && tree.isInSubtree(status.unit, of: actor.unit) {
                items.append(try linked(status, receivedAt: receivedAt, threshold: threshold, now: now, db))
            }
            return NodesOverview(
                silenceThresholdSeconds: threshold,
                silent: items.filter(\.silent).count,
                items: items
            )
        }
    }

    /// Every node below this one that reported, for the metrics.
    func below() async throws -> (threshold: Int, nodes: [NodeView]) {
        let now = clock.now()
        return try await database.pool.read { db in
            let threshold = try NodeStatusStore.threshold(db)
            return (
                threshold,
                try NodeStatusStore.all(db).filter { $0.status.unit != unit }.map {
                    try linked($0.status, receivedAt: $0.receivedAt, threshold: threshold, now: now, db)
                }
            )
        }
    }

    /// A stored status with this node's live view of the link when the node is a direct child.
    private func linked(
        _ stored: NodeStatus,
        receivedAt: Date,
        threshold: Int,
        now: Date,
        _ db: Database
    ) throws -> NodeView {
        var status = stored
        if isChild(status.unit) {
            let link = try downLink(status.unit, now, db)
            status.lastContact = try lastContact(of: stored, db)
            status.downPending = link.pending
            status.downCurrentAt = link.currentAt
        }
        return try view(status, receivedAt: receivedAt, isSelf: false, threshold: threshold, now: now, db)
    }

    private func view(
        _ status: NodeStatus,
        receivedAt: Date?,
        isSelf: Bool,
        threshold: Int,
        now: Date,
        _ db: Database
    ) throws -> NodeView {
        let nodeDescription = deployment.node(forUnit: status.unit)
        let parentUnit = nodeDescription.flatMap { deployment.parent(of: $0)?.unit }
        let silence = isSelf ? nil : status.lastContact.map { max(now.timeIntervalSince($0), 0) }
        let silent = !isSelf && Self.isSilent(lastContact: status.lastContact, threshold: threshold, now: now)
        return NodeView(
            unit: status.unit,
            unitName: tree[status.unit]?.name ?? status.unit,
            node: status.node,
            parentUnit: parentUnit,
            isSelf: isSelf,
            softwareVersion: status.softwareVersion,
            protocolVersion: status.protocolVersion,
            reportedAt: status.reportedAt,
            receivedAt: receivedAt,
            lastContact: status.lastContact,
            silentSeconds: silence,
            silent: silent,
            upLagMessages: status.upPending,
            upLagSeconds: status.upCurrentAt.map { max(now.timeIntervalSince($0), 0) },
            downLagMessages: status.downPending,
            downLagSeconds: status.downCurrentAt.map { max(now.timeIntervalSince($0), 0) },
            parked: status.parked,
            certificateExpiry: status.certificateExpiry,
            databaseBytes: status.databaseBytes,
            auditHead: status.auditHead,
            auditCut: isSelf ? nil : try AuditWitnessStore.cuts(of: status.unit, limit: 1, db).first
        )
    }

    package func silenceSetting(for actor: Actor) async throws -> SilenceSetting {
        try requireNodesAdmin(actor)
        return SilenceSetting(
            silenceThresholdSeconds: try await database.pool.read { try NodeStatusStore.threshold($0) }
        )
    }

    /// Admins of this node's own unit set the silence threshold (audited); alerts follow at once.
    package func setSilenceThreshold(_ setting: SilenceSetting, by actor: Actor) async throws -> SilenceSetting {
        try requireNodesAdmin(actor)
        guard SilenceSetting.allowed.contains(setting.silenceThresholdSeconds) else {
            throw DomainError(.silenceThresholdOutOfRange, details: ["silenceThresholdSeconds": "60…2592000"])
        }
        let now = clock.now()
        try await database.pool.write { db in
            try NodeStatusStore.setThreshold(setting.silenceThresholdSeconds, db)
            try audit.record(
                db,
                actor,
                action: "nodes.silence-threshold",
                target: unit,
                detail: "\(setting.silenceThresholdSeconds)"
            )
            try refreshSilence(now: now, db)
        }
        return setting
    }

    /// Raises an alert (kind `silent_node`) for each node below that has not been heard from for
    /// longer than the threshold, and clears it when the node is heard from again.
    func refreshSilence(now: Date, _ db: Database) throws {
        let threshold = try NodeStatusStore.threshold(db)
        for (stored, _) in try NodeStatusStore.all(db) where stored.unit != unit {
            try judgeSilence(
                of: stored,
                lastContact: try lastContact(of: stored, db),
                threshold: threshold,
                now: now,
                db
            )
        }
    }

    private func isChild(_ unit: String) -> Bool {
        deployment.children(of: node).contains { $0.unit == unit }
    }

    /// When a node below was last heard of: what its status says and, for a direct child, this
    /// node's own last contact with it.
    private func lastContact(of status: NodeStatus, _ db: Database) throws -> Date? {
        guard isChild(status.unit) else { return status.lastContact }
        let own = contacts.latest(status.unit, stored: try PeerStore.lastContact(of: status.unit, db))
        return [own, status.lastContact].compactMap { $0 }.max()
    }

    /// Silent: not heard of for longer than the threshold, or never.
    private static func isSilent(lastContact: Date?, threshold: Int, now: Date) -> Bool {
        lastContact.map { max(now.timeIntervalSince($0), 0) > Double(threshold) } ?? true
    }

    /// The nodes a status report just told of, judged on what was kept of them, and the direct
    /// child that sent it, which was just heard from (in the report's transaction).
    func refreshSilence(of kept: [NodeStatus], heard caller: String, now: Date, _ db: Database) throws {
        try AlertStore.clear(key: Self.silenceKey(caller), at: now, db)
        let relayed = kept.filter { $0.unit != caller && $0.unit != unit }
        guard !relayed.isEmpty else { return }
        let threshold = try NodeStatusStore.threshold(db)
        for status in relayed {
            try judgeSilence(of: status, lastContact: status.lastContact, threshold: threshold, now: now, db)
        }
    }

    private static func silenceKey(_ unit: String) -> String { "silent:\(unit)" }

    /// Raises or clears the silence alert of the node `status` is about, last heard of at `lastContact`.
    private func judgeSilence(
        of status: NodeStatus,
        lastContact: Date?,
        threshold: Int,
        now: Date,
        _ db: Database
    ) throws {
        let key = Self.silenceKey(status.unit)
        guard Self.isSilent(lastContact: lastContact, threshold: threshold, now: now) else {
            try AlertStore.clear(key: key, at: now, db)
            return
        }
        let unitName = tree[status.unit]?.name ?? status.unit
        let since = lastContact.map { " từ \(Self.vietnameseTime($0))" } ?? ""
        let sinceEN = lastContact.map { " since \(Self.englishTime($0))" } ?? ""
        let hours = Double(threshold) / 3600
        let limit = hours >= 1 ? "\(Self.number(hours)) giờ" : "\(threshold / 60) phút"
        let limitEN = hours >= 1 ? "\(Self.number(hours)) h" : "\(threshold / 60) min"
        try AlertStore.raiseSilence(
            id: UUID().uuidString,
            key: key,
            unit: status.unit,
            ref: "node:\(status.unit)",
            message: "Nút \(status.node) (\(unitName)) im lặng\(since), quá ngưỡng \(limit)",
            messageEN: "Node \(status.node) (\(unitName)) silent\(sinceEN), beyond the \(limitEN) threshold",
            at: now,
            db
        )
    }

    /// Re-evaluates silence now (the watch does it every cycle); a node that holds no status of a
    /// node below (one without children) has nothing to judge and writes nothing.
    package func refreshSilence() async throws {
        let now = clock.now()
        guard try await !database.pool.read({ db in try NodeStatusStore.isEmpty(db) }) else { return }
        try await database.pool.write { db in try refreshSilence(now: now, db) }
    }

    /// Why this node is not well, if it is not: its uplink has failed for longer than the silence
    /// threshold, or messages are parked here.
    package func healthProblems() async -> [HealthProblem] {
        let now = clock.now()
        let parentUnit = parent?.unit
        do {
            return try await database.pool.read { db in
                var problems: [HealthProblem] = []
                let threshold = try NodeStatusStore.threshold(db)
                if let parentUnit {
                    let (stored, error) = try PeerStore.contactAndError(of: parentUnit, db)
                    let contact = contacts.latest(parentUnit, stored: stored)
                    let failing: Bool
                    if let contact {
                        failing = now.timeIntervalSince(contact) > Double(threshold)
                    } else {
                        failing = error != nil
                    }
                    if failing {
                        let since = contact.map { " từ \(Self.vietnameseTime($0))" } ?? ""
                        let sinceEN = contact.map { " since \(Self.englishTime($0))" } ?? ""
                        problems.append(
                            HealthProblem(
                                code: "uplink_failing",
                                message: "Không liên lạc được với nút cấp trên \(parentUnit)\(since)",
                                messageEN: "The parent node \(parentUnit) has not been reached\(sinceEN)"
                            )
                        )
                    }
                }
                let parked =
                    try OutboxStore.parkedCount(db)
                    + ParkedStore.count(db)
                if parked > 0 {
                    problems.append(
                        HealthProblem(
                            code: "parked_messages",
                            message: "\(parked) tin bị giữ lại tại nút này",
                            messageEN: "\(parked) messages are parked at this node"
                        )
                    )
                }
                return problems
            }
        } catch {
            return [
                HealthProblem(
                    code: "database",
                    message: "Không đọc được cơ sở dữ liệu: \(error)",
                    messageEN: "The database cannot be read: \(error)"
                )
            ]
        }
    }

    static func vietnameseTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "vi_VN")
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.dateFormat = "HH:mm dd/MM/yyyy"
        return formatter.string(from: date)
    }

    static func englishTime(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// Re-evaluates silence below this node every cycle (a node that stops reporting sends nothing
/// that could raise its alert).
package struct NodeWatch: Service {
    let local: LocalNode
    let interval: Duration

    package init(local: LocalNode, interval: Duration = .seconds(60)) {
        self.local = local
        self.interval = interval
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await local.nodesAtAGlance.refreshSilence() } catch {
                    local.logger.warning("silence evaluation failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

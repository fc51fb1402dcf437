import Alerts
import Foundation
import GRDB
import ServiceLifecycle

/// Where alerts are e-mailed, when a node is configured to: an SMTP relay and the recipients of
/// each audience (leaders for strategic alerts, officers for operational ones).
public struct AlertMail: Codable, Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable { case host, port, from, strategic, operational }

    /// The keys of the `alert_mail` section of a node's configuration.
    public static let keys = CodingKeys.allCases.map(\.rawValue)

    public var host: String
    public var port: Int
    public var from: String
    public var strategic: [String]
    public var operational: [String]

    public init(host: String, port: Int = 25, from: String, strategic: [String], operational: [String]) {
        self.host = host
        self.port = port
        self.from = from
        self.strategic = strategic
        self.operational = operational
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            host: try container.decode(String.self, forKey: .host),
            port: try container.decodeIfPresent(Int.self, forKey: .port) ?? 25,
            from: try container.decode(String.self, forKey: .from),
            strategic: try container.decodeIfPresent([String].self, forKey: .strategic) ?? [],
            operational: try container.decodeIfPresent([String].self, forKey: .operational) ?? []
        )
    }

    func recipients(_ audience: Audience) -> [String] { audience == .strategic ? strategic : operational }
}

/// E-mails each alert once when it is raised (and again if it is raised anew after clearing).
/// A failed delivery is retried on the next round; the alert stays on screen meanwhile.
package struct AlertMailer: Service {
    let local: LocalNode
    let mail: AlertMail
    var interval: Duration = .seconds(30)

    package init(local: LocalNode, mail: AlertMail, interval: Duration = .seconds(30)) {
        self.local = local
        self.mail = mail
        self.interval = interval
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await deliverPending()
                } catch {
                    local.logger.warning("alert e-mail failed; retrying later", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Sends every standing alert not yet mailed; returns how many messages went out.
    func deliverPending() async throws -> Int {
        let pending = try await local.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM alerts WHERE mailed_at IS NULL AND cleared_at IS NULL ORDER BY raised_at, id"
            ).map(AlertView.init)
        }
        let client = SMTPClient(host: mail.host, port: mail.port)
        var sent = 0
        for alert in pending {
            let recipients = mail.recipients(alert.audience)
            if !recipients.isEmpty {
                try await client.send(
                    from: mail.from,
                    to: recipients,
                    subject: "[ReportNet] \(alert.kindName): \(alert.unit)",
                    body: "\(alert.message)\n\n\(alert.messageEN)\n\nNode: \(local.node.name) · alert \(alert.id)",
                    at: local.clock.now()
                )
                sent += 1
            }
            try await local.database.pool.write { db in
                try db.execute(
                    sql: "UPDATE alerts SET mailed_at = ? WHERE id = ? AND mailed_at IS NULL",
                    arguments: [local.clock.now(), alert.id]
                )
            }
        }
        return sent
    }
}

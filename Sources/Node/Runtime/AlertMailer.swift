import Alerts
import Foundation
import GRDB
import ServiceLifecycle

/// Where alerts are e-mailed, when a node is configured to: an SMTP relay and the recipients of
/// each audience (leaders for strategic alerts, officers for operational ones).
public struct AlertMail: Codable, Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, from, strategic, operational, security, username
        case passwordFile = "password_file"
        case caFile = "ca_file"
    }

    /// The keys of the `alert_mail` section of a node's configuration.
    public static let keys = CodingKeys.allCases.map(\.rawValue)

    public var host: String
    public var port: Int
    public var from: String
    public var strategic: [String]
    public var operational: [String]
    /// STARTTLS by default: alert text leaves the node only encrypted, unless the file says `none`.
    public var security: MailSecurity
    /// AUTH PLAIN with this username and the password kept in `passwordFile` (never in the file itself).
    public var username: String?
    public var passwordFile: String?
    /// The CA certificates (PEM) the relay's certificate must chain to; the system's when absent.
    public var caFile: String?

    public init(
        host: String,
        port: Int = 25,
        from: String,
        strategic: [String],
        operational: [String],
        security: MailSecurity = .starttls,
        username: String? = nil,
        passwordFile: String? = nil,
        caFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.strategic = strategic
        self.operational = operational
        self.security = security
        self.username = username
        self.passwordFile = passwordFile
        self.caFile = caFile
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let security = try container.decodeIfPresent(MailSecurity.self, forKey: .security) ?? .starttls
        self.init(
            host: try container.decode(String.self, forKey: .host),
            port: try container.decodeIfPresent(Int.self, forKey: .port) ?? (security == .tls ? 465 : 25),
            from: try container.decode(String.self, forKey: .from),
            strategic: try container.decodeIfPresent([String].self, forKey: .strategic) ?? [],
            operational: try container.decodeIfPresent([String].self, forKey: .operational) ?? [],
            security: security,
            username: try container.decodeIfPresent(String.self, forKey: .username),
            passwordFile: try container.decodeIfPresent(String.self, forKey: .passwordFile),
            caFile: try container.decodeIfPresent(String.self, forKey: .caFile)
        )
    }

    /// The client for this relay: the password read from its file now, the trusted roots named.
    func client() throws -> SMTPClient {
        var client = SMTPClient(host: host, port: port, security: security)
        if let caFile { client.trustRoots = .file(caFile) }
        if let username, let passwordFile {
            let password = try String(contentsOfFile: passwordFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            client.credentials = (username, password)
        }
        return client
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
            try AlertStore.unmailed(db)
        }
        let client = try mail.client()
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
                try AlertStore.markMailed(alert.id, at: local.clock.now(), db)
            }
        }
        return sent
    }
}

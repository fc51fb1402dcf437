import Alerts
import Auth
import Federation
import Foundation
import Hierarchy
import TestSupport
import Testing
import Yams

@testable import Node

/// Alerts e-mailed through a real SMTP server (Python's aiosmtpd, from PyPI), read back with
/// Python's own e-mail parser: once per alert, to the recipients of its audience.
@Suite(.serialized) struct AlertMailTests {
    /// An SMTP server on a free loopback port, keeping each message as a JSON line in `file`.
    final class MailServer: @unchecked Sendable {
        let process: ChildProcess
        let file: String
        var port = 0

        /// A plain server, or (given a certificate and key) one that requires STARTTLS and, given
        /// a login, AUTH before it takes mail.
        init(certificate: String? = nil, key: String? = nil, login: (String, String)? = nil) async throws {
            file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString).jsonl").path
            _ = FileManager.default.createFile(atPath: file, contents: nil)
            let portFile = file + ".port"
            process = try ChildProcess(
                "python3",
                [
                    "-c",
                    """
                    import asyncio, email, email.policy, json, ssl, sys
                    from aiosmtpd.smtp import SMTP, AuthResult
                    out_file, cert, key, user, password = sys.argv[1:6]
                    class Keep:
                        async def handle_DATA(self, server, session, envelope):
                            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                            with open(out_file, 'a') as out:
                                out.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(message["subject"]), "date": str(message["date"].datetime) if message["date"] else None,
                                                      "body": message.get_content(), "tls": session.ssl is not None,
                                                      "login": session.login_data.decode() if isinstance(session.login_data, bytes) else session.login_data}, ensure_ascii=False) + "\\n")
                            return '250 OK'
                    def check(server, session, envelope, mechanism, auth_data):
                        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
                        return AuthResult(success=ok, auth_data=auth_data)
                    def make():
                        if not cert:
                            return SMTP(Keep(), hostname='localhost')
                        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                        context.load_cert_chain(cert, key)
                        return SMTP(Keep(), hostname='localhost', tls_context=context, require_starttls=True,
                                    authenticator=check if user else None, auth_required=bool(user))
                    async def main():
                        server = await asyncio.get_running_loop().create_server(make, '127.0.0.1', 0)
                        print(server.sockets[0].getsockname()[1], flush=True)
                        await asyncio.Event().wait()
                    asyncio.run(main())
                    """, file, certificate ?? "", key ?? "", login?.0 ?? "", login?.1 ?? "",
                ],
                environment: Python.environment,
                output: portFile,
                errors: portFile
            )
            defer { try? FileManager.default.removeItem(atPath: portFile) }
            var line = ""
            for _ in 0..<200 {
                // The port, once its line is whole.
                let text = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
                line = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if (text.hasSuffix("\n") && Int(line) != nil) || !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            guard let port = Int(line) else {
                process.kill()
                throw TestFailure("aiosmtpd did not start (pip install aiosmtpd): \(line)")
            }
            self.port = port
        }

        var messages: [[String: Any]] {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        /// Ends the server.
        func stop() {
            process.kill()
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    @Test func theNodeConfigurationNamesTheRelay() throws {
        let mail = try YAMLDecoder().decode(
            AlertMail.self,
            from: "host: mail.bacninh.gov.vn\nfrom: reportnet@bacninh.gov.vn\nstrategic: [lanhdao@bacninh.gov.vn]\n"
        )
        #expect(
            mail.port == 25 && mail.operational.isEmpty && mail.recipients(.strategic) == ["lanhdao@bacninh.gov.vn"]
        )
        #expect(throws: DecodingError.self) { try YAMLDecoder().decode(AlertMail.self, from: "port: 25\n") }
    }

    @Test func eachAlertIsMailedOnceToItsAudience() async throws {
        let server = try await MailServer()
        defer { server.stop() }
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let leader = Actor(username: "tw.approver", unit: "TW", role: .approver)
        _ = try await centre.assignedTasks.create(
            NewTask(
                title: "Số hoá hồ sơ đất đai",
                deadline: nodes.clock.today().adding(days: -3).description,
                units: ["BNI"]
            ),
            by: leader
        )
        _ = try await centre.alerts.createRule(NewAlertRule(kind: .overdue), by: leader)
        let mail = AlertMail(
            host: "127.0.0.1",
            port: server.port,
            from: "reportnet@tw.gov.vn",
            strategic: ["lanhdao@tw.gov.vn", "vanphong@tw.gov.vn"],
            operational: ["chuyenvien@tw.gov.vn"],
            security: .none
        )
        let mailer = AlertMailer(local: centre, mail: mail)
        #expect(try await mailer.deliverPending() == 1)
        #expect(try await mailer.deliverPending() == 0, "mailed once")
        let messages = server.messages
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message["to"] as? [String] == ["lanhdao@tw.gov.vn", "vanphong@tw.gov.vn"], "strategic: the leaders")
        #expect(message["from"] as? String == "reportnet@tw.gov.vn")
        #expect((message["date"] as? String)?.hasPrefix("20") == true, "an RFC 5322 date Python can read: \(message)")
        #expect(message["subject"] as? String == "[ReportNet] Quá hạn: BNI")
        #expect(
            (message["body"] as? String)?.contains("Nhiệm vụ “Số hoá hồ sơ đất đai” của đơn vị BNI đã quá hạn 3 ngày")
                == true,
            "\(message)"
        )

        // A server that refuses leaves the alert to be mailed on the next round.
        #expect(SMTPClient.isPlainAddress("a@b.vn"))
        #expect(!SMTPClient.isPlainAddress("a@b.vn>\r\nRCPT TO:<x@y.vn"))
        _ = try await centre.alerts.createRule(NewAlertRule(kind: .dueSoon, days: 5), by: leader)
        _ = try await centre.assignedTasks.create(
            NewTask(title: "Kế hoạch năm", deadline: nodes.clock.today().adding(days: 2).description, units: ["LCA"]),
            by: leader
        )
        let down = AlertMailer(
            local: centre,
            mail: AlertMail(
                host: "127.0.0.1",
                port: 1,
                from: mail.from,
                strategic: mail.strategic,
                operational: mail.operational,
                security: .none
            )
        )
        await #expect(throws: (any Error).self) { try await down.deliverPending() }
        #expect(try await mailer.deliverPending() == 1)
        #expect(server.messages.last?["to"] as? [String] == ["chuyenvien@tw.gov.vn"], "operational: the officers")
    }

    /// Regulation 02 Art. 22: alert text leaves the node encrypted. A relay that requires STARTTLS
    /// and a login takes the message; a relay that offers no TLS gets nothing (the default asks
    /// for it); a certificate the node does not trust, or a wrong password, sends nothing either.
    @Test func alertsGoOverTLSWithALogin() async throws {
        let scratch = try ScratchDirectory(prefix: "mail-tls")
        defer { scratch.remove() }
        let authority = try CertificateAuthority.makeRoot(commonName: "Mail Test Root")
        let relay = try authority.issueNodeCertificate(
            NodeCertificateRequest(
                unitCode: "TW",
                nodeName: "mail",
                dnsNames: ["localhost"],
                ipAddresses: ["127.0.0.1"]
            )
        )
        let files = (
            ca: scratch.path("ca.pem").path, certificate: scratch.path("relay.pem").path,
            key: scratch.path("relay.key.pem").path, password: scratch.path("password").path
        )
        try CredentialFiles.writeCertificate(pem: authority.certificatePEM, path: files.ca)
        try CredentialFiles.write(
            certificatePEM: relay.certificatePEM,
            privateKeyPEM: relay.privateKeyPEM,
            certificatePath: files.certificate,
            keyPath: files.key
        )
        try "s3cret-mail\n".write(toFile: files.password, atomically: true, encoding: .utf8)
        let server = try await MailServer(
            certificate: files.certificate,
            key: files.key,
            login: ("reportnet", "s3cret-mail")
        )
        defer { server.stop() }

        func mail(_ host: String, password: String? = files.password, ca: String? = files.ca) -> AlertMail {
            AlertMail(
                host: host,
                port: server.port,
                from: "reportnet@tw.gov.vn",
                strategic: ["lanhdao@tw.gov.vn"],
                operational: [],
                username: "reportnet",
                passwordFile: password,
                caFile: ca
            )
        }
        let send = { (mail: AlertMail) in
            try await mail.client().send(
                from: mail.from,
                to: mail.strategic,
                subject: "Quá hạn",
                body: "Nhiệm vụ đã quá hạn",
                at: TestDay.start
            )
        }
        for host in ["localhost", "127.0.0.1"] { try await send(mail(host)) }
        #expect(server.messages.count == 2)
        for message in server.messages {
            #expect(message["tls"] as? Bool == true, "STARTTLS before the message: \(message)")
            #expect(message["login"] as? String == "reportnet")
            #expect(
                message["body"] as? String == "Nhiệm vụ đã quá hạn\n"
                    || message["body"] as? String == "Nhiệm vụ đã quá hạn"
            )
        }

        try "wrong\n".write(toFile: scratch.path("wrong").path, atomically: true, encoding: .utf8)
        // aiosmtpd answers a failed login only after a long pause: the client's deadline ends it.
        var wrongLogin = try mail("localhost", password: scratch.path("wrong").path).client()
        wrongLogin.timeout = .seconds(3)
        let refused = await #expect(throws: (any Error).self) {
            try await wrongLogin.send(
                from: "reportnet@tw.gov.vn",
                to: ["lanhdao@tw.gov.vn"],
                subject: "x",
                body: "x",
                at: TestDay.start
            )
        }
        #expect(!"\(refused.map { "\($0)" } ?? "")".contains("wrong"), "a password never appears in an error")
        let untrusted = await #expect(throws: (any Error).self) { try await send(mail("localhost", ca: nil)) }
        #expect("\(untrusted.map { "\($0)" } ?? "")".contains("CERTIFICATE_VERIFY_FAILED"))
        #expect(server.messages.count == 2, "nothing else was delivered")

        // A relay without TLS gets nothing unless the configuration says `security: none`.
        let plain = try await MailServer()
        defer { plain.stop() }
        var unprotected = mail("127.0.0.1", password: nil)
        unprotected.port = plain.port
        unprotected.username = nil
        let noTLS = await #expect(throws: (any Error).self) { try await send(unprotected) }
        #expect("\(noTLS.map { "\($0)" } ?? "")".contains("does not offer STARTTLS"))
        #expect(plain.messages.isEmpty)
    }
}

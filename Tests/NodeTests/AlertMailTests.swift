import Alerts
import Auth
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
        let process = Process()
        let file: String
        var port = 0

        init() throws {
            file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString).jsonl").path
            _ = FileManager.default.createFile(atPath: file, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-c",
                """
                import asyncio, email, email.policy, json, sys
                from aiosmtpd.smtp import SMTP
                class Keep:
                    async def handle_DATA(self, server, session, envelope):
                        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                        with open(sys.argv[1], 'a') as out:
                            out.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(message["subject"]), "date": str(message["date"].datetime) if message["date"] else None,
                                                  "body": message.get_content()}, ensure_ascii=False) + "\\n")
                        return '250 OK'
                async def main():
                    server = await asyncio.get_running_loop().create_server(lambda: SMTP(Keep(), hostname='localhost'), '127.0.0.1', 0)
                    print(server.sockets[0].getsockname()[1], flush=True)
                    await asyncio.Event().wait()
                asyncio.run(main())
                """, file,
            ]
            let output = Pipe()
            process.standardOutput = output
            process.environment = Python.environment
            try process.run()
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines
            )
            guard let port = Int(line) else {
                process.terminate()
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

        /// Ends the server without `waitUntilExit` (which can wait forever inside a test).
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for _ in 0..<50 where process.isRunning { usleep(100_000) }
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
        let server = try MailServer()
        defer { server.stop() }
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let leader = Actor(username: "tw.approver", unit: "TW", role: .approver)
        _ = try await centre.createTask(
            NewTask(
                title: "Số hoá hồ sơ đất đai",
                deadline: nodes.clock.today().adding(days: -3).description,
                units: ["BNI"]
            ),
            by: leader
        )
        _ = try await centre.createAlertRule(NewAlertRule(kind: .overdue), by: leader)
        let mail = AlertMail(
            host: "127.0.0.1",
            port: server.port,
            from: "reportnet@tw.gov.vn",
            strategic: ["lanhdao@tw.gov.vn", "vanphong@tw.gov.vn"],
            operational: ["chuyenvien@tw.gov.vn"]
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
        _ = try await centre.createAlertRule(NewAlertRule(kind: .dueSoon, days: 5), by: leader)
        _ = try await centre.createTask(
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
                operational: mail.operational
            )
        )
        await #expect(throws: (any Error).self) { try await down.deliverPending() }
        #expect(try await mailer.deliverPending() == 1)
        #expect(server.messages.last?["to"] as? [String] == ["chuyenvien@tw.gov.vn"], "operational: the officers")
    }
}

import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// How the connection to the mail relay is protected (Regulation 02 Art. 22: encryption in transit).
public enum MailSecurity: String, Codable, Sendable, CaseIterable {
    /// Plain connection upgraded with STARTTLS (port 587 or 25); refused if the server does not offer it.
    case starttls
    /// TLS from the first byte (port 465).
    case tls
    /// No encryption: only for a relay on the node's own machine; no password is ever sent.
    case none
}

/// Sends one plain-text message to an SMTP relay (RFC 5321) on SwiftNIO, over TLS (STARTTLS or
/// implicit) with the server's certificate verified, optionally authenticating with AUTH PLAIN.
/// The body and subject are UTF-8, encoded so that any server takes them. The whole conversation
/// has a deadline: a server that stops answering is given up on.
struct SMTPClient: Sendable {
    let host: String
    let port: Int
    var security: MailSecurity = .starttls
    /// Username and password for AUTH PLAIN; sent only inside TLS.
    var credentials: (username: String, password: String)?
    /// Trusted roots for the relay's certificate: the system's, unless the configuration names a file.
    var trustRoots: NIOSSLTrustRoots = .default
    var timeout: Duration = .seconds(30)

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func send(from sender: String, to recipients: [String], subject: String, body: String, at date: Date) async throws {
        for address in [sender] + recipients where !Self.isPlainAddress(address) {
            throw Failure(description: "not a plain e-mail address: \(address)")
        }
        if credentials != nil, security == .none {
            throw Failure(description: "a password is never sent without TLS: set security to starttls or tls")
        }
        let message = Self.message(from: sender, to: recipients, subject: subject, body: body, at: date)
        let deadline = timeout
        let host = host
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await converse(from: sender, to: recipients, message: message) }
            group.addTask {
                try await Task.sleep(for: deadline)
                throw Failure(description: "the SMTP server \(host) did not finish within \(deadline)")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func tlsHandler() throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = trustRoots
        configuration.minimumTLSVersion = .tlsv12
        let context = try NIOSSLContext(configuration: configuration)
        // SNI takes names only; an address is checked against the certificate's IP entries.
        let name = host.contains(where: { $0.isLetter }) && !host.contains(":") ? host : nil
        return try NIOSSLClientHandler(context: context, serverHostname: name)
    }

    private func converse(from sender: String, to recipients: [String], message: String) async throws {
        let client = self
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if client.security == .tls {
                            try channel.pipeline.syncOperations.addHandler(try client.tlsHandler())
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "cannot connect to the SMTP server \(host):\(port): \(error)")
        }
        try await channel.executeThenClose { inbound, outbound in
            var session = Session(replies: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.expect(220, after: "connect")
            var capabilities = try await session.command("EHLO reportnet.local", expect: 250)
            if security == .starttls {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Failure(
                        description: "the SMTP server \(host):\(port) does not offer STARTTLS; "
                            + "nothing was sent (set security: none only for a relay on this machine)"
                    )
                }
                _ = try await session.command("STARTTLS", expect: 220)
                try await channel.channel.pipeline.addHandler(try tlsHandler(), position: .first).get()
                capabilities = try await session.command("EHLO reportnet.local", expect: 250)
            }
            if let credentials {
                let token = Data("\0\(credentials.username)\0\(credentials.password)".utf8).base64EncodedString()
                _ = try await session.command("AUTH PLAIN \(token)", expect: 235, shownAs: "AUTH PLAIN")
            }
            _ = try await session.command("MAIL FROM:<\(sender)>", expect: 250, shownAs: "MAIL")
            for recipient in recipients {
                _ = try await session.command("RCPT TO:<\(recipient)>", expect: 250, shownAs: "RCPT")
            }
            _ = try await session.command("DATA", expect: 354)
            try await session.write(message)
            try await session.expect(250, after: "message")
            _ = try await session.command("QUIT", expect: 221)
        }
    }

    /// The line-oriented conversation: "250-…" continues a reply, "250 …" ends it.
    private struct Session {
        var replies: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var pending: [UInt8] = []

        /// Writes; when the connection is already gone (a TLS handshake refused, say), the reason
        /// the channel closed is thrown rather than "I/O on closed channel".
        mutating func write(_ text: String) async throws {
            do {
                try await outbound.write(ByteBuffer(string: text))
            } catch {
                _ = try await replies.next()
                throw error
            }
        }

        /// Sends one command; returns the reply's lines (without their codes). `shownAs` names the
        /// step in errors without its arguments (a password never appears in a log).
        mutating func command(_ line: String, expect code: Int, shownAs: String? = nil) async throws -> [String] {
            try await write(line + "\r\n")
            return try await expect(code, after: shownAs ?? line)
        }

        @discardableResult
        mutating func expect(_ code: Int, after step: String) async throws -> [String] {
            var lines: [String] = []
            while true {
                let line = try await nextLine()
                guard line.count >= 3, let got = Int(line.prefix(3)) else {
                    throw Failure(description: "unreadable SMTP reply after \(step): \(line)")
                }
                lines.append(String(line.dropFirst(4)))
                if line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                guard got == code else { throw Failure(description: "SMTP server answered \(line) after \(step)") }
                return lines
            }
        }

        private mutating func nextLine() async throws -> String {
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(
                        in: .whitespacesAndNewlines
                    )
                    pending.removeSubrange(...end)
                    return line
                }
                guard let buffer = try await replies.next() else {
                    throw Failure(description: "the SMTP server closed the connection")
                }
                pending += buffer.readableBytesView
            }
        }
    }

    /// Headers and a base64 body (lines of 76), ending with the lone dot.
    static func message(
        from sender: String,
        to recipients: [String],
        subject: String,
        body: String,
        at instant: Date
    ) -> String {
        let encodedSubject = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let lines = Data(body.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        // RFC 5322's date: "Sun, 22 Nov 2026 12:54:20 +0000".
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let date = formatter.string(from: instant)
        return [
            "From: \(sender)", "To: \(recipients.joined(separator: ", "))", "Subject: \(encodedSubject)",
            "Date: \(date)",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
            lines, ".", "",
        ].joined(separator: "\r\n")
    }

    /// No spaces, angle brackets or line breaks: nothing that could smuggle a command.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.count <= 254
            && address.unicodeScalars.allSatisfy {
                $0.isASCII && $0.value > 32 && !"<>()[]\\,;:\"".unicodeScalars.contains($0)
            }
    }
}

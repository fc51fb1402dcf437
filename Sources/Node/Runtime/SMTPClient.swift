import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Sends one plain-text message to an SMTP server (RFC 5321), without TLS or authentication: a
/// relay on the node's own network (the post office of the agency). The body and subject are
/// UTF-8, encoded so that any server takes them. The conversation is short and blocking, so it
/// runs on NIO's thread pool, with a timeout on every read and write.
struct SMTPClient: Sendable {
    let host: String
    let port: Int
    /// The longest one read or write may wait: a server that stops answering is given up on.
    var timeoutSeconds = 15

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func send(from sender: String, to recipients: [String], subject: String, body: String, at date: Date) async throws {
        for address in [sender] + recipients where !Self.isPlainAddress(address) {
            throw Failure(description: "not a plain e-mail address: \(address)")
        }
        let client = self
        try await NIOThreadPool.singleton.runIfActive {
            try client.converse(from: sender, to: recipients, subject: subject, body: body, at: date)
        }
    }

    private func converse(
        from sender: String,
        to recipients: [String],
        subject: String,
        body: String,
        at date: Date
    ) throws {
        let connection = try Connection(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { connection.close() }
        try connection.expect(220, after: "connect")
        try connection.command("EHLO reportnet.local", expect: 250)
        try connection.command("MAIL FROM:<\(sender)>", expect: 250)
        for recipient in recipients { try connection.command("RCPT TO:<\(recipient)>", expect: 250) }
        try connection.command("DATA", expect: 354)
        try connection.write(Self.message(from: sender, to: recipients, subject: subject, body: body, at: date))
        try connection.expect(250, after: "message")
        try connection.command("QUIT", expect: 221)
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

    /// One TCP connection with line-oriented replies ("250-…" continues a reply, "250 …" ends it).
    private final class Connection {
        let socket: Int32
        var pending: [UInt8] = []

        init(host: String, port: Int, timeoutSeconds: Int) throws {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &found) == 0, let address = found else {
                throw Failure(description: "cannot resolve \(host)")
            }
            defer { freeaddrinfo(found) }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            // Every address the name resolves to, in order (e.g. "localhost" as ::1, then 127.0.0.1).
            var candidate: UnsafeMutablePointer<addrinfo>? = address
            while let current = candidate {
                let descriptor = Glibc.socket(
                    current.pointee.ai_family,
                    current.pointee.ai_socktype,
                    current.pointee.ai_protocol
                )
                if descriptor >= 0 {
                    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    if connect(descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                        socket = descriptor
                        return
                    }
                    Glibc.close(descriptor)
                }
                candidate = current.pointee.ai_next
            }
            throw Failure(description: "cannot connect to the SMTP server \(host):\(port)")
        }

        func close() { Glibc.close(socket) }

        func write(_ text: String) throws {
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let sent = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { throw Failure(description: "the SMTP server stopped reading") }
                bytes = bytes.dropFirst(sent)
            }
        }

        func command(_ line: String, expect code: Int) throws {
            try write(line + "\r\n")
            try expect(code, after: line.hasPrefix("RCPT") || line.hasPrefix("MAIL") ? String(line.prefix(4)) : line)
        }

        func expect(_ code: Int, after step: String) throws {
            while true {
                let line = try nextLine()
                guard line.count >= 3, let got = Int(line.prefix(3)) else {
                    throw Failure(description: "unreadable SMTP reply after \(step): \(line)")
                }
                if line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                guard got == code else { throw Failure(description: "SMTP server answered \(line) after \(step)") }
                return
            }
        }

        private func nextLine() throws -> String {
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(
                        in: .whitespacesAndNewlines
                    )
                    pending.removeSubrange(...end)
                    return line
                }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else {
                    throw Failure(
                        description: count == 0
                            ? "the SMTP server closed the connection" : "the SMTP server did not answer in time"
                    )
                }
                pending += buffer[..<count]
            }
        }
    }
}

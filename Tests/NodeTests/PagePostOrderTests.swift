import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue L: a page post with files is judged before its files are read. Without a session it
/// goes to the login before a byte of its body is read; with a forged CSRF token it is refused
/// once the fields before the first file are in, not after up to 20 MiB were buffered.
@Suite struct PagePostOrderTests {
    /// A body sent in chunks, counting the bytes the server has taken of it.
    struct CountedBody: AsyncSequence, Sendable {
        let chunks: [ByteBuffer]
        let taken: Taken

        /// The bytes taken so far.
        final class Taken: Sendable {
            let bytes = Mutex(0)
            var count: Int { bytes.withLock { $0 } }
        }

        struct AsyncIterator: AsyncIteratorProtocol {
            var rest: ArraySlice<ByteBuffer>
            let taken: Taken

            mutating func next() async -> ByteBuffer? {
                guard let chunk = rest.popFirst() else { return nil }
                taken.bytes.withLock { $0 += chunk.readableBytes }
                return chunk
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: chunks[...], taken: taken) }
    }

    @Test func aPostIsJudgedBeforeItsFilesAreRead() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let local = try nodes.open("kinh-bac", loginDelay: .milliseconds(1))
        let password = "Mat-khau-rat-dai-2026"
        try await local.accounts.seed(
            username: "bni-kb.nhaplieu",
            fullName: "Nguyễn Văn An",
            unit: "BNI-KB",
            role: .dataEntry,
            password: password
        )
        let (grant, token) = try await local.sessions.login(
            identifier: "bni-kb.nhaplieu",
            password: password,
            browser: true,
            source: "10.0.0.1"
        )
        #expect(grant.next == nil)
        let csrf = try #require(try await local.sessions.session(forToken: token)?.record.csrfToken)
        let responder = NodeServer.webRouter(local).buildResponder()
        let channel = EmbeddedChannel()

        func send(cookie: String?, csrf: String) async throws -> (status: HTTPResponse.Status, taken: Int, of: Int) {
            let body = PageFormTests.body(
                fieldsBefore: [("_csrf", csrf), ("message", "Kính trình")],
                files: [Data(count: 2 * 1_048_576)],
                fieldsAfter: []
            )
            var chunks: [ByteBuffer] = []
            var offset = 0
            while offset < body.readableBytes {
                let length = min(65_536, body.readableBytes - offset)
                chunks.append(body.getSlice(at: offset, length: length)!)
                offset += length
            }
            let taken = CountedBody.Taken()
            var fields: HTTPFields = [.contentType: "multipart/form-data; boundary=\(PageFormTests.boundary)"]
            if let cookie { fields[.cookie] = "\(Request.sessionCookie)=\(cookie)" }
            let request = Request(
                head: HTTPRequest(
                    method: .post,
                    scheme: "https",
                    authority: "kinh-bac",
                    path: "/app/reports/R1/evidence",
                    headerFields: fields
                ),
                body: RequestBody(asyncSequence: CountedBody(chunks: chunks, taken: taken))
            )
            let context = NodeRequestContext(
                source: ApplicationRequestContextSource(channel: channel, logger: Logger(label: "test"))
            )
            let response = try await responder.respond(to: request, context: context)
            return (response.status, taken.count, body.readableBytes)
        }

        let anonymous = try await send(cookie: nil, csrf: csrf)
        #expect(anonymous.status == .seeOther, "to the login")
        #expect(anonymous.taken == 0, "no byte of the body is read without a session")

        let forged = try await send(cookie: token, csrf: "gia-mao")
        #expect(forged.status == .forbidden)
        #expect(forged.taken <= 2 * 65_536, "refused at the file's headers, not after \(forged.taken) bytes")

        // With the session's token the whole post is read, and the step judged (no report R1).
        let honest = try await send(cookie: token, csrf: csrf)
        #expect(honest.taken == honest.of)
        #expect(honest.status == .notFound)
    }
}

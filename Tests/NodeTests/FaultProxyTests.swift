import FaultProxy
import Foundation
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fault proxy does what it says to bytes on a real socket, in front of a real echo server.
@Suite struct FaultProxyTests {
    /// Echoes every byte back.
    final class Echo: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(data, promise: nil)
        }
    }

    static func echoServer() async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.pipeline.addHandler(Echo()) }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// What a plain blocking client sees: the bytes read before EOF, a reset, or the timeout.
    struct Outcome {
        var received = 0
        var reset = false
        var closed = false
        var timedOut = false
    }

    /// Connects to `port`, sends `bytes`, and reads until EOF, an error or `timeout`.
    static func exchange(port: Int, bytes: Int, timeout: Double = 1) async -> Outcome {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var outcome = Outcome()
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(descriptor) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                var wait = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                guard connected == 0 else {
                    outcome.reset = true
                    continuation.resume(returning: outcome)
                    return
                }
                let payload = [UInt8](repeating: 0x41, count: bytes)
                _ = payload.withUnsafeBytes { send(descriptor, $0.baseAddress, bytes, Int32(MSG_NOSIGNAL)) }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while outcome.received < bytes {
                    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if count > 0 {
                        outcome.received += count
                        continue
                    }
                    if count == 0 {
                        outcome.closed = true
                    } else if errno == ECONNRESET {
                        outcome.reset = true
                    } else {
                        outcome.timedOut = true
                    }
                    break
                }
                continuation.resume(returning: outcome)
            }
        }
    }

    @Test func eachFaultDoesWhatItSays() async throws {
        let echo = try await Self.echoServer()
        let upstream = echo.localAddress!.port!
        let proxy = try await FaultProxy.start(upstreamPort: upstream, seed: 11)

        let healthy = await Self.exchange(port: proxy.port, bytes: 1_000)
        #expect(healthy.received == 1_000 && !healthy.reset, "a healthy link passes every byte")

        proxy.setMode(.schedule([.cut(afterBytes: 300)]))
        let cut = await Self.exchange(port: proxy.port, bytes: 1_000)
        #expect(cut.received <= 300 && cut.closed, "cut mid-stream: \(cut)")

        proxy.setMode(.schedule([.reset(afterBytes: 0)]))
        let reset = await Self.exchange(port: proxy.port, bytes: 1_000)
        #expect(reset.received == 0 && (reset.reset || reset.closed), "reset: \(reset)")

        proxy.setMode(.schedule([.refuse]))
        let refused = await Self.exchange(port: proxy.port, bytes: 10)
        #expect(refused.received == 0 && !refused.timedOut, "refused at once: \(refused)")

        proxy.setMode(.schedule([.blackHole]))
        let hole = await Self.exchange(port: proxy.port, bytes: 10, timeout: 0.5)
        #expect(hole.received == 0 && hole.timedOut, "a black hole neither answers nor closes: \(hole)")

        proxy.setMode(.schedule([.delay(milliseconds: 300)]))
        let started = ContinuousClock.now
        let delayed = await Self.exchange(port: proxy.port, bytes: 100, timeout: 3)
        #expect(delayed.received == 100, "\(delayed)")
        #expect(ContinuousClock.now - started >= .milliseconds(600), "delayed both ways")

        // A link-wide outage also swallows what an open connection sends; healing resets it.
        proxy.heal()
        let counters = proxy.counters
        #expect(
            counters.faults["cut"] == 1 && counters.faults["reset"] == 1 && counters.faults["refuse"] == 1
                && counters.faults["black-hole"] == 1 && counters.faults["delay"] == 1,
            "\(counters)"
        )
        #expect(counters.connections == 6)
        try await proxy.stop()
        try await echo.close()
    }
}

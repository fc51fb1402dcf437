import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on loopback that stands between a child node and its parent's federation listener
/// and injects faults: delays, refused connections, resets and cuts mid-stream, black holes. It
/// never reads what passes (TLS goes through untouched), so both nodes still prove who they are.
///
/// New connections get what the `FaultPlan` decides; `outage`, `sever` and `heal` act on the link
/// as a whole, including connections already open (HTTP/2 keeps one for a long time).
public final class FaultProxy: Sendable {
    /// What the proxy has done so far.
    public struct Counters: Sendable, CustomStringConvertible {
        public var connections = 0
        /// Faults injected, by name (`delay`, `refuse`, `reset`, `cut`, `black-hole`, `sever`).
        public var faults: [String: Int] = [:]
        public var bytesForwarded = 0
        public var bytesSwallowed = 0

        public var totalFaults: Int { faults.values.reduce(0, +) }

        public var description: String {
            "\(connections) connections, \(totalFaults) faults (\(faults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), \(bytesForwarded) B forwarded, \(bytesSwallowed) B swallowed"
        }
    }

    struct State {
        var plan: FaultPlan
        var counters = Counters()
        /// Set while the whole link swallows bytes, also on open connections.
        var blackHoled = false
        var upstream: (host: String, port: Int)
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    public let seed: UInt64
    public let host: String
    public let port: Int
    private let server: any Channel
    private let box: StateBox

    /// Starts listening on `host` (a free port) and forwarding to `upstream`.
    public static func start(
        upstreamHost: String = "127.0.0.1",
        upstreamPort: Int,
        host: String = "127.0.0.1",
        seed: UInt64,
        mode: FaultPlan.Mode = .healthy,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> FaultProxy {
        let box = StateBox(
            state: State(plan: FaultPlan(mode: mode, seed: seed), upstream: (upstreamHost, upstreamPort))
        )
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                box.accept(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: host, port: 0).get()
        return FaultProxy(seed: seed, host: host, port: server.localAddress?.port ?? 0, server: server, box: box)
    }

    private init(seed: UInt64, host: String, port: Int, server: any Channel, box: StateBox) {
        self.seed = seed
        self.host = host
        self.port = port
        self.server = server
        self.box = box
    }

    /// `host:port` to dial instead of the upstream.
    public var address: String { "\(host):\(port)" }

    public var counters: Counters { box.state.withLock { $0.counters } }

    /// Decides the fault of each new connection from now on.
    public func setMode(_ mode: FaultPlan.Mode) {
        box.state.withLock { $0.plan.mode = mode }
    }

    /// Points the proxy at another upstream (a parent restarted on another port); open connections stay.
    public func setUpstream(host: String = "127.0.0.1", port: Int) {
        box.state.withLock { $0.upstream = (host, port) }
    }

    /// The link goes down: open connections swallow every byte from now on, and new ones get `fault`.
    public func outage(_ fault: Fault = .blackHole) {
        box.state.withLock { state in
            state.blackHoled = fault == .blackHole
            state.plan.mode = .outage(fault)
            state.counters.faults[fault.name, default: 0] += 1
        }
        if fault != .blackHole { sever(reset: true, counted: false) }
    }

    /// Ends every open connection, with a reset (RST) or a clean close; new connections are unaffected.
    public func sever(reset: Bool = true) {
        sever(reset: reset, counted: true)
    }

    private func sever(reset: Bool, counted: Bool) {
        let open = box.state.withLock { state in
            if counted { state.counters.faults["sever", default: 0] += 1 }
            return Array(state.open.values)
        }
        for channel in open { Self.end(channel, reset: reset) }
    }

    /// The link comes back: no more faults, and connections opened during the trouble are reset
    /// (their streams lost bytes), so both ends start afresh.
    public func heal() {
        let open = box.state.withLock { state in
            let wasBlackHoled = state.blackHoled
            state.blackHoled = false
            state.plan.mode = .healthy
            return wasBlackHoled ? Array(state.open.values) : []
        }
        for channel in open { Self.end(channel, reset: true) }
    }

    public func stop() async throws {
        sever(reset: true, counted: false)
        try await server.close()
    }

    static func end(_ channel: any Channel, reset: Bool) {
        if reset {
            // SO_LINGER with a zero timeout turns close into a TCP reset.
            channel.eventLoop.execute {
                if let socket = channel as? any SocketOptionProvider {
                    _ = socket.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                }
                channel.close(promise: nil)
            }
        } else {
            channel.close(promise: nil)
        }
    }
}

/// The shared state as the NIO side sees it.
final class StateBox: Sendable {
    let state: Mutex<FaultProxy.State>

    init(state: FaultProxy.State) { self.state = Mutex(state) }

    func accept(_ downstream: any Channel) {
        let (fault, upstream) = state.withLock { state -> (Fault?, (host: String, port: Int)) in
            state.counters.connections += 1
            let fault = state.plan.nextConnection()
            if let fault { state.counters.faults[fault.name, default: 0] += 1 }
            return (fault, state.upstream)
        }
        track(downstream)
        switch fault {
        case .refuse:
            FaultProxy.end(downstream, reset: true)
            return
        case .blackHole:
            try? downstream.pipeline.syncOperations.addHandler(Relay(box: self, fault: .blackHole, partner: nil))
            return
        default:
            break
        }
        // The relay is in place before the first byte can arrive; it holds bytes until the
        // upstream connection is open.
        let budget = Budget(fault: fault)
        let relay = Relay(box: self, fault: fault, partner: nil, budget: budget)
        do {
            try downstream.pipeline.syncOperations.addHandler(relay)
        } catch {
            FaultProxy.end(downstream, reset: true)
            return
        }
        let bound = NIOLoopBound((relay, budget), eventLoop: downstream.eventLoop)
        let box = self
        ClientBootstrap(group: downstream.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: upstream.host, port: upstream.port)
            .whenComplete { result in
                switch result {
                case .failure:
                    FaultProxy.end(downstream, reset: true)
                case .success(let up):
                    box.track(up)
                    let (relay, budget) = bound.value
                    do {
                        try up.pipeline.syncOperations.addHandler(
                            Relay(box: box, fault: fault, partner: downstream, budget: budget)
                        )
                        relay.attach(up)
                    } catch {
                        FaultProxy.end(downstream, reset: true)
                        FaultProxy.end(up, reset: true)
                    }
                }
            }
    }

    func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        state.withLock { $0.open[key] = channel }
        let box = self
        channel.closeFuture.whenComplete { _ in
            _ = box.state.withLock { $0.open.removeValue(forKey: key) }
        }
    }
}

/// Bytes both directions of one connection may still carry before a cut or reset.
final class Budget {
    var remaining: Int?

    init(fault: Fault?) {
        switch fault {
        case .reset(let bytes), .cut(let bytes): remaining = bytes
        default: remaining = nil
        }
    }
}

/// Forwards what one side reads to the other, applying the connection's fault. Both sides of a
/// connection run on the same event loop, so `Budget` and the pending bytes need no lock.
final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let box: StateBox
    let fault: Fault?
    private(set) var partner: (any Channel)?
    let budget: Budget?
    private var own: (any Channel)?
    /// Bytes read before the upstream connection was open.
    private var pending: [ByteBuffer] = []
    private var ownClosed = false

    init(box: StateBox, fault: Fault?, partner: (any Channel)?, budget: Budget? = nil) {
        self.box = box
        self.fault = fault
        self.partner = partner
        self.budget = budget
    }

    func handlerAdded(context: ChannelHandlerContext) {
        own = context.channel
    }

    /// The upstream connection is open: what waited goes first.
    func attach(_ partner: any Channel) {
        self.partner = partner
        let waiting = pending
        pending = []
        for buffer in waiting { relay(buffer) }
        if ownClosed { partner.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        relay(unwrapInboundIn(data))
    }

    private func relay(_ incoming: ByteBuffer) {
        var buffer = incoming
        let swallow = fault == .blackHole || box.state.withLock { $0.blackHoled }
        if swallow {
            let count = buffer.readableBytes
            box.state.withLock { $0.counters.bytesSwallowed += count }
            return
        }
        guard let partner, let own else {
            pending.append(buffer)
            return
        }
        var endAfter = false
        if let budget, let remaining = budget.remaining {
            if buffer.readableBytes >= remaining {
                buffer = buffer.getSlice(at: buffer.readerIndex, length: remaining) ?? buffer
                endAfter = true
                budget.remaining = 0
            } else {
                budget.remaining = remaining - buffer.readableBytes
            }
        }
        let count = buffer.readableBytes
        box.state.withLock { $0.counters.bytesForwarded += count }
        let reset: Bool = if case .reset = fault { true } else { false }
        let out = buffer
        let forward = {
            if count > 0 { partner.writeAndFlush(out, promise: nil) }
            if endAfter {
                FaultProxy.end(partner, reset: reset)
                FaultProxy.end(own, reset: reset)
            }
        }
        if case .delay(let milliseconds) = fault {
            own.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) { forward() }
        } else {
            forward()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        ownClosed = true
        if let partner {
            // Let delayed bytes go first, then close the other side too.
            if case .delay(let milliseconds) = fault {
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds) + 1)) {
                    partner.close(promise: nil)
                }
            } else {
                partner.close(promise: nil)
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

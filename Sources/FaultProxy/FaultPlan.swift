/// What the proxy does to one connection (or, in an outage, to every connection).
public enum Fault: Sendable, Hashable, CustomStringConvertible {
    /// Every chunk, both ways, waits this long before it is forwarded.
    case delay(milliseconds: Int)
    /// The connection is accepted and closed at once, before any byte passes.
    case refuse
    /// After this many bytes (both ways together) the connection is reset (TCP RST) on both sides.
    case reset(afterBytes: Int)
    /// After this many bytes the connection is closed cleanly on both sides, mid-stream.
    case cut(afterBytes: Int)
    /// Bytes are accepted and swallowed; nothing is answered, nothing is closed.
    case blackHole

    public var name: String {
        switch self {
        case .delay: "delay"
        case .refuse: "refuse"
        case .reset: "reset"
        case .cut: "cut"
        case .blackHole: "black-hole"
        }
    }

    public var description: String {
        switch self {
        case .delay(let ms): "delay \(ms) ms"
        case .refuse: "refuse"
        case .reset(let bytes): "reset after \(bytes) B"
        case .cut(let bytes): "cut after \(bytes) B"
        case .blackHole: "black hole"
        }
    }
}

/// SplitMix64: a small, fast generator whose whole output follows from its seed, so a failing
/// run can be replayed from the seed it printed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Which fault each new connection gets: none, a fixed list in turn, or a random draw from a
/// seed. Pure: the n-th decision depends only on the plan and the seed.
public struct FaultPlan: Sendable {
    public enum Mode: Sendable {
        /// Every connection passes untouched.
        case healthy
        /// Connection n gets `faults[n % count]` (nil entries pass untouched).
        case schedule([Fault?])
        /// Each connection gets a fault with probability `rate`, drawn from the seed.
        case random(rate: Double)
        /// Every connection gets this fault: a link that is down.
        case outage(Fault)
    }

    public var mode: Mode
    private var generator: SeededGenerator
    private var connections = 0

    public init(mode: Mode = .healthy, seed: UInt64) {
        self.mode = mode
        self.generator = SeededGenerator(seed: seed)
    }

    /// The fault for the next connection, or nil to let it pass.
    public mutating func nextConnection() -> Fault? {
        defer { connections += 1 }
        switch mode {
        case .healthy:
            return nil
        case .schedule(let faults):
            return faults.isEmpty ? nil : faults[connections % faults.count]
        case .random(let rate):
            return Double.random(in: 0..<1, using: &generator) < rate ? Self.randomFault(using: &generator) : nil
        case .outage(let fault):
            return fault
        }
    }

    /// A fault with random parameters: the byte counts fall inside a TLS handshake or the first
    /// requests, where a cut hurts most.
    public static func randomFault(using generator: inout SeededGenerator) -> Fault {
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: .delay(milliseconds: Int.random(in: 20...400, using: &generator))
        case 1: .refuse
        case 2: .reset(afterBytes: Int.random(in: 0...8_000, using: &generator))
        case 3: .cut(afterBytes: Int.random(in: 0...8_000, using: &generator))
        default: .blackHole
        }
    }
}

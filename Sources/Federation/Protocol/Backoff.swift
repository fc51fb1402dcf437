/// Retry delays for an unreachable peer: exponential, capped, with full jitter so that many
/// communes coming back at once do not knock together; reset by any successful contact.
public struct Backoff: Sendable {
    public let base: Duration
    public let cap: Duration
    public private(set) var failures = 0

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(60)) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling of the next delay: base × 2^failures, at most `cap`.
    public var ceiling: Duration {
        let factor = 1 << min(failures, 30)
        let grown = base * factor
        return grown > cap ? cap : grown
    }

    /// Records a failure and returns how long to wait: uniformly random in [0, ceiling].
    public mutating func fail<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let ceiling = self.ceiling
        failures += 1
        let ceilingNanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(ceilingNanos, 1), using: &generator))
    }

    public mutating func fail() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return fail(using: &generator)
    }

    public mutating func succeed() {
        failures = 0
    }
}

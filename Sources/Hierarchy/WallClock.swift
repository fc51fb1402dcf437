import Foundation
import Synchronization

/// Where a node reads the time of day. Injected into every service, so that what depends on the
/// date (deadlines, "held" or "not held yet", sessions, audit entries) is decided by one clock a
/// test or tool can pin, never by whatever day the machine happens to be on.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

extension WallClock {
    /// Today in Vietnam, where deadlines are set.
    public func today() -> CalendarDate { CalendarDate(now()) }
}

/// The operating system's clock: what a deployed node runs on.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that starts at a chosen instant and then advances with the machine's monotonic time,
/// and can be moved forward: tests fix the date (so that they pass on any day) while timeouts,
/// sessions and one-time codes still see time pass.
public final class AnchoredClock: WallClock {
    private let origin = ContinuousClock.now
    private let start: Date
    private let offset = Mutex<TimeInterval>(0)

    public init(startingAt start: Date) {
        self.start = start
    }

    public func now() -> Date {
        let elapsed = origin.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return start.addingTimeInterval(seconds + offset.withLock { $0 })
    }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        offset.withLock { $0 += interval }
    }
}

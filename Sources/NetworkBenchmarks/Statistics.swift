import Foundation

/// Order statistics over repeated measurements: the machine is shared and noisy, so figures are
/// medians and tails of several runs, never one run.
public struct Sample: Sendable {
    public private(set) var values: [Double]

    public init(_ values: [Double] = []) {
        self.values = values
    }

    public mutating func add(_ value: Double) { values.append(value) }

    /// The value below which `fraction` of the sample lies (nearest rank); 0 for an empty sample.
    public func percentile(_ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    public var median: Double { percentile(0.5) }
    public var p99: Double { percentile(0.99) }
    public var minimum: Double { values.min() ?? 0 }
    public var maximum: Double { values.max() ?? 0 }
}

/// Seconds elapsed since a start, on the monotonic clock.
struct Stopwatch {
    private let start = ContinuousClock.now

    var seconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A plain text table of results, printed to standard output.
public struct ResultTable: Sendable, CustomStringConvertible {
    public let title: String
    public private(set) var rows: [(String, String)] = []

    public init(_ title: String) {
        self.title = title
    }

    public mutating func add(_ name: String, _ value: String) { rows.append((name, value)) }

    public var description: String {
        let width = rows.map(\.0.count).max() ?? 0
        var text = "\n## \(title)\n"
        for (name, value) in rows {
            text += "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n"
        }
        return text
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

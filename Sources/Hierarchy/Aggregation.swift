/// How a numeric answer combines across units or months (sum up the tree, average a rate...).
public enum Aggregation: String, Codable, Sendable, CaseIterable {
    case sum
    case average
    case min
    case max
    /// The most recent value in period order (e.g. a stock figure at the end of a quarter).
    case last
    /// Not combined: shown per unit only.
    case none

    /// Combines values given in order (period order for `last`); nil when there is nothing to combine.
    /// Non-finite inputs are skipped and a non-finite result is nil, so a total is always a number.
    public func combine(_ values: [Double]) -> Double? {
        let values = values.filter(\.isFinite)
        guard !values.isEmpty else { return nil }
        let result: Double?
        switch self {
        case .sum: result = values.reduce(0, +)
        case .average: result = values.reduce(0, +) / Double(values.count)
        case .min: result = values.min()
        case .max: result = values.max()
        case .last: result = values.last
        case .none: result = nil
        }
        return result.flatMap { $0.isFinite ? $0 : nil }
    }
}

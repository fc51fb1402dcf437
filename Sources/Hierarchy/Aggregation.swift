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
    public func combine(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        switch self {
        case .sum: return values.reduce(0, +)
        case .average: return values.reduce(0, +) / Double(values.count)
        case .min: return values.min()
        case .max: return values.max()
        case .last: return values.last
        case .none: return nil
        }
    }
}

import Hierarchy

/// Numeric answers of a form across its periods (Regulation 02 Art. 13: trends, comparison
/// between periods): one series per numeric question, each point with its change from the
/// previous period that had a value.
public struct Trend: Sendable, Hashable, Codable {
    public struct Point: Sendable, Hashable, Codable {
        public let period: String
        public let reports: Int
        public let value: Double?
        /// Value minus the previous valued point's; nil for the first or when either is missing.
        public let change: Double?
        /// The change as a percentage of the previous value (one decimal); nil when that is 0 or missing.
        public let changePercent: Double?
    }

    public struct Series: Sendable, Hashable, Codable {
        public let question: String
        public let text: String
        public let aggregation: Aggregation
        public let points: [Point]
    }

    public let periods: [String]
    public let series: [Series]

    /// `aggregates` may come in any order; points are in period order.
    public init(form: Form, aggregates: [(period: Period, aggregate: AggregatedAnswers)]) {
        let ordered = aggregates.sorted { $0.period < $1.period }
        periods = ordered.map(\.period.description)
        series = form.questions.filter(\.kind.isNumeric).map { question in
            var points: [Point] = []
            var previous: Double?
            for (period, aggregate) in ordered {
                let item = aggregate.items.first { $0.question == question.id }
                let value = item?.value
                var change: Double?
                var percent: Double?
                if let value, let previous {
                    change = value - previous
                    if previous != 0 { percent = ((value - previous) / abs(previous) * 1000).rounded() / 10 }
                }
                points.append(
                    Point(
                        period: period.description,
                        reports: aggregate.reports,
                        value: value,
                        change: change,
                        changePercent: percent
                    )
                )
                if let value { previous = value }
            }
            return Series(question: question.id, text: question.text, aggregation: question.aggregation, points: points)
        }
    }
}

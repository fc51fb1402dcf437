/// Where one expected unit's report stands, as far as this node knows, with the day (Vietnam
/// time) it was approved.
public struct UnitReportStatus: Sendable, Hashable {
    public let submitted: Bool
    public let approved: Bool
    public let approvedOn: CalendarDate?

    public init(submitted: Bool, approved: Bool, approvedOn: CalendarDate? = nil) {
        self.submitted = submitted || approved
        self.approved = approved
        self.approvedOn = approved ? approvedOn : nil
    }
}

/// Expected units and how far they got, approved on time included. Only expected units are
/// counted, so no percentage can pass 100.
public struct ProgressFigures: Sendable, Hashable, Codable {
    public private(set) var expected = 0
    public private(set) var submitted = 0
    public private(set) var approved = 0
    /// Approved on or before the assignment's deadline.
    public private(set) var approvedOnTime = 0

    public init() {}

    /// Counts as kept, added up as each report moved them.
    public init(expected: Int, submitted: Int, approved: Int, approvedOnTime: Int) {
        self.expected = expected
        self.submitted = submitted
        self.approved = approved
        self.approvedOnTime = approvedOnTime
    }

    /// What one expected unit counts for, its report standing as `status`.
    public init(unit status: UnitReportStatus?, deadline: CalendarDate) {
        add(status, deadline: deadline)
    }

    /// Counts `units` (the expected ones) against `reports`, by `deadline`.
    public init(units: some Sequence<ExpectedUnit>, reports: [String: UnitReportStatus], deadline: CalendarDate) {
        for unit in units { add(reports[unit.code], deadline: deadline) }
    }

    mutating func add(_ status: UnitReportStatus?, deadline: CalendarDate) {
        expected += 1
        guard let status else { return }
        if status.submitted { submitted += 1 }
        if status.approved {
            approved += 1
            if let day = status.approvedOn, day <= deadline { approvedOnTime += 1 }
        }
    }

    public mutating func add(_ other: ProgressFigures) {
        expected += other.expected
        submitted += other.submitted
        approved += other.approved
        approvedOnTime += other.approvedOnTime
    }

    /// Percentage with one decimal, 0 when nothing is expected.
    public var submittedPercent: Double { Self.percent(submitted, of: expected) }
    public var approvedPercent: Double { Self.percent(approved, of: expected) }
    public var approvedOnTimePercent: Double { Self.percent(approvedOnTime, of: expected) }

    static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        return (Double(min(part, whole)) * 1000 / Double(whole)).rounded() / 10
    }

    enum CodingKeys: String, CodingKey {
        case expected, submitted, approved, approvedOnTime, submittedPercent, approvedPercent, approvedOnTimePercent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(expected, forKey: .expected)
        try container.encode(submitted, forKey: .submitted)
        try container.encode(approved, forKey: .approved)
        try container.encode(approvedOnTime, forKey: .approvedOnTime)
        try container.encode(submittedPercent, forKey: .submittedPercent)
        try container.encode(approvedPercent, forKey: .approvedPercent)
        try container.encode(approvedOnTimePercent, forKey: .approvedOnTimePercent)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        expected = try container.decode(Int.self, forKey: .expected)
        submitted = try container.decode(Int.self, forKey: .submitted)
        approved = try container.decode(Int.self, forKey: .approved)
        approvedOnTime = try container.decode(Int.self, forKey: .approvedOnTime)
    }
}

/// Progress of a unit's subtree for one assignment, in total, per level below it and per child,
/// computed from the units the assignment expected (placed where they stood then) — never from
/// today's tree alone — and the reports held now.
public struct SubtreeFigures: Sendable, Hashable, Codable {
    public struct LevelRow: Sendable, Hashable, Codable {
        public let level: Level
        public let figures: ProgressFigures
    }

    public struct ChildRow: Sendable, Hashable, Codable {
        public let unit: String
        public let name: String
        public let figures: ProgressFigures
    }

    public let unit: String
    public let deadline: CalendarDate
    public let total: ProgressFigures
    public let levels: [LevelRow]
    public let children: [ChildRow]

    /// Counts every expected unit strictly below `unit`. Children are today's children of `unit`
    /// plus any child an expected unit was placed under then (a unit since merged away).
    public init(
        tree: UnitTree,
        unit: String,
        expectation: Expectation,
        reports: [String: UnitReportStatus],
        deadline: CalendarDate
    ) {
        var perLevel: [Level: ProgressFigures] = [:]
        var perChild: [String: ProgressFigures] = [:]
        for child in tree.children(of: unit) { perChild[child.code] = ProgressFigures() }
        var total = ProgressFigures()
        for expected in expectation.expected {
            guard let child = expected.child(below: unit) else { continue }
            let status = reports[expected.code]
            perChild[child, default: ProgressFigures()].add(status, deadline: deadline)
            perLevel[expected.level, default: ProgressFigures()].add(status, deadline: deadline)
            total.add(status, deadline: deadline)
        }
        self.unit = unit
        self.deadline = deadline
        self.total = total
        self.levels = perLevel.keys.sorted().map { LevelRow(level: $0, figures: perLevel[$0]!) }
        self.children = perChild.keys.sorted().map {
            ChildRow(unit: $0, name: tree[$0]?.name ?? $0, figures: perChild[$0]!)
        }
    }

    /// The same figures from counts kept per child and level (`kept`: each expected unit strictly
    /// below `unit`, counted under the child it was placed under and its level then).
    public init(
        tree: UnitTree,
        unit: String,
        deadline: CalendarDate,
        kept: [(child: String, level: Level, figures: ProgressFigures)]
    ) {
        var perLevel: [Level: ProgressFigures] = [:]
        var perChild: [String: ProgressFigures] = [:]
        for child in tree.children(of: unit) { perChild[child.code] = ProgressFigures() }
        var total = ProgressFigures()
        for row in kept {
            perChild[row.child, default: ProgressFigures()].add(row.figures)
            perLevel[row.level, default: ProgressFigures()].add(row.figures)
            total.add(row.figures)
        }
        self.unit = unit
        self.deadline = deadline
        self.total = total
        self.levels = perLevel.keys.sorted().map { LevelRow(level: $0, figures: perLevel[$0]!) }
        self.children = perChild.keys.sorted().map {
            ChildRow(unit: $0, name: tree[$0]?.name ?? $0, figures: perChild[$0]!)
        }
    }

    enum CodingKeys: String, CodingKey { case unit, deadline, total, levels, children }

    /// The deadline as `2026-11-25`, like every other date-only value of the API.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(deadline.description, forKey: .deadline)
        try container.encode(total, forKey: .total)
        try container.encode(levels, forKey: .levels)
        try container.encode(children, forKey: .children)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let day = try container.decode(String.self, forKey: .deadline)
        guard let deadline = CalendarDate(day) else {
            throw DecodingError.dataCorruptedError(
                forKey: .deadline,
                in: container,
                debugDescription: "not a date like 2026-11-25"
            )
        }
        unit = try container.decode(String.self, forKey: .unit)
        self.deadline = deadline
        total = try container.decode(ProgressFigures.self, forKey: .total)
        levels = try container.decode([LevelRow].self, forKey: .levels)
        children = try container.decode([ChildRow].self, forKey: .children)
    }
}

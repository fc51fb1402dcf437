/// Where one assigned unit stands for one form and period, as far as this node knows.
public struct UnitStatus: Sendable, Hashable {
    public var submitted: Bool
    public var approved: Bool

    public init(submitted: Bool, approved: Bool) {
        // An approved report has necessarily been submitted.
        self.submitted = submitted || approved
        self.approved = approved
    }
}

/// Counts of assigned units and how far they got, with percentages that never exceed 100.
public struct ProgressCount: Sendable, Hashable, Codable {
    public private(set) var assigned = 0
    public private(set) var submitted = 0
    public private(set) var approved = 0

    public init() {}

    mutating func add(_ status: UnitStatus?) {
        assigned += 1
        if status?.submitted == true { submitted += 1 }
        if status?.approved == true { approved += 1 }
    }

    mutating func add(_ other: ProgressCount) {
        assigned += other.assigned
        submitted += other.submitted
        approved += other.approved
    }

    /// Percentage with one decimal, 0 when nothing is assigned.
    public var submittedPercent: Double { Self.percent(submitted, of: assigned) }
    public var approvedPercent: Double { Self.percent(approved, of: assigned) }

    static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        return (Double(min(part, whole)) * 1000 / Double(whole)).rounded() / 10
    }

    enum CodingKeys: String, CodingKey {
        case assigned, submitted, approved, submittedPercent, approvedPercent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(assigned, forKey: .assigned)
        try container.encode(submitted, forKey: .submitted)
        try container.encode(approved, forKey: .approved)
        try container.encode(submittedPercent, forKey: .submittedPercent)
        try container.encode(approvedPercent, forKey: .approvedPercent)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        assigned = try container.decode(Int.self, forKey: .assigned)
        submitted = try container.decode(Int.self, forKey: .submitted)
        approved = try container.decode(Int.self, forKey: .approved)
    }
}

/// Progress of a unit's subtree for one form and period: in total, per level below it, and per child.
public struct SubtreeProgress: Sendable, Codable, Hashable {
    public struct LevelRow: Sendable, Codable, Hashable {
        public let level: Level
        public let counts: ProgressCount
    }

    public struct ChildRow: Sendable, Codable, Hashable {
        public let unit: String
        public let name: String
        public let counts: ProgressCount
    }

    public let unit: String
    public let total: ProgressCount
    public let levels: [LevelRow]
    public let children: [ChildRow]

    /// Counts every assigned unit strictly below `unit` (the unit itself is the one asking).
    ///
    /// Only units in `assigned` are counted, so a status for an unassigned unit (say, a report
    /// kept after its assignment moved) cannot push a percentage past 100.
    public init(tree: UnitTree, unit: String, assigned: Set<String>, status: [String: UnitStatus]) {
        var perLevel: [Level: ProgressCount] = [:]
        var perChild: [String: ProgressCount] = [:]
        var total = ProgressCount()
        let children = tree.children(of: unit)
        for child in children {
            var childCount = ProgressCount()
            for member in tree.subtree(of: child.code) where assigned.contains(member.code) {
                let memberStatus = status[member.code]
                childCount.add(memberStatus)
                perLevel[member.level, default: ProgressCount()].add(memberStatus)
            }
            perChild[child.code] = childCount
            total.add(childCount)
        }
        self.unit = unit
        self.total = total
        self.levels = perLevel.keys.sorted().map { LevelRow(level: $0, counts: perLevel[$0]!) }
        self.children = children.sorted { $0.code < $1.code }.map { ChildRow(unit: $0.code, name: $0.name, counts: perChild[$0.code]!) }
    }
}

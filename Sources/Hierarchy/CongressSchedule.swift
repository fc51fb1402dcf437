/// A unit's chosen congress date (ngày đại hội). The unit's own node numbers each change; a
/// higher number wins wherever the dates meet, whatever order they arrive in and whatever the
/// clocks say.
public struct CongressDate: Sendable, Hashable, Codable {
    public let unit: String
    public let date: CalendarDate
    /// 1 for the first date chosen, then one more per change.
    public let sequence: Int
    public let note: String?

    public init(unit: String, date: CalendarDate, sequence: Int, note: String? = nil) {
        self.unit = unit
        self.date = date
        self.sequence = sequence
        self.note = note
    }

    /// True when this date should replace `held` (nothing held, or an older change).
    public func supersedes(_ held: CongressDate?) -> Bool {
        guard let held else { return true }
        return sequence > held.sequence
    }
}

/// Where a unit stands with its congress.
public enum CongressStatus: String, Sendable, Codable, CaseIterable {
    /// The date has come (the congress opened on or before today).
    case held
    /// A date is chosen and lies ahead.
    case scheduled
    /// No date chosen yet.
    case unscheduled

    public var vietnameseName: String {
        switch self {
        case .held: "Đã tổ chức"
        case .scheduled: "Chưa tổ chức (đã có lịch)"
        case .unscheduled: "Chưa đăng ký lịch"
        }
    }

    public init(date: CalendarDate?, today: CalendarDate) {
        guard let date else {
            self = .unscheduled
            return
        }
        self = date <= today ? .held : .scheduled
    }
}

/// What an upper level asks of the schedule: an area (a subtree), and optionally a level, held or
/// not yet held, and a date range (inclusive; units without a date fall outside any range).
public struct CongressFilter: Sendable, Hashable {
    public enum Held: String, Sendable, Hashable, CaseIterable {
        case held
        /// Scheduled ahead, or no date yet.
        case notHeld = "not_held"
    }

    public var area: String
    public var level: Level?
    public var held: Held?
    public var from: CalendarDate?
    public var to: CalendarDate?

    public init(
        area: String,
        level: Level? = nil,
        held: Held? = nil,
        from: CalendarDate? = nil,
        to: CalendarDate? = nil
    ) {
        self.area = area
        self.level = level
        self.held = held
        self.from = from
        self.to = to
    }
}

/// The congress schedule of an area: one row per unit, parents before children.
public struct CongressSchedule: Sendable, Hashable, Encodable {
    public struct Row: Sendable, Hashable, Encodable {
        public let unit: String
        public let name: String
        public let level: Level
        public let parent: String?
        public let date: CalendarDate?
        public let sequence: Int?
        public let note: String?
        public let status: CongressStatus

        enum CodingKeys: String, CodingKey { case unit, name, level, parent, date, sequence, note, status }

        /// Dates as `2026-05-20`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(unit, forKey: .unit)
            try container.encode(name, forKey: .name)
            try container.encode(level, forKey: .level)
            try container.encodeIfPresent(parent, forKey: .parent)
            try container.encodeIfPresent(date?.description, forKey: .date)
            try container.encodeIfPresent(sequence, forKey: .sequence)
            try container.encodeIfPresent(note, forKey: .note)
            try container.encode(status, forKey: .status)
        }
    }

    public let area: String
    public let today: CalendarDate
    public let rows: [Row]
    /// Counts per status over the rows shown.
    public let counts: [String: Int]

    public init(tree: UnitTree, dates: [String: CongressDate], filter: CongressFilter, today: CalendarDate) {
        var rows: [Row] = []
        for unit in tree.subtree(of: filter.area) {
            if let level = filter.level, unit.level != level { continue }
            let held = dates[unit.code]
            let status = CongressStatus(date: held?.date, today: today)
            switch filter.held {
            case .held?: if status != .held { continue }
            case .notHeld?: if status == .held { continue }
            case nil: break
            }
            if filter.from != nil || filter.to != nil {
                guard let date = held?.date else { continue }
                if let from = filter.from, date < from { continue }
                if let to = filter.to, date > to { continue }
            }
            rows.append(
                Row(
                    unit: unit.code,
                    name: unit.name,
                    level: unit.level,
                    parent: unit.parent,
                    date: held?.date,
                    sequence: held?.sequence,
                    note: held?.note,
                    status: status
                )
            )
        }
        self.area = filter.area
        self.today = today
        self.rows = rows
        self.counts = Dictionary(grouping: rows, by: \.status.rawValue).mapValues(\.count)
    }

    enum CodingKeys: String, CodingKey { case area, today, rows, counts }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(area, forKey: .area)
        try container.encode(today.description, forKey: .today)
        try container.encode(rows, forKey: .rows)
        try container.encode(counts, forKey: .counts)
    }
}

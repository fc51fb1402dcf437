/// How often a form is reported.
public enum Frequency: String, Codable, Sendable, CaseIterable {
    case monthly
    case quarterly
    case yearly
    case once
}

/// A reporting period (kỳ báo cáo), written `2026-11` (month), `2026-Q4` (quarter), `2026` (year)
/// or `2026-once` (one-off), so that periods sort and compare as plain text within a kind.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let frequency: Frequency
    public let year: Int
    /// Month 1–12 or quarter 1–4; 0 for yearly and one-off.
    public let index: Int

    public static func month(_ year: Int, _ month: Int) -> Period {
        Period(frequency: .monthly, year: year, index: month)
    }
    public static func quarter(_ year: Int, _ quarter: Int) -> Period {
        Period(frequency: .quarterly, year: year, index: quarter)
    }
    public static func year(_ year: Int) -> Period { Period(frequency: .yearly, year: year, index: 0) }

    private init(frequency: Frequency, year: Int, index: Int) {
        self.frequency = frequency
        self.year = year
        self.index = index
    }

    /// Parses the text form; nil for anything else (e.g. month 13).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 4, let year = Int(first), year >= 2000, year <= 2200 else {
            return nil
        }
        switch parts.count {
        case 1:
            self.init(frequency: .yearly, year: year, index: 0)
        case 2 where parts[1] == "once":
            self.init(frequency: .once, year: year, index: 0)
        case 2 where parts[1].first == "Q":
            guard parts[1].count == 2, let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) else {
                return nil
            }
            self.init(frequency: .quarterly, year: year, index: quarter)
        case 2:
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            self.init(frequency: .monthly, year: year, index: month)
        default:
            return nil
        }
    }

    public var description: String {
        switch frequency {
        case .monthly: "\(year)-\(index < 10 ? "0" : "")\(index)"
        case .quarterly: "\(year)-Q\(index)"
        case .yearly: "\(year)"
        case .once: "\(year)-once"
        }
    }

    /// Vietnamese label, as offices write periods: "Tháng 11/2026", "Quý IV/2026", "Năm 2026",
    /// and a one-off round "Đợt 2026".
    public var vietnameseLabel: String {
        switch frequency {
        case .monthly: "Tháng \(index)/\(year)"
        case .quarterly: "Quý \(Self.roman[min(max(index, 1), 4)])/\(year)"
        case .yearly: "Năm \(year)"
        case .once: "Đợt \(year)"
        }
    }

    /// English label: "November 2026", "Q4 2026", "Year 2026", "One-off 2026".
    public var englishLabel: String {
        switch frequency {
        case .monthly: "\(Self.monthNames[min(max(index, 1), 12)]) \(year)"
        case .quarterly: "Q\(index) \(year)"
        case .yearly: "Year \(year)"
        case .once: "One-off \(year)"
        }
    }

    private static let roman = ["", "I", "II", "III", "IV"]
    private static let monthNames = [
        "", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// The last month of the period (1–12), where deadlines fall.
    public var lastMonth: Int {
        switch frequency {
        case .monthly: index
        case .quarterly: index * 3
        case .yearly, .once: 12
        }
    }

    /// The months whose monthly reports make up this period (quarters and years are computed from them).
    public var months: [Period] {
        switch frequency {
        case .monthly: [self]
        case .quarterly: (index * 3 - 2...index * 3).map { .month(year, $0) }
        case .yearly: (1...12).map { .month(year, $0) }
        case .once: []
        }
    }

    /// Deadline as (year, month, day): by default the 25th of the period's last month (Regulation 02, Art. 9).
    public func deadline(day: Int = 25) -> CalendarDate {
        CalendarDate(year: year, month: lastMonth, day: min(max(day, 1), 28))
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.year, lhs.frequency.rawValue, lhs.index) < (rhs.year, rhs.frequency.rawValue, rhs.index)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = Period(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "invalid period '\(text)' (expected 2026-11, 2026-Q4, 2026 or 2026-once)"
                )
            )
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar day without time zone, for deadlines.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2026-11-25`; nil for anything else, or a day the month does not have.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= CalendarDate.days(inMonth: month, year: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO form `2026-11-25`.
    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// Vietnamese display form `25/11/2026`.
    public var vietnameseLabel: String {
        "\(day < 10 ? "0" : "")\(day)/\(month < 10 ? "0" : "")\(month)/\(year)"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

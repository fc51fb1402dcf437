import Foundation

/// Day arithmetic on calendar dates (deadlines, "due in N days"), without a calendar library:
/// days are counted from 1970-01-01 on the proleptic Gregorian calendar.
extension CalendarDate {
    /// Days since 1970-01-01 (negative before it).
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    /// Vietnam's offset from UTC (Asia/Ho_Chi_Minh has kept +07:00 since 1975, no daylight saving).
    public static let vietnamOffsetSeconds = 7 * 3600

    /// The calendar day of `instant` in Vietnam: deadlines are Vietnamese days.
    public init(_ instant: Date, offsetSeconds: Int = CalendarDate.vietnamOffsetSeconds) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        self.init(dayNumber: days)
    }
}

extension CalendarDate {
    /// A day as people type it: `15/12/2026` (dd/mm/yyyy, as Vietnamese offices write it; one-digit
    /// day and month accepted, `-` or `.` in place of `/`) or the ISO `2026-12-15`. Nil for anything
    /// else, or a day the month does not have.
    public init?(typed text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let iso = CalendarDate(text) {
            self = iso
            return
        }
        let parts = text.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "." || $0 == "-" }
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
            parts[2].count == 4, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= CalendarDate.days(inMonth: month, year: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
}

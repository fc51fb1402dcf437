import Foundation
import GRDB

/// A date as the database keeps it: the very text GRDB writes for a `Date` ("yyyy-MM-dd
/// HH:mm:ss.SSS" in UTC), made with integer arithmetic. GRDB formats every bound `Date` through
/// one shared `DateFormatter` (ICU behind a lock), which cost a few per cent of ingest and keeps
/// ICU loaded in an idle node; the stores bind `StoredDate` instead. Reading stays GRDB's: it
/// parses this text.
package struct StoredDate: DatabaseValueConvertible, Sendable, Hashable {
    package let date: Date

    package init(_ date: Date) { self.date = date }

    package var databaseValue: DatabaseValue {
        guard let text = Self.text(of: date) else { return date.databaseValue }
        return text.databaseValue
    }

    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(dbValue).map(StoredDate.init)
    }

    /// The first and last day written here, counted from 1970-01-01: outside them (the Julian
    /// calendar before 1582, years of five digits) GRDB's own formatter is asked.
    private static let firstDay: Int64 = -134_774  // 1601-01-01
    private static let lastDay: Int64 = 2_932_896  // 9999-12-31

    /// The date as reading its stored text gives it back (GRDB parses it): to the millisecond.
    package var asRead: Date { Date.fromDatabaseValue(databaseValue) ?? date }

    /// The text GRDB's formatter writes for `date`, or nil outside the years 1601–9999.
    package static func text(of date: Date) -> String? {
        // Milliseconds since 1970 as Foundation's formatter counts them: its `UDate`, plus half a
        // millisecond, then floored (measured against GRDB's output, StoredDateTests).
        let udate = (date.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0 + 0.5
        guard udate.isFinite, abs(udate) < 1e15 else { return nil }
        let millis = Int64(udate.rounded(.down))
        var days = millis / 86_400_000
        var inDay = millis % 86_400_000
        if inDay < 0 {
            inDay += 86_400_000
            days -= 1
        }
        guard days >= firstDay, days <= lastDay else { return nil }
        let (year, month, day) = civil(fromDays: days)
        let hour = inDay / 3_600_000
        let minute = inDay / 60_000 % 60
        let second = inDay / 1000 % 60
        let milli = inDay % 1000
        return String(unsafeUninitializedCapacity: 23) { buffer in
            func put(_ value: Int64, at offset: Int, digits: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
            }
            put(year, at: 0, digits: 4)
            buffer[4] = 45  // -
            put(month, at: 5, digits: 2)
            buffer[7] = 45
            put(day, at: 8, digits: 2)
            buffer[10] = 32  // space
            put(hour, at: 11, digits: 2)
            buffer[13] = 58  // :
            put(minute, at: 14, digits: 2)
            buffer[16] = 58
            put(second, at: 17, digits: 2)
            buffer[19] = 46  // .
            put(milli, at: 20, digits: 3)
            return 23
        }
    }

    /// Year, month and day of the proleptic Gregorian calendar for a count of days since
    /// 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Date {
    /// This date as the stores bind it (`StoredDate`).
    package var stored: StoredDate { StoredDate(self) }
}

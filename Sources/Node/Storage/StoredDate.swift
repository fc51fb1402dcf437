import Foundation
import GRDB
import Hierarchy

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
    private static let firstDay = -134_774  // 1601-01-01
    private static let lastDay = 2_932_896  // 9999-12-31

    /// The date as reading its stored text gives it back (GRDB parses it): to the millisecond.
    package var asRead: Date { Date.fromDatabaseValue(databaseValue) ?? date }

    /// The text GRDB's formatter writes for `date`, or nil outside the years 1601–9999.
    package static func text(of date: Date) -> String? {
        // Milliseconds since 1970 as Foundation's formatter counts them: its `UDate`, plus half a
        // millisecond, then floored (measured against GRDB's output, StoredDateTests).
        let udate = (date.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0 + 0.5
        guard udate.isFinite, abs(udate) < 1e15 else { return nil }
        let millis = Int64(udate.rounded(.down))
        // The calendar day on the proleptic Gregorian calendar the tree's deadlines use.
        let moment = UTCMoment(millisecondsSince1970: millis)
        guard moment.day.dayNumber >= firstDay, moment.day.dayNumber <= lastDay else { return nil }
        return moment.text(separator: UInt8(ascii: " "), milliseconds: true)
    }
}

extension Date {
    /// This date as the stores bind it (`StoredDate`).
    package var stored: StoredDate { StoredDate(self) }
}

import Foundation
import GRDB
import Testing

@testable import Node

/// `StoredDate` must write exactly the text GRDB writes for a `Date` (its shared `DateFormatter`),
/// or rows written by the stores would sort and compare differently from those written by
/// records and by earlier versions. Compared with GRDB's own output, never with a belief.
@Suite struct StoredDateTests {
    static func grdb(_ date: Date) -> DatabaseValue { date.databaseValue }

    @Test func writesGRDBsTextForChosenDates() {
        let utc = { (text: String) -> Date in
            // Parsed by GRDB, the way a stored date is read back.
            Date.fromDatabaseValue(text.databaseValue)!
        }
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: -0.0001),
            Date(timeIntervalSince1970: 0.0009999), Date(timeIntervalSince1970: 0.0005),
            Date(timeIntervalSince1970: 0.123),
            Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -86_400.0004),
            Date(timeIntervalSinceReferenceDate: 0),
            Date(timeIntervalSinceReferenceDate: -0.001), Date(timeIntervalSinceReferenceDate: 0.0015),
            Date.distantPast, Date.distantFuture,
            Date(timeIntervalSince1970: .nan), Date(timeIntervalSince1970: 1e18), Date(timeIntervalSince1970: -1e18),
        ]
        for text in [
            "2024-02-29 23:59:59.999", "2000-02-29 00:00:00.000", "2100-02-28 12:00:00.500", "2100-03-01 00:00:00.000",
            "2027-12-31 23:59:59.999", "2030-06-15 08:30:00.250", "1969-12-31 23:59:59.999", "1900-02-28 23:59:59.999",
            "1900-03-01 00:00:00.000", "1601-01-01 00:00:00.000", "1600-12-31 23:59:59.999", "1582-10-15 00:00:00.000",
            "1582-10-04 12:00:00.000", "1000-01-01 00:00:00.000", "9999-12-31 23:59:59.999",
        ] {
            let date = utc(text)
            dates += [
                date, date.addingTimeInterval(0.0004), date.addingTimeInterval(0.0005),
                date.addingTimeInterval(-0.0004),
            ]
            dates += [
                date.addingTimeInterval(0.0000001), date.addingTimeInterval(-0.0000001), date.addingTimeInterval(1e-9),
            ]
        }
        for date in dates {
            #expect(StoredDate(date).databaseValue == Self.grdb(date), "\(date.timeIntervalSinceReferenceDate)")
        }
        #expect(StoredDate(utc("2024-02-29 23:59:59.999")).databaseValue == "2024-02-29 23:59:59.999".databaseValue)
    }

    @Test func writesGRDBsTextForManyDates() {
        var generator = SystemRandomNumberGenerator()
        var mismatches: [Double] = []
        for round in 0..<60_000 {
            let seconds: Double =
                switch round % 3 {
                // Anywhere from 1600 to 2300, to the nanosecond.
                case 0: Double.random(in: -11_700_000_000...10_400_000_000, using: &generator)
                // Whole milliseconds (what most stored dates are), before and after 1970.
                case 1: Double(Int64.random(in: -6_000_000_000_000...6_000_000_000_000, using: &generator)) / 1000
                // Today's dates within a microsecond of a millisecond's edge.
                default:
                    Double(Int64.random(in: 1_700_000_000_000...2_000_000_000_000, using: &generator)) / 1000
                        + Double.random(in: -0.000_001...0.000_001, using: &generator)
                }
            let date = Date(timeIntervalSince1970: seconds)
            if StoredDate(date).databaseValue != Self.grdb(date) { mismatches.append(seconds) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func readsBackAsGRDBReadsIt() throws {
        let queue = try DatabaseQueue()
        let date = Date(timeIntervalSince1970: 1_893_456_000.1234)  // 2030-01-01 00:00:00.123
        let (ours, theirs, stored) = try queue.read { db in
            (
                try Date.fetchOne(db, sql: "SELECT ?", arguments: [StoredDate(date)]),
                try Date.fetchOne(db, sql: "SELECT ?", arguments: [date]),
                try StoredDate.fetchOne(db, sql: "SELECT ?", arguments: [date])
            )
        }
        #expect(ours != nil && ours == theirs && stored?.date == theirs)
    }

    @Test func recordsBindTheSameText() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE peers (unit TEXT PRIMARY KEY, cursor INTEGER, last_contact TEXT, last_error TEXT)"
            )
            let at = Date(timeIntervalSince1970: 1_803_000_000.4567)
            try PeerRecord(unit: "X", cursor: 0, lastContact: at, lastError: nil).insert(db)
            let text = try String.fetchOne(db, sql: "SELECT last_contact FROM peers")
            #expect(text?.databaseValue == at.databaseValue)
        }
    }
}

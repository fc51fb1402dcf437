import Foundation

/// A moment's calendar day and time of day in UTC, by integer arithmetic: the date texts a node
/// writes at every report it receives (the stores' `StoredDate`, the federation's
/// `FederationJSONText`) are built from it, without a `DateFormatter`.
public struct UTCMoment: Sendable, Hashable {
    public let day: CalendarDate
    public let hour: Int
    public let minute: Int
    public let second: Int
    public let millisecond: Int

    /// The moment `milliseconds` after 1970-01-01 00:00 UTC (before it when negative).
    public init(millisecondsSince1970 milliseconds: Int64) {
        var days = milliseconds / 86_400_000
        var inDay = milliseconds % 86_400_000
        if inDay < 0 {
            inDay += 86_400_000
            days -= 1
        }
        day = CalendarDate(dayNumber: Int(days))
        hour = Int(inDay / 3_600_000)
        minute = Int(inDay / 60_000 % 60)
        second = Int(inDay / 1000 % 60)
        millisecond = Int(inDay % 1000)
    }

    /// "yyyy-MM-dd", `separator`, "HH:mm:ss", then ".SSS" when `milliseconds`, then `suffix`
    /// (ASCII). Years outside 0–9999 do not fit four digits: the caller asks a formatter then.
    public func text(separator: UInt8, milliseconds: Bool, suffix: UInt8? = nil) -> String {
        let length = 19 + (milliseconds ? 4 : 0) + (suffix == nil ? 0 : 1)
        return String(unsafeUninitializedCapacity: length) { buffer in
            func put(_ value: Int, at offset: Int, digits: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
            }
            put(day.year, at: 0, digits: 4)
            buffer[4] = UInt8(ascii: "-")
            put(day.month, at: 5, digits: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day.day, at: 8, digits: 2)
            buffer[10] = separator
            put(hour, at: 11, digits: 2)
            buffer[13] = UInt8(ascii: ":")
            put(minute, at: 14, digits: 2)
            buffer[16] = UInt8(ascii: ":")
            put(second, at: 17, digits: 2)
            if milliseconds {
                buffer[19] = UInt8(ascii: ".")
                put(millisecond, at: 20, digits: 3)
            }
            if let suffix { buffer[length - 1] = suffix }
            return length
        }
    }
}

import Foundation

/// A random (version 4) UUID's text, as `UUID().uuidString` writes it. On Linux, Foundation's
/// `UUID()` opens, reads and closes `/dev/urandom` at every call, which showed in a province's
/// write transaction (a history entry and a receipt's envelope are made per report received);
/// this draws the same 122 random bits from the system's generator (`getrandom`) instead.
public enum RandomUUID {
    public static func string() -> String {
        var generator = SystemRandomNumberGenerator()
        let high: UInt64 = generator.next()
        let low: UInt64 = generator.next()
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (8 * index)) }
        let uuid: uuid_t = (
            byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5),
            byte(high, 6) & 0x0F | 0x40, byte(high, 7),
            byte(low, 0) & 0x3F | 0x80, byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5),
            byte(low, 6), byte(low, 7)
        )
        return UUID(uuid: uuid).uuidString
    }
}

/// The administrative levels of the two-tier local government (since July 2025), top first.
public enum Level: String, Codable, Sendable, CaseIterable, Comparable {
    case central
    case province
    case commune

    /// Depth below the centre: 0 for the centre.
    public var depth: Int {
        switch self {
        case .central: 0
        case .province: 1
        case .commune: 2
        }
    }

    /// The level directly below this one, if any.
    public var below: Level? {
        switch self {
        case .central: .province
        case .province: .commune
        case .commune: nil
        }
    }

    /// Vietnamese name shown to users.
    public var vietnameseName: String {
        switch self {
        case .central: "Trung ương"
        case .province: "Tỉnh/Thành phố"
        case .commune: "Xã/Phường/Đặc khu"
        }
    }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.depth < rhs.depth }
}

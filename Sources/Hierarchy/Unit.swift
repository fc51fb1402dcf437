/// An administrative unit (đơn vị): the centre, a province or a commune.
public struct Unit: Codable, Sendable, Hashable, Identifiable {
    /// Stable code used everywhere (databases, certificates, messages).
    public let code: String
    public var name: String
    public let level: Level
    /// Code of the parent unit; nil only for the centre.
    public let parent: String?

    public var id: String { code }

    public init(code: String, name: String, level: Level, parent: String?) {
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
    }

    /// Unit codes are valid DNS labels (letters, digits, inner '-'): they name the node in its
    /// certificate (`<code>.unit.reportnet`), URIs, file names and SQL keys.
    public static func isValidCode(_ code: String) -> Bool {
        (1...63).contains(code.count) && !code.hasPrefix("-") && !code.hasSuffix("-")
            && code.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
            }
    }

    /// Identifiers of forms, groups and questions: letters, digits, '-', '_' and '.', up to 64.
    public static func isValidIdentifier(_ value: String) -> Bool {
        (1...64).contains(value.count)
            && value.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_" || $0 == "."
            }
    }
}

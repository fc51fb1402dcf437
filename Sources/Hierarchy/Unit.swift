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

    /// Unit codes are short ASCII identifiers: they appear in URIs, file names and SQL keys.
    public static func isValidCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 64
            && code.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".") }
    }
}

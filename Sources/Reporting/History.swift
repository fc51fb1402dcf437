import Foundation

/// One step of a report's life (created, saved, submitted, corrected, approved, returned…),
/// named by an id unique in the whole federation so that every level keeps it exactly once.
public struct HistoryEntry: Codable, Sendable, Hashable {
    public let id: String
    public let action: String
    public let actor: String
    public let unit: String
    public let from: ReportState?
    public let to: ReportState?
    public let message: String?
    public let at: Date

    public init(
        id: String = RandomUUID.string(),
        action: String,
        actor: String,
        unit: String,
        from: ReportState?,
        to: ReportState?,
        message: String?,
        at: Date
    ) {
        self.id = id
        self.action = action
        self.actor = actor
        self.unit = unit
        self.from = from
        self.to = to
        self.message = message
        self.at = at
    }
}

/// An evidence file (minh chứng) attached to a report, named by its content hash.
public struct Evidence: Codable, Sendable, Hashable {
    /// Attached when submitting (data entry), when approving (the unit leader), or with a
    /// return decision (whoever returns the report, to show what must change).
    public enum Stage: String, Codable, Sendable {
        case submit
        case approve
        case `return`
    }

    public let id: String
    public let stage: Stage
    public let fileName: String
    public let contentType: String
    public let size: Int64
    /// Lower-case hex SHA-256 of the content.
    public let sha256: String

    public init(id: String, stage: Stage, fileName: String, contentType: String, size: Int64, sha256: String) {
        self.id = id
        self.stage = stage
        self.fileName = fileName
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}

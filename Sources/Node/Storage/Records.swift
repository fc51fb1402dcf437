import Auth
import Foundation
import GRDB
import Reporting

/// Rows map to columns in snake_case.
package protocol SnakeCaseRecord: Codable, FetchableRecord, PersistableRecord {}

extension SnakeCaseRecord {
    package static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    package static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
    /// Dates are written as GRDB writes them, without its shared `DateFormatter` (`StoredDate`).
    package static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoredDate($0) }
    }
}

/// Where an account stands on this node.
enum AccountStatus: String, Codable, Sendable {
    /// Delivered, waiting for its owner to activate it with the one-time code.
    case pending
    case active
    case disabled
    /// Created here for a unit hosted on a node below; kept as the record of the delegation.
    case delegated
}

package struct AccountRecord: SnakeCaseRecord, Sendable {
    package static let databaseTableName = "accounts"
    var username: String
    var citizenId: String?
    package var fullName: String
    var unit: String
    var role: Role
    var permissions: [Permission]
    var status: AccountStatus
    var passwordHash: String?
    var activationHash: String?
    var hostedHere: Bool
    var createdBy: String?
    var createdAt: Date
    var updatedAt: Date
    /// Set for an issued password (bootstrap, admin reset): changed at the next login.
    var mustChangePassword = false
    var failedLogins = 0
    var lockedUntil: Date?
    /// The TOTP seed, sealed with the node key (AES-GCM).
    var totpSecret: Data?
    package var mfaEnabled = false
    /// The last TOTP time step accepted: a code works once.
    var totpLastStep: Int64?
    /// bcrypt hashes of the unused recovery codes.
    var recoveryCodes: [String]?

    package var actor: Actor { Actor(username: username, unit: unit, role: role, permissions: Set(permissions)) }

    /// Admins and approvers must use a second factor (Regulation 02 Art. 21).
    package var needsMFA: Bool { role == .admin || role == .approver }
}

package struct SessionRecord: SnakeCaseRecord, Sendable {
    package static let databaseTableName = "sessions"
    var tokenHash: String
    var username: String
    var createdAt: Date
    var expiresAt: Date
    /// "bearer" for API clients, "cookie" for browsers (which must also send the CSRF token).
    package var kind = Kind.bearer
    /// "mfa" until the second factor is given, then "full".
    var stage = Stage.full
    package var csrfToken: String?
    var source: String?

    package enum Kind: String, Codable, Sendable { case bearer, cookie }
    enum Stage: String, Codable, Sendable { case mfa, full }
}

struct FormRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "forms"
    var ownerUnit: String
    var code: String
    var version: Int
    var definition: Form
    var createdAt: Date
}

struct AssignmentRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "assignments"
    var id: String
    var formCode: String
    var formVersion: Int
    var period: String
    var assignedBy: String
    var deadline: String
    var createdAt: Date
}

struct ReportRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "reports"
    var id: String
    var assignmentId: String
    var formOwner: String
    var formCode: String
    var formVersion: Int
    var period: String
    var unit: String
    var state: ReportState
    var answers: Answers
    var version: Int
    var hostedHere: Bool
    var createdBy: String
    var createdAt: Date
    var updatedAt: Date
    var submittedAt: Date?
    var approvedAt: Date?
    var approvedBy: String?
    var approvalCount: Int
    var signed: String?
}

struct ReportEventRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "report_events"
    var id: Int64?
    var reportId: String
    var action: String
    var actor: String
    var fromState: String?
    var toState: String?
    var message: String?
    var at: Date
    var eventId: String?
    var unit: String?

    init(reportId: String, _ entry: HistoryEntry) {
        self.reportId = reportId
        action = entry.action
        actor = entry.actor
        fromState = entry.from?.rawValue
        toState = entry.to?.rawValue
        message = entry.message
        at = entry.at
        eventId = entry.id
        unit = entry.unit
    }

    var entry: HistoryEntry {
        HistoryEntry(
            id: eventId ?? "local-\(id ?? 0)",
            action: action,
            actor: actor,
            unit: unit ?? "",
            from: fromState.flatMap(ReportState.init),
            to: toState.flatMap(ReportState.init),
            message: message,
            at: at
        )
    }

    /// Keeps an entry once, whichever way it arrived.
    static func keep(_ entry: HistoryEntry, of report: String, _ db: Database) throws {
        try ReportEventRecord(reportId: report, entry).insert(db, onConflict: .ignore)
    }
}

struct CorrectionRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "report_corrections"
    var id: Int64?
    var reportId: String
    var question: String
    var oldValue: String?
    var newValue: String?
    var actor: String
    var at: Date
}

struct EvidenceRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "attachments"
    var id: String
    var reportId: String
    var stage: Evidence.Stage
    var fileName: String
    var contentType: String
    var size: Int64
    var sha256: String
    var uploadedBy: String
    var at: Date

    var evidence: Evidence {
        Evidence(id: id, stage: stage, fileName: fileName, contentType: contentType, size: size, sha256: sha256)
    }
}

struct PeerRecord: SnakeCaseRecord, Sendable {
    static let databaseTableName = "peers"
    var unit: String
    var cursor: Int64
    var lastContact: Date?
    var lastError: String?
}

import Auth
import Foundation
import Hierarchy
import Reporting

/// Body of `assignment.created`: the form travels with the assignment, so a child never holds an
/// assignment whose form it lacks.
public struct AssignmentNotice: Codable, Sendable, Hashable {
    public let id: String
    public let form: Form
    public let period: Period
    /// The unit that assigned the form; approved reports travel up to it.
    public let assignedBy: String
    public let deadline: CalendarDate
    /// Every unit that must report.
    public let units: [String]

    public init(id: String, form: Form, period: Period, assignedBy: String, deadline: CalendarDate, units: [String]) {
        self.id = id
        self.form = form
        self.period = period
        self.assignedBy = assignedBy
        self.deadline = deadline
        self.units = units
    }
}

extension ApprovedReport {
    enum CodingKeys: String, CodingKey {
        case reportId, assignmentId, formOwner, formCode, formVersion, period, unit, answers, approvedBy, approvedAt,
            message, approvalCount, history, evidence
    }

    /// Fields added after the first release are optional on the wire, so a report signed by an
    /// older node still reads (the compatibility rule in docs/sync-protocol.md, "Versions").
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reportId: try container.decode(String.self, forKey: .reportId),
            assignmentId: try container.decode(String.self, forKey: .assignmentId),
            formOwner: try container.decode(String.self, forKey: .formOwner),
            formCode: try container.decode(String.self, forKey: .formCode),
            formVersion: try container.decode(Int.self, forKey: .formVersion),
            period: try container.decode(Period.self, forKey: .period),
            unit: try container.decode(String.self, forKey: .unit),
            answers: try container.decode(Answers.self, forKey: .answers),
            approvedBy: try container.decode(String.self, forKey: .approvedBy),
            approvedAt: try container.decode(Date.self, forKey: .approvedAt),
            message: try container.decodeIfPresent(String.self, forKey: .message),
            approvalCount: try container.decode(Int.self, forKey: .approvalCount),
            history: try container.decodeIfPresent([HistoryEntry].self, forKey: .history) ?? [],
            evidence: try container.decodeIfPresent([Evidence].self, forKey: .evidence) ?? []
        )
    }
}

/// Body of `report.returned`: an upper level (the form's owner or the unit's direct parent)
/// sends an approved report back for revision. It applies only to the approval it names, so a
/// late or replayed decision never moves a report backwards.
public struct ReviewDecision: Codable, Sendable, Hashable {
    public let reportId: String
    public let unit: String
    /// The approval this decision reviews.
    public let approvalCount: Int
    /// The history entry recording the decision (its id keeps it unique at every level).
    public let entry: HistoryEntry
    /// Files sent with the decision (stage `return`); each node on the way fetches the content
    /// from the node it got the decision from before it applies it. Absent from protocol-1 nodes.
    public var evidence: [Evidence]?

    public init(reportId: String, unit: String, approvalCount: Int, entry: HistoryEntry, evidence: [Evidence]? = nil) {
        self.reportId = reportId
        self.unit = unit
        self.approvalCount = approvalCount
        self.entry = entry
        self.evidence = evidence
    }
}

/// Body of `account.changed`: an admin above disabled an account, or reset it (a new one-time
/// code, whose bcrypt hash travels, then a new password and a new second factor).
public struct AccountChange: Codable, Sendable, Hashable {
    public enum Change: String, Codable, Sendable {
        case disable
        case reset
        /// End every session of the account (a suspected compromise).
        case signOut = "sign_out"
        /// A disabled account may log in again.
        case enable
        /// New full name, citizen ID or function permissions (the fields below that are set).
        case update
    }

    public let username: String
    public let unit: String
    public let change: Change
    public let activationHash: String?
    public let by: String
    /// The unit of the admin who decided it: the hosting node checks it is the account's parent unit.
    public let byUnit: String
    /// For `update`: the new values; a field left nil keeps its value.
    public var fullName: String?
    public var citizenId: String?
    public var permissions: [Permission]?

    public init(username: String, unit: String, change: Change, activationHash: String?, by: String, byUnit: String) {
        self.username = username
        self.unit = unit
        self.change = change
        self.activationHash = activationHash
        self.by = by
        self.byUnit = byUnit
    }
}

/// Body of `account.provisioned`: an account created from above, activated where it is hosted
/// with a one-time code whose bcrypt hash travels (never the code itself).
public struct ProvisionedAccount: Codable, Sendable, Hashable {
    public let username: String
    public let citizenId: String?
    public let fullName: String
    public let unit: String
    public let role: Role
    public let permissions: [Permission]
    public let activationHash: String
    public let createdBy: String

    public init(
        username: String,
        citizenId: String?,
        fullName: String,
        unit: String,
        role: Role,
        permissions: [Permission],
        activationHash: String,
        createdBy: String
    ) {
        self.username = username
        self.citizenId = citizenId
        self.fullName = fullName
        self.unit = unit
        self.role = role
        self.permissions = permissions
        self.activationHash = activationHash
        self.createdBy = createdBy
    }
}

/// Body of `account.registered`: an admin account made on the node that hosts its unit without
/// the level above (the node's first admin, from `bootstrap-admin`), told to the unit's parent,
/// which appoints and manages the admins of the units directly below it.
public struct RegisteredAdmin: Codable, Sendable, Hashable {
    public let username: String
    public let fullName: String
    public let unit: String
    public let permissions: [Permission]
    public let registeredBy: String

    public init(username: String, fullName: String, unit: String, permissions: [Permission], registeredBy: String) {
        self.username = username
        self.fullName = fullName
        self.unit = unit
        self.permissions = permissions
        self.registeredBy = registeredBy
    }
}

/// The signed content of `report.approved`: what the unit leader approved, as approved.
/// Relaying nodes pass the signed bytes on unchanged.
public struct ApprovedReport: Codable, Sendable, Hashable {
    public let reportId: String
    public let assignmentId: String
    /// The unit that owns (and assigned) the form.
    public let formOwner: String
    public let formCode: String
    public let formVersion: Int
    public let period: Period
    public let unit: String
    public let answers: Answers
    public let approvedBy: String
    public let approvedAt: Date
    public let message: String?
    /// 1 for the first approval; grows when a returned report is approved again.
    public let approvalCount: Int
    /// Everything that happened to the report at its unit's node, in order.
    public let history: [HistoryEntry]
    /// The evidence files, whose content travels separately and is checked against these hashes.
    public let evidence: [Evidence]

    public init(
        reportId: String,
        assignmentId: String,
        formOwner: String,
        formCode: String,
        formVersion: Int,
        period: Period,
        unit: String,
        answers: Answers,
        approvedBy: String,
        approvedAt: Date,
        message: String?,
        approvalCount: Int,
        history: [HistoryEntry] = [],
        evidence: [Evidence] = []
    ) {
        self.history = history
        self.evidence = evidence
        self.reportId = reportId
        self.assignmentId = assignmentId
        self.formOwner = formOwner
        self.formCode = formCode
        self.formVersion = formVersion
        self.period = period
        self.unit = unit
        self.answers = answers
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.message = message
        self.approvalCount = approvalCount
    }
}

extension JSONEncoder {
    /// Stable output (sorted keys, ISO dates), for bodies that are stored, signed and compared.
    public static var federation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    public static var federation: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Body of `unit.closed`: a unit dissolved or merged into another from a day, as the admin of
/// `decidedByUnit` (a unit above it) recorded it. Every node that counts the unit keeps the first
/// closure it hears of, once.
public struct UnitClosureNotice: Codable, Sendable, Hashable {
    public let unit: String
    /// `yyyy-mm-dd`, a Vietnamese calendar day.
    public let closedOn: String
    public let mergedInto: String?
    public let reason: String
    public let decidedBy: String
    public let decidedByUnit: String
    public let decidedAt: Date

    public init(
        unit: String,
        closedOn: String,
        mergedInto: String?,
        reason: String,
        decidedBy: String,
        decidedByUnit: String,
        decidedAt: Date
    ) {
        self.unit = unit
        self.closedOn = closedOn
        self.mergedInto = mergedInto
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedByUnit = decidedByUnit
        self.decidedAt = decidedAt
    }
}

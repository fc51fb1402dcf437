import Foundation
import Hierarchy

/// Body of `assignment.amended`: one recorded change to the units an assignment expects, passed
/// down toward the unit's node (an added unit's assignment travels just before it, as
/// `assignment.created`).
public struct AssignmentAmendment: Codable, Sendable, Hashable {
    /// Unique forever; a node keeps each amendment once.
    public let id: String
    public let assignment: String
    public let assignedBy: String
    public let change: ExpectationChange
    public let decidedBy: String
    public let decidedAt: Date

    public init(
        id: String,
        assignment: String,
        assignedBy: String,
        change: ExpectationChange,
        decidedBy: String,
        decidedAt: Date
    ) {
        self.id = id
        self.assignment = assignment
        self.assignedBy = assignedBy
        self.change = change
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// Body of `congress.scheduled`: a unit's congress date as its own node numbered it. Relayed up
/// to the centre; wherever it arrives, it replaces only a lower sequence.
public struct CongressNotice: Codable, Sendable, Hashable {
    public let date: CongressDate
    public let decidedBy: String
    public let decidedAt: Date

    public init(date: CongressDate, decidedBy: String, decidedAt: Date) {
        self.date = date
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// Body of `indicators.reported`: figures a unit reports about itself for a month (those
/// Decision 4587 has units report), numbered by the unit's node, for the unit that scores it.
public struct IndicatorReport: Codable, Sendable, Hashable {
    public let unit: String
    /// `2026-11`.
    public let month: String
    /// Indicator name → value.
    public let values: [String: Double]
    /// One more than the unit's previous report; a lower number never replaces a higher one.
    public let sequence: Int
    public let reportedBy: String
    public let reportedAt: Date

    public init(
        unit: String,
        month: String,
        values: [String: Double],
        sequence: Int,
        reportedBy: String,
        reportedAt: Date
    ) {
        self.unit = unit
        self.month = month
        self.values = values
        self.sequence = sequence
        self.reportedBy = reportedBy
        self.reportedAt = reportedAt
    }
}

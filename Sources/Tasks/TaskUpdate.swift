import Foundation
import Hierarchy

/// What an assignee reports about a task: progress (0–100 %) or completion, with evidence. The
/// body of `task.progress`, travelling up to the assigning unit.
///
/// Updates of one assignee are numbered by the node hosting it (1, 2, 3…): the highest number is
/// the current one, so an update arriving late never moves a task backwards, and ordering never
/// depends on clocks. `assignedBy` travels with it so that a relay knows where it goes even before
/// it holds the task.
public struct TaskUpdate: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case progress
        case completed
    }

    public let taskId: String
    public let assignedBy: String
    public let unit: String
    public let seq: Int
    public let kind: Kind
    public let percent: Int
    public let note: String?
    public let evidence: [TaskEvidence]
    public let by: String
    /// Informative only.
    public let at: Date
    /// The Vietnamese calendar day it was made: a completion on or before the deadline is on time.
    public let day: CalendarDate

    public init(
        taskId: String,
        assignedBy: String,
        unit: String,
        seq: Int,
        kind: Kind,
        percent: Int,
        note: String?,
        evidence: [TaskEvidence],
        by: String,
        at: Date,
        day: CalendarDate
    ) {
        self.taskId = taskId
        self.assignedBy = assignedBy
        self.unit = unit
        self.seq = seq
        self.kind = kind
        self.percent = percent
        self.note = note
        self.evidence = evidence
        self.by = by
        self.at = at
        self.day = day
    }

    /// Problems that make an update unusable whatever the task's state (for a received message).
    public var problems: [String] {
        var problems: [String] = []
        if seq < 1 { problems.append("sequence number \(seq) is not positive") }
        if !(0...100).contains(percent) { problems.append("percent \(percent) is outside 0–100") }
        if kind == .completed && percent != 100 { problems.append("a completion must be 100 %") }
        return problems
    }
}

/// An evidence file (minh chứng) attached to a task update; its content is in the node's
/// content-addressed evidence store and travels up before the update that names it.
public struct TaskEvidence: Codable, Sendable, Hashable {
    public let id: String
    public let fileName: String
    public let size: Int64
    public let sha256: String

    public init(id: String, fileName: String, size: Int64, sha256: String) {
        self.id = id
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
    }
}

/// The assigning unit's decision on one completion: confirmed, or returned with a reason. The
/// body of `task.reviewed`, travelling down to the assignee's node. It names the completion it
/// reviews, so a decision about an older completion never touches a newer one.
public struct TaskReview: Codable, Sendable, Hashable {
    public enum Decision: String, Codable, Sendable {
        case confirmed
        case returned
    }

    public let taskId: String
    public let assignedBy: String
    public let unit: String
    public let completionSeq: Int
    public let decision: Decision
    public let reason: String?
    public let by: String
    public let at: Date

    public init(
        taskId: String,
        assignedBy: String,
        unit: String,
        completionSeq: Int,
        decision: Decision,
        reason: String?,
        by: String,
        at: Date
    ) {
        self.taskId = taskId
        self.assignedBy = assignedBy
        self.unit = unit
        self.completionSeq = completionSeq
        self.decision = decision
        self.reason = reason
        self.by = by
        self.at = at
    }
}

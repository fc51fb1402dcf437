import Auth
import Foundation
import GRDB
import Hierarchy
import Reporting

/// The few use cases the benchmarks (`reportnet-bench`) drive directly on a node, without the web
/// API and its logins, so that thousands of in-process nodes can be exercised at once. Each call
/// is the same use case a route runs (same checks, same transaction, same audit entry); only the
/// HTTP and session layers are skipped. Not used by the product itself.
public struct BenchmarkSeam: Sendable {
    public let local: LocalNode

    public init(_ local: LocalNode) {
        self.local = local
    }

    /// Defines a form owned by the actor's unit.
    public func defineForm(_ form: Form, by actor: Actor) async throws {
        _ = try await local.forms.define(form, by: actor)
    }

    /// Assigns a form for a period to every unit of `level` below the actor's unit (or to `units`);
    /// returns the assignment's id.
    public func assign(
        form: String,
        period: String,
        level: Level? = nil,
        units: [String]? = nil,
        by actor: Actor
    ) async throws -> String {
        try await local.formAssignments.assign(
            NewAssignment(form: form, version: nil, period: period, units: units, level: level),
            by: actor
        ).id
    }

    /// True when this node holds the assignment (made here, or arrived down its parent's feed).
    public func holdsAssignment(_ id: String) async throws -> Bool {
        try await assignmentArrival(id) != nil
    }

    /// When this node stored the assignment (made here, or arrived down its parent's feed), by
    /// its clock; nil while it does not hold it.
    public func assignmentArrival(_ id: String) async throws -> Date? {
        try await local.database.pool.read { db in try AssignmentRecord.fetchOne(db, key: id)?.createdAt }
    }

    /// Opens, fills, submits and approves the report of the unit both actors belong to, as its
    /// data-entry officer and its leader would; returns the report's id.
    public func fileApprovedReport(
        assignment: String,
        answers: Answers,
        entry: Actor,
        approver: Actor
    ) async throws -> String {
        let draft = try await local.reports.create(NewReport(assignment: assignment), by: entry)
        let saved = try await local.reports.update(
            draft.id,
            ReportUpdate(answers: answers, version: draft.version),
            by: entry
        )
        _ = try await local.reports.submit(saved.id, ReportTransition(message: nil), by: entry)
        return try await local.reports.approve(saved.id, ReportTransition(message: "Đồng ý"), by: approver).id
    }

    /// The progress of the actor's unit (or `unit` below it) for an assignment: what
    /// `GET /api/v1/assignments/{id}/oversight` computes.
    public func progress(assignment: String, unit: String? = nil, for actor: Actor) async throws -> SubtreeFigures {
        try await local.oversight.summary(assignment: assignment, unit: unit, for: actor).progress
    }

    /// How many child nodes this node has heard from at or after `since` (its parent is not
    /// counted): a node has started for its users once its parent has heard from it.
    public func childNodesHeard(since: Date) -> Int {
        let parent = local.parent?.unit
        return local.context.contacts.peersHeard(since: since).filter { $0 != parent }.count
    }

    /// Messages waiting to go up.
    public func outboxDepth() async throws -> Int {
        try await local.database.pool.read { db in
            try OutboxStore.pendingCount(db)
        }
    }
}

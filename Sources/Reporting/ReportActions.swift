/// The two rights a report's workflow asks about (Auth's `reports.enter` and `reports.approve`).
public enum ReportRight: Sendable, Hashable, CaseIterable {
    /// Fill in reports, attach evidence, submit.
    case enterData
    /// Approve, correct or return reports (the unit leader, or a reviewer above).
    case approve
}

/// Who acts on a report, as the workflow sees them: their unit and which report rights they hold.
public struct ReportActor: Sendable, Hashable {
    public let unit: String
    public let rights: Set<ReportRight>

    public init(unit: String, rights: Set<ReportRight>) {
        self.unit = unit
        self.rights = rights
    }

    public func holds(_ right: ReportRight) -> Bool { rights.contains(right) }
}

/// The facts about a report (and its place in the tree) that decide what may be done with it.
public struct ReportFacts: Sendable, Hashable {
    public let state: ReportState
    /// The reporting unit.
    public let unit: String
    /// The unit that assigned (owns) the form.
    public let formOwner: String
    /// The reporting unit's direct parent (nil at the root or when the unit is unknown here).
    public let parentUnit: String?
    /// False for a copy received from a node below: it is never worked on here.
    public let hostedHere: Bool

    public init(state: ReportState, unit: String, formOwner: String, parentUnit: String?, hostedHere: Bool) {
        self.state = state
        self.unit = unit
        self.formOwner = formOwner
        self.parentUnit = parentUnit
        self.hostedHere = hostedHere
    }

    /// The reporting unit itself, on the node that hosts its report.
    public func isReportingUnit(_ unit: String) -> Bool { hostedHere && unit == self.unit }

    /// A unit that reviews the approved report from above: the form's owner or the reporting
    /// unit's direct parent, never the reporting unit itself.
    public func isReviewer(_ unit: String) -> Bool {
        unit != self.unit && (unit == formOwner || unit == parentUnit)
    }
}

/// Why an action on a report is refused. The order of the checks is part of the rule, so the
/// API answers the same refusal whichever way it is asked.
public enum ReportRefusal: Error, Sendable, Hashable {
    /// The actor lacks the right the action needs.
    case lacksRight(ReportRight)
    /// Only the reporting unit (on its own node) works on its report.
    case notReportingUnit
    /// The report's state does not allow the action.
    case state(WorkflowError)
    /// A submitted report is returned only by the leader of its own unit.
    case returnSubmittedNotOwnUnit
    /// An approved report is returned only by the form's owner or the unit's direct parent.
    case returnApprovedNotReviewer
    /// Evidence cannot change in this state.
    case evidenceClosed(ReportState)
    /// The actor lacks the right to change evidence at this stage.
    case evidenceStageRight(Evidence.Stage)
}

/// What one actor may do with one report, decided once: the API's use cases check it and the
/// pages show their buttons from it, so the two cannot drift.
public struct ReportActions: Sendable, Hashable {
    /// Save answers of a draft or returned report (data entry of the reporting unit).
    public let save: Bool
    public let submit: Bool
    /// Correct answers of a submitted report (the unit leader).
    public let correct: Bool
    public let approve: Bool
    public let `return`: Bool
    public let delete: Bool
    /// The stage at which the actor may attach or remove evidence now, if any.
    public let evidenceStage: Evidence.Stage?

    public init(_ report: ReportFacts, by actor: ReportActor) {
        func allowed(_ action: ReportAction) -> Bool {
            if case .success = Self.decide(action, on: report, by: actor) { return true }
            return false
        }
        save = allowed(.save)
        submit = allowed(.submit)
        correct = allowed(.correct)
        approve = allowed(.approve)
        `return` = allowed(.return)
        delete = allowed(.delete)
        evidenceStage = try? Self.evidenceStage(on: report, by: actor).get()
    }

    /// Editing answers: the unit leader corrects a submitted report; otherwise data entry saves.
    public var edit: Bool { save || correct }

    /// The edit action a report's state calls for: correcting a submitted report, saving otherwise.
    public static func editAction(in state: ReportState) -> ReportAction {
        state == .submitted ? .correct : .save
    }

    /// The right an action needs, whatever the report.
    public static func right(for action: ReportAction) -> ReportRight {
        switch action {
        case .create, .save, .submit, .delete: .enterData
        case .correct, .approve, .return: .approve
        }
    }

    /// Whether `actor` may do `action` with `report`, and the state it leads to; or the first
    /// refusal. Creating is decided before a report exists (it needs only the right).
    ///
    /// The reporting unit works on its own report (save, submit, delete by data entry; correct
    /// and approve by the unit leader). A submitted report is returned by its own unit's leader;
    /// an approved one by the form's owner or the unit's direct parent.
    public static func decide(
        _ action: ReportAction,
        on report: ReportFacts,
        by actor: ReportActor
    ) -> Result<ReportState, ReportRefusal> {
        let right = right(for: action)
        if action == .return {
            guard actor.holds(right) else { return .failure(.lacksRight(right)) }
            if case .failure(let error) = ReportWorkflow.next(after: action, from: report.state) {
                return .failure(.state(error))
            }
            switch report.state {
            case .submitted where !report.isReportingUnit(actor.unit): return .failure(.returnSubmittedNotOwnUnit)
            case .approved where !report.isReviewer(actor.unit): return .failure(.returnApprovedNotReviewer)
            default: return .success(.returned)
            }
        }
        guard report.isReportingUnit(actor.unit) else { return .failure(.notReportingUnit) }
        guard actor.holds(right) else { return .failure(.lacksRight(right)) }
        return ReportWorkflow.next(after: action, from: report.state).map { $0 ?? report.state }.mapError { .state($0) }
    }

    /// The stage at which `actor` may attach or remove evidence of `report` now: data entry while
    /// it can be edited, the unit leader while it waits for approval; or the first refusal.
    public static func evidenceStage(
        on report: ReportFacts,
        by actor: ReportActor
    ) -> Result<Evidence.Stage, ReportRefusal> {
        guard report.isReportingUnit(actor.unit) else { return .failure(.notReportingUnit) }
        let stage: Evidence.Stage
        let right: ReportRight
        switch report.state {
        case .draft, .returned: (stage, right) = (.submit, .enterData)
        case .submitted: (stage, right) = (.approve, .approve)
        case .approved: return .failure(.evidenceClosed(report.state))
        }
        guard actor.holds(right) else { return .failure(.evidenceStageRight(stage)) }
        return .success(stage)
    }
}

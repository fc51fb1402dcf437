import Testing

@testable import Reporting

/// The one permission rule for reports: every state against every way an actor can stand to a
/// report (its own unit, the direct parent, the form's owner, a unit elsewhere), with each set
/// of rights.
@Suite struct ReportActionsTests {
    // The tree: province P assigned the form; district D reports under P; commune C under D.
    static func report(_ state: ReportState, unit: String = "D", hostedHere: Bool = true) -> ReportFacts {
        ReportFacts(
            state: state,
            unit: unit,
            formOwner: "P",
            parentUnit: unit == "C" ? "D" : "P",
            hostedHere: hostedHere
        )
    }

    static let dataEntry: Set<ReportRight> = [.enterData]
    static let leader: Set<ReportRight> = [.approve]
    static let admin: Set<ReportRight> = [.enterData, .approve]

    static func actions(
        _ state: ReportState,
        _ unit: String,
        _ rights: Set<ReportRight>,
        report: String = "D"
    )
        -> ReportActions
    {
        ReportActions(Self.report(state, unit: report), by: ReportActor(unit: unit, rights: rights))
    }

    @Test func dataEntryOfTheReportingUnitEditsSubmitsAndDeletesADraft() {
        let draft = Self.actions(.draft, "D", Self.dataEntry)
        #expect(draft.save && draft.submit && draft.delete && draft.edit)
        #expect(!draft.correct && !draft.approve && !draft.return)
        #expect(draft.evidenceStage == .submit)
        let returned = Self.actions(.returned, "D", Self.dataEntry)
        #expect(returned.save && returned.submit && !returned.delete)
        #expect(returned.evidenceStage == .submit)
        for state in [ReportState.submitted, .approved] {
            let later = Self.actions(state, "D", Self.dataEntry)
            #expect(!later.save && !later.submit && !later.delete && !later.edit && !later.return)
            #expect(later.evidenceStage == nil)
        }
    }

    @Test func theUnitLeaderCorrectsApprovesAndReturnsASubmittedReport() {
        let submitted = Self.actions(.submitted, "D", Self.leader)
        #expect(submitted.correct && submitted.approve && submitted.return && submitted.edit)
        #expect(!submitted.save && !submitted.submit && !submitted.delete)
        #expect(submitted.evidenceStage == .approve)
        for state in [ReportState.draft, .returned] {
            let open = Self.actions(state, "D", Self.leader)
            #expect(!open.correct && !open.approve && !open.return && !open.save && !open.edit)
            #expect(open.evidenceStage == nil)
        }
        // Once approved, the unit's own leader no longer returns it: that is for the reviewers above.
        let approved = Self.actions(.approved, "D", Self.admin)
        #expect(approved == ReportActions(Self.report(.approved), by: ReportActor(unit: "D", rights: Self.admin)))
        #expect(!approved.return && !approved.approve && !approved.correct && !approved.save)
    }

    @Test func theFormOwnerAndTheDirectParentReturnAnApprovedReport() {
        // P owns the form and is D's parent; for C, D is the parent and P the owner.
        #expect(Self.actions(.approved, "P", Self.leader).return)
        #expect(Self.actions(.approved, "D", Self.leader, report: "C").return)
        #expect(Self.actions(.approved, "P", Self.leader, report: "C").return)
        // A unit elsewhere, the reporting unit itself, or a returner without the right: refused.
        #expect(!Self.actions(.approved, "X", Self.leader).return)
        #expect(!Self.actions(.approved, "C", Self.leader, report: "C").return)
        #expect(!Self.actions(.approved, "P", Self.dataEntry).return)
        // Reviewers above do nothing else with the report, in any state.
        for state in ReportState.allCases {
            let above = Self.actions(state, "P", Self.admin)
            #expect(!above.save && !above.submit && !above.correct && !above.approve && !above.delete)
            #expect(above.evidenceStage == nil)
            #expect(above.return == (state == .approved))
        }
    }

    @Test func aCopyReceivedFromBelowIsNotWorkedOnHere() {
        let received = ReportActor(unit: "D", rights: Self.admin)
        for state in ReportState.allCases {
            let actions = ReportActions(Self.report(state, hostedHere: false), by: received)
            #expect(!actions.save && !actions.submit && !actions.correct && !actions.approve && !actions.delete)
            #expect(!actions.return && actions.evidenceStage == nil)
        }
        // The parent above still returns an approved copy it received.
        #expect(
            ReportActions(Self.report(.approved, hostedHere: false), by: ReportActor(unit: "P", rights: Self.leader))
                .return
        )
    }

    @Test func refusalsComeInTheOrderTheAPIAnswersThem() {
        let viewer = ReportActor(unit: "D", rights: [])
        let elsewhere = ReportActor(unit: "X", rights: Self.admin)
        // Own unit first, then the right, then the state.
        #expect(ReportActions.decide(.submit, on: Self.report(.approved), by: elsewhere) == .failure(.notReportingUnit))
        #expect(
            ReportActions.decide(.submit, on: Self.report(.approved), by: viewer) == .failure(.lacksRight(.enterData))
        )
        #expect(
            ReportActions.decide(
                .submit,
                on: Self.report(.approved),
                by: ReportActor(unit: "D", rights: Self.dataEntry)
            )
                == .failure(.state(WorkflowError(action: .submit, state: .approved)))
        )
        // Returning: the right, then the state, then who stands where.
        #expect(ReportActions.decide(.return, on: Self.report(.draft), by: viewer) == .failure(.lacksRight(.approve)))
        #expect(
            ReportActions.decide(.return, on: Self.report(.draft), by: elsewhere)
                == .failure(.state(WorkflowError(action: .return, state: .draft)))
        )
        #expect(
            ReportActions.decide(.return, on: Self.report(.submitted), by: elsewhere)
                == .failure(.returnSubmittedNotOwnUnit)
        )
        #expect(
            ReportActions.decide(.return, on: Self.report(.approved), by: elsewhere)
                == .failure(.returnApprovedNotReviewer)
        )
        // Where each allowed step leads.
        let leader = ReportActor(unit: "D", rights: Self.leader)
        #expect(ReportActions.decide(.approve, on: Self.report(.submitted), by: leader) == .success(.approved))
        #expect(ReportActions.decide(.return, on: Self.report(.submitted), by: leader) == .success(.returned))
        #expect(ReportActions.decide(.correct, on: Self.report(.submitted), by: leader) == .success(.submitted))
        // Evidence: own unit, then the state, then the stage's right.
        #expect(ReportActions.evidenceStage(on: Self.report(.draft), by: elsewhere) == .failure(.notReportingUnit))
        #expect(
            ReportActions.evidenceStage(on: Self.report(.approved), by: viewer) == .failure(.evidenceClosed(.approved))
        )
        #expect(
            ReportActions.evidenceStage(on: Self.report(.submitted), by: viewer)
                == .failure(.evidenceStageRight(.approve))
        )
    }

    @Test func editingIsCorrectingOnceSubmitted() {
        #expect(ReportActions.editAction(in: .submitted) == .correct)
        #expect(ReportActions.editAction(in: .draft) == .save)
        #expect(ReportActions.editAction(in: .approved) == .save)
        #expect(ReportActions.right(for: .correct) == .approve)
        #expect(ReportActions.right(for: .create) == .enterData)
    }
}

import Auth
import Foundation
import Hierarchy
import Indicators
import Reporting
import Scoring
import Tasks

/// What a use case refuses, in the core's own terms: the reason (with the report, unit, field or
/// limit it concerns) and the field problems in `details`. It knows nothing of HTTP or of
/// languages: the HTTP edge (`NodeHTTP`'s message catalogue) turns the kind into a status and the
/// reason into Vietnamese and English text, so the words live in one place and the core stays
/// free of presentation.
package struct DomainError: Error, Sendable {
    /// What went wrong and about what.
    package let reason: Reason
    /// The field problems or the thing concerned (`["message": "too_long"]`,
    /// `["report": id]`), answered as they are in the JSON body's `details`.
    package var details: [String: String]

    package init(_ reason: Reason, details: [String: String] = [:]) {
        self.reason = reason
        self.details = details
    }

    /// The broad kind of the refusal (the edge maps it to a status).
    package var kind: Kind { reason.kind }

    /// The stable machine code answered as `error` in JSON bodies.
    package var code: String { reason.code }
}

extension DomainError {
    /// The broad kinds of refusal a person can meet, whatever the use case.
    package enum Kind: Sendable, CaseIterable {
        /// The request itself cannot be read (a malformed parameter).
        case badRequest
        /// The request reads but its content breaks a rule (a field is missing or wrong).
        case invalid
        /// No one, or not the right one, is logged in.
        case unauthenticated
        /// The actor may not do this.
        case forbidden
        /// The thing does not exist, or the actor may not know it does.
        case notFound
        /// The thing's current state does not allow it.
        case conflict
        /// The content is over a size limit.
        case tooLarge
        /// The account is locked for a while.
        case locked
        /// Asked too often (a child node's renewals).
        case tooManyRequests

        /// The machine code of a reason of this kind unless the reason has its own.
        package var code: String {
            switch self {
            case .badRequest: "bad_request"
            case .invalid: "invalid"
            case .unauthenticated: "unauthenticated"
            case .forbidden: "forbidden"
            case .notFound: "not_found"
            case .conflict: "conflict"
            case .tooLarge: "too_large"
            case .locked: "locked"
            case .tooManyRequests: "too_many_requests"
            }
        }
    }

    /// Things a use case looks up and may not find.
    package enum Thing: Sendable, CaseIterable {
        case report
        case form
        case evidenceFile
        case evidenceContent
        case signedApproval
        case account
        case assignment
        case assignmentForm
        case assignedForm
        case task
        case parkedMessage
        case alertRule
        case alert
        case unit
        case indicator
        case indicatorClient
        case indicatorAssignment
    }

    /// Every reason a use case of the core refuses for, grouped by room. The catalogue at the
    /// edge switches over all of them, so a new reason cannot go without its words.
    package enum Reason: Sendable {
        // MARK: Everywhere
        /// The actor's role does not allow this.
        case notAllowed
        /// The thing does not exist or is out of the actor's reach.
        case notFound(Thing)
        /// A unit outside the actor's subtree was asked for.
        case outsideYourSubtree
        /// This unit, outside the actor's subtree, was asked for.
        case unitOutsideYourSubtree(String)
        /// No unit has this code.
        case unknownUnit(String)
        /// The unit is closed (dissolved or merged).
        case unitClosed(String)

        // MARK: Reports
        /// A message (return reason, comment) is over `limit` characters.
        case messageTooLong(limit: Int)
        /// The actor's unit has no such assignment.
        case assignmentNotForYourUnit
        /// The unit already created its report for the assignment.
        case reportAlreadyCreated
        /// Reports outside the actor's subtree were asked for.
        case reportsOutsideYourSubtree
        /// The report changed since the actor read it (optimistic version).
        case reportChanged
        /// Some answers break the form's rules (the problems are in `details`).
        case answersInvalid
        /// Required questions are unanswered (their texts).
        case requiredUnanswered([String])
        /// Blocking rules of the form are broken (each explanation, in Vietnamese and English;
        /// the cells in `details`).
        case rulesBroken(vietnamese: [String], english: [String])
        /// A return needs a reason.
        case returnReasonRequired
        /// A report has at most `limit` evidence files.
        case tooManyEvidenceFiles(limit: Int)
        /// The form does not roll monthly reports up.
        case formDoesNotRollUp
        /// The report workflow refuses the action.
        case reportAction(ReportRefusal)
        /// The evidence file name is unusable.
        case evidenceFileNameInvalid
        /// The evidence file type is not one of `allowed`.
        case evidenceTypeNotAllowed(allowed: String)
        /// The evidence file is over `limit` bytes.
        case evidenceTooLarge(limit: Int64)
        /// The evidence file is empty.
        case evidenceEmpty
        /// The evidence file belongs to a stage that is over.
        case evidenceStageOver(Evidence.Stage)
        /// A download format other than xlsx or csv.
        case exportFormatUnknown

        // MARK: Accounts and sessions
        /// The username breaks the naming rule.
        case usernameInvalid
        /// The delegation rules name an unknown unit.
        case delegationUnknownUnit(DelegationError)
        /// The delegation rules refuse creating or editing this account.
        case delegationRefusesAccount(DelegationError)
        /// The delegation rules refuse managing this account.
        case delegationRefusesChange(DelegationError)
        /// The unit is neither hosted here nor below this node.
        case unitNotServedHere
        /// The username is taken.
        case usernameTaken(String)
        /// The citizen already has an active account.
        case citizenHasAccount(fullName: String)
        /// The activation code or the username is wrong.
        case activationFailed
        /// The password breaks the policy (the policy's own Vietnamese words).
        case passwordPolicy(String)
        /// An admin may not do this to its own account.
        case notOnYourOwnAccount
        /// An admin appointed by the unit above stays an admin.
        case adminRoleFixed
        /// An admin of the actor's unit is unlocked by the unit above.
        case adminUnlockedAbove
        /// The full name is empty or too long.
        case fullNameRequired
        /// The citizen ID is not 12 valid digits.
        case citizenIdInvalid
        /// The username or the password is wrong.
        case loginFailed
        /// The account is locked after repeated failures until that moment.
        case accountLocked(until: Date)
        /// The session already passed its second factor.
        case sessionNeedsNoCode
        /// The second-factor code at login is wrong.
        case secondFactorFailed
        /// No session, or the session's account is gone or disabled.
        case notLoggedIn
        /// The current password given is wrong.
        case currentPasswordWrong
        /// The new password is the old one.
        case passwordUnchanged
        /// Two-factor authentication is already on.
        case mfaAlreadyOn
        /// The authentication code given while enrolling is wrong.
        case mfaCodeWrong
        /// A usage period that does not read (or is a one-off).
        case usagePeriodInvalid(String)

        // MARK: Forms, assignments, expectations, closures
        /// The form breaks its own rules (the problems).
        case formInvalid([String])
        /// This version of the form exists already.
        case formVersionExists(code: String, version: Int)
        /// The assignment's period does not read.
        case assignmentPeriodInvalid(String)
        /// Neither units nor a level were given.
        case assignmentTargetsRequired
        /// This unit is not below the actor's.
        case assignOnlyBelow(String)
        /// No open unit is left to assign to.
        case noUnitsToAssign
        /// The actor's unit has no form of this code.
        case formNotYours(String)
        /// The period does not match the form's frequency.
        case periodFrequencyMismatch(Period, Frequency)
        /// The form is already assigned for the period.
        case alreadyAssigned(Period)
        /// An amendment needs a reason of at most 500 characters.
        case amendmentReasonRequired
        /// An amendment adds or withdraws no unit.
        case amendmentUnitsRequired
        /// A unit both added and withdrawn.
        case addedAndWithdrawn
        /// Only the assigning unit amends an assignment.
        case onlyAssignerAmends
        /// The unit is already expected by the assignment.
        case unitAlreadyExpected(String)
        /// The unit is not expected by the assignment.
        case unitNotExpected(String)
        /// Closures are recorded only for units below the actor's.
        case closeOnlyBelow
        /// The closing date does not read.
        case closingDateInvalid(String)
        /// The unit merged into is not usable.
        case mergedIntoInvalid(String)
        /// A closure needs a reason of at most 500 characters.
        case closureReasonRequired
        /// The unit's closure is recorded already.
        case closureAlreadyRecorded(String)

        // MARK: Figures, congress, scores
        /// Only the unit's approvers or admin set its congress date.
        case congressOnlyLeaders
        /// The congress date does not read.
        case congressDateInvalid(String)
        /// The congress note is over 500 characters.
        case congressNoteTooLong
        /// A level filter that does not read.
        case congressLevelUnknown(String)
        /// A held/not held filter that does not read.
        case congressStatusUnknown(String)
        /// A date filter (`from` or `to`) that does not read.
        case filterDateInvalid(key: String, text: String)
        /// `from` is after `to`.
        case dateRangeReversed
        /// Figures are asked for none or over 100 units.
        case unitCountOutOfRange
        /// Scoring figures are asked for none or over 10,000 rows.
        case figureCountOutOfRange
        /// Some scoring figures break their indicator's rules (in `details`).
        case figuresInvalid
        /// Only the unit directly above sets these units' figures.
        case figuresOnlyFromAbove([String])
        /// The actor's unit has no units below to rank.
        case nothingToRank
        /// No ranking is published (for that month).
        case rankingNotPublished(ScoreMonth?)
        /// A unit reports only its own indicators (`own`); `other` is set above.
        case selfReportOnlyOwnIndicators(own: [String], other: String)
        /// Self-reported figures are of the actor's unit for one month.
        case selfReportOneUnitOneMonth

        // MARK: Indicators
        /// The indicator code belongs to another unit.
        case indicatorCodeTaken(code: String, owner: String)
        /// The indicator definition is refused by the catalogue's checks.
        case indicatorInvalid(IndicatorRefusal)
        /// A task's linked indicator is not a numeric question of an assignable form.
        case linkedIndicatorInvalid(formCode: String, question: String)
        /// The period asked for an indicator's values does not read, or is not of its frequency.
        case indicatorPeriodInvalid(String)
        /// A trend's number of periods is not a whole number from 1 to 60 (as typed).
        case indicatorTrendCountInvalid(String)
        /// Values of this indicator are computed or delivered, not entered by a person.
        case indicatorNotEntered(String)
        /// A machine client's grant is refused (each problem, Vietnamese / English).
        case indicatorClientInvalid([String])
        /// An indicator is assigned only to units below the assigning unit (the first one that is not).
        case indicatorAssignOnlyBelow(String)
        /// An indicator assignment is refused (each problem, Vietnamese / English).
        case indicatorAssignmentInvalid([String])
        /// The level assigned this indicator to the unit already (a standing assignment).
        case indicatorAlreadyAssigned(code: String, unit: String)
        /// A delivery's bearer token is no machine client's, or the client is revoked.
        case deliveryTokenRefused
        /// A delivery has no idempotency key, or no values, or too many (in `details`).
        case deliveryInvalid
        /// The idempotency key was used before for a delivery with other values.
        case deliveryKeyReused(String)

        // MARK: Parked messages and nodes
        /// Only admins of this node's unit see and settle parked messages.
        case parkedOnlyOwnAdmins
        /// Setting aside needs a reason.
        case setAsideReasonRequired
        /// The message is no longer parked (its state).
        case noLongerParked(state: String)
        /// Only admins of this node's unit see the network's nodes.
        case nodesOnlyOwnAdmins
        /// The silence threshold is outside 60 s…30 days.
        case silenceThresholdOutOfRange

        // MARK: Alerts
        /// Only admins and approvers set alert rules.
        case alertRulesOnlyLeaders
        /// The alert rule's date does not read.
        case alertDateInvalid(String)
        /// The alert rule breaks its rules (the problems, in field order).
        case alertRuleInvalid([String])
        /// No form of this code and owner is held here.
        case alertFormUnknown(code: String, owner: String)
        /// The form has no numeric question of this id.
        case alertQuestionUnknown(String)
        /// Only the unit that set a rule removes it.
        case alertRuleOnlySetterRemoves

        // MARK: Tasks
        /// Only the unit's leaders assign tasks.
        case tasksOnlyLeadersAssign
        /// The deadline does not read.
        case taskDeadlineInvalid(String)
        /// Tasks go only to units below the actor's.
        case assignTasksOnlyBelow(String)
        /// The task breaks its rules (the problems, in field order).
        case taskInvalid([String])
        /// Only data entry or the leader of an assignee unit reports progress.
        case progressOnlyAssigneeStaff
        /// A progress update needs a percentage.
        case progressPercentRequired
        /// A progress note is over 2,000 characters.
        case taskNoteTooLong
        /// The evidence file is unknown or already used by an update.
        case taskEvidenceUnknown(String)
        /// Only an assignee unit reports on the task.
        case progressOnlyAssignee
        /// Only the assigning unit's leaders review completions.
        case reviewOnlyAssignerLeaders
        /// A review reason is over 2,000 characters.
        case reviewReasonTooLong
        /// Only the assigning unit reviews completions.
        case reviewOnlyAssigner
        /// The unit is not an assignee of the task.
        case notAnAssignee(String)
        /// The task's rules refuse the update or review.
        case task(TaskRefusal)
        /// A task has at most `limit` evidence files waiting to be sent.
        case tooManyPendingTaskEvidence(limit: Int)
        /// Only data entry or the leader of an assignee unit attaches evidence.
        case taskEvidenceOnlyAssigneeStaff
        /// Only an assignee unit attaches evidence to the task.
        case taskEvidenceOnlyAssignee

        // MARK: Units and nodes (adding, renaming, joining, certificates)
        /// Only an admin working where the unit is hosted adds units directly below their own.
        case addUnitsOnlyBelowOwn
        /// A unit of this level has no level below it.
        case noLevelBelow(Level)
        /// Only the level directly below can be added below a unit.
        case onlyLevelBelow(below: Level, parentName: String, parentCode: String)
        /// Only units directly below the admin's own are renamed.
        case renameOnlyBelowOwn
        case unitNameRequired
        case unitNameTooLong(limit: Int)
        /// The code must start with the parent's code and '-'.
        case unitCodeInvalid(parent: String)
        case unitCodeTaken(String)
        /// Any other reason a unit change does not fit the tree.
        case unitChangeRefused(String)
        /// Only the admin of the node's own unit hands out enrolment tokens.
        case enrolmentOnlyOwnAdmins
        /// The unit is neither a child node's nor hosted here directly below a unit hosted here.
        case unitCannotGetNodeHere(String)
        case nodeNameTaken(String)
        case listenAddressesInvalid
        /// This node holds no CA key.
        case noIssuingKey
        /// The unit has no node of its own directly below this node's to retire.
        case noChildNodeToRetire(String)
        /// The account's unit now works on a node of its own, reached at `address`.
        case accountServedElsewhere(node: String, address: String)
        /// The unit got its node a moment ago, or cannot take this one.
        case unitCannotTakeNode(unit: String, reason: String)
        /// The enrolment token is unknown, used or expired.
        case enrolmentRefused
        case onlyRootIssuesCAs
        /// The CSR (of a node, or of a CA when `forCA`) is not PEM.
        case signingRequestUnreadable(forCA: Bool)
        /// The CA refused the request, with its reason.
        case signingRequestRefused(forCA: Bool, reason: String)
        case certificatesOnlyForChildren
        case tooManyRenewals(unit: String, recent: Int, limit: Int)
        /// This node's CA may not certify the unit (the subtree rule).
        case issuerCannotCertify(unit: String, reason: String)
        case nameOfAnotherUnit(String)
        /// A name or address another node is reached by.
        case nameOfAnotherNode(name: String, node: String)
        /// Nodes run inside the unit's subtree: it cannot get a node above them.
        case nodesRunBelow(unit: String, node: String)
        case unitMoveOnlyOwnAdmins
        /// A lost node's units are taken back only once its retirement was asked (and it never came).
        case retirementNotAsked(String)
        /// A unit's life (or a node's) is being handed over: the change waits until it is done.
        case handoverUnderWay(String)
        /// A node runs inside the unit: it is retired before the unit moves.
        case unitHasNodeInside(unit: String, node: String)
        /// The unit's life lies below a child node that decides the move itself.
        case unitMoveDecidedCloser(unit: String, node: String)
        case nameOutsideConstraints(String)
        case revokeOnlyOwnAdmins
        case revocationReasonRequired
        case certificateDoesNotMatch
        case certificateUnknownHere
        case revokeOnlyAncestors(String)
        case alreadyRevoked

        /// The broad kind of this reason.
        package var kind: Kind {
            switch self {
            case .notAllowed, .reportsOutsideYourSubtree: .forbidden
            case .notFound: .notFound
            case .messageTooLong, .assignmentNotForYourUnit, .answersInvalid, .requiredUnanswered, .rulesBroken,
                .returnReasonRequired, .evidenceFileNameInvalid, .evidenceTypeNotAllowed, .evidenceEmpty:
                .invalid
            case .reportAlreadyCreated, .reportChanged, .tooManyEvidenceFiles, .formDoesNotRollUp,
                .evidenceStageOver:
                .conflict
            case .reportAction(let refusal):
                switch refusal {
                case .state, .evidenceClosed: .conflict
                case .lacksRight, .notReportingUnit, .returnSubmittedNotOwnUnit, .returnApprovedNotReviewer,
                    .evidenceStageRight:
                    .forbidden
                }
            case .evidenceTooLarge: .tooLarge
            case .exportFormatUnknown, .usagePeriodInvalid, .indicatorTrendCountInvalid: .badRequest
            case .usernameInvalid, .delegationUnknownUnit, .passwordPolicy, .adminRoleFixed, .fullNameRequired,
                .citizenIdInvalid, .currentPasswordWrong, .passwordUnchanged, .mfaCodeWrong:
                .invalid
            case .delegationRefusesAccount, .delegationRefusesChange, .unitNotServedHere, .notOnYourOwnAccount,
                .adminUnlockedAbove:
                .forbidden
            case .usernameTaken, .citizenHasAccount, .sessionNeedsNoCode, .mfaAlreadyOn: .conflict
            case .activationFailed, .loginFailed, .secondFactorFailed, .notLoggedIn, .deliveryTokenRefused:
                .unauthenticated
            case .accountLocked: .locked
            case .outsideYourSubtree, .unitOutsideYourSubtree, .assignOnlyBelow, .onlyAssignerAmends, .closeOnlyBelow,
                .congressOnlyLeaders, .figuresOnlyFromAbove, .selfReportOnlyOwnIndicators, .parkedOnlyOwnAdmins,
                .nodesOnlyOwnAdmins, .alertRulesOnlyLeaders, .alertRuleOnlySetterRemoves, .tasksOnlyLeadersAssign,
                .assignTasksOnlyBelow, .progressOnlyAssigneeStaff, .progressOnlyAssignee, .reviewOnlyAssignerLeaders,
                .reviewOnlyAssigner, .taskEvidenceOnlyAssigneeStaff, .taskEvidenceOnlyAssignee,
                .indicatorAssignOnlyBelow:
                .forbidden
            case .unknownUnit, .unitClosed, .formInvalid, .assignmentPeriodInvalid, .assignmentTargetsRequired,
                .noUnitsToAssign, .formNotYours, .periodFrequencyMismatch, .amendmentReasonRequired,
                .amendmentUnitsRequired, .addedAndWithdrawn, .unitNotExpected, .closingDateInvalid, .mergedIntoInvalid,
                .closureReasonRequired, .congressDateInvalid, .congressNoteTooLong, .figureCountOutOfRange,
                .figuresInvalid, .nothingToRank, .selfReportOneUnitOneMonth, .indicatorInvalid, .linkedIndicatorInvalid,
                .indicatorPeriodInvalid, .indicatorNotEntered, .indicatorClientInvalid, .deliveryInvalid,
                .indicatorAssignmentInvalid,
                .silenceThresholdOutOfRange, .alertDateInvalid, .alertRuleInvalid, .alertFormUnknown,
                .alertQuestionUnknown, .taskDeadlineInvalid, .taskInvalid, .progressPercentRequired, .taskNoteTooLong,
                .taskEvidenceUnknown, .reviewReasonTooLong, .notAnAssignee:
                .invalid
            case .formVersionExists, .alreadyAssigned, .unitAlreadyExpected, .closureAlreadyRecorded,
                .indicatorCodeTaken, .noLongerParked, .tooManyPendingTaskEvidence, .deliveryKeyReused,
                .indicatorAlreadyAssigned:
                .conflict
            case .congressLevelUnknown, .congressStatusUnknown, .filterDateInvalid, .dateRangeReversed,
                .unitCountOutOfRange, .setAsideReasonRequired:
                .badRequest
            case .rankingNotPublished: .notFound
            case .task(let refusal): refusal.isInvalidInput ? .invalid : .conflict
            case .addUnitsOnlyBelowOwn, .renameOnlyBelowOwn, .enrolmentOnlyOwnAdmins, .onlyRootIssuesCAs,
                .certificatesOnlyForChildren, .issuerCannotCertify, .nameOfAnotherUnit, .nameOfAnotherNode,
                .revokeOnlyOwnAdmins, .unitMoveOnlyOwnAdmins,
                .revokeOnlyAncestors:
                .forbidden
            case .noLevelBelow, .onlyLevelBelow, .unitNameRequired, .unitNameTooLong, .unitCodeInvalid,
                .unitChangeRefused, .unitCannotGetNodeHere, .noChildNodeToRetire, .listenAddressesInvalid,
                .nameOutsideConstraints,
                .revocationReasonRequired, .certificateDoesNotMatch:
                .invalid
            case .unitCodeTaken, .nodeNameTaken, .noIssuingKey, .accountServedElsewhere, .unitCannotTakeNode,
                .nodesRunBelow, .unitHasNodeInside, .unitMoveDecidedCloser, .retirementNotAsked,
                .handoverUnderWay,
                .alreadyRevoked:
                .conflict
            case .enrolmentRefused: .unauthenticated
            case .certificateUnknownHere: .notFound
            case .signingRequestUnreadable, .signingRequestRefused: .badRequest
            case .tooManyRenewals: .tooManyRequests
            }
        }

        /// The stable machine code answered as `error`.
        package var code: String {
            switch self {
            case .activationFailed: "activation_failed"
            case .loginFailed: "login_failed"
            case .accountLocked: "account_locked"
            case .secondFactorFailed: "mfa_failed"
            case .enrolmentRefused: "enrolment_refused"
            case .tooManyRenewals: "too_many_renewals"
            case .deliveryTokenRefused: "client_token_refused"
            default: kind.code
            }
        }
    }
}

extension DomainError {
    /// A short English description for logs and parked-message reasons, which are read by
    /// administrators and never shown to people through the catalogue.
    package var summary: String {
        details.isEmpty
            ? "\(code): \(reason)"
            : "\(code): \(reason) \(details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))"
    }
}

extension DomainError {
    /// Every broken blocking rule of a form at once (warnings do not block), keyed in `details`
    /// by the cells each marks; nil when none is broken.
    package init?(brokenRules violations: [RuleViolation]) {
        let blocking = violations.filter { $0.severity == .error }
        guard !blocking.isEmpty else { return nil }
        self.init(
            .rulesBroken(
                vietnamese: blocking.map { $0.text(vietnamese: true) },
                english: blocking.map { $0.text(vietnamese: false) }
            ),
            details: RuleViolation.byCell(blocking)
        )
    }
}

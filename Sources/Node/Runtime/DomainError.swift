import Auth
import Foundation
import Reporting

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
    }

    /// Every reason a use case of the core refuses for, grouped by room. The catalogue at the
    /// edge switches over all of them, so a new reason cannot go without its words.
    package enum Reason: Sendable {
        // MARK: Everywhere
        /// The actor's role does not allow this.
        case notAllowed
        /// The thing does not exist or is out of the actor's reach.
        case notFound(Thing)

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

        /// The broad kind of this reason.
        package var kind: Kind {
            switch self {
            case .notAllowed, .reportsOutsideYourSubtree: .forbidden
            case .notFound: .notFound
            case .messageTooLong, .assignmentNotForYourUnit, .answersInvalid, .requiredUnanswered,
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
            case .exportFormatUnknown, .usagePeriodInvalid: .badRequest
            case .usernameInvalid, .delegationUnknownUnit, .passwordPolicy, .adminRoleFixed, .fullNameRequired,
                .citizenIdInvalid, .currentPasswordWrong, .passwordUnchanged, .mfaCodeWrong:
                .invalid
            case .delegationRefusesAccount, .delegationRefusesChange, .unitNotServedHere, .notOnYourOwnAccount,
                .adminUnlockedAbove:
                .forbidden
            case .usernameTaken, .citizenHasAccount, .sessionNeedsNoCode, .mfaAlreadyOn: .conflict
            case .activationFailed, .loginFailed, .secondFactorFailed, .notLoggedIn: .unauthenticated
            case .accountLocked: .locked
            }
        }

        /// The stable machine code answered as `error`.
        package var code: String {
            switch self {
            case .activationFailed: "activation_failed"
            case .loginFailed: "login_failed"
            case .accountLocked: "account_locked"
            case .secondFactorFailed: "mfa_failed"
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

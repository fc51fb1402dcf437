import Auth
import Foundation
import HTTPTypes
import Hierarchy
import Scoring
import Tasks
import Testing

@testable import Indicators
@testable import Node
@testable import NodeHTTP
@testable import Reporting

/// Every reason the core refuses for has words in both languages and a status, from the one
/// catalogue at the edge; and known answers stay what they were.
@Suite struct MessageCatalogueTests {
    static let reportRefusals: [ReportRefusal] = [
        .lacksRight(.approve), .notReportingUnit, .state(WorkflowError(action: .approve, state: .draft)),
        .returnSubmittedNotOwnUnit, .returnApprovedNotReviewer, .evidenceClosed(.approved),
        .evidenceStageRight(.submit),
    ]

    /// One example of every reason (`name` below fails to compile when a reason is added, and
    /// the test fails until the reason has an example here).
    static var examples: [DomainError.Reason] {
        var all: [DomainError.Reason] = []
        all.append(.notAllowed)
        all.append(contentsOf: DomainError.Thing.allCases.map { .notFound($0) })
        all.append(.outsideYourSubtree)
        all.append(.unitOutsideYourSubtree("X"))
        all.append(.unknownUnit("X"))
        all.append(.unitClosed("X"))
        all.append(.messageTooLong(limit: 3))
        all.append(.assignmentNotForYourUnit)
        all.append(.reportAlreadyCreated)
        all.append(.reportsOutsideYourSubtree)
        all.append(.reportChanged)
        all.append(.answersInvalid)
        all.append(.requiredUnanswered(["a", "b"]))
        all.append(.rulesBroken(vietnamese: ["a", "b"], english: ["a", "b"]))
        all.append(.returnReasonRequired)
        all.append(.tooManyEvidenceFiles(limit: 3))
        all.append(.formDoesNotRollUp)
        all.append(contentsOf: reportRefusals.map { .reportAction($0) })
        all.append(.evidenceFileNameInvalid)
        all.append(.evidenceTypeNotAllowed(allowed: "X"))
        all.append(.evidenceTooLarge(limit: 5_242_880))
        all.append(.evidenceEmpty)
        all.append(.evidenceStageOver(.approve))
        all.append(.exportFormatUnknown)
        all.append(.usernameInvalid)
        all.append(.delegationUnknownUnit(.outsideScope))
        all.append(.delegationRefusesAccount(.outsideScope))
        all.append(.delegationRefusesChange(.outsideScope))
        all.append(.unitNotServedHere)
        all.append(.usernameTaken("X"))
        all.append(.citizenHasAccount(fullName: "X"))
        all.append(.activationFailed)
        all.append(.passwordPolicy("X"))
        all.append(.notOnYourOwnAccount)
        all.append(.adminRoleFixed)
        all.append(.adminUnlockedAbove)
        all.append(.fullNameRequired)
        all.append(.citizenIdInvalid)
        all.append(.loginFailed)
        all.append(.accountLocked(until: Date(timeIntervalSince1970: 1_800_000_000)))
        all.append(.sessionNeedsNoCode)
        all.append(.secondFactorFailed)
        all.append(.notLoggedIn)
        all.append(.currentPasswordWrong)
        all.append(.passwordUnchanged)
        all.append(.mfaAlreadyOn)
        all.append(.mfaCodeWrong)
        all.append(.usagePeriodInvalid("X"))
        all.append(.formInvalid(["a", "b"]))
        all.append(.formVersionExists(code: "X", version: 3))
        all.append(.assignmentPeriodInvalid("X"))
        all.append(.assignmentTargetsRequired)
        all.append(.assignOnlyBelow("X"))
        all.append(.noUnitsToAssign)
        all.append(.formNotYours("X"))
        all.append(.periodFrequencyMismatch(Period("2026-11")!, .quarterly))
        all.append(.alreadyAssigned(Period("2026-11")!))
        all.append(.amendmentReasonRequired)
        all.append(.amendmentUnitsRequired)
        all.append(.addedAndWithdrawn)
        all.append(.onlyAssignerAmends)
        all.append(.unitAlreadyExpected("X"))
        all.append(.unitNotExpected("X"))
        all.append(.closeOnlyBelow)
        all.append(.closingDateInvalid("X"))
        all.append(.mergedIntoInvalid("X"))
        all.append(.closureReasonRequired)
        all.append(.closureAlreadyRecorded("X"))
        all.append(.congressOnlyLeaders)
        all.append(.congressDateInvalid("X"))
        all.append(.congressNoteTooLong)
        all.append(.congressLevelUnknown("X"))
        all.append(.congressStatusUnknown("X"))
        all.append(.filterDateInvalid(key: "X", text: "X"))
        all.append(.dateRangeReversed)
        all.append(.unitCountOutOfRange)
        all.append(.figureCountOutOfRange)
        all.append(.figuresInvalid)
        all.append(.figuresOnlyFromAbove(["a", "b"]))
        all.append(.nothingToRank)
        all.append(.rankingNotPublished(ScoreMonth("2026-11")))
        all.append(.selfReportOnlyOwnIndicators(own: ["a", "b"], other: "X"))
        all.append(.selfReportOneUnitOneMonth)
        all.append(.indicatorCodeTaken(code: "X", owner: "X"))
        all.append(.indicatorInvalid(IndicatorRefusal(attributes: ["Tên trống / Name is empty"], formula: [])))
        all.append(.linkedIndicatorInvalid(formCode: "X", question: "X"))
        all.append(.indicatorPeriodInvalid("X"))
        all.append(.indicatorTrendCountInvalid("X"))
        all.append(.indicatorNotEntered("X"))
        all.append(.indicatorClientInvalid(["Thiếu tên / name missing"]))
        all.append(.indicatorAssignOnlyBelow("X"))
        all.append(.indicatorAssignmentInvalid(["Kỳ kết thúc trước kỳ bắt đầu / the last period is before the first"]))
        all.append(.indicatorAlreadyAssigned(code: "X", unit: "X"))
        all.append(.deliveryTokenRefused)
        all.append(.deliveryInvalid)
        all.append(.deliveryKeyReused("X"))
        all.append(.parkedOnlyOwnAdmins)
        all.append(.setAsideReasonRequired)
        all.append(.noLongerParked(state: "X"))
        all.append(.nodesOnlyOwnAdmins)
        all.append(.silenceThresholdOutOfRange)
        all.append(.alertRulesOnlyLeaders)
        all.append(.alertDateInvalid("X"))
        all.append(.alertRuleInvalid(["a", "b"]))
        all.append(.alertFormUnknown(code: "X", owner: "X"))
        all.append(.alertQuestionUnknown("X"))
        all.append(.alertRuleOnlySetterRemoves)
        all.append(.tasksOnlyLeadersAssign)
        all.append(.taskDeadlineInvalid("X"))
        all.append(.assignTasksOnlyBelow("X"))
        all.append(.taskInvalid(["a", "b"]))
        all.append(.progressOnlyAssigneeStaff)
        all.append(.progressPercentRequired)
        all.append(.taskNoteTooLong)
        all.append(.taskEvidenceUnknown("X"))
        all.append(.progressOnlyAssignee)
        all.append(.reviewOnlyAssignerLeaders)
        all.append(.reviewReasonTooLong)
        all.append(.reviewOnlyAssigner)
        all.append(.notAnAssignee("X"))
        all.append(.task(.badPercent))
        all.append(.tooManyPendingTaskEvidence(limit: 3))
        all.append(.taskEvidenceOnlyAssigneeStaff)
        all.append(.taskEvidenceOnlyAssignee)
        all.append(.addUnitsOnlyBelowOwn)
        all.append(.noLevelBelow(.commune))
        all.append(.onlyLevelBelow(below: .commune, parentName: "X", parentCode: "X"))
        all.append(.renameOnlyBelowOwn)
        all.append(.unitNameRequired)
        all.append(.unitNameTooLong(limit: 200))
        all.append(.unitCodeInvalid(parent: "X"))
        all.append(.unitCodeTaken("X"))
        all.append(.unitChangeRefused("X"))
        all.append(.enrolmentOnlyOwnAdmins)
        all.append(.unitCannotGetNodeHere("X"))
        all.append(.nodeNameTaken("x"))
        all.append(.listenAddressesInvalid)
        all.append(.noIssuingKey)
        all.append(.accountServedElsewhere(node: "x", address: "https://x:8443"))
        all.append(.noChildNodeToRetire("X"))
        all.append(.unitCannotTakeNode(unit: "X", reason: "X"))
        all.append(.enrolmentRefused)
        all.append(.onlyRootIssuesCAs)
        all.append(.signingRequestUnreadable(forCA: true))
        all.append(.signingRequestRefused(forCA: false, reason: "X"))
        all.append(.certificatesOnlyForChildren)
        all.append(.tooManyRenewals(unit: "X", recent: 3, limit: 3))
        all.append(.issuerCannotCertify(unit: "X", reason: "X"))
        all.append(.nameOfAnotherUnit("X"))
        all.append(.nameOfAnotherNode(name: "x", node: "y"))
        all.append(.nodesRunBelow(unit: "X", node: "y"))
        all.append(.unitMoveOnlyOwnAdmins)
        all.append(.retirementNotAsked("X"))
        all.append(.handoverUnderWay("X"))
        all.append(.unitHasNodeInside(unit: "X", node: "y"))
        all.append(.unitMoveDecidedCloser(unit: "X", node: "y"))
        all.append(.nameOutsideConstraints("X"))
        all.append(.revokeOnlyOwnAdmins)
        all.append(.revocationReasonRequired)
        all.append(.certificateDoesNotMatch)
        all.append(.certificateUnknownHere)
        all.append(.revokeOnlyAncestors("X"))
        all.append(.alreadyRevoked)
        return all
    }

    /// The name of a reason's case.
    static func name(_ reason: DomainError.Reason) -> String {
        switch reason {
        case .notAllowed: "notAllowed"
        case .notFound: "notFound"
        case .outsideYourSubtree: "outsideYourSubtree"
        case .unitOutsideYourSubtree: "unitOutsideYourSubtree"
        case .unknownUnit: "unknownUnit"
        case .unitClosed: "unitClosed"
        case .messageTooLong: "messageTooLong"
        case .assignmentNotForYourUnit: "assignmentNotForYourUnit"
        case .reportAlreadyCreated: "reportAlreadyCreated"
        case .reportsOutsideYourSubtree: "reportsOutsideYourSubtree"
        case .reportChanged: "reportChanged"
        case .answersInvalid: "answersInvalid"
        case .requiredUnanswered: "requiredUnanswered"
        case .rulesBroken: "rulesBroken"
        case .returnReasonRequired: "returnReasonRequired"
        case .tooManyEvidenceFiles: "tooManyEvidenceFiles"
        case .formDoesNotRollUp: "formDoesNotRollUp"
        case .reportAction: "reportAction"
        case .evidenceFileNameInvalid: "evidenceFileNameInvalid"
        case .evidenceTypeNotAllowed: "evidenceTypeNotAllowed"
        case .evidenceTooLarge: "evidenceTooLarge"
        case .evidenceEmpty: "evidenceEmpty"
        case .evidenceStageOver: "evidenceStageOver"
        case .exportFormatUnknown: "exportFormatUnknown"
        case .usernameInvalid: "usernameInvalid"
        case .delegationUnknownUnit: "delegationUnknownUnit"
        case .delegationRefusesAccount: "delegationRefusesAccount"
        case .delegationRefusesChange: "delegationRefusesChange"
        case .unitNotServedHere: "unitNotServedHere"
        case .usernameTaken: "usernameTaken"
        case .citizenHasAccount: "citizenHasAccount"
        case .activationFailed: "activationFailed"
        case .passwordPolicy: "passwordPolicy"
        case .notOnYourOwnAccount: "notOnYourOwnAccount"
        case .adminRoleFixed: "adminRoleFixed"
        case .adminUnlockedAbove: "adminUnlockedAbove"
        case .fullNameRequired: "fullNameRequired"
        case .citizenIdInvalid: "citizenIdInvalid"
        case .loginFailed: "loginFailed"
        case .accountLocked: "accountLocked"
        case .sessionNeedsNoCode: "sessionNeedsNoCode"
        case .secondFactorFailed: "secondFactorFailed"
        case .notLoggedIn: "notLoggedIn"
        case .currentPasswordWrong: "currentPasswordWrong"
        case .passwordUnchanged: "passwordUnchanged"
        case .mfaAlreadyOn: "mfaAlreadyOn"
        case .mfaCodeWrong: "mfaCodeWrong"
        case .usagePeriodInvalid: "usagePeriodInvalid"
        case .formInvalid: "formInvalid"
        case .formVersionExists: "formVersionExists"
        case .assignmentPeriodInvalid: "assignmentPeriodInvalid"
        case .assignmentTargetsRequired: "assignmentTargetsRequired"
        case .assignOnlyBelow: "assignOnlyBelow"
        case .noUnitsToAssign: "noUnitsToAssign"
        case .formNotYours: "formNotYours"
        case .periodFrequencyMismatch: "periodFrequencyMismatch"
        case .alreadyAssigned: "alreadyAssigned"
        case .amendmentReasonRequired: "amendmentReasonRequired"
        case .amendmentUnitsRequired: "amendmentUnitsRequired"
        case .addedAndWithdrawn: "addedAndWithdrawn"
        case .onlyAssignerAmends: "onlyAssignerAmends"
        case .unitAlreadyExpected: "unitAlreadyExpected"
        case .unitNotExpected: "unitNotExpected"
        case .closeOnlyBelow: "closeOnlyBelow"
        case .closingDateInvalid: "closingDateInvalid"
        case .mergedIntoInvalid: "mergedIntoInvalid"
        case .closureReasonRequired: "closureReasonRequired"
        case .closureAlreadyRecorded: "closureAlreadyRecorded"
        case .congressOnlyLeaders: "congressOnlyLeaders"
        case .congressDateInvalid: "congressDateInvalid"
        case .congressNoteTooLong: "congressNoteTooLong"
        case .congressLevelUnknown: "congressLevelUnknown"
        case .congressStatusUnknown: "congressStatusUnknown"
        case .filterDateInvalid: "filterDateInvalid"
        case .dateRangeReversed: "dateRangeReversed"
        case .unitCountOutOfRange: "unitCountOutOfRange"
        case .figureCountOutOfRange: "figureCountOutOfRange"
        case .figuresInvalid: "figuresInvalid"
        case .figuresOnlyFromAbove: "figuresOnlyFromAbove"
        case .nothingToRank: "nothingToRank"
        case .rankingNotPublished: "rankingNotPublished"
        case .selfReportOnlyOwnIndicators: "selfReportOnlyOwnIndicators"
        case .selfReportOneUnitOneMonth: "selfReportOneUnitOneMonth"
        case .indicatorCodeTaken: "indicatorCodeTaken"
        case .indicatorInvalid: "indicatorInvalid"
        case .linkedIndicatorInvalid: "linkedIndicatorInvalid"
        case .indicatorPeriodInvalid: "indicatorPeriodInvalid"
        case .indicatorTrendCountInvalid: "indicatorTrendCountInvalid"
        case .indicatorNotEntered: "indicatorNotEntered"
        case .indicatorClientInvalid: "indicatorClientInvalid"
        case .indicatorAssignOnlyBelow: "indicatorAssignOnlyBelow"
        case .indicatorAssignmentInvalid: "indicatorAssignmentInvalid"
        case .indicatorAlreadyAssigned: "indicatorAlreadyAssigned"
        case .deliveryTokenRefused: "deliveryTokenRefused"
        case .deliveryInvalid: "deliveryInvalid"
        case .deliveryKeyReused: "deliveryKeyReused"
        case .parkedOnlyOwnAdmins: "parkedOnlyOwnAdmins"
        case .setAsideReasonRequired: "setAsideReasonRequired"
        case .noLongerParked: "noLongerParked"
        case .nodesOnlyOwnAdmins: "nodesOnlyOwnAdmins"
        case .silenceThresholdOutOfRange: "silenceThresholdOutOfRange"
        case .alertRulesOnlyLeaders: "alertRulesOnlyLeaders"
        case .alertDateInvalid: "alertDateInvalid"
        case .alertRuleInvalid: "alertRuleInvalid"
        case .alertFormUnknown: "alertFormUnknown"
        case .alertQuestionUnknown: "alertQuestionUnknown"
        case .alertRuleOnlySetterRemoves: "alertRuleOnlySetterRemoves"
        case .tasksOnlyLeadersAssign: "tasksOnlyLeadersAssign"
        case .taskDeadlineInvalid: "taskDeadlineInvalid"
        case .assignTasksOnlyBelow: "assignTasksOnlyBelow"
        case .taskInvalid: "taskInvalid"
        case .progressOnlyAssigneeStaff: "progressOnlyAssigneeStaff"
        case .progressPercentRequired: "progressPercentRequired"
        case .taskNoteTooLong: "taskNoteTooLong"
        case .taskEvidenceUnknown: "taskEvidenceUnknown"
        case .progressOnlyAssignee: "progressOnlyAssignee"
        case .reviewOnlyAssignerLeaders: "reviewOnlyAssignerLeaders"
        case .reviewReasonTooLong: "reviewReasonTooLong"
        case .reviewOnlyAssigner: "reviewOnlyAssigner"
        case .notAnAssignee: "notAnAssignee"
        case .task: "task"
        case .tooManyPendingTaskEvidence: "tooManyPendingTaskEvidence"
        case .taskEvidenceOnlyAssigneeStaff: "taskEvidenceOnlyAssigneeStaff"
        case .taskEvidenceOnlyAssignee: "taskEvidenceOnlyAssignee"
        case .addUnitsOnlyBelowOwn: "addUnitsOnlyBelowOwn"
        case .noLevelBelow: "noLevelBelow"
        case .onlyLevelBelow: "onlyLevelBelow"
        case .renameOnlyBelowOwn: "renameOnlyBelowOwn"
        case .unitNameRequired: "unitNameRequired"
        case .unitNameTooLong: "unitNameTooLong"
        case .unitCodeInvalid: "unitCodeInvalid"
        case .unitCodeTaken: "unitCodeTaken"
        case .unitChangeRefused: "unitChangeRefused"
        case .enrolmentOnlyOwnAdmins: "enrolmentOnlyOwnAdmins"
        case .unitCannotGetNodeHere: "unitCannotGetNodeHere"
        case .nodeNameTaken: "nodeNameTaken"
        case .listenAddressesInvalid: "listenAddressesInvalid"
        case .noIssuingKey: "noIssuingKey"
        case .accountServedElsewhere: "accountServedElsewhere"
        case .noChildNodeToRetire: "noChildNodeToRetire"
        case .unitCannotTakeNode: "unitCannotTakeNode"
        case .enrolmentRefused: "enrolmentRefused"
        case .onlyRootIssuesCAs: "onlyRootIssuesCAs"
        case .signingRequestUnreadable: "signingRequestUnreadable"
        case .signingRequestRefused: "signingRequestRefused"
        case .certificatesOnlyForChildren: "certificatesOnlyForChildren"
        case .tooManyRenewals: "tooManyRenewals"
        case .issuerCannotCertify: "issuerCannotCertify"
        case .nameOfAnotherUnit: "nameOfAnotherUnit"
        case .nameOfAnotherNode: "nameOfAnotherNode"
        case .nodesRunBelow: "nodesRunBelow"
        case .unitMoveOnlyOwnAdmins: "unitMoveOnlyOwnAdmins"
        case .retirementNotAsked: "retirementNotAsked"
        case .handoverUnderWay: "handoverUnderWay"
        case .unitHasNodeInside: "unitHasNodeInside"
        case .unitMoveDecidedCloser: "unitMoveDecidedCloser"
        case .nameOutsideConstraints: "nameOutsideConstraints"
        case .revokeOnlyOwnAdmins: "revokeOnlyOwnAdmins"
        case .revocationReasonRequired: "revocationReasonRequired"
        case .certificateDoesNotMatch: "certificateDoesNotMatch"
        case .certificateUnknownHere: "certificateUnknownHere"
        case .revokeOnlyAncestors: "revokeOnlyAncestors"
        case .alreadyRevoked: "alreadyRevoked"
        }
    }

    static let allNames: Set<String> = [
        "notAllowed",
        "notFound",
        "outsideYourSubtree",
        "unitOutsideYourSubtree",
        "unknownUnit",
        "unitClosed",
        "messageTooLong",
        "assignmentNotForYourUnit",
        "reportAlreadyCreated",
        "reportsOutsideYourSubtree",
        "reportChanged",
        "answersInvalid",
        "requiredUnanswered",
        "rulesBroken",
        "returnReasonRequired",
        "tooManyEvidenceFiles",
        "formDoesNotRollUp",
        "reportAction",
        "evidenceFileNameInvalid",
        "evidenceTypeNotAllowed",
        "evidenceTooLarge",
        "evidenceEmpty",
        "evidenceStageOver",
        "exportFormatUnknown",
        "usernameInvalid",
        "delegationUnknownUnit",
        "delegationRefusesAccount",
        "delegationRefusesChange",
        "unitNotServedHere",
        "usernameTaken",
        "citizenHasAccount",
        "activationFailed",
        "passwordPolicy",
        "notOnYourOwnAccount",
        "adminRoleFixed",
        "adminUnlockedAbove",
        "fullNameRequired",
        "citizenIdInvalid",
        "loginFailed",
        "accountLocked",
        "sessionNeedsNoCode",
        "secondFactorFailed",
        "notLoggedIn",
        "currentPasswordWrong",
        "passwordUnchanged",
        "mfaAlreadyOn",
        "mfaCodeWrong",
        "usagePeriodInvalid",
        "formInvalid",
        "formVersionExists",
        "assignmentPeriodInvalid",
        "assignmentTargetsRequired",
        "assignOnlyBelow",
        "noUnitsToAssign",
        "formNotYours",
        "periodFrequencyMismatch",
        "alreadyAssigned",
        "amendmentReasonRequired",
        "amendmentUnitsRequired",
        "addedAndWithdrawn",
        "onlyAssignerAmends",
        "unitAlreadyExpected",
        "unitNotExpected",
        "closeOnlyBelow",
        "closingDateInvalid",
        "mergedIntoInvalid",
        "closureReasonRequired",
        "closureAlreadyRecorded",
        "congressOnlyLeaders",
        "congressDateInvalid",
        "congressNoteTooLong",
        "congressLevelUnknown",
        "congressStatusUnknown",
        "filterDateInvalid",
        "dateRangeReversed",
        "unitCountOutOfRange",
        "figureCountOutOfRange",
        "figuresInvalid",
        "figuresOnlyFromAbove",
        "nothingToRank",
        "rankingNotPublished",
        "selfReportOnlyOwnIndicators",
        "selfReportOneUnitOneMonth",
        "indicatorCodeTaken",
        "indicatorInvalid",
        "linkedIndicatorInvalid",
        "indicatorPeriodInvalid",
        "indicatorTrendCountInvalid",
        "indicatorNotEntered",
        "indicatorClientInvalid",
        "indicatorAssignOnlyBelow",
        "indicatorAssignmentInvalid",
        "indicatorAlreadyAssigned",
        "deliveryTokenRefused",
        "deliveryInvalid",
        "deliveryKeyReused",
        "parkedOnlyOwnAdmins",
        "setAsideReasonRequired",
        "noLongerParked",
        "nodesOnlyOwnAdmins",
        "silenceThresholdOutOfRange",
        "alertRulesOnlyLeaders",
        "alertDateInvalid",
        "alertRuleInvalid",
        "alertFormUnknown",
        "alertQuestionUnknown",
        "alertRuleOnlySetterRemoves",
        "tasksOnlyLeadersAssign",
        "taskDeadlineInvalid",
        "assignTasksOnlyBelow",
        "taskInvalid",
        "progressOnlyAssigneeStaff",
        "progressPercentRequired",
        "taskNoteTooLong",
        "taskEvidenceUnknown",
        "progressOnlyAssignee",
        "reviewOnlyAssignerLeaders",
        "reviewReasonTooLong",
        "reviewOnlyAssigner",
        "notAnAssignee",
        "task",
        "tooManyPendingTaskEvidence",
        "taskEvidenceOnlyAssigneeStaff",
        "taskEvidenceOnlyAssignee",
        "addUnitsOnlyBelowOwn",
        "noLevelBelow",
        "onlyLevelBelow",
        "renameOnlyBelowOwn",
        "unitNameRequired",
        "unitNameTooLong",
        "unitCodeInvalid",
        "unitCodeTaken",
        "unitChangeRefused",
        "enrolmentOnlyOwnAdmins",
        "unitCannotGetNodeHere",
        "nodeNameTaken",
        "listenAddressesInvalid",
        "noIssuingKey",
        "accountServedElsewhere",
        "noChildNodeToRetire",
        "unitCannotTakeNode",
        "enrolmentRefused",
        "onlyRootIssuesCAs",
        "signingRequestUnreadable",
        "signingRequestRefused",
        "certificatesOnlyForChildren",
        "tooManyRenewals",
        "issuerCannotCertify",
        "nameOfAnotherUnit",
        "nameOfAnotherNode",
        "nodesRunBelow",
        "unitMoveOnlyOwnAdmins",
        "retirementNotAsked",
        "handoverUnderWay",
        "unitHasNodeInside",
        "unitMoveDecidedCloser",
        "nameOutsideConstraints",
        "revokeOnlyOwnAdmins",
        "revocationReasonRequired",
        "certificateDoesNotMatch",
        "certificateUnknownHere",
        "revokeOnlyAncestors",
        "alreadyRevoked",
    ]

    @Test func everyReasonHasWordsAndAStatus() {
        let examples = Self.examples
        #expect(Set(examples.map(Self.name)) == Self.allNames, "every reason has an example")
        for reason in examples {
            let words = MessageCatalogue.text(reason)
            #expect(!words.vi.isEmpty && !words.en.isEmpty, "\(reason)")
            let status = MessageCatalogue.status(reason.kind)
            #expect((400..<500).contains(status.code), "\(reason)")
            #expect(!reason.code.isEmpty, "\(reason)")
        }
    }

    @Test func knownAnswersAreUnchanged() {
        let missing = MessageCatalogue.answer(DomainError(.notFound(.report)))
        #expect(missing.status == .notFound && missing.code == "not_found")
        #expect(missing.message == "Không tìm thấy báo cáo" && missing.messageEN == "Report not found")

        let forbidden = MessageCatalogue.answer(DomainError(.notAllowed))
        #expect(forbidden.status == .forbidden && forbidden.code == "forbidden")
        #expect(forbidden.message == "Bạn không có quyền thực hiện thao tác này")

        let stale = MessageCatalogue.answer(DomainError(.reportChanged, details: ["version": "3"]))
        #expect(stale.status == .conflict && stale.code == "conflict" && stale.details == ["version": "3"])

        let login = MessageCatalogue.answer(DomainError(.loginFailed))
        #expect(login.status == .unauthorized && login.code == "login_failed")
        #expect(login.message == "Tên đăng nhập hoặc mật khẩu không đúng")

        let locked = MessageCatalogue.answer(
            DomainError(.accountLocked(until: Date(timeIntervalSince1970: 1_800_000_000)))
        )
        #expect(locked.status.code == 423 && locked.code == "account_locked")
        #expect(locked.message == "Tài khoản tạm khóa do đăng nhập sai nhiều lần, đến 15:00 15/01/2027")

        let tooLarge = MessageCatalogue.answer(DomainError(.evidenceTooLarge(limit: 20 * 1_048_576)))
        #expect(tooLarge.status == .contentTooLarge && tooLarge.code == "too_large")
        #expect(tooLarge.message == "Tệp minh chứng vượt quá 20 MB")

        let task = MessageCatalogue.answer(DomainError(.task(.badPercent)))
        #expect(task.status == .unprocessableContent && task.code == "invalid")
        let reviewed = MessageCatalogue.answer(DomainError(.task(.alreadyReviewed)))
        #expect(reviewed.status == .conflict && reviewed.code == "conflict")
    }
}

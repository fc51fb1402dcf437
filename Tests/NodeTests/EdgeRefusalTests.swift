import Testing

@testable import NodeHTTP

/// Every refusal the HTTP edge makes itself has words in both languages, a status and a code,
/// from the same catalogue as the core's reasons.
@Suite struct EdgeRefusalTests {
    /// One example of every edge reason (`edgeName` fails to compile when one is added).
    static let edgeExamples: [EdgeRefusal.Reason] = [
        .mfaRequired,
        .passwordChangeRequired,
        .mfaEnrolmentRequired,
        .sessionExpired,
        .noSuchSession,
        .jsonRequired,
        .bodyTooLarge,
        .malformedBody("X"),
        .csrfFailed,
        .formFileTooLarge,
        .formFileInvalid("X"),
        .formFormatUnknown,
        .formCodeRequired,
        .alertStateUnknown,
        .monthInvalid,
        .monthTextInvalid("X"),
        .monthRequired,
        .periodRequired,
        .unknownIndicator("X"),
        .csvOrJSONRequired,
        .csvFaulty(lines: 3),
        .rateLimited,
        .taskStateUnknown("X"),
        .fileNameRequired,
        .reportPeriodInvalid("X"),
        .limitOutOfRange,
        .offsetNegative,
        .reportStateUnknown("X"),
        .metricsTokenRequired,
        .metricsLocalOnly,
        .pageBodyTooLarge,
        .pageFormUnsupported,
        .pageFormUnreadable,
        .notANumber("X"),
        .numberMisshapen("X", .notANumber),
        .alertKindRequired,
        .reportNotEditable,
        .linkedIndicatorRequired,
        .progressPercentInvalid,
        .closingDayInvalid,
    ]

    static func edgeName(_ reason: EdgeRefusal.Reason) -> String {
        switch reason {
        case .mfaRequired: "mfaRequired"
        case .passwordChangeRequired: "passwordChangeRequired"
        case .mfaEnrolmentRequired: "mfaEnrolmentRequired"
        case .sessionExpired: "sessionExpired"
        case .noSuchSession: "noSuchSession"
        case .jsonRequired: "jsonRequired"
        case .bodyTooLarge: "bodyTooLarge"
        case .malformedBody: "malformedBody"
        case .csrfFailed: "csrfFailed"
        case .formFileTooLarge: "formFileTooLarge"
        case .formFileInvalid: "formFileInvalid"
        case .formFormatUnknown: "formFormatUnknown"
        case .formCodeRequired: "formCodeRequired"
        case .alertStateUnknown: "alertStateUnknown"
        case .monthInvalid: "monthInvalid"
        case .monthTextInvalid: "monthTextInvalid"
        case .monthRequired: "monthRequired"
        case .periodRequired: "periodRequired"
        case .unknownIndicator: "unknownIndicator"
        case .csvOrJSONRequired: "csvOrJSONRequired"
        case .csvFaulty: "csvFaulty"
        case .rateLimited: "rateLimited"
        case .taskStateUnknown: "taskStateUnknown"
        case .fileNameRequired: "fileNameRequired"
        case .reportPeriodInvalid: "reportPeriodInvalid"
        case .limitOutOfRange: "limitOutOfRange"
        case .offsetNegative: "offsetNegative"
        case .reportStateUnknown: "reportStateUnknown"
        case .metricsTokenRequired: "metricsTokenRequired"
        case .metricsLocalOnly: "metricsLocalOnly"
        case .pageBodyTooLarge: "pageBodyTooLarge"
        case .pageFormUnsupported: "pageFormUnsupported"
        case .pageFormUnreadable: "pageFormUnreadable"
        case .notANumber: "notANumber"
        case .numberMisshapen: "numberMisshapen"
        case .alertKindRequired: "alertKindRequired"
        case .reportNotEditable: "reportNotEditable"
        case .linkedIndicatorRequired: "linkedIndicatorRequired"
        case .progressPercentInvalid: "progressPercentInvalid"
        case .closingDayInvalid: "closingDayInvalid"
        }
    }

    static let allEdgeNames: Set<String> = [
        "mfaRequired",
        "passwordChangeRequired",
        "mfaEnrolmentRequired",
        "sessionExpired",
        "noSuchSession",
        "jsonRequired",
        "bodyTooLarge",
        "malformedBody",
        "csrfFailed",
        "formFileTooLarge",
        "formFileInvalid",
        "formFormatUnknown",
        "formCodeRequired",
        "alertStateUnknown",
        "monthInvalid",
        "monthTextInvalid",
        "monthRequired",
        "periodRequired",
        "unknownIndicator",
        "csvOrJSONRequired",
        "csvFaulty",
        "rateLimited",
        "taskStateUnknown",
        "fileNameRequired",
        "reportPeriodInvalid",
        "limitOutOfRange",
        "offsetNegative",
        "reportStateUnknown",
        "metricsTokenRequired",
        "metricsLocalOnly",
        "pageBodyTooLarge",
        "pageFormUnsupported",
        "pageFormUnreadable",
        "notANumber",
        "numberMisshapen",
        "alertKindRequired",
        "reportNotEditable",
        "linkedIndicatorRequired",
        "progressPercentInvalid",
        "closingDayInvalid",
    ]

    @Test func everyEdgeReasonHasWordsAndAStatus() {
        #expect(Set(Self.edgeExamples.map(Self.edgeName)) == Self.allEdgeNames, "every edge reason has an example")
        for reason in Self.edgeExamples {
            let words = MessageCatalogue.text(reason)
            #expect(!words.vi.isEmpty && !words.en.isEmpty, "\(reason)")
            let (status, code) = MessageCatalogue.answer(reason)
            #expect((400..<500).contains(status.code) && !code.isEmpty, "\(reason)")
        }
        let expired = MessageCatalogue.answer(EdgeRefusal(.sessionExpired))
        #expect(expired.status == .unauthorized && expired.code == "session_expired")
        #expect(expired.message == "Phiên đăng nhập đã hết hạn, hãy đăng nhập lại")
    }
}

import HTTPTypes
import Hummingbird
import Node
import Tasks

/// A refusal the HTTP edge makes itself while reading a request (its parameters, its body, the
/// session's stage), before any use case runs. The core's `DomainError` has no business knowing
/// about query parameters or content types, so these live here, worded by the same catalogue.
struct EdgeRefusal: Error, Sendable {
    /// Every reason the edge refuses a request for.
    enum Reason: Sendable {
        /// The session must pass its second factor first.
        case mfaRequired
        /// The account must change its password first.
        case passwordChangeRequired
        /// The account must enrol a second factor first.
        case mfaEnrolmentRequired
        /// The session's token is unknown or expired.
        case sessionExpired
        /// Logging out with a token that matches no session.
        case noSuchSession
        /// A JSON body without the JSON content type.
        case jsonRequired
        /// The body is over the edge's limit.
        case bodyTooLarge
        /// The JSON body does not decode (the explanation).
        case malformedBody(String)
        /// A browser's state-changing call without the right CSRF token.
        case csrfFailed
        /// A form file over 1 MB.
        case formFileTooLarge
        /// A form file that does not parse (the parser's words).
        case formFileInvalid(String)
        /// A form format other than json or yaml.
        case formFormatUnknown
        /// The `form` query parameter is missing.
        case formCodeRequired
        /// The alert list's `state` is neither open nor all.
        case alertStateUnknown
        /// A month in the path that does not read.
        case monthInvalid
        /// A month in the query that does not read.
        case monthTextInvalid(String)
        /// The `month` query parameter is missing.
        case monthRequired
        /// The `period` query parameter is missing.
        case periodRequired
        /// A scoring indicator that does not exist.
        case unknownIndicator(String)
        /// Scoring figures sent as neither CSV nor JSON.
        case csvOrJSONRequired
        /// A scoring CSV with faulty lines (their count).
        case csvFaulty(lines: Int)
        /// Too many public calls from one address.
        case rateLimited
        /// A task state filter that does not read.
        case taskStateUnknown(String)
        /// An upload without the `name` query parameter.
        case fileNameRequired
        /// A report period filter that does not read.
        case reportPeriodInvalid(String)
        /// `limit` outside 1…1000.
        case limitOutOfRange
        /// A negative `offset`.
        case offsetNegative
        /// A report state filter that does not read.
        case reportStateUnknown(String)
        /// `/metrics` from elsewhere without the scrape token.
        case metricsTokenRequired
        /// `/metrics` from another machine.
        case metricsLocalOnly
        // The pages' own refusals, while reading a form.
        /// A page form over 16 MB.
        case pageBodyTooLarge
        /// A page post that is neither urlencoded nor multipart.
        case pageFormUnsupported
        /// A multipart page post that does not parse.
        case pageFormUnreadable
        /// A typed number that is not one (as typed).
        case notANumber(String)
        /// A typed number that reads but breaks a rule (not whole, too many digits...).
        case numberMisshapen(String, NumberFormat.Problem)
        /// The alert form without its kind.
        case alertKindRequired
        /// The edit page of a report that cannot be edited now, or not by the visitor.
        case reportNotEditable
        /// A task form whose linked indicator is not one of the list.
        case linkedIndicatorRequired
        /// A task progress that is not a number from 0 to 100.
        case progressPercentInvalid
        /// A closure day typed other than dd/MM/yyyy.
        case closingDayInvalid
    }

    let reason: Reason
    var details: [String: String]

    init(_ reason: Reason, details: [String: String] = [:]) {
        self.reason = reason
        self.details = details
    }
}

extension MessageCatalogue {
    /// The status and machine code of an edge refusal.
    static func answer(_ reason: EdgeRefusal.Reason) -> (status: HTTPResponse.Status, code: String) {
        switch reason {
        case .mfaRequired: (.unauthorized, "mfa_required")
        case .passwordChangeRequired: (.forbidden, "password_change_required")
        case .mfaEnrolmentRequired: (.forbidden, "mfa_enrolment_required")
        case .sessionExpired, .noSuchSession: (.unauthorized, "session_expired")
        case .jsonRequired, .csvOrJSONRequired: (.unsupportedMediaType, "unsupported_media_type")
        case .bodyTooLarge, .formFileTooLarge: (.contentTooLarge, "too_large")
        case .csrfFailed: (.forbidden, "csrf_failed")
        case .formFileInvalid, .unknownIndicator, .csvFaulty: (.unprocessableContent, "invalid")
        case .rateLimited: (.tooManyRequests, "rate_limited")
        case .metricsTokenRequired: (.unauthorized, "unauthenticated")
        case .metricsLocalOnly: (.forbidden, "forbidden")
        case .pageBodyTooLarge: (.contentTooLarge, "too_large")
        case .pageFormUnsupported: (.unsupportedMediaType, "unsupported_media_type")
        case .pageFormUnreadable: (.badRequest, "bad_request")
        case .notANumber: (.unprocessableContent, "invalid")
        case .numberMisshapen: (.unprocessableContent, "invalid")
        case .alertKindRequired: (.unprocessableContent, "invalid")
        case .reportNotEditable: (.forbidden, "forbidden")
        case .linkedIndicatorRequired: (.unprocessableContent, "invalid")
        case .progressPercentInvalid: (.unprocessableContent, "invalid")
        case .closingDayInvalid: (.unprocessableContent, "invalid")
        case .malformedBody, .formFormatUnknown, .formCodeRequired, .alertStateUnknown, .monthInvalid,
            .monthTextInvalid, .monthRequired, .periodRequired, .taskStateUnknown, .fileNameRequired,
            .reportPeriodInvalid,
            .limitOutOfRange, .offsetNegative, .reportStateUnknown:
            (.badRequest, "bad_request")
        }
    }

    /// The Vietnamese and English text of an edge refusal.
    static func text(_ reason: EdgeRefusal.Reason) -> (vi: String, en: String) {
        switch reason {
        case .mfaRequired: ("Hãy nhập mã xác thực hai lớp", "Enter your authentication code")
        case .passwordChangeRequired: ("Bạn cần đổi mật khẩu trước khi tiếp tục", "Change your password first")
        case .mfaEnrolmentRequired:
            (
                "Tài khoản quản trị và phê duyệt phải bật xác thực hai lớp",
                "Admins and approvers must enrol a second factor first"
            )
        case .sessionExpired: ("Phiên đăng nhập đã hết hạn, hãy đăng nhập lại", "Session expired; log in again")
        case .noSuchSession: ("Phiên đăng nhập đã hết hạn", "No such session")
        case .jsonRequired:
            (
                "Dữ liệu phải ở dạng JSON (Content-Type: application/json)",
                "Send JSON with Content-Type: application/json"
            )
        case .bodyTooLarge: ("Dữ liệu gửi lên quá lớn", "Request body too large")
        case .malformedBody(let explanation):
            (
                "Dữ liệu gửi lên không đúng định dạng: \(explanation)",
                "Malformed request body: \(explanation)"
            )
        case .csrfFailed:
            ("Yêu cầu không hợp lệ (thiếu mã chống giả mạo), hãy tải lại trang", "Missing or wrong CSRF token")
        case .formFileTooLarge: ("Tệp biểu mẫu quá lớn (tối đa 1 MB)", "Form files are limited to 1 MB")
        case .formFileInvalid(let problem): ("Tệp biểu mẫu không hợp lệ: \(problem)", "Invalid form file: \(problem)")
        case .formFormatUnknown: ("Định dạng phải là json hoặc yaml", "format must be json or yaml")
        case .formCodeRequired: ("Thiếu mã biểu mẫu (tham số form)", "The form code (form) is required")
        case .alertStateUnknown: ("state phải là open hoặc all", "state must be open or all")
        case .monthInvalid: ("Tháng không hợp lệ (ví dụ 2026-11)", "Invalid month")
        case .monthTextInvalid(let text): ("Tháng “\(text)” không hợp lệ (ví dụ 2026-11)", "Invalid month")
        case .monthRequired:
            ("Thiếu tháng (tham số month, ví dụ 2026-11)", "month is required (e.g. 2026-11)")
        case .periodRequired:
            ("Thiếu kỳ (tham số period, ví dụ 2026-11)", "period is required (e.g. 2026-11)")
        case .unknownIndicator(let name): ("Không có chỉ số “\(name)”", "Unknown indicator \(name)")
        case .csvOrJSONRequired:
            ("Gửi tệp CSV (Content-Type: text/csv) hoặc JSON", "Send CSV (Content-Type: text/csv) or JSON")
        case .csvFaulty(let lines): ("Tệp số liệu có \(lines) dòng lỗi", "The file has \(lines) faulty lines")
        case .rateLimited: ("Quá nhiều yêu cầu, hãy thử lại sau ít phút", "Too many requests; try again shortly")
        case .taskStateUnknown(let text):
            (
                "Trạng thái “\(text)” không hợp lệ (\(TaskState.allCases.map(\.rawValue).joined(separator: ", ")))",
                "Unknown state"
            )
        case .fileNameRequired:
            ("Thiếu tên tệp (tham số name)", "The file name (query parameter name) is required")
        case .reportPeriodInvalid(let text): ("Kỳ báo cáo “\(text)” không hợp lệ", "Invalid period")
        case .limitOutOfRange: ("limit phải từ 1 đến 1000", "limit must be 1–1000")
        case .offsetNegative: ("offset phải là số không âm", "offset must be 0 or more")
        case .reportStateUnknown(let text): ("Trạng thái “\(text)” không hợp lệ", "Unknown state")
        case .metricsTokenRequired:
            ("Cần mã truy cập số liệu giám sát (metrics_token)", "The metrics scrape token is required")
        case .metricsLocalOnly:
            (
                "Số liệu giám sát chỉ đọc được từ chính máy chủ của nút, hoặc với metrics_token",
                "Metrics are readable only from the node's own machine, or with the metrics_token"
            )
        case .pageBodyTooLarge:
            ("Dữ liệu gửi lên quá lớn (tối đa 16 MB)", "Request body too large (16 MB at most)")
        case .pageFormUnsupported:
            ("Biểu mẫu gửi lên không đúng định dạng", "Post an HTML form (urlencoded or multipart)")
        case .pageFormUnreadable:
            ("Biểu mẫu gửi lên không đọc được", "Unreadable multipart body")
        case .alertKindRequired:
            ("Hãy chọn loại cảnh báo", "Choose the kind of alert")
        case .reportNotEditable:
            (
                "Báo cáo này không thể sửa ở trạng thái hiện tại hoặc bạn không có quyền sửa",
                "This report cannot be edited now, or not by you"
            )
        case .linkedIndicatorRequired:
            ("Hãy chọn chỉ số liên kết trong danh sách", "Choose a linked indicator from the list")
        case .progressPercentInvalid:
            ("Hãy nhập tiến độ là một số từ 0 đến 100", "Give the progress as a number from 0 to 100")
        case .closingDayInvalid:
            (
                "Ngày giải thể, sáp nhập không hợp lệ: hãy nhập theo dạng dd/MM/yyyy, ví dụ 01/07/2026",
                "Invalid date: type it as dd/MM/yyyy, e.g. 01/07/2026"
            )
        case .notANumber(let given): ("“\(given)” không phải là số", "“\(given)” is not a number")
        case .numberMisshapen(let given, let problem):
            ("“\(given)”: \(NumberFormat(.vi).message(problem))", "“\(given)”: \(NumberFormat(.en).message(problem))")
        }
    }

    /// The edge refusal as answered: status, code, both texts and the details.
    static func answer(_ refusal: EdgeRefusal) -> APIError {
        let (status, code) = answer(refusal.reason)
        let words = text(refusal.reason)
        return APIError(status: status, code: code, message: words.vi, messageEN: words.en, details: refusal.details)
    }
}

extension EdgeRefusal: PersonFacingError {
    var status: HTTPResponse.Status { MessageCatalogue.answer(reason).status }
    var code: String { MessageCatalogue.answer(reason).code }
    var message: String { MessageCatalogue.text(reason).vi }
    var messageEN: String { MessageCatalogue.text(reason).en }
}

extension EdgeRefusal: HTTPResponseError {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        try MessageCatalogue.answer(self).response(from: request, context: context)
    }
}

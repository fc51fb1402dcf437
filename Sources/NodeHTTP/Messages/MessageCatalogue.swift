import Auth
import Foundation
import HTTPTypes
import Node
import Reporting

/// The one catalogue of what people read when the node refuses something: each kind of
/// `DomainError` gets its HTTP status, each reason its Vietnamese text (first) and English text.
/// The JSON API and the pages both answer from here, so the core holds no words and the two
/// edges cannot drift.
enum MessageCatalogue {
    /// The status a refusal of this kind is answered with.
    static func status(_ kind: DomainError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .invalid: .unprocessableContent
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .locked: .init(code: 423, reasonPhrase: "Locked")
        }
    }

    /// The Vietnamese and English names of a thing that may not be found.
    static func name(_ thing: DomainError.Thing) -> (vi: String, en: String) {
        switch thing {
        case .report: ("báo cáo", "Report")
        case .form: ("biểu mẫu", "Form")
        case .evidenceFile: ("tệp minh chứng", "Evidence file")
        case .evidenceContent: ("nội dung tệp minh chứng", "Evidence content")
        case .signedApproval: ("chữ ký phê duyệt (báo cáo chưa được duyệt)", "Signed approval (never approved)")
        case .account: ("tài khoản", "Account")
        }
    }

    /// The Vietnamese and English text of a reason.
    static func text(_ reason: DomainError.Reason) -> (vi: String, en: String) {
        switch reason {
        // MARK: Everywhere
        case .notAllowed:
            ("Bạn không có quyền thực hiện thao tác này", "You are not allowed to do this")
        case .notFound(let thing):
            ("Không tìm thấy \(name(thing).vi)", "\(name(thing).en) not found")

        // MARK: Reports
        case .messageTooLong(let limit):
            ("Nội dung tối đa \(limit) ký tự", "Messages are limited to \(limit) characters")
        case .assignmentNotForYourUnit:
            ("Đơn vị của bạn không được giao báo cáo này", "Your unit has no such assignment")
        case .reportAlreadyCreated:
            ("Đơn vị của bạn đã tạo loại báo cáo này", "Your unit already created this report")
        case .reportsOutsideYourSubtree:
            ("Bạn chỉ xem được báo cáo của đơn vị mình và cấp dưới", "Only your unit and the units below")
        case .reportChanged:
            (
                "Báo cáo đã được người khác cập nhật; hãy tải lại trước khi lưu",
                "The report changed since you opened it; reload first"
            )
        case .answersInvalid:
            ("Dữ liệu chưa hợp lệ", "Some answers are not valid")
        case .requiredUnanswered(let questions):
            (
                "Chưa trả lời các câu hỏi bắt buộc: \(questions.joined(separator: "; "))",
                "Required questions are unanswered"
            )
        case .returnReasonRequired:
            ("Hãy nhập lý do trả lại báo cáo", "A reason is required")
        case .tooManyEvidenceFiles(let limit):
            ("Mỗi báo cáo có tối đa \(limit) tệp minh chứng", "At most \(limit) evidence files per report")
        case .formDoesNotRollUp:
            ("Biểu mẫu này không tổng hợp từ báo cáo tháng", "This form does not roll up monthly reports")
        case .reportAction(let refusal):
            text(refusal)
        case .evidenceFileNameInvalid:
            ("Tên tệp minh chứng không hợp lệ", "Invalid file name")
        case .evidenceTypeNotAllowed(let allowed):
            ("Loại tệp không được phép; chỉ nhận: \(allowed)", "File type not allowed (\(allowed))")
        case .evidenceTooLarge(let limit):
            ("Tệp minh chứng vượt quá \(limit / 1_048_576) MB", "Evidence files are limited to \(limit) bytes")
        case .evidenceEmpty:
            ("Tệp minh chứng rỗng", "The file is empty")
        case .evidenceStageOver(let stage):
            ("Tệp này thuộc bước \(name(stage)) đã qua", "That stage is over")
        case .exportFormatUnknown:
            ("Định dạng tải về phải là xlsx hoặc csv", "format must be xlsx or csv")

        // MARK: Accounts and sessions
        case .usernameInvalid:
            ("Tên đăng nhập chỉ gồm chữ thường, số, '.', '_', '-' (3–64 ký tự)", "Username: 3–64 of a-z, 0-9, '.', '_', '-'")
        case .delegationUnknownUnit(let refusal):
            (refusal.description, "Unknown unit")
        case .delegationRefusesAccount(let refusal):
            (refusal.description, "Delegation rules refuse this account")
        case .delegationRefusesChange(let refusal):
            (refusal.description, "Delegation rules refuse this")
        case .unitNotServedHere:
            ("Đơn vị này không thuộc phạm vi của máy chủ này", "This unit is not served from this node")
        case .usernameTaken(let username):
            ("Tên đăng nhập “\(username)” đã được sử dụng", "Username already taken")
        case .citizenHasAccount(let fullName):
            (
                "Công dân \(fullName) đã được tạo tài khoản đang hoạt động trong hệ thống",
                "Citizen \(fullName) already has an active account"
            )
        case .activationFailed:
            ("Tên đăng nhập hoặc mã kích hoạt không đúng", "Wrong username or activation code")
        case .passwordPolicy(let problem):
            (problem, "Password does not meet the policy")
        case .notOnYourOwnAccount:
            ("Không thể thực hiện thao tác này với chính tài khoản của bạn", "Not on your own account")
        case .adminRoleFixed:
            ("Tài khoản quản trị của đơn vị cấp dưới giữ vai trò quản trị", "An admin appointed below stays an admin")
        case .adminUnlockedAbove:
            ("Tài khoản quản trị của đơn vị do cấp trên mở khoá", "An admin of your unit is unlocked by the unit above")
        case .fullNameRequired:
            ("Họ và tên không được để trống", "Full name is required")
        case .citizenIdInvalid:
            ("Số định danh cá nhân phải gồm 12 chữ số hợp lệ", "Citizen ID must be 12 valid digits")
        case .loginFailed:
            ("Tên đăng nhập hoặc mật khẩu không đúng", "Wrong username or password")
        case .accountLocked(let until):
            (
                "Tài khoản tạm khóa do đăng nhập sai nhiều lần, đến \(vietnameseTime(until))",
                "Account locked after repeated failures until \(ISO8601DateFormatter().string(from: until))"
            )
        case .sessionNeedsNoCode:
            ("Phiên đăng nhập đã xác thực", "This session needs no code")
        case .secondFactorFailed, .mfaCodeWrong:
            ("Mã xác thực không đúng", "Wrong authentication code")
        case .notLoggedIn:
            ("Bạn cần đăng nhập", "Log in first")
        case .currentPasswordWrong:
            ("Mật khẩu hiện tại không đúng", "The current password is wrong")
        case .passwordUnchanged:
            ("Mật khẩu mới phải khác mật khẩu cũ", "Choose a new password")
        case .mfaAlreadyOn:
            ("Xác thực hai lớp đã được bật", "MFA is already on")
        case .usagePeriodInvalid(let text):
            ("Kỳ “\(text)” không hợp lệ (ví dụ 2026-11, 2026-Q4, 2026)", "Invalid period")
        }
    }

    /// The text of a refusal by the report workflow.
    static func text(_ refusal: ReportRefusal) -> (vi: String, en: String) {
        switch refusal {
        case .lacksRight: text(.notAllowed)
        case .notReportingUnit:
            ("Chỉ đơn vị lập báo cáo mới được thao tác trên báo cáo này", "Only the reporting unit may do this")
        case .state(let error):
            (error.description, "Not allowed in state \(error.state.rawValue)")
        case .returnSubmittedNotOwnUnit:
            (
                "Chỉ lãnh đạo đơn vị lập báo cáo trả lại báo cáo chờ phê duyệt",
                "Only the unit leader returns a submitted report"
            )
        case .returnApprovedNotReviewer:
            (
                "Chỉ đơn vị giao biểu mẫu hoặc cấp trên trực tiếp được trả lại báo cáo đã phê duyệt",
                "Only the assigning unit or the direct parent returns an approved report"
            )
        case .evidenceClosed(let state):
            (
                "Không thể thay đổi minh chứng ở trạng thái \(state.vietnameseName)",
                "Evidence cannot change in this state"
            )
        case .evidenceStageRight(let stage):
            (
                stage == .submit
                    ? "Chỉ người cập nhật được đính kèm minh chứng khi lập báo cáo"
                    : "Chỉ lãnh đạo đơn vị được đính kèm minh chứng khi phê duyệt",
                "Your role cannot change evidence at this stage"
            )
        }
    }

    /// A moment as Vietnamese people read it, in Vietnam's time zone.
    static func vietnameseTime(_ moment: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm dd/MM/yyyy"
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return formatter.string(from: moment)
    }

    /// The Vietnamese name of an evidence stage, as in “the approval step”.
    static func name(_ stage: Evidence.Stage) -> String {
        switch stage {
        case .submit: "trình"
        case .approve: "phê duyệt"
        case .return: "trả lại"
        }
    }

    /// The refusal as the edge answers it: status, code, both texts and the details.
    static func answer(_ error: DomainError) -> APIError {
        let words = text(error.reason)
        return APIError(
            status: status(error.kind),
            code: error.code,
            message: words.vi,
            messageEN: words.en,
            details: error.details
        )
    }
}

/// A refusal as a person meets it, whichever type carries it: a `DomainError` worded by the
/// catalogue or an `APIError` worded where it was thrown (the edge's own refusals and the core
/// files not converted yet). The pages catch this, so they show the catalogue's words.
protocol PersonFacingError: Error {
    var status: HTTPResponse.Status { get }
    var code: String { get }
    var message: String { get }
    var messageEN: String { get }
    var details: [String: String] { get }
}

extension APIError: PersonFacingError {}

extension DomainError: PersonFacingError {
    package var status: HTTPResponse.Status { MessageCatalogue.status(kind) }
    var message: String { MessageCatalogue.text(reason).vi }
    var messageEN: String { MessageCatalogue.text(reason).en }
}

import Auth
import Foundation
import HTTPTypes
import Hierarchy
import Indicators
import Node
import Reporting
import Scoring
import Tasks

/// The one catalogue of what people read when the node refuses something: each kind of
/// `DomainError` gets its HTTP status, each reason its Vietnamese text (first) and English text.
/// The JSON API and the pages both answer from here, so the core holds no words and the two
/// edges cannot drift.
package enum MessageCatalogue {
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
        case .tooManyRequests: .tooManyRequests
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
        case .assignment: ("đợt giao báo cáo", "Assignment")
        case .assignmentForm: ("biểu mẫu của đợt giao", "The assignment's form")
        case .assignedForm: ("biểu mẫu đã giao", "Assigned form")
        case .task: ("nhiệm vụ", "Task")
        case .parkedMessage: ("tin bị giữ lại", "Parked message")
        case .alertRule: ("quy tắc cảnh báo", "Alert rule")
        case .alert: ("cảnh báo", "Alert")
        case .unit: ("đơn vị", "Unit")
        case .indicator: ("chỉ số", "Indicator")
        case .indicatorClient: ("hệ thống cung cấp số liệu", "Indicator client")
        case .indicatorAssignment: ("chỉ số được giao", "Indicator assignment")
        }
    }

    /// The Vietnamese and English text of a reason.
    package static func text(_ reason: DomainError.Reason) -> (vi: String, en: String) {
        switch reason {
        // MARK: Everywhere
        case .notAllowed:
            ("Bạn không có quyền thực hiện thao tác này", "You are not allowed to do this")
        case .notFound(let thing):
            ("Không tìm thấy \(name(thing).vi)", "\(name(thing).en) not found")
        case .outsideYourSubtree:
            ("Bạn chỉ xem được đơn vị mình và cấp dưới", "Only your unit and below")
        case .unitOutsideYourSubtree(let unit):
            ("Bạn chỉ xem được đơn vị mình và cấp dưới (“\(unit)” không phải)", "Only your unit and below")
        case .unknownUnit(let unit):
            ("Không có đơn vị “\(unit)”", "Unknown unit")
        case .unitClosed(let unit):
            ("Đơn vị “\(unit)” đã giải thể hoặc sáp nhập", "Unit \(unit) is closed")

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
        case .rulesBroken(let vietnamese, let english):
            (
                "Chưa trình được: số liệu chưa đúng \(vietnamese.count) ràng buộc của biểu mẫu: "
                    + vietnamese.joined(separator: "; "),
                "Not submitted: the figures break \(english.count) of the form's rules: "
                    + english.joined(separator: "; ")
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
            ("Tệp minh chứng vượt quá \(limit / 1_048_576) MB", "Evidence files are limited to \(limit / 1_048_576) MB")
        case .evidenceEmpty:
            ("Tệp minh chứng rỗng", "The file is empty")
        case .evidenceStageOver(let stage):
            ("Tệp này thuộc bước \(name(stage)) đã qua", "That stage is over")
        case .exportFormatUnknown:
            ("Định dạng tải về phải là xlsx hoặc csv", "format must be xlsx or csv")

        // MARK: Accounts and sessions
        case .usernameInvalid:
            (
                "Tên đăng nhập chỉ gồm chữ thường, số, '.', '_', '-' (3–64 ký tự)",
                "Username: 3–64 of a-z, 0-9, '.', '_', '-'"
            )
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

        // MARK: Forms, assignments, expectations, closures
        case .formInvalid(let problems):
            ("Biểu mẫu chưa hợp lệ: \(problems.joined(separator: "; "))", "The form is not valid")
        case .formVersionExists(let code, let version):
            (
                "Biểu mẫu “\(code)” phiên bản \(version) đã tồn tại; hãy tăng số phiên bản",
                "This form version exists; raise the version"
            )
        case .assignmentPeriodInvalid(let text):
            ("Kỳ báo cáo “\(text)” không hợp lệ (ví dụ 2026-11, 2026-Q4, 2026)", "Invalid period")
        case .assignmentTargetsRequired:
            ("Hãy chọn đơn vị hoặc cấp được giao", "Give units or a level")
        case .assignOnlyBelow(let unit):
            (
                "Chỉ giao biểu mẫu cho đơn vị cấp dưới của mình (“\(unit)” không phải)",
                "Assign only to units below your own"
            )
        case .noUnitsToAssign:
            ("Không có đơn vị nào để giao", "No units to assign")
        case .formNotYours(let code):
            ("Đơn vị của bạn không có biểu mẫu “\(code)”", "Your unit has no such form")
        case .periodFrequencyMismatch(let period, let frequency):
            (
                "Kỳ \(period) không khớp tần suất \(frequency.rawValue) của biểu mẫu",
                "Period does not match the form's frequency"
            )
        case .alreadyAssigned(let period):
            ("Biểu mẫu này đã được giao cho kỳ \(period.vietnameseLabel)", "Already assigned for this period")
        case .amendmentReasonRequired:
            ("Hãy ghi lý do điều chỉnh (tối đa 500 ký tự)", "Give a reason (at most 500 characters)")
        case .amendmentUnitsRequired:
            ("Hãy chọn đơn vị cần bổ sung hoặc rút khỏi đợt giao", "Give units to add or withdraw")
        case .addedAndWithdrawn:
            ("Một đơn vị không thể vừa bổ sung vừa rút", "A unit cannot be both added and withdrawn")
        case .onlyAssignerAmends:
            (
                "Chỉ đơn vị đã giao biểu mẫu mới điều chỉnh được danh sách đơn vị được giao",
                "Only the assigning unit amends an assignment"
            )
        case .unitAlreadyExpected(let unit):
            ("Đơn vị “\(unit)” đã có trong đợt giao", "Unit \(unit) is already expected")
        case .unitNotExpected(let unit):
            ("Đơn vị “\(unit)” không có trong đợt giao", "Unit \(unit) is not expected")
        case .closeOnlyBelow:
            ("Chỉ ghi nhận giải thể, sáp nhập đơn vị cấp dưới của mình", "Only units below your own")
        case .closingDateInvalid(let text):
            ("Ngày giải thể “\(text)” không hợp lệ (ví dụ 2026-07-01)", "Invalid closing date")
        case .mergedIntoInvalid(let unit):
            ("Đơn vị sáp nhập vào “\(unit)” không hợp lệ", "Invalid unit merged into")
        case .closureReasonRequired:
            ("Hãy ghi lý do (tối đa 500 ký tự)", "Give a reason (at most 500 characters)")
        case .closureAlreadyRecorded(let unit):
            ("Đơn vị “\(unit)” đã được ghi nhận giải thể/sáp nhập", "This unit's closure is already recorded")

        // MARK: Figures, congress, scores
        case .congressOnlyLeaders:
            (
                "Chỉ lãnh đạo (phê duyệt) hoặc quản trị của đơn vị được đăng ký ngày đại hội",
                "Only the unit's approvers or admin set its congress date"
            )
        case .congressDateInvalid(let text):
            ("Ngày đại hội “\(text)” không hợp lệ (ví dụ 2026-05-20)", "Invalid date (e.g. 2026-05-20)")
        case .congressNoteTooLong:
            ("Ghi chú tối đa 500 ký tự", "The note is at most 500 characters")
        case .congressLevelUnknown(let text):
            ("Cấp “\(text)” không hợp lệ (central, province, commune)", "Unknown level")
        case .congressStatusUnknown(let text):
            ("Tình trạng “\(text)” không hợp lệ (held, not_held)", "status must be held or not_held")
        case .filterDateInvalid(let key, let text):
            ("Ngày “\(text)” không hợp lệ (ví dụ 2026-05-20)", "Invalid \(key) date")
        case .dateRangeReversed:
            ("Ngày bắt đầu phải trước ngày kết thúc", "from must not be after to")
        case .unitCountOutOfRange:
            ("Hãy chọn từ 1 đến 100 đơn vị (tham số units, cách nhau bởi dấu phẩy)", "Give 1 to 100 units (units=A,B)")
        case .figureCountOutOfRange:
            ("Cần từ 1 đến 10000 dòng số liệu", "Give 1 to 10,000 figures")
        case .figuresInvalid:
            ("Số liệu chưa hợp lệ", "Some figures are not valid")
        case .figuresOnlyFromAbove(let units):
            (
                "Chỉ lãnh đạo (phê duyệt) hoặc quản trị của đơn vị cấp trên trực tiếp được cập nhật số liệu chấm điểm của: \(units.joined(separator: ", "))",
                "Only the approvers or admin of the unit directly above may set these units' figures"
            )
        case .nothingToRank:
            ("Đơn vị của bạn không có đơn vị cấp dưới để xếp hạng", "Your unit has no units below it to rank")
        case .rankingNotPublished(let month):
            (
                "Chưa công bố kết quả xếp hạng\(month.map { " tháng \($0.month)/\($0.year)" } ?? "")",
                "No ranking published\(month.map { " for \($0)" } ?? "")"
            )
        case .selfReportOnlyOwnIndicators(let own, let other):
            (
                "Đơn vị chỉ tự báo cáo các chỉ số: \(own.joined(separator: ", ")); “\(other)” do đơn vị cấp trên cập nhật",
                "A unit reports only its own figures; \(other) is set by the unit above"
            )
        case .selfReportOneUnitOneMonth:
            ("Cần số liệu của đơn vị mình cho một tháng", "Give figures of your own unit for one month")

        // MARK: Indicators
        case .indicatorCodeTaken(let code, let owner):
            (
                "Mã chỉ số “\(code)” đã thuộc đơn vị \(owner); hãy dùng mã khác",
                "The indicator code '\(code)' belongs to \(owner); use another code"
            )
        case .indicatorInvalid(let refusal):
            (
                "Chỉ số chưa hợp lệ: \(refusal.vietnamese.joined(separator: "; "))",
                "The indicator is not valid: \(refusal.english.joined(separator: "; "))"
            )
        case .indicatorPeriodInvalid(let text):
            (
                "Kỳ “\(text)” không hợp lệ cho chỉ số này (ví dụ 2026-11 cho chỉ số hằng tháng)",
                "The period '\(text)' is not valid for this indicator (e.g. 2026-11 for a monthly one)"
            )
        case .indicatorTrendCountInvalid(let text):
            (
                "Số kỳ “\(text)” không hợp lệ: phải là số nguyên từ 1 đến 60",
                "The number of periods '\(text)' is not valid: a whole number from 1 to 60"
            )
        case .indicatorNotEntered(let code):
            (
                "Giá trị chỉ số “\(code)” được tính theo công thức hoặc do hệ thống khác cung cấp, không nhập tay",
                "The values of '\(code)' are computed or delivered by another system, not entered"
            )
        case .indicatorClientInvalid(let problems):
            (
                "Chưa cấp được quyền cung cấp số liệu: \(problems.map { $0.components(separatedBy: " / ").first ?? $0 }.joined(separator: "; "))",
                "The client's grant is not valid: \(problems.map { $0.components(separatedBy: " / ").last ?? $0 }.joined(separator: "; "))"
            )
        case .indicatorAssignOnlyBelow(let unit):
            (
                "Chỉ giao chỉ số cho đơn vị cấp dưới của mình (“\(unit)” không thuộc cấp dưới)",
                "Assign indicators only to units below your own ('\(unit)' is not)"
            )
        case .indicatorAssignmentInvalid(let problems):
            (
                "Chưa giao được chỉ số: \(problems.map { $0.components(separatedBy: " / ").first ?? $0 }.joined(separator: "; "))",
                "The indicator assignment is not valid: \(problems.map { $0.components(separatedBy: " / ").last ?? $0 }.joined(separator: "; "))"
            )
        case .indicatorAlreadyAssigned(let code, let unit):
            (
                "Chỉ số “\(code)” đã được giao cho đơn vị “\(unit)”; hãy thu hồi lần giao cũ trước",
                "The indicator '\(code)' is assigned to '\(unit)' already; withdraw that assignment first"
            )
        case .deliveryTokenRefused:
            (
                "Mã truy cập của hệ thống không hợp lệ hoặc đã bị thu hồi",
                "The client token is unknown or revoked"
            )
        case .deliveryInvalid:
            (
                "Lần gửi số liệu cần mã lần gửi (delivery) và từ 1 đến 1000 giá trị",
                "A delivery needs its key (delivery) and 1 to 1000 values"
            )
        case .deliveryKeyReused(let key):
            (
                "Mã lần gửi “\(key)” đã dùng cho số liệu khác; hãy dùng mã mới",
                "The delivery key '\(key)' was used for other values; use a new key"
            )
        case .linkedIndicatorInvalid(let formCode, let question):
            (
                "Chỉ số liên kết “\(formCode) / \(question)” không phải câu hỏi số của biểu mẫu đơn vị được giao",
                "The linked indicator is not a numeric question of a form your unit may be assigned"
            )

        // MARK: Parked messages and nodes
        case .parkedOnlyOwnAdmins:
            (
                "Chỉ quản trị viên của đơn vị quản lý nút này mới xem và xử lý tin bị giữ lại",
                "Only admins of this node's own unit see and settle parked messages"
            )
        case .setAsideReasonRequired:
            ("Cần ghi lý do gác lại", "A reason is required")
        case .noLongerParked(let state):
            ("Tin này không còn bị giữ lại (\(state))", "This message is no longer parked (\(state))")
        case .nodesOnlyOwnAdmins:
            (
                "Chỉ quản trị viên của đơn vị quản lý nút này mới xem được các nút trong mạng",
                "Only admins of this node's own unit see the nodes of the network"
            )
        case .silenceThresholdOutOfRange:
            (
                "Ngưỡng im lặng phải từ 60 giây đến 30 ngày",
                "The silence threshold must be between 60 seconds and 30 days"
            )

        // MARK: Alerts
        case .alertRulesOnlyLeaders:
            ("Chỉ quản trị hoặc lãnh đạo đơn vị được đặt quy tắc cảnh báo", "Only admins and approvers set alert rules")
        case .alertDateInvalid(let text):
            ("Ngày “\(text)” không hợp lệ (yyyy-mm-dd)", "Invalid date")
        case .alertRuleInvalid(let problems):
            ("Quy tắc cảnh báo chưa hợp lệ: \(problems.joined(separator: "; "))", "The alert rule is not valid")
        case .alertFormUnknown(let code, let owner):
            ("Không có biểu mẫu “\(code)” của đơn vị \(owner) tại đây", "No such form here")
        case .alertQuestionUnknown(let question):
            ("Biểu mẫu không có câu hỏi dạng số “\(question)”", "The form has no numeric question of that id")
        case .alertRuleOnlySetterRemoves:
            ("Chỉ đơn vị đặt quy tắc được gỡ bỏ", "Only the unit that set a rule removes it")

        // MARK: Tasks
        case .tasksOnlyLeadersAssign:
            ("Chỉ lãnh đạo đơn vị được giao nhiệm vụ", "Only the unit's leaders assign tasks")
        case .taskDeadlineInvalid(let text):
            ("Hạn hoàn thành “\(text)” không hợp lệ (định dạng yyyy-mm-dd)", "Invalid deadline (yyyy-mm-dd)")
        case .assignTasksOnlyBelow(let unit):
            (
                "Chỉ giao nhiệm vụ cho đơn vị cấp dưới của mình (“\(unit)” không phải)",
                "Assign tasks only to units below your own"
            )
        case .taskInvalid(let problems):
            ("Nhiệm vụ chưa hợp lệ: \(problems.joined(separator: "; "))", "The task is not valid")
        case .progressOnlyAssigneeStaff:
            (
                "Chỉ người cập nhật hoặc lãnh đạo của đơn vị được giao báo cáo tiến độ",
                "Only data entry or the leader of the assignee unit reports progress"
            )
        case .progressPercentRequired:
            ("Hãy nhập tiến độ (%)", "Give the progress in percent")
        case .taskNoteTooLong:
            ("Ghi chú tối đa 2.000 ký tự", "The note is limited to 2,000 characters")
        case .taskEvidenceUnknown(let id):
            (
                "Không tìm thấy tệp minh chứng “\(id)” chưa gắn với báo cáo tiến độ nào",
                "Unknown or already used evidence file"
            )
        case .progressOnlyAssignee:
            ("Chỉ đơn vị được giao báo cáo tiến độ nhiệm vụ này", "Only an assignee unit reports on this task")
        case .reviewOnlyAssignerLeaders:
            (
                "Chỉ lãnh đạo đơn vị giao nhiệm vụ được xác nhận hoặc trả lại",
                "Only the assigning unit's leaders review completions"
            )
        case .reviewReasonTooLong:
            ("Lý do tối đa 2.000 ký tự", "The reason is limited to 2,000 characters")
        case .reviewOnlyAssigner:
            ("Chỉ đơn vị đã giao nhiệm vụ được xác nhận hoặc trả lại", "Only the assigning unit reviews completions")
        case .notAnAssignee(let unit):
            ("Đơn vị “\(unit)” không được giao nhiệm vụ này", "That unit is not an assignee")
        case .task(let refusal):
            (refusal.message, refusal.messageEN)
        case .tooManyPendingTaskEvidence(let limit):
            (
                "Tối đa \(limit) tệp minh chứng chờ gửi cho mỗi nhiệm vụ",
                "At most \(limit) waiting evidence files per task"
            )
        case .taskEvidenceOnlyAssigneeStaff:
            (
                "Chỉ người cập nhật hoặc lãnh đạo của đơn vị được giao gửi minh chứng",
                "Only data entry or the leader of the assignee unit attaches evidence"
            )
        case .taskEvidenceOnlyAssignee:
            (
                "Chỉ đơn vị được giao gửi minh chứng cho nhiệm vụ này",
                "Only an assignee unit attaches evidence to this task"
            )
        // MARK: Units and nodes
        case .addUnitsOnlyBelowOwn:
            ("Chỉ thêm được đơn vị trực thuộc đơn vị của mình", "Add units only directly below your own unit")
        case .noLevelBelow(let level):
            ("Đơn vị \(level.vietnameseName) không có đơn vị cấp dưới", "A \(level.rawValue) has no units below it")
        case .onlyLevelBelow(let below, let parentName, let parentCode):
            (
                "Chỉ thêm được đơn vị cấp \(below.vietnameseName) trực thuộc \(parentName)",
                "Only a \(below.rawValue) can be added below \(parentCode)"
            )
        case .renameOnlyBelowOwn:
            ("Chỉ đổi tên được đơn vị trực thuộc đơn vị của mình", "Rename only units directly below your own unit")
        case .unitNameRequired: ("Hãy nhập tên đơn vị", "Give the unit's name")
        case .unitNameTooLong(let limit):
            ("Tên đơn vị tối đa \(limit) ký tự", "The name is at most \(limit) characters")
        case .unitCodeInvalid(let parent):
            (
                "Mã đơn vị phải bắt đầu bằng “\(parent)-”, chỉ gồm chữ cái không dấu, chữ số và dấu “-” (tối đa 63 ký tự), ví dụ \(parent)-XA1",
                "The code must start with \(parent)- and hold only letters, digits and inner '-' (at most 63)"
            )
        case .unitCodeTaken(let code): ("Mã đơn vị “\(code)” đã được dùng", "Unit code \(code) is already used")
        case .unitChangeRefused(let reason):
            ("Không thể thay đổi đơn vị: \(reason)", "Cannot change the unit: \(reason)")
        case .enrolmentOnlyOwnAdmins:
            (
                "Chỉ quản trị của đơn vị quản lý nút này mới cấp được mã đăng ký nút",
                "Only the admin of this node's unit issues enrolment tokens"
            )
        case .unitCannotGetNodeHere(let unit):
            (
                "Đơn vị “\(unit)” không trực thuộc một đơn vị do nút này quản lý",
                "Unit '\(unit)' is not directly below a unit hosted by this node"
            )
        case .nodeNameTaken(let name):
            ("Tên nút “\(name)” không hợp lệ hoặc đã được dùng", "Node name '\(name)' is invalid or already used")
        case .listenAddressesInvalid: ("Địa chỉ lắng nghe phải có dạng máy:cổng", "Listen addresses must be host:port")
        case .noIssuingKey:
            ("Nút này không giữ khóa cấp chứng thư", "This node holds no CA key to issue certificates with")
        case .noChildNodeToRetire(let unit):
            (
                "Đơn vị “\(unit)” không có nút riêng trực thuộc nút này để thôi vận hành",
                "Unit '\(unit)' has no node of its own directly below this node to retire"
            )
        case .accountServedElsewhere(let node, let address):
            (
                "Đơn vị của tài khoản này nay làm việc trên nút riêng “\(node)”: hãy đăng nhập tại \(address)",
                "This account's unit now works on its own node '\(node)': log in at \(address)"
            )
        case .unitCannotTakeNode(let unit, let reason):
            (
                "Đơn vị “\(unit)” không nhận thêm nút được: \(reason)",
                "Unit '\(unit)' cannot take this node: \(reason)"
            )
        case .enrolmentRefused:
            (
                "Mã đăng ký nút không hợp lệ, đã dùng hoặc đã hết hạn",
                "The enrolment token is unknown, used or expired"
            )
        case .onlyRootIssuesCAs:
            ("Chỉ trung ương cấp khóa cấp chứng thư trung gian", "Only the root (the centre) issues intermediate CAs")
        case .signingRequestUnreadable(let forCA):
            forCA
                ? (
                    "Yêu cầu cấp chứng thư trung gian (CSR) không đọc được",
                    "The CA's certificate signing request is not a PEM CSR"
                )
                : ("Yêu cầu cấp chứng thư (CSR) không đọc được", "The certificate signing request is not a PEM CSR")
        case .signingRequestRefused(let forCA, let reason):
            (
                forCA
                    ? "Không cấp được chứng thư trung gian: yêu cầu không hợp lệ"
                    : "Không cấp được chứng thư: yêu cầu không hợp lệ",
                reason
            )
        case .certificatesOnlyForChildren:
            ("Chỉ cấp chứng thư cho nút trực thuộc", "Certificates are issued only to nodes directly below")
        case .tooManyRenewals(let unit, let recent, let limit):
            (
                "Nút “\(unit)” đã gia hạn chứng thư \(recent) lần trong 24 giờ qua",
                "At most \(limit) renewals per node in 24 hours"
            )
        case .issuerCannotCertify(let unit, let reason):
            ("Khóa cấp chứng thư của nút này không được cấp cho đơn vị “\(unit)”", reason)
        case .nameOfAnotherUnit(let name):
            ("Tên “\(name)” thuộc về đơn vị khác", "The name '\(name)' belongs to another unit")
        case .nameOfAnotherNode(let name, let node):
            ("Tên, địa chỉ “\(name)” là của nút \(node)", "The name or address '\(name)' is node \(node)'s")
        case .unitMoveOnlyOwnAdmins:
            (
                "Chỉ quản trị của đơn vị quản lý nút này mới chuyển được đơn vị sang đơn vị cấp trên khác",
                "Only the admin of this node's unit moves a unit to another parent"
            )
        case .handoverUnderWay(let subject):
            (
                "Dữ liệu của “\(subject)” đang được chuyển giữa các nút; hãy thử lại khi việc chuyển xong",
                "The data of '\(subject)' is being handed over between nodes; try again once it is done"
            )
        case .retirementNotAsked(let unit):
            (
                "Hãy yêu cầu nút riêng của đơn vị “\(unit)” thôi vận hành trước; chỉ khi máy của nút đã mất mới nhận lại đơn vị không kèm dữ liệu của nút",
                "Ask the node of unit '\(unit)' to retire first; take the unit back without the node's data only when its machine is lost"
            )
        case .unitHasNodeInside(let unit, let node):
            (
                "Đơn vị “\(unit)” có nút riêng (\(node)): hãy thôi vận hành nút đó trước khi chuyển đơn vị",
                "Unit '\(unit)' has a node of its own (\(node)): retire that node before the unit moves"
            )
        case .unitMoveDecidedCloser(let unit, let node):
            (
                "Việc chuyển đơn vị “\(unit)” do quản trị của nút “\(node)” quyết định, nút gần đơn vị hơn",
                "Moving unit '\(unit)' is decided by the admin of node '\(node)', which is closer to it"
            )
        case .nodesRunBelow(let unit, let node):
            (
                "Đơn vị “\(unit)” đã có nút cấp dưới (\(node)): chưa hỗ trợ chèn nút lên trên",
                "Unit '\(unit)' has nodes below it (\(node)): a node cannot be put above them yet"
            )
        case .nameOutsideConstraints(let name):
            (
                "Tên “\(name)” nằm ngoài phạm vi được phép của khóa cấp chứng thư",
                "The name '\(name)' is outside the CA's name constraints"
            )
        case .revokeOnlyOwnAdmins:
            (
                "Chỉ quản trị của đơn vị quản lý nút này mới thu hồi được chứng thư",
                "Only the admin of this node's unit revokes certificates"
            )
        case .revocationReasonRequired:
            ("Hãy ghi lý do thu hồi (tối đa 500 ký tự)", "Give a reason (at most 500 characters)")
        case .certificateDoesNotMatch:
            ("Chứng thư gửi kèm không khớp với mã vân tay", "The certificate sent does not match the fingerprint")
        case .revokeOnlyAncestors(let unit):
            (
                "Chỉ đơn vị cấp trên mới thu hồi được chứng thư của đơn vị “\(unit)”",
                "Only an ancestor of unit \(unit) may revoke its certificate"
            )
        case .alreadyRevoked: ("Chứng thư này đã bị thu hồi", "This certificate is already revoked")
        case .certificateUnknownHere:
            ("Không tìm thấy chứng thư này tại nút", "No certificate with this fingerprint is known here")
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

/// What the pages catch to show a refusal in the page (short, to keep catch clauses on a line).
typealias Refused = any PersonFacingError

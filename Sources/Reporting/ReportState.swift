/// The states of a report, with the names the source documents use.
public enum ReportState: String, Codable, Sendable, CaseIterable {
    /// Lưu nháp: being filled in by the unit.
    case draft
    /// Chờ phê duyệt: submitted, waiting for the unit leader.
    case submitted
    /// Đã phê duyệt: approved by the unit leader and sent up.
    case approved
    /// Yêu cầu chỉnh sửa: returned for revision, with a reason.
    case returned

    public var vietnameseName: String {
        switch self {
        case .draft: "Lưu nháp"
        case .submitted: "Chờ phê duyệt"
        case .approved: "Đã phê duyệt"
        case .returned: "Yêu cầu chỉnh sửa"
        }
    }

    public var isEditable: Bool { self == .draft || self == .returned }
}

/// What a person does to a report.
public enum ReportAction: String, Codable, Sendable, CaseIterable {
    case create
    case save
    /// The unit leader corrects submitted data before approving it.
    case correct
    case submit
    case approve
    case `return`
    case delete
}

/// The workflow rules (Regulation 02 Art. 7–9, seed 004 §2.3): which action is allowed in which
/// state, and where it leads. Who may act is decided by permissions, not here.
public enum ReportWorkflow {
    /// The state after `action`, or a refusal a person can read.
    public static func next(after action: ReportAction, from state: ReportState) -> Result<ReportState?, WorkflowError>
    {
        switch (action, state) {
        case (.save, .draft), (.save, .returned), (.correct, .submitted):
            return .success(state)
        case (.submit, .draft), (.submit, .returned):
            return .success(.submitted)
        case (.approve, .submitted):
            return .success(.approved)
        case (.return, .submitted), (.return, .approved):
            return .success(.returned)
        case (.delete, .draft):
            return .success(nil)
        default:
            return .failure(WorkflowError(action: action, state: state))
        }
    }
}

/// An action the current state does not allow.
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    public let action: ReportAction
    public let state: ReportState

    public var description: String {
        switch action {
        case .save, .submit:
            "Chỉ sửa và gửi được báo cáo ở trạng thái Lưu nháp hoặc Yêu cầu chỉnh sửa (hiện tại: \(state.vietnameseName))"
        case .approve: "Chỉ phê duyệt được báo cáo ở trạng thái Chờ phê duyệt (hiện tại: \(state.vietnameseName))"
        case .correct:
            "Lãnh đạo đơn vị chỉ sửa được báo cáo ở trạng thái Chờ phê duyệt (hiện tại: \(state.vietnameseName))"
        case .return: "Không thể trả lại báo cáo ở trạng thái \(state.vietnameseName)"
        case .delete: "Chỉ xoá được báo cáo ở trạng thái Lưu nháp (hiện tại: \(state.vietnameseName))"
        case .create: "Không thể tạo báo cáo"
        }
    }
}

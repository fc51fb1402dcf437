import Hierarchy
import Tasks

/// What an alert watches for (Regulation 02 Art. 14–15).
public enum AlertKind: String, Codable, Sendable, CaseIterable {
    /// Not done and due within `days` days.
    case dueSoon = "due_soon"
    /// Not done and past its deadline.
    case overdue
    /// From `date` on, a task still below `percent` % complete.
    case lowCompletion = "low_completion"
    /// A reported number beyond `factor` × (or below 1/`factor` ×) its reference: the unit's own
    /// history or its peers' values for the same period.
    case abnormalValue = "abnormal_value"
    /// Raised by the node itself, not by a rule: a message parked on this node, or a report of
    /// this node's parked above it (told by a receipt). Cleared once it is applied or set aside.
    case parkedMessage = "parked_message"
    /// Raised by the node itself, not by a rule: a node below has not been heard from for longer
    /// than the silence threshold its admins set. Cleared once it is heard from again.
    case silentNode = "silent_node"
    /// Raised by the node itself, not by a rule: a node below reported an audit head that goes
    /// back on one this node witnessed (entries cut off the end of its trail). Stands until
    /// acknowledged: the entries cut off do not come back.
    case auditCut = "audit_cut"

    /// Leaders watch schedules slipping; officers watch what they must do and what they typed.
    public var defaultAudience: Audience {
        switch self {
        case .dueSoon, .abnormalValue: .operational
        case .overdue, .lowCompletion, .parkedMessage, .silentNode, .auditCut: .strategic
        }
    }

    public var vietnameseName: String {
        switch self {
        case .dueSoon: "Sắp đến hạn"
        case .overdue: "Quá hạn"
        case .lowCompletion: "Tiến độ thấp"
        case .abnormalValue: "Số liệu bất thường"
        case .parkedMessage: "Tin bị giữ lại"
        case .silentNode: "Nút im lặng"
        case .auditCut: "Nhật ký kiểm toán bị cắt"
        }
    }
}

/// Who an alert is for: leaders and approvers (strategic) or officers and data entry (operational).
public enum Audience: String, Codable, Sendable {
    case strategic
    case operational
}

/// What an abnormal value is compared with.
public enum Basis: String, Codable, Sendable {
    /// The same unit's earlier periods.
    case history
    /// The units with the same parent, same period.
    case peers
}

/// A rule a unit sets for its subtree. Its scope is one task (`taskId`), a form's assignments
/// (`formOwner` + `formCode`), an indicator (`formOwner` + `formCode` + `question`: tasks linked
/// to it and the numbers reported for it), an assigned indicator of the catalogue (`indicator`: the
/// values its assignments owe), or — with none of these — every task.
public struct AlertRule: Codable, Sendable, Hashable {
    public let id: String
    /// The unit that set the rule; it applies to that unit's subtree.
    public let unit: String
    public let kind: AlertKind
    public let audience: Audience
    public let taskId: String?
    public let formOwner: String?
    public let formCode: String?
    public let question: String?
    /// The code of an indicator of the catalogue (issue M.3): the values its assignments owe.
    public let indicator: String?
    /// `dueSoon`: how many days ahead.
    public let days: Int?
    /// `lowCompletion`: the threshold.
    public let percent: Int?
    /// `lowCompletion`: from which day.
    public let date: CalendarDate?
    /// `abnormalValue`: how far from the reference is abnormal (> 1).
    public let factor: Double?
    public let basis: Basis?

    public init(
        id: String,
        unit: String,
        kind: AlertKind,
        audience: Audience? = nil,
        taskId: String? = nil,
        formOwner: String? = nil,
        formCode: String? = nil,
        question: String? = nil,
        days: Int? = nil,
        percent: Int? = nil,
        date: CalendarDate? = nil,
        factor: Double? = nil,
        basis: Basis? = nil,
        indicator: String? = nil
    ) {
        self.id = id
        self.indicator = indicator
        self.unit = unit
        self.kind = kind
        self.audience = audience ?? kind.defaultAudience
        self.taskId = taskId
        self.formOwner = formOwner
        self.formCode = formCode
        self.question = question
        self.days = days
        self.percent = percent
        self.date = date
        self.factor = factor
        self.basis = basis
    }

    /// What is wrong with the rule, in Vietnamese, by field; empty when it is fine.
    public var problems: [String: String] {
        var problems: [String: String] = [:]
        if taskId != nil && (formOwner != nil || formCode != nil || question != nil) {
            problems["taskId"] = "Quy tắc áp dụng cho một nhiệm vụ hoặc một biểu mẫu/chỉ số, không cả hai"
        }
        if (formOwner == nil) != (formCode == nil) { problems["formCode"] = "Cần cả đơn vị sở hữu và mã biểu mẫu" }
        if question != nil && formCode == nil { problems["question"] = "Chỉ số cần mã biểu mẫu" }
        if indicator != nil && (taskId != nil || formCode != nil || formOwner != nil) {
            problems["indicator"] = "Quy tắc về chỉ số được giao không kèm nhiệm vụ hay biểu mẫu"
        }
        if indicator != nil && kind != .dueSoon && kind != .overdue {
            problems["indicator"] = "Chỉ số được giao chỉ có cảnh báo sắp đến hạn và quá hạn"
        }
        switch kind {
        case .dueSoon:
            if days.map({ !(1...365).contains($0) }) ?? true {
                problems["days"] = "Số ngày báo trước phải từ 1 đến 365"
            }
        case .overdue:
            break
        case .lowCompletion:
            if percent.map({ !(1...100).contains($0) }) ?? true {
                problems["percent"] = "Ngưỡng tiến độ phải từ 1 đến 100%"
            }
            if date == nil { problems["date"] = "Cần ngày bắt đầu xét tiến độ (yyyy-mm-dd)" }
            if formCode != nil && question == nil {
                problems["formCode"] = "Tiến độ (%) chỉ có ở nhiệm vụ, không ở biểu mẫu"
            }
        case .parkedMessage:
            problems["kind"] = "Cảnh báo tin bị giữ lại do hệ thống tự tạo, không đặt quy tắc được"
        case .silentNode:
            problems["kind"] = "Cảnh báo nút im lặng do hệ thống tự tạo; ngưỡng đặt ở trang Các nút trong mạng"
        case .auditCut:
            problems["kind"] = "Cảnh báo nhật ký kiểm toán bị cắt do hệ thống tự tạo, không đặt quy tắc được"
        case .abnormalValue:
            if question == nil {
                problems["question"] = "Số liệu bất thường cần một chỉ số: biểu mẫu và câu hỏi dạng số"
            }
            if factor.map({ !($0 > 1 && $0 <= 1000) }) ?? true {
                problems["factor"] = "Hệ số phải lớn hơn 1 (ví dụ 3 = gấp ba lần)"
            }
            if basis == nil {
                problems["basis"] = "Cần chọn so với lịch sử của đơn vị (history) hay đơn vị cùng cấp (peers)"
            }
        }
        return problems
    }
}

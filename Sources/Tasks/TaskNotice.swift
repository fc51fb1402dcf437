import Foundation
import Hierarchy

/// A task (nhiệm vụ) as the assigning unit defines it; the body of `task.assigned`, which carries
/// only the assignees below the receiving node.
public struct TaskNotice: Codable, Sendable, Hashable {
    public let id: String
    /// The unit that assigned the task; progress travels up to it and it reviews completions.
    public let assignedBy: String
    public let title: String
    public let description: String
    public let deadline: CalendarDate
    public let expectedResult: String
    public let indicator: IndicatorLink?
    /// The units that must carry it out (any depth below `assignedBy`).
    public let units: [String]

    public init(
        id: String,
        assignedBy: String,
        title: String,
        description: String,
        deadline: CalendarDate,
        expectedResult: String,
        indicator: IndicatorLink?,
        units: [String]
    ) {
        self.id = id
        self.assignedBy = assignedBy
        self.title = title
        self.description = description
        self.deadline = deadline
        self.expectedResult = expectedResult
        self.indicator = indicator
        self.units = units
    }

    /// The same task for a subset of its assignees (what one child node receives).
    public func narrowed(to units: [String]) -> TaskNotice {
        TaskNotice(
            id: id,
            assignedBy: assignedBy,
            title: title,
            description: description,
            deadline: deadline,
            expectedResult: expectedResult,
            indicator: indicator,
            units: units
        )
    }

    /// What is wrong with a new task as written, in Vietnamese, by field; empty when it is fine.
    public func problems(today: CalendarDate) -> [String: String] {
        var problems: [String: String] = [:]
        let title = self.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { problems["title"] = "Tên nhiệm vụ không được để trống" }
        if title.count > 300 { problems["title"] = "Tên nhiệm vụ tối đa 300 ký tự" }
        if description.count > 10_000 { problems["description"] = "Mô tả tối đa 10.000 ký tự" }
        if expectedResult.count > 5_000 { problems["expectedResult"] = "Kết quả dự kiến tối đa 5.000 ký tự" }
        // Tasks given earlier on paper may be recorded late; a deadline far away is a typing slip.
        if deadline.dayNumber < today.dayNumber - 366 || deadline.dayNumber > today.dayNumber + 5 * 366 {
            problems["deadline"] = "Hạn hoàn thành phải trong khoảng một năm trước đến năm năm sau hôm nay"
        }
        if units.isEmpty { problems["units"] = "Hãy chọn ít nhất một đơn vị được giao" }
        if let indicator, indicator.formCode.isEmpty || indicator.question.isEmpty {
            problems["indicator"] = "Chỉ số liên kết cần mã biểu mẫu và mã câu hỏi"
        }
        return problems
    }
}

/// The indicator a task advances: a question of a form (named by its owner unit and code).
public struct IndicatorLink: Codable, Sendable, Hashable {
    public let formOwner: String
    public let formCode: String
    public let question: String

    public init(formOwner: String, formCode: String, question: String) {
        self.formOwner = formOwner
        self.formCode = formCode
        self.question = question
    }
}

import Auth
import Foundation
import Hierarchy
import Node
import Reporting

/// The "Việc cần làm" section of the home page (and the returned reports under alerts): the
/// core's `ToDoList` as template values, periods and deadlines in words.
enum ToDoSection {
    static func values(_ list: ToDoList, _ visitor: PageVisitor, kit: PageKit) -> [String: Any] {
        let language = visitor.language
        let numbers = NumberFormat(language)
        let toFill: [[String: Any]] = list.toFill.map { item in
            [
                "assignment": item.assignment, "title": item.title, "period": PeriodWords.text(item.period, language),
                "deadline": PageDate.isoDay(item.deadline), "overdue": item.overdue,
                "when": due(item.daysLeft, overdue: item.overdue, language, numbers),
                "report": item.report ?? "", "has_report": item.report != nil,
                "state": item.state.map { visitor.pick($0.vietnameseName, $0.englishName) } ?? "",
            ]
        }
        let awaiting: [[String: Any]] = list.awaitingApproval.map { item in
            [
                "report": item.report, "title": item.title, "period": PeriodWords.text(item.period, language),
                "unit_name": kit.unitName(item.unit), "deadline": PageDate.isoDay(item.deadline),
                "overdue": item.overdue,
                "by": item.submittedByName ?? item.submittedBy ?? "",
                "at": item.submittedAt.map(PageDate.minute) ?? "", "message": item.message ?? "",
            ]
        }
        let late: [[String: Any]] = list.lateUnits.map { item in
            [
                "unit": item.unit, "name": item.name, "title": item.title,
                "period": PeriodWords.text(item.period, language), "deadline": PageDate.isoDay(item.deadline),
                "days": numbers.text(item.daysLate), "expected": numbers.text(item.expected),
                "submitted": numbers.text(item.submitted), "approved": numbers.text(item.approved),
                "href": "\(WebPages.prefix)?assignment=\(item.assignment)&unit=\(item.unit)",
            ]
        }
        let returnedRows = returned(list, visitor, kit: kit)
        return [
            "to_fill": toFill, "has_to_fill": !toFill.isEmpty,
            "returned": returnedRows, "has_returned": !returnedRows.isEmpty,
            "awaiting": awaiting, "has_awaiting": !awaiting.isEmpty,
            "late": late, "has_late": !late.isEmpty,
            "nothing": list.isEmpty,
        ]
    }

    /// Returned reports with their reason, who returned them and when.
    static func returned(_ list: ToDoList, _ visitor: PageVisitor, kit: PageKit) -> [[String: Any]] {
        list.returned.map { item in
            [
                "report": item.report, "title": item.title, "period": PeriodWords.text(item.period, visitor.language),
                "deadline": PageDate.isoDay(item.deadline), "overdue": item.overdue,
                "reason": item.reason ?? "",
                "by": item.returnedByName ?? item.returnedBy ?? "",
                "by_unit": item.returnedByUnit.map(kit.unitName) ?? "",
                "at": item.returnedAt.map(PageDate.minute) ?? "",
                "can_edit": visitor.actor.holds(.enterData),
            ]
        }
    }

    /// "Còn 5 ngày", "Hạn hôm nay", "Quá hạn 3 ngày".
    static func due(_ daysLeft: Int, overdue: Bool, _ language: Language, _ numbers: NumberFormat) -> String {
        if overdue {
            return language.pick(
                "Quá hạn \(numbers.text(-daysLeft)) ngày",
                "Overdue by \(numbers.text(-daysLeft)) days"
            )
        }
        if daysLeft == 0 { return language.pick("Hạn hôm nay", "Due today") }
        return language.pick("Còn \(numbers.text(daysLeft)) ngày", "\(numbers.text(daysLeft)) days left")
    }
}

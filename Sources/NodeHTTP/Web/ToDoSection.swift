import Auth
import Foundation
import Hierarchy
import Node
import Reporting

/// The "Việc cần làm" section of the home page (and the returned reports under alerts): the
/// core's `ToDoList` as the `todo` partial reads it, periods and deadlines in words.
struct ToDoSection: Sendable {
    /// A form the unit has to fill.
    struct ToFill: Sendable {
        let assignment: String
        let title: String
        let period: String
        let deadline: String
        let overdue: Bool
        let when: String
        let report: String
        let hasReport: Bool
        let state: String
    }

    /// A report waiting for the visitor's approval.
    struct Awaiting: Sendable {
        let report: String
        let title: String
        let period: String
        let unitName: String
        let deadline: String
        let overdue: Bool
        let by: String
        let at: String
        let message: String
    }

    /// A unit below that is late.
    struct Late: Sendable {
        let unit: String
        let name: String
        let title: String
        let period: String
        let deadline: String
        let days: String
        let expected: String
        let submitted: String
        let approved: String
        let href: String
    }

    /// A report returned to the visitor's unit, with why, by whom and when.
    struct Returned: Sendable {
        let report: String
        let title: String
        let period: String
        let deadline: String
        let overdue: Bool
        let reason: String
        let by: String
        let byUnit: String
        let at: String
        let canEdit: Bool
    }

    /// A value an assigned indicator owes (the visitor's unit's, or an overdue one below).
    struct IndicatorDue: Sendable {
        let name: String
        let code: String
        let unitName: String
        let period: String
        let deadline: String
        let overdue: Bool
        let when: String
        let byUnit: Bool
        /// The entry page's row for the value, when the visitor may enter it.
        let href: String?
    }

    let toFill: [ToFill]
    let hasToFill: Bool
    let indicators: [IndicatorDue]
    let hasIndicators: Bool
    let returned: [Returned]
    let hasReturned: Bool
    let awaiting: [Awaiting]
    let hasAwaiting: Bool
    let late: [Late]
    let hasLate: Bool
    let nothing: Bool

    init(_ list: ToDoList, _ visitor: PageVisitor, kit: PageKit) {
        let language = visitor.language
        let numbers = NumberFormat(language)
        toFill = list.toFill.map { item in
            ToFill(
                assignment: item.assignment,
                title: item.title,
                period: PeriodWords.text(item.period, language),
                deadline: PageDate.isoDay(item.deadline),
                overdue: item.overdue,
                when: Self.due(item.daysLeft, overdue: item.overdue, language, numbers),
                report: item.report ?? "",
                hasReport: item.report != nil,
                state: item.state.map { visitor.pick($0.vietnameseName, $0.englishName) } ?? ""
            )
        }
        awaiting = list.awaitingApproval.map { item in
            Awaiting(
                report: item.report,
                title: item.title,
                period: PeriodWords.text(item.period, language),
                unitName: kit.unitName(item.unit),
                deadline: PageDate.isoDay(item.deadline),
                overdue: item.overdue,
                by: item.submittedByName ?? item.submittedBy ?? "",
                at: item.submittedAt.map(PageDate.minute) ?? "",
                message: item.message ?? ""
            )
        }
        late = list.lateUnits.map { item in
            Late(
                unit: item.unit,
                name: item.name,
                title: item.title,
                period: PeriodWords.text(item.period, language),
                deadline: PageDate.isoDay(item.deadline),
                days: numbers.text(item.daysLate),
                expected: numbers.text(item.expected),
                submitted: numbers.text(item.submitted),
                approved: numbers.text(item.approved),
                href: "\(WebPages.prefix)?assignment=\(item.assignment)&unit=\(item.unit)"
            )
        }
        indicators = list.indicators.map { item in
            IndicatorDue(
                name: item.name,
                code: item.indicator,
                unitName: kit.unitName(item.unit),
                period: PeriodWords.text(item.period, language),
                deadline: PageDate.isoDay(item.deadline),
                overdue: item.overdue,
                when: Self.due(item.daysLeft, overdue: item.overdue, language, numbers),
                byUnit: item.updatedBy == "unit",
                href: Self.mayEnter(item, visitor.actor, hostedHere: kit.local.hosts(item.unit))
                    ? "\(IndicatorPages.entryPath)#\(IndicatorPages.anchor(item.indicator, item.unit, item.period))"
                    : nil
            )
        }
        hasIndicators = !indicators.isEmpty
        returned = Self.returned(list, visitor, kit: kit)
        hasToFill = !toFill.isEmpty
        hasReturned = !returned.isEmpty
        hasAwaiting = !awaiting.isEmpty
        hasLate = !late.isEmpty
        nothing = list.isEmpty
    }

    /// Whether the visitor may enter an owed value (`SuppliedValues.enter`'s rule): one its unit
    /// enters, for its own unit, or for a unit below when it leads.
    /// Whether the visitor may enter the value here: only for a unit this node hosts (a unit on a
    /// node below enters its own values there).
    static func mayEnter(_ item: ToDoList.IndicatorDue, _ actor: Actor, hostedHere: Bool) -> Bool {
        guard item.updatedBy == "unit", hostedHere else { return false }
        if item.unit == actor.unit { return actor.holds(.enterData) || actor.holds(.approveReports) }
        return actor.holds(.approveReports)
    }

    /// Returned reports with their reason, who returned them and when.
    static func returned(_ list: ToDoList, _ visitor: PageVisitor, kit: PageKit) -> [Returned] {
        list.returned.map { item in
            Returned(
                report: item.report,
                title: item.title,
                period: PeriodWords.text(item.period, visitor.language),
                deadline: PageDate.isoDay(item.deadline),
                overdue: item.overdue,
                reason: item.reason ?? "",
                by: item.returnedByName ?? item.returnedBy ?? "",
                byUnit: item.returnedByUnit.map(kit.unitName) ?? "",
                at: item.returnedAt.map(PageDate.minute) ?? "",
                canEdit: visitor.actor.holds(.enterData)
            )
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

import Alerts
import Auth
import Foundation
import Hummingbird
import Node

/// "Cảnh báo": the alerts meant for the visitor (standing, or all with cleared ones), each
/// acknowledged once for everyone ("Đã biết"); and for admins and approvers the rules of their
/// unit, made and removed here. The API's use cases decide who sees and changes what.
struct AlertPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/alerts"

    /// What a leader typed in the rule form, and the refusal with the field it belongs to.
    struct TypedRule {
        var fields: [String: String] = [:]
        var error: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/alerts") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                return try await page(
                    visitor,
                    all: request.uri.queryParameters["state"] == "all",
                    typed: TypedRule(),
                    done: request.uri.queryParameters["done"].map(String.init)
                )
            }
        }
        pages.post("/alerts/{id}/acknowledge") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                _ = try await local.alerts.acknowledge(try context.parameters.require("id"), by: visitor.actor)
                throw PageRedirect(location: "\(Self.path)?done=acknowledged")
            }
        }
        pages.post("/alerts/rules") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let names = [
                    "kind", "task_id", "form_owner", "form_code", "question", "days", "percent", "date", "factor",
                    "basis", "indicator",
                ]
                var typed = TypedRule(
                    fields: Dictionary(
                        uniqueKeysWithValues: names.map { ($0, (form[$0] ?? "").trimmingCharacters(in: .whitespaces)) }
                    )
                )
                do {
                    let rule = try Self.rule(typed.fields, NumberFormat(visitor.language))
                    _ = try await local.alerts.createRule(rule, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.path)?done=rule")
                } catch let error as Refused
                    where error.status == .unprocessableContent
                    || (error.status == .notFound && error.details["indicator"] != nil)
                {
                    let keys = ["taskId": "task_id", "formOwner": "form_code", "formCode": "form_code"]
                    let field = error.details.keys.sorted().first.map { keys[$0] ?? $0 } ?? "kind"
                    typed.error = (field, visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, all: false, typed: typed, done: nil, status: error.status)
                }
            }
        }
        pages.post("/alerts/rules/{id}/delete") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                try await local.alerts.removeRule(try context.parameters.require("id"), by: visitor.actor)
                throw PageRedirect(location: "\(Self.path)?done=removed")
            }
        }
    }

    /// The typed fields as the API's rule, numbers read the page language's way; a number that is
    /// not one (or not a whole one for days and percent) is refused next to its field.
    static func rule(_ fields: [String: String], _ numbers: NumberFormat) throws -> NewAlertRule {
        func text(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }
        func refusal(_ given: String, _ name: String, _ problem: NumberFormat.Problem) -> EdgeRefusal {
            EdgeRefusal(
                problem == .notANumber ? .notANumber(given) : .numberMisshapen(given, problem),
                details: [name: "invalid"]
            )
        }
        func whole(_ name: String) throws -> Int? {
            guard let given = text(name) else { return nil }
            switch numbers.readWhole(given) {
            case .success(let value): return value
            case .failure(let problem): throw refusal(given, name, problem)
            }
        }
        func decimal(_ name: String) throws -> Double? {
            guard let given = text(name) else { return nil }
            switch numbers.read(given) {
            case .success(let value): return value
            case .failure(let problem): throw refusal(given, name, problem)
            }
        }
        guard let kind = text("kind").flatMap(AlertKind.init(rawValue:)) else {
            throw EdgeRefusal(.alertKindRequired, details: ["kind": "required"])
        }
        return NewAlertRule(
            kind: kind,
            audience: nil,
            taskId: text("task_id"),
            formOwner: text("form_owner"),
            formCode: text("form_code"),
            question: text("question"),
            days: try whole("days"),
            percent: try whole("percent"),
            date: text("date").map(TaskPages.isoDay),
            factor: try decimal("factor"),
            basis: text("basis").flatMap(Basis.init(rawValue:)),
            indicator: text("indicator")
        )
    }

    func page(
        _ visitor: PageVisitor,
        all: Bool,
        typed: TypedRule,
        done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = visitor.actor
        let alerts = try await local.alerts.visible(to: actor, includeCleared: all)
        // A report returned to the visitor's unit is an alert too, with its reason.
        let returned = ToDoSection.returned(try await local.toDo.list(for: actor), visitor, kit: kit)
        var page = AlertsPage(
            all: all,
            unitName: kit.unitName(actor.unit),
            alerts: alerts.map { alert in
                AlertsPage.Alert(
                    id: alert.id,
                    kind: visitor.pick(alert.kindName, alert.kind.englishName),
                    unit: kit.unitName(alert.unit),
                    message: visitor.pick(alert.message, alert.messageEN),
                    raisedAt: PageDate.minute(alert.raisedAt),
                    acknowledged: alert.acknowledgedAt != nil,
                    acknowledgedBy: alert.acknowledgedBy ?? "",
                    cleared: alert.clearedAt != nil,
                    action: "\(Self.path)/\(alert.id)/acknowledge"
                )
            },
            hasAlerts: !alerts.isEmpty,
            returned: returned,
            hasReturned: !returned.isEmpty,
            // The node's own admins settle parked messages on their page.
            parkedLink: actor.holds(.manageUsers) && actor.unit == local.unit
        )
        if actor.holds(.approveReports) {
            page.mayRule = true
            let rules = try await local.alerts.rules(for: actor)
            page.rules = rules.map { view in
                let rule = view.rule
                var scope: [String] = []
                if let task = rule.taskId { scope.append(visitor.pick("nhiệm vụ", "task") + " \(task)") }
                if let owner = rule.formOwner, let code = rule.formCode {
                    scope.append(visitor.pick("biểu mẫu", "form") + " \(owner)/\(code)")
                }
                if let question = rule.question { scope.append(visitor.pick("câu hỏi", "question") + " \(question)") }
                if let code = rule.indicator {
                    scope.append(visitor.pick("chỉ số được giao", "assigned indicator") + " \(code)")
                }
                var parameters: [String] = []
                if let days = rule.days { parameters.append(visitor.pick("\(days) ngày", "\(days) days")) }
                if let percent = rule.percent { parameters.append("< \(percent) %") }
                if let date = rule.date {
                    parameters.append(visitor.pick("từ", "from") + " \(PageDate.isoDay(date.description))")
                }
                if let factor = rule.factor { parameters.append("× \(NumberFormat(visitor.language).text(factor))") }
                if let basis = rule.basis {
                    parameters.append(
                        basis == .history
                            ? visitor.pick("so với các kỳ trước", "against earlier periods")
                            : visitor.pick("so với đơn vị cùng cấp", "against peers")
                    )
                }
                return AlertsPage.Rule(
                    id: rule.id,
                    kind: visitor.pick(view.kindName, rule.kind.rawValue),
                    unit: kit.unitName(rule.unit),
                    scope: scope.isEmpty ? visitor.pick("mọi nhiệm vụ", "every task") : scope.joined(separator: ", "),
                    parameters: parameters.joined(separator: "; "),
                    removable: rule.unit == actor.unit,
                    action: "\(Self.path)/rules/\(rule.id)/delete"
                )
            }
            page.hasRules = !rules.isEmpty
            page.kinds = AlertKind.allCases.filter { ![.parkedMessage, .silentNode, .auditCut].contains($0) }.map {
                AlertsPage.Kind(
                    value: $0.rawValue,
                    name: visitor.pick($0.vietnameseName, $0.englishName),
                    selected: $0.rawValue == typed.fields["kind"]
                )
            }
            let fields = typed.fields
            page.typed = AlertsPage.Typed(
                date: fields["date"],
                days: fields["days"],
                factor: fields["factor"],
                formCode: fields["form_code"],
                formOwner: fields["form_owner"],
                indicator: fields["indicator"],
                percent: fields["percent"],
                question: fields["question"],
                taskId: fields["task_id"]
            )
            page.basisHistory = fields["basis"] == "history"
            page.basisPeers = fields["basis"] == "peers"
            if let error = typed.error { page.setError(error.message, on: error.field) }
        }
        if let done {
            let words = [
                "acknowledged": ("Đã ghi nhận: đã biết.", "Acknowledged."),
                "rule": ("Đã thêm quy tắc cảnh báo.", "Alert rule added."),
                "removed": ("Đã gỡ bỏ quy tắc cảnh báo.", "Alert rule removed."),
            ]
            page.done = words[done].map { visitor.pick($0.0, $0.1) }
        }
        return kit.page(
            page,
            title: visitor.pick("Cảnh báo", "Alerts"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

/// "Cảnh báo": the visitor's alerts, the reports returned to their unit and, for approvers, their
/// unit's alert rules with the form that adds one (what was typed, and the refused field).
struct AlertsPage: PageModel {
    static let template = "alerts"

    /// One alert.
    struct Alert: Sendable {
        let id: String
        let kind: String
        let unit: String
        let message: String
        let raisedAt: String
        let acknowledged: Bool
        let acknowledgedBy: String
        let cleared: Bool
        let action: String
    }

    /// One alert rule.
    struct Rule: Sendable {
        let id: String
        let kind: String
        let unit: String
        let scope: String
        let parameters: String
        let removable: Bool
        let action: String
    }

    /// A kind of rule to choose.
    struct Kind: Sendable {
        let value: String
        let name: String
        let selected: Bool
    }

    /// What was typed in the rule form, shown again after a refusal.
    struct Typed: Sendable {
        let date: String?
        let days: String?
        let factor: String?
        let formCode: String?
        let formOwner: String?
        let indicator: String?
        let percent: String?
        let question: String?
        let taskId: String?
    }

    let all: Bool
    let unitName: String
    let alerts: [Alert]
    let hasAlerts: Bool
    let returned: [ToDoSection.Returned]
    let hasReturned: Bool
    let parkedLink: Bool
    var mayRule: Bool?
    var rules: [Rule]?
    var hasRules: Bool?
    var kinds: [Kind]?
    var typed: Typed?
    var basisHistory: Bool?
    var basisPeers: Bool?
    var done: String?
    var errorBasis: String?
    var errorDate: String?
    var errorDays: String?
    var errorFactor: String?
    var errorFormCode: String?
    var errorIndicator: String?
    var errorKind: String?
    var errorPercent: String?
    var errorQuestion: String?
    var errorTaskId: String?

    /// The refusal next to the field it is about.
    mutating func setError(_ message: String, on field: String) {
        switch field {
        case "basis": errorBasis = message
        case "date": errorDate = message
        case "days": errorDays = message
        case "factor": errorFactor = message
        case "form_code": errorFormCode = message
        case "indicator": errorIndicator = message
        case "kind": errorKind = message
        case "percent": errorPercent = message
        case "question": errorQuestion = message
        case "task_id": errorTaskId = message
        default: break
        }
    }
}

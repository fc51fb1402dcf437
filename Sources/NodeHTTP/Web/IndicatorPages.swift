import Auth
import Foundation
import Hierarchy
import Hummingbird
import Indicators
import Node

/// "Bộ chỉ số" (issue M) on screen: the catalogue the node holds, grouped by Letter 3158's three
/// layers; the values a unit owes for the indicators assigned to it, entered the Vietnamese way
/// ("1.234,5"); and, for those who manage a level, assigning indicators to the units below and
/// withdrawing them. The same use cases as `PUT /api/v1/indicator-values/...` and
/// `/api/v1/indicator-assignments` decide, refuse and audit.
struct IndicatorPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/indicators"
    static let entryPath = "\(path)/entry"
    static let assignmentsPath = "\(path)/assignments"

    /// The name of an entry field: `v|CODE|UNIT|PERIOD` (none of the three holds a `|`).
    static func field(_ code: String, _ unit: String, _ period: String) -> String { "v|\(code)|\(unit)|\(period)" }

    /// The id of an entry row and its field, which the to-do list links to.
    static func anchor(_ code: String, _ unit: String, _ period: String) -> String { "e.\(code).\(unit).\(period)" }

    /// What was typed in the entry form, the refusals per row (by field name), and what was saved.
    struct TypedValues {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
        /// Refusals of rows the page does not list (no longer owed, or not the visitor's).
        var others: [String] = []
        var saved = 0
        var late = 0
    }

    /// What was typed in the assignment form, and the refusal next to its field.
    struct TypedAssignment {
        var fields: [String: String] = [:]
        var units: Set<String> = []
        var error: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/indicators") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                guard visitor.actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
                let views = try await local.indicatorDefinitions.visible(to: visitor.actor)
                return kit.page(
                    IndicatorCataloguePage(visitor: visitor, views: views, kit: kit),
                    title: visitor.pick("Bộ chỉ số", "Indicator set"),
                    visitor: visitor,
                    language: visitor.language,
                    current: Self.path
                )
            }
        }
        pages.get("/indicators/entry") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let query = request.uri.queryParameters
                var typed = TypedValues()
                typed.saved = query["saved"].flatMap { Int(String($0)) } ?? 0
                typed.late = query["late"].flatMap { Int(String($0)) } ?? 0
                return try await entryPage(visitor, typed: typed)
            }
        }
        pages.post("/indicators/entry") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                guard visitor.actor.holds(.enterData) || visitor.actor.holds(.approveReports) else {
                    throw DomainError(.notAllowed)
                }
                return try await enter(form, visitor)
            }
        }
        pages.get("/indicators/assignments") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                guard visitor.actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
                return try await assignmentsPage(
                    visitor,
                    typed: TypedAssignment(),
                    done: request.uri.queryParameters["done"].map(String.init)
                )
            }
        }
        pages.post("/indicators/assignments") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                guard visitor.actor.holds(.manageForms) else { throw DomainError(.notAllowed) }
                var typed = TypedAssignment()
                for name in ["indicator", "from", "until", "level", "updated_by"] {
                    typed.fields[name] = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
                }
                typed.units = Set(form.all("units"))
                func given(_ name: String) -> String? { typed.fields[name].flatMap { $0.isEmpty ? nil : $0 } }
                let asked = NewIndicatorAssignment(
                    indicator: typed.fields["indicator"] ?? "",
                    units: typed.units.isEmpty ? nil : typed.units.sorted(),
                    level: given("level").flatMap(Level.init(rawValue:)),
                    from: typed.fields["from"] ?? "",
                    until: given("until"),
                    updatedBy: given("updated_by")
                )
                do {
                    let made = try await local.indicatorAssignments.assign(asked, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.assignmentsPath)?done=assigned&code=\(made.indicator)")
                } catch let error as Refused {
                    typed.error = (Self.field(of: error), visitor.pick(error.message, error.messageEN))
                    return try await assignmentsPage(visitor, typed: typed, status: error.status)
                }
            }
        }
        pages.post("/indicators/assignments/{id}/withdraw") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                let id = try context.parameters.require("id")
                _ = try await local.indicatorAssignments.withdraw(id, by: visitor.actor)
                throw PageRedirect(location: "\(Self.assignmentsPath)?done=withdrawn")
            }
        }
    }

    /// The field of the assignment form a refusal belongs next to.
    static func field(of error: Refused) -> String {
        if error.details["units"] != nil || error.details["assignment"] != nil { return "units" }
        if error.details["from"] != nil { return "from" }
        if error.details["until"] != nil { return "until" }
        return "indicator"
    }

    /// Saves each typed value on its own (one transaction each, through the same use case as the
    /// API): a value that is not a number, or that the node refuses, stays in its field with the
    /// reason next to it, and the others are saved. All saved: back to the list with how many.
    func enter(_ form: PageForm, _ visitor: PageVisitor) async throws -> Response {
        let numbers = NumberFormat(visitor.language)
        var typed = TypedValues()
        var statuses: [HTTPResponse.Status] = []
        for (name, rest) in form.names(startingWith: "v|") {
            let text = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            let parts = rest.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            typed.values[name] = text
            switch numbers.read(text) {
            case .failure(let problem):
                typed.errors[name] = visitor.pick("Giá trị", "The value") + " " + numbers.message(problem)
                statuses.append(.unprocessableContent)
            case .success(let value):
                do {
                    let entered = try await local.suppliedValues.enter(
                        code: parts[0],
                        unit: parts[1],
                        period: parts[2],
                        value: value,
                        by: visitor.actor
                    )
                    typed.values[name] = nil
                    typed.saved += 1
                    if entered.late { typed.late += 1 }
                } catch let error as Refused {
                    typed.errors[name] = visitor.pick(error.message, error.messageEN)
                    statuses.append(error.status)
                }
            }
        }
        guard !statuses.isEmpty else {
            if typed.saved == 0 && typed.values.isEmpty {
                typed.others.append(visitor.pick("Chưa nhập giá trị nào.", "No value was entered."))
                return try await entryPage(visitor, typed: typed, status: .unprocessableContent)
            }
            throw PageRedirect(location: "\(Self.entryPath)?saved=\(typed.saved)&late=\(typed.late)")
        }
        // A refusal of who may enter weighs more than a mistyped number.
        let status =
            [HTTPResponse.Status.forbidden, .notFound].first { statuses.contains($0) } ?? statuses[0]
        return try await entryPage(visitor, typed: typed, status: status)
    }

    func entryPage(
        _ visitor: PageVisitor,
        typed: TypedValues,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let owed = try await local.toDo.indicatorValuesToEnter(by: visitor.actor)
        return kit.page(
            IndicatorEntryPage(visitor: visitor, owed: owed, typed: typed, kit: kit),
            title: visitor.pick("Nhập số liệu chỉ số", "Enter indicator values"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }

    func assignmentsPage(
        _ visitor: PageVisitor,
        typed: TypedAssignment,
        done: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let assignments = try await local.indicatorAssignments.visible(to: visitor.actor)
        let views = try await local.indicatorDefinitions.visible(to: visitor.actor)
        return kit.page(
            IndicatorAssignmentsPage(
                visitor: visitor,
                assignments: assignments,
                views: views,
                typed: typed,
                done: done,
                kit: kit
            ),
            title: visitor.pick("Giao chỉ số", "Assign indicators"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

/// The catalogue page's values: the latest version of each indicator, per layer, with how its
/// values come (entered, delivered, or computed, the formula in words).
struct IndicatorCataloguePage: PageModel {
    static let template = "indicators"

    struct Row: Sendable {
        let code: String
        let name: String
        let version: Int
        let unitOfMeasure: String
        let sector: String
        let direction: String
        let frequency: String
        let leadAgency: String
        let source: String
        let formula: String?
        let owner: String
    }

    struct Layer: Sendable {
        let id: String
        let title: String
        let rows: [Row]
    }

    let layers: [Layer]
    let hasIndicators: Bool
    let mayEnter: Bool
    let mayAssign: Bool

    init(visitor: PageVisitor, views: [IndicatorView], kit: PageKit) {
        let language = visitor.language
        var latest: [String: IndicatorView] = [:]
        for view in views where view.definition.version >= latest[view.definition.code]?.definition.version ?? 0 {
            latest[view.definition.code] = view
        }
        let sorted = latest.values.sorted { $0.definition.code < $1.definition.code }
        layers = IndicatorLayer.allCases.compactMap { layer in
            let rows = sorted.filter { $0.definition.layer == layer }.map { view in
                let definition = view.definition
                return Row(
                    code: definition.code,
                    name: language.pick(definition.name.vi, definition.name.en),
                    version: definition.version,
                    unitOfMeasure: definition.unitOfMeasure,
                    sector: definition.sector,
                    direction: Self.words(definition.direction, language),
                    frequency: FormsPage.words(definition.frequency, language),
                    leadAgency: definition.leadAgency,
                    source: Self.words(definition.source, language),
                    formula: language == .vi ? view.explanation : view.explanationEn,
                    owner: kit.unitName(view.owner)
                )
            }
            guard !rows.isEmpty else { return nil }
            return Layer(id: layer.rawValue, title: Self.words(layer, language), rows: rows)
        }
        hasIndicators = !layers.isEmpty
        mayEnter = visitor.actor.holds(.enterData) || visitor.actor.holds(.approveReports)
        mayAssign = visitor.actor.holds(.manageForms)
    }

    static func words(_ layer: IndicatorLayer, _ language: Language) -> String {
        switch layer {
        case .centralSteering: language.pick(layer.vietnameseName, "Steering and direction (centre)")
        case .management: language.pick(layer.vietnameseName, "Management (ministries, sectors, localities)")
        case .sectorMonitoring: language.pick(layer.vietnameseName, "In-depth monitoring by sector")
        }
    }

    static func words(_ direction: IndicatorDirection, _ language: Language) -> String {
        switch direction {
        case .higherIsBetter: language.pick("Càng cao càng tốt", "Higher is better")
        case .lowerIsBetter: language.pick("Càng thấp càng tốt", "Lower is better")
        }
    }

    static func words(_ source: ValueSource, _ language: Language) -> String {
        switch source {
        case .entered: language.pick("Đơn vị nhập", "Entered by the unit")
        case .delivered(let system): language.pick("Hệ thống khác cung cấp", "Delivered by") + ": \(system)"
        case .computed: language.pick("Tính theo công thức", "Computed by a formula")
        }
    }
}

/// The entry page's values: each value owed, with its field, what was typed and its refusal.
struct IndicatorEntryPage: PageModel {
    static let template = "indicator_entry"

    struct Row: Sendable {
        let id: String
        let field: String
        let code: String
        let name: String
        let unitName: String
        let period: String
        let deadline: String
        let overdue: Bool
        let when: String
        let typed: String
        let error: String?
    }

    let rows: [Row]
    let hasRows: Bool
    let done: String?
    let others: [String]
    let hasOthers: Bool

    init(visitor: PageVisitor, owed: [ToDoList.IndicatorDue], typed: IndicatorPages.TypedValues, kit: PageKit) {
        let language = visitor.language
        let numbers = NumberFormat(language)
        var listed: Set<String> = []
        rows = owed.map { item in
            let field = IndicatorPages.field(item.indicator, item.unit, item.period)
            listed.insert(field)
            return Row(
                id: IndicatorPages.anchor(item.indicator, item.unit, item.period),
                field: field,
                code: item.indicator,
                name: item.name,
                unitName: kit.unitName(item.unit),
                period: PeriodWords.text(item.period, language),
                deadline: PageDate.isoDay(item.deadline),
                overdue: item.overdue,
                when: ToDoSection.due(item.daysLeft, overdue: item.overdue, language, numbers),
                typed: typed.values[field] ?? "",
                error: typed.errors[field]
            )
        }
        hasRows = !rows.isEmpty
        var others = typed.others
        for (field, error) in typed.errors.sorted(by: { $0.key < $1.key }) where !listed.contains(field) {
            let parts = field.split(separator: "|").dropFirst().map(String.init)
            let what =
                parts.count == 3
                ? "\(parts[0]) · \(kit.unitName(parts[1])) · \(PeriodWords.text(parts[2], language))" : field
            others.append("\(what): \(error)")
        }
        self.others = others
        hasOthers = !others.isEmpty
        done =
            typed.saved == 0
            ? nil
            : language.pick("Đã lưu \(numbers.text(typed.saved)) giá trị", "\(numbers.text(typed.saved)) values saved")
                + (typed.late == 0
                    ? "."
                    : language.pick(
                        " (\(numbers.text(typed.late)) giá trị nộp sau hạn, được ghi là nộp muộn).",
                        " (\(numbers.text(typed.late)) after the deadline, marked late)."
                    ))
    }
}

/// The assignment page's values: the assignments in force that concern the unit, those it made
/// with a withdraw button, and the form to assign an indicator to the units below.
struct IndicatorAssignmentsPage: PageModel {
    static let template = "indicator_assignments"

    struct Row: Sendable {
        let id: String
        let code: String
        let name: String
        let from: String
        let until: String
        let updatedBy: String
        let units: String
        let owner: String
        let assignedBy: String
        let own: Bool
    }

    struct Choice: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let rows: [Row]
    let hasRows: Bool
    let done: String?
    let indicators: [Choice]
    let levels: [Choice]
    let units: [Choice]
    let updaters: [Choice]
    let from: String
    let until: String
    let errorIndicator: String?
    let errorUnits: String?
    let errorFrom: String?
    let errorUntil: String?

    init(
        visitor: PageVisitor,
        assignments: [IndicatorAssignmentView],
        views: [IndicatorView],
        typed: IndicatorPages.TypedAssignment,
        done: String?,
        kit: PageKit
    ) {
        let language = visitor.language
        let unit = visitor.actor.unit
        rows = assignments.filter { $0.withdrawnAt == nil }.map { held in
            Row(
                id: held.id,
                code: held.indicator,
                name: language.pick(held.name, held.nameEn.isEmpty ? held.name : held.nameEn),
                from: PeriodWords.text(held.from, language),
                until: held.until.map { PeriodWords.text($0, language) } ?? "",
                updatedBy: held.updatedBy == "unit"
                    ? language.pick("Đơn vị nhập", "Entered by the unit")
                    : language.pick("Hệ thống khác cung cấp", "Delivered by another system"),
                units: held.units.map(kit.unitName).joined(separator: ", "),
                owner: kit.unitName(held.owner),
                assignedBy: held.assignedBy,
                own: held.owner == unit
            )
        }
        hasRows = !rows.isEmpty
        self.done =
            switch done {
            case "assigned":
                language.pick(
                    "Đã giao chỉ số; các đơn vị sẽ nhận được.",
                    "The indicator is assigned; the units will get it."
                )
            case "withdrawn": language.pick("Đã thu hồi việc giao chỉ số.", "The assignment is withdrawn.")
            default: nil
            }
        var latest: [String: IndicatorDefinition] = [:]
        for view in views where view.definition.version >= latest[view.definition.code]?.version ?? 0 {
            latest[view.definition.code] = view.definition
        }
        let chosen = typed.fields["indicator"] ?? ""
        indicators = latest.values.filter { $0.source.formula == nil }.sorted { $0.code < $1.code }.map {
            Choice(
                value: $0.code,
                label: "\(language.pick($0.name.vi, $0.name.en)) (\($0.code))",
                selected: $0.code == chosen
            )
        }
        let chosenLevel = typed.fields["level"] ?? ""
        levels = Level.allCases.filter { $0 > kit.local.tree[unit]?.level ?? .commune }.map {
            Choice(
                value: $0.rawValue,
                label: language.pick($0.vietnameseName, $0.rawValue.capitalized),
                selected: $0.rawValue == chosenLevel
            )
        }
        units = kit.local.tree.children(of: unit).map {
            Choice(value: $0.code, label: $0.name, selected: typed.units.contains($0.code))
        }
        let updater = typed.fields["updated_by"] ?? ""
        updaters = [
            Choice(
                value: "unit",
                label: language.pick("Đơn vị nhập", "Entered by the unit"),
                selected: updater == "unit"
            ),
            Choice(
                value: "system",
                label: language.pick("Hệ thống khác cung cấp", "Delivered by another system"),
                selected: updater == "system"
            ),
        ]
        from = typed.fields["from"] ?? ""
        until = typed.fields["until"] ?? ""
        func error(_ field: String) -> String? { typed.error?.field == field ? typed.error?.message : nil }
        errorIndicator = error("indicator")
        errorUnits = error("units")
        errorFrom = error("from")
        errorUntil = error("until")
    }
}

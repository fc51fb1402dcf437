import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node
import Reporting

/// "Biểu mẫu": the forms a unit may be assigned and the assignments that concern it, and, for
/// those who manage forms, a form file (YAML, as in `forms/`) read and shown before it is
/// published, and a form of the unit assigned for a period to units or a level below. The same
/// use cases as `POST /api/v1/forms` and `POST /api/v1/assignments` decide and refuse.
struct FormPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/forms"

    /// What the person typed in the two forms, and the refusals next to their fields.
    struct Typed {
        var fileText = ""
        var fileError: String?
        var preview: Form?
        var assignment: [String: String] = [:]
        var units: Set<String> = []
        var assignError: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/forms") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                // "Giao" from the list: the form chosen, so that its periods are offered.
                var typed = Typed()
                typed.assignment["form"] = request.uri.queryParameters["form"].map(String.init)
                return try await page(
                    visitor,
                    typed: typed,
                    done: request.uri.queryParameters["done"].map(String.init)
                )
            }
        }
        pages.post("/forms") { request, context in
            try await kit.run(request, context) {
                // Refused before a byte of a file is read when the visitor may not publish.
                guard try context.pendingActor(allowing: []).1.holds(.manageForms) else {
                    throw DomainError(.notAllowed)
                }
                let (form, visitor) = try await kit.post(request, context)
                var typed = Typed()
                if let file = form.files.first(where: { $0.field == "file" }), file.data.readableBytes > 0 {
                    typed.fileText = String(buffer: file.data)
                } else {
                    typed.fileText = form["yaml"] ?? ""
                }
                guard typed.fileText.utf8.count <= Self.fileLimit else {
                    typed.fileText = ""
                    typed.fileError = visitor.pick(
                        "Tệp biểu mẫu quá lớn (tối đa 1 MB)",
                        "Form files are limited to 1 MB"
                    )
                    return try await page(visitor, typed: typed, status: .contentTooLarge)
                }
                guard !typed.fileText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    typed.fileError = visitor.pick(
                        "Hãy chọn tệp biểu mẫu hoặc dán nội dung",
                        "Choose or paste a form file"
                    )
                    return try await page(visitor, typed: typed, status: .unprocessableContent)
                }
                let parsed: Form
                do {
                    parsed = try FormFile.parse(typed.fileText, source: "the uploaded form")
                } catch let error as ConfigurationError {
                    typed.fileError =
                        visitor.pick("Tệp biểu mẫu không đọc được", "The form file cannot be read") + ": "
                        + error.description
                    return try await page(visitor, typed: typed, status: .unprocessableContent)
                }
                guard form["action"] == "publish" else {
                    // Shown first; published only when the person confirms what they see.
                    typed.preview = parsed
                    return try await page(visitor, typed: typed)
                }
                do {
                    let defined = try await local.forms.define(parsed, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.path)?done=published&code=\(defined.code)")
                } catch let error as Refused where [.unprocessableContent, .conflict].contains(error.status) {
                    typed.preview = parsed
                    typed.fileError = visitor.pick(error.message, error.messageEN)
                    return try await page(visitor, typed: typed, status: error.status)
                }
            }
        }
        pages.post("/assignments") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                var typed = Typed()
                for name in ["form", "period", "level"] {
                    typed.assignment[name] = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
                }
                typed.units = Set(form.all("units"))
                let request = NewAssignment(
                    form: typed.assignment["form"] ?? "",
                    period: typed.assignment["period"] ?? "",
                    units: typed.units.isEmpty ? nil : typed.units.sorted(),
                    level: Level(rawValue: typed.assignment["level"] ?? "")
                )
                do {
                    let made = try await local.formAssignments.assign(request, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.path)?done=assigned&code=\(made.form)")
                } catch let error as Refused
                    where [.badRequest, .unprocessableContent, .conflict].contains(error.status)
                {
                    // Already assigned for the period: said next to the period.
                    let field =
                        ["form", "period", "units"].first { error.details[$0] != nil }
                        ?? (error.status == .conflict ? "period" : "units")
                    typed.assignError = (field, visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, typed: typed, status: error.status)
                }
            }
        }
    }

    /// A form file is small: the API takes at most 1 MB, and so does the page.
    static let fileLimit = 1_048_576

    func page(
        _ visitor: PageVisitor,
        typed: Typed,
        done: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let forms = try await local.forms.visible(to: visitor.actor)
        let assignments = try await local.formAssignments.visible(to: visitor.actor)
        let model = FormsPage(
            visitor: visitor,
            forms: forms,
            assignments: assignments,
            typed: typed,
            done: done,
            kit: kit
        )
        return kit.page(
            model,
            title: visitor.pick("Biểu mẫu và giao biểu mẫu", "Forms and assignments"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

/// The forms page's values: the forms and assignments listed, the file read and previewed, the
/// assignment form with its choices, and what was typed with its refusals.
struct FormsPage: PageModel {
    static let template = "forms"

    struct FormRow: Sendable {
        let code: String
        let title: String
        let version: Int
        let owner: String
        let frequency: String
        let questions: Int
        let own: Bool
        /// The assignment form with this form chosen, for its owner's form managers.
        let assignHref: String?
    }

    struct AssignmentRow: Sendable {
        let period: String
        let title: String
        let code: String
        let deadline: String
        let units: Int
        let assignedBy: String
    }

    struct QuestionRow: Sendable {
        let id: String
        let text: String
        let kind: String
        let required: Bool
    }

    struct Preview: Sendable {
        let code: String
        let title: String
        let version: Int
        let frequency: String
        let deadlineDay: Int
        let questions: [QuestionRow]
        let rules: Int
    }

    struct Choice: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// The periods of one frequency, under its name in the period choice ("Tháng", "Quý"...).
    struct PeriodGroup: Sendable {
        let label: String
        let periods: [PeriodWords.Choice]
    }

    let forms: [FormRow]
    let hasForms: Bool
    let assignments: [AssignmentRow]
    let hasAssignments: Bool
    let mayManage: Bool
    let done: String?
    let fileText: String
    let fileError: String?
    let preview: Preview?
    let ownForms: [Choice]
    let levels: [Choice]
    let units: [Choice]
    let periodGroups: [PeriodGroup]
    /// A period sent that is no period at all ("2026-13"), kept selected next to its refusal.
    let unreadablePeriod: String?
    /// The chosen form's frequency, when the periods offered are only of it.
    let periodsOf: String?
    let errorForm: String?
    let errorPeriod: String?
    let errorUnits: String?

    init(
        visitor: PageVisitor,
        forms: [FormView],
        assignments: [AssignmentView],
        typed: FormPages.Typed,
        done: String?,
        kit: PageKit
    ) {
        let language = visitor.language
        let unit = visitor.actor.unit
        // The versions come oldest first: the last one of a code is the one assigned.
        var latest: [String: Int] = [:]
        for form in forms where form.owner == unit { latest[form.form.code] = form.form.version }
        let mayAssign = visitor.actor.holds(.manageForms)
        self.forms = forms.map {
            FormRow(
                code: $0.form.code,
                title: $0.form.title,
                version: $0.form.version,
                owner: kit.unitName($0.owner),
                frequency: Self.words($0.form.frequency, language),
                questions: $0.form.questions.count,
                own: $0.owner == unit,
                assignHref: $0.owner == unit && mayAssign && latest[$0.form.code] == $0.form.version
                    ? "\(FormPages.path)?form=\($0.form.code.addingPercentEncoding(withAllowedCharacters: Self.queryCharacters) ?? "")#new-assignment"
                    : nil
            )
        }
        hasForms = !self.forms.isEmpty
        self.assignments = assignments.map {
            AssignmentRow(
                period: PeriodWords.text($0.period, language),
                title: $0.title,
                code: $0.form,
                deadline: PageDate.isoDay($0.deadline),
                units: $0.units.count,
                assignedBy: kit.unitName($0.assignedBy)
            )
        }
        hasAssignments = !self.assignments.isEmpty
        mayManage = visitor.actor.holds(.manageForms)
        self.done =
            switch done {
            case "published": language.pick("Đã phát hành biểu mẫu.", "The form is published.")
            case "assigned":
                language.pick("Đã giao biểu mẫu; các đơn vị sẽ nhận được.", "Assigned; the units will get it.")
            default: nil
            }
        fileText = typed.fileText
        fileError = typed.fileError
        preview = typed.preview.map { form in
            Preview(
                code: form.code,
                title: form.title,
                version: form.version,
                frequency: Self.words(form.frequency, language),
                deadlineDay: form.deadlineDay,
                questions: form.questions.map {
                    QuestionRow(id: $0.id, text: $0.text, kind: Self.words($0.kind, language), required: $0.required)
                },
                rules: form.rules.count
            )
        }
        let chosenForm = typed.assignment["form"] ?? ""
        var seen: Set<String> = []
        ownForms = forms.filter { $0.owner == unit && seen.insert($0.form.code).inserted }.map {
            Choice(
                value: $0.form.code,
                label: "\($0.form.title) (\($0.form.code))",
                selected: $0.form.code == chosenForm
            )
        }
        let chosenLevel = typed.assignment["level"] ?? ""
        let below = Level.allCases.filter { $0 > kit.local.tree[unit]?.level ?? .commune }
        levels = below.map {
            Choice(
                value: $0.rawValue,
                label: language.pick($0.vietnameseName, $0.rawValue.capitalized),
                selected: $0.rawValue == chosenLevel
            )
        }
        units = kit.local.tree.children(of: unit).map {
            Choice(value: $0.code, label: $0.name, selected: typed.units.contains($0.code))
        }
        // The periods fit the chosen form's frequency (its latest version's); before a form is
        // chosen, the frequencies of the unit's forms; the server refuses a period of another.
        var frequencyOf: [String: Frequency] = [:]
        for form in forms where form.owner == unit { frequencyOf[form.form.code] = form.form.frequency }
        let chosenFrequency = frequencyOf[chosenForm]
        let kinds: Set<Frequency> =
            chosenFrequency.map { [$0] }
            ?? (frequencyOf.isEmpty ? [.monthly, .quarterly, .yearly] : Set(frequencyOf.values))
        let period = typed.assignment["period"] ?? ""
        let offered = PeriodWords.choices(
            today: kit.local.clock.today(),
            chosen: period,
            language,
            kinds: kinds,
            upcoming: true
        )
        periodGroups = Frequency.allCases.compactMap { frequency in
            let periods = offered.filter { Period($0.code)?.frequency == frequency }
            guard !periods.isEmpty else { return nil }
            return PeriodGroup(label: Self.periodKind(frequency, language), periods: periods)
        }
        unreadablePeriod = period.isEmpty || Period(period) != nil ? nil : period
        periodsOf = chosenFrequency.map { Self.words($0, language).lowercased() }
        errorForm = typed.assignError?.field == "form" ? typed.assignError?.message : nil
        errorPeriod = typed.assignError?.field == "period" ? typed.assignError?.message : nil
        errorUnits = typed.assignError?.field == "units" ? typed.assignError?.message : nil
    }

    static func words(_ frequency: Frequency, _ language: Language) -> String {
        switch frequency {
        case .monthly: language.pick("Hằng tháng", "Monthly")
        case .quarterly: language.pick("Hằng quý", "Quarterly")
        case .yearly: language.pick("Hằng năm", "Yearly")
        case .once: language.pick("Một lần", "Once")
        }
    }

    /// What a form's code may hold unescaped in the "Giao" link's query.
    static let queryCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    /// The name over a frequency's periods in the period choice.
    static func periodKind(_ frequency: Frequency, _ language: Language) -> String {
        switch frequency {
        case .monthly: language.pick("Tháng", "Months")
        case .quarterly: language.pick("Quý", "Quarters")
        case .yearly: language.pick("Năm", "Years")
        case .once: language.pick("Đợt", "Rounds")
        }
    }

    static func words(_ kind: QuestionKind, _ language: Language) -> String {
        switch kind {
        case .singleChoice: language.pick("Chọn một", "Single choice")
        case .multipleChoice: language.pick("Chọn nhiều", "Multiple choice")
        case .paragraph: language.pick("Đoạn văn", "Paragraph")
        case .integer: language.pick("Số nguyên", "Whole number")
        case .decimal: language.pick("Số thập phân", "Decimal")
        case .percentage: language.pick("Tỷ lệ %", "Percentage")
        case .date: language.pick("Ngày", "Date")
        case .table: language.pick("Bảng", "Table")
        }
    }
}

import Auth
import Foundation
import Hierarchy
import Hummingbird
import NIOCore
import Node
import Reporting

/// Data entry (assigned forms, the form page, saving a draft), the submit / approve / return
/// dialogs, report lists with filters, and a report's detail with its history.
struct ReportPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/entry") { request, context in
            try await kit.run(request, context) { try await entryList(try kit.visitor(request, context)) }
        }
        pages.post("/entry/{assignment}") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                let assignment = try context.parameters.require("assignment")
                do {
                    let report = try await local.reports.create(NewReport(assignment: assignment), by: visitor.actor)
                    throw PageRedirect(location: "\(WebPages.prefix)/reports/\(report.id)/edit")
                } catch let error as Refused where error.status == .conflict {
                    // "Đơn vị của bạn đã tạo loại báo cáo này": open the existing one.
                    guard let existing = error.details["report"] else { throw error }
                    throw PageRedirect(location: "\(WebPages.prefix)/reports/\(existing)/edit")
                }
            }
        }
        pages.get("/reports") { request, context in
            try await kit.run(request, context) { try await reportList(request, try kit.visitor(request, context)) }
        }
        pages.get("/reports/{id}") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                return try await detail(try context.parameters.require("id"), visitor)
            }
        }
        pages.get("/reports/{id}/edit") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let report = try await local.reports.report(try context.parameters.require("id"), for: visitor.actor)
                return try await editPage(
                    report,
                    visitor,
                    typed: [:],
                    problems: [:],
                    answers: report.answers,
                    saved: request.uri.queryParameters["saved"] != nil
                )
            }
        }
        pages.post("/reports/{id}/edit") { request, context in
            try await kit.run(request, context) {
                let (post, visitor) = try await kit.post(request, context)
                let id = try context.parameters.require("id")
                let report = try await local.reports.report(id, for: visitor.actor)
                let form = try await form(of: report)
                let fields = AnswerFields(form: form, post: post, language: visitor.language)
                // One round: every problem is found at once, and one bad field blocks nothing else:
                // the valid values are saved, a bad one keeps what was stored (and shows as typed).
                var problems = fields.problems
                if case .failure(let invalid) = Answers(fields.answers).validated(against: form) {
                    for (question, problem) in invalid.byQuestion where problems[question] == nil {
                        problems[question] = problem
                    }
                }
                var answers = fields.answers
                for question in form.questions where problems[question.id] != nil {
                    let cellsOnly = fields.problems[question.id] != nil && fields.badCells[question.id] != nil
                    answers[question.id] = fields.kept(question, stored: report.answers, cellsOnly: cellsOnly)
                }
                if case .failure(let still) = Answers(answers).validated(against: form) {
                    for question in still.byQuestion.keys { answers[question] = report.answers[question] }
                }
                let saved: ReportView
                do {
                    saved = try await local.reports.update(
                        id,
                        ReportUpdate(answers: Answers(answers), version: Int(post["version"] ?? "") ?? -1),
                        by: visitor.actor
                    )
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    problems.merge(error.details.filter { form.question($0.key) != nil }) { first, _ in first }
                    if problems.isEmpty { problems["_form"] = visitor.pick(error.message, error.messageEN) }
                    return try await editPage(
                        report,
                        visitor,
                        typed: fields.typed,
                        problems: problems,
                        answers: Answers(fields.answers),
                        links: problemLinks(problems, form, fields),
                        status: error.status
                    )
                }
                guard problems.isEmpty else {
                    return try await editPage(
                        saved,
                        visitor,
                        typed: fields.typed,
                        problems: problems,
                        answers: Answers(answers),
                        links: problemLinks(problems, form, fields),
                        partlySaved: true,
                        status: .unprocessableContent
                    )
                }
                throw PageRedirect(location: "\(WebPages.prefix)/reports/\(id)/edit?saved=1")
            }
        }
        // Submit and approve record the dialog's evidence files with the step, all or none: a
        // refused step leaves no file attached, so sending it again attaches each file once.
        for action in ["submit", "approve"] {
            pages.post("/reports/{id}/\(action)") { request, context in
                try await kit.run(request, context) {
                    try await dialog(request, context, action) { post, visitor, id in
                        let files = post.files.filter { $0.field == "evidence" }.map { ($0.fileName, $0.data) }
                        let transition = ReportTransition(message: post["message"])
                        if action == "submit" {
                            _ = try await local.reports.submit(id, transition, files: files, by: visitor.actor)
                        } else {
                            _ = try await local.reports.approve(id, transition, files: files, by: visitor.actor)
                        }
                    }
                }
            }
        }
        pages.post("/reports/{id}/return") { request, context in
            try await kit.run(request, context) {
                try await dialog(request, context, "return") { post, visitor, id in
                    let files = post.files.filter {
                        $0.field == "evidence" && !$0.fileName.isEmpty && $0.data.readableBytes > 0
                    }.map { ($0.fileName, $0.data) }
                    _ = try await local.reports.return(
                        id,
                        ReportTransition(message: post["message"]),
                        files: files,
                        by: visitor.actor
                    )
                }
            }
        }
        // Evidence for a draft, from the report page (not only when submitting).
        pages.post("/reports/{id}/evidence") { request, context in
            try await kit.run(request, context) {
                try await dialog(request, context, "attach") { post, visitor, id in
                    let files = post.files.filter { $0.field == "evidence" && !$0.fileName.isEmpty }
                    guard !files.isEmpty else {
                        // Who may not attach hears so before being asked for a file.
                        let report = try await local.reports.report(id, for: visitor.actor)
                        guard local.reports.actions(on: report, for: visitor.actor).save else {
                            throw DomainError(.notAllowed)
                        }
                        throw DomainError(.evidenceEmpty, details: ["body": "empty"])
                    }
                    // All or none: one refused file attaches none of the others.
                    _ = try await local.reportEvidence.attach(
                        to: id,
                        files: files.map { ($0.fileName, $0.data) },
                        by: visitor.actor
                    )
                }
            }
        }
    }

    /// A dialog's post (its message and evidence files, read under the node's evidence limit),
    /// then its step. A refusal — the files too large (413), of a refused type or empty (422),
    /// or the step's own (409, 422) — shows the report again with the dialog open, the message
    /// as typed and the refusal next to the field it is about.
    func dialog(
        _ request: Request,
        _ context: NodeRequestContext,
        _ action: String,
        _ step: (PageForm, PageVisitor, String) async throws -> Void
    ) async throws -> Response {
        let id = try context.parameters.require("id")
        let post: PageForm
        let visitor: PageVisitor
        do {
            (post, visitor) = try await kit.post(request, context, evidence: local.evidencePolicy)
        } catch let tooLarge as PageFormTooLarge {
            // The session and the token were checked before the cut.
            let visitor = try kit.visitor(request, context, form: tooLarge.partial)
            return try await detail(
                id,
                visitor,
                refusal: DialogRefusal(action: action, message: tooLarge.partial["message"] ?? "", error: tooLarge),
                status: tooLarge.status
            )
        }
        do {
            try await step(post, visitor, id)
        } catch let error as Refused
            where [.unprocessableContent, .conflict, .contentTooLarge, .unsupportedMediaType].contains(error.status)
        {
            return try await detail(
                id,
                visitor,
                refusal: DialogRefusal(action: action, message: post["message"] ?? "", error: error),
                status: error.status
            )
        }
        throw PageRedirect(location: "\(WebPages.prefix)/reports/\(id)")
    }

    /// The problems of a save, in form order, each linked to its field.
    func problemLinks(_ problems: [String: String], _ form: Form, _ fields: AnswerFields) -> [ProblemLink] {
        form.questions.compactMap { question in
            problems[question.id].map { ProblemLink(text: $0, href: "#\(fields.field(of: question))") }
        }
    }

    static func stageName(_ stage: Evidence.Stage, _ visitor: PageVisitor) -> String {
        switch stage {
        case .submit: visitor.pick("Khi trình", "On submit")
        case .approve: visitor.pick("Khi duyệt", "On approval")
        case .return: visitor.pick("Khi trả lại", "On return")
        }
    }

    func form(of report: ReportView) async throws -> Form {
        guard
            let form = try await local.forms.form(
                owner: report.formOwner,
                code: report.form,
                version: report.formVersion
            )
        else {
            throw DomainError(.notFound(.form))
        }
        return form
    }

    // MARK: - Pages

    func entryList(_ visitor: PageVisitor) async throws -> Response {
        guard visitor.actor.holds(.enterData) || visitor.actor.holds(.approveReports) else {
            throw DomainError(.notAllowed)
        }
        let assignments = try await local.formAssignments.visible(to: visitor.actor).filter {
            $0.units.contains(visitor.actor.unit)
        }
        var filter = ReportFilter()
        filter.unit = visitor.actor.unit
        let own = try await local.reports.list(visibleTo: visitor.actor, filter: filter).filter {
            $0.unit == visitor.actor.unit
        }
        let today = local.clock.today()
        var page = EntryListPage(
            assignments: assignments.map { assignment in
                let report = own.first { $0.assignment == assignment.id }
                return EntryListPage.Row(
                    assignment: assignment.id,
                    title: assignment.title,
                    period: PeriodWords.text(assignment.period, visitor.language),
                    deadline: PageDate.isoDay(assignment.deadline),
                    canOpen: visitor.actor.holds(.enterData),
                    // Past the deadline and not yet sent up: "Quá hạn", never "Chưa tạo".
                    overdue: DashboardPage.isPast(assignment.deadline, today: today)
                        && (report == nil || report?.state.isEditable == true),
                    report: report.map {
                        EntryListPage.Report(
                            id: $0.id,
                            state: visitor.pick($0.state.vietnameseName, $0.state.englishName),
                            stateKey: $0.state.rawValue,
                            editable: local.reports.actions(on: $0, for: visitor.actor).save
                        )
                    }
                )
            },
            none: assignments.isEmpty
        )
        // Where this page is the person's home (no dashboard), it starts with what to do now.
        if !visitor.actor.holds(.viewReports) {
            page.todo = ToDoSection(try await local.toDo.list(for: visitor.actor), visitor, kit: kit)
        }
        return kit.page(
            page,
            title: visitor.pick("Cập nhật dữ liệu", "Data entry"),
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/entry"
        )
    }

    func editPage(
        _ report: ReportView,
        _ visitor: PageVisitor,
        typed: [String: String],
        problems: [String: String],
        answers: Answers,
        links: [ProblemLink] = [],
        saved: Bool = false,
        partlySaved: Bool = false,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let correcting = report.state == .submitted
        let actions = local.reports.actions(on: report, for: visitor.actor)
        guard correcting ? actions.correct : actions.save else {
            throw EdgeRefusal(.reportNotEditable)
        }
        let form = try await form(of: report)
        let model = FormPageModel(
            form: form,
            answers: answers,
            typed: typed,
            problems: problems,
            language: visitor.language
        )
        let page = ReportEditPage(
            report: summary(report, visitor),
            formTitle: form.title,
            groups: model.groups,
            version: report.version,
            correcting: correcting,
            saved: saved,
            partlySaved: partlySaved,
            confirmed: saved || partlySaved,
            hasErrors: !problems.isEmpty,
            problems: links,
            hasProblems: !links.isEmpty,
            formError: problems["_form"],
            ruleNotes: model.ruleList(editLink: ""),
            hasRules: !model.violations.isEmpty,
            checksData: model.checksJSON
        )
        return kit.page(
            page,
            title: form.title,
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/entry",
            status: status
        )
    }

    func detail(
        _ id: String,
        _ visitor: PageVisitor,
        refusal: DialogRefusal? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let report = try await local.reports.report(id, for: visitor.actor)
        let form = try await form(of: report)
        let actions = local.reports.actions(on: report, for: visitor.actor)
        // A refusal about the files goes next to the file field; the others above the dialogs,
        // each question a missing or invalid answer names linked to its field on the form page.
        let aboutFiles =
            refusal.map {
                $0.error.status == .contentTooLarge || $0.error.details["name"] != nil
                    || $0.error.details["body"] != nil
                    || $0.error.details["evidence"] != nil
            } ?? false
        let refusalText = refusal.map { visitor.pick($0.error.message, $0.error.messageEN) }
        let editable = actions.save || actions.correct
        let fields = AnswerFields(form: form, post: PageForm(), language: visitor.language)
        let missing: [ProblemLink] = form.questions.compactMap { question in
            guard let detail = refusal?.error.details[question.id] else { return nil }
            return ProblemLink(
                text: detail == "Bắt buộc"
                    ? visitor.pick(
                        "“\(question.text)”: chưa trả lời (bắt buộc)",
                        "“\(question.text)”: not answered (required)"
                    )
                    : detail,
                href: editable ? "\(WebPages.prefix)/reports/\(id)/edit#\(fields.field(of: question))" : nil
            )
        }
        func dialog(_ action: String, _ label: String) -> EvidenceDialog {
            let mine = refusal?.action == action
            return EvidenceDialog(
                inputId: "\(action)-evidence",
                label: label,
                open: mine,
                message: mine ? refusal?.message ?? "" : "",
                fileError: mine && aboutFiles ? refusalText : nil
            )
        }
        let model = FormPageModel(
            form: form,
            answers: report.answers,
            typed: [:],
            problems: [:],
            language: visitor.language
        )
        // People by their full names (when this node knows them), a node by its unit's name.
        let people = Set((report.history ?? []).map(\.actor) + (report.corrections ?? []).map(\.actor))
            .union([report.approvedBy].compactMap { $0 })
        let names = try await local.accounts.fullNames(of: people)
        func who(_ actor: String) -> String {
            guard actor.hasPrefix("node:") else { return names[actor] ?? actor }
            let unit = String(actor.dropFirst("node:".count))
            return visitor.pick("Máy chủ của \(kit.unitName(unit))", "Server of \(kit.unitName(unit))")
        }
        let history = (report.history ?? []).map {
            ReportDetailPage.Event(
                at: PageDate.minute($0.at),
                actor: who($0.actor),
                unit: $0.actor.hasPrefix("node:") ? "" : kit.unitName($0.unit),
                action: Self.actionName($0.action, visitor.language, at: kit.unitName($0.unit)),
                to: $0.to.map { visitor.pick($0.vietnameseName, $0.englishName) } ?? "",
                message: $0.message ?? ""
            )
        }
        let evidence = (report.evidence ?? []).map {
            ReportDetailPage.File(
                name: $0.fileName,
                size: Self.size($0.size, visitor.language),
                href: "/api/v1/reports/\(id)/evidence/\($0.id)",
                stage: Self.stageName($0.stage, visitor)
            )
        }
        let numbers = NumberFormat(visitor.language)
        // A corrected value is kept as its JSON; a number in it shows the page language's way.
        func corrected(_ value: String?) -> String {
            guard let value else { return "—" }
            return Double(value).flatMap { $0.isFinite ? numbers.text($0) : nil } ?? value
        }
        let corrections = (report.corrections ?? []).map {
            ReportDetailPage.Correction(
                question: form.question($0.question)?.text ?? $0.question,
                old: corrected($0.old),
                new: corrected($0.new),
                actor: who($0.actor),
                at: PageDate.minute($0.at)
            )
        }
        var page = ReportDetailPage(
            report: summary(report, visitor),
            formTitle: form.title,
            groups: model.groups,
            history: history,
            evidence: evidence,
            corrections: corrections,
            hasCorrections: !corrections.isEmpty,
            hasEvidence: !evidence.isEmpty,
            canEdit: actions.save,
            canSubmit: actions.submit,
            canCorrect: actions.correct,
            canApprove: actions.approve,
            canReturn: actions.return,
            // Where it went, from the receipts that came back (issue H).
            journey: report.journey.map { visitor.pick($0.summary, $0.summaryEN) },
            returnJourney: report.returnJourney.map { visitor.pick($0.summary, $0.summaryEN) },
            dialogError: aboutFiles ? nil : refusalText,
            missing: missing,
            hasMissing: !missing.isEmpty,
            evidenceRules: EvidenceRules(local.evidencePolicy, visitor.language),
            submitDialog: dialog(
                "submit",
                visitor.pick("Tệp minh chứng (không bắt buộc)", "Evidence files (optional)")
            ),
            approveDialog: dialog(
                "approve",
                visitor.pick("Tệp đính kèm (không bắt buộc)", "Attached files (optional)")
            ),
            returnDialog: dialog("return", visitor.pick("Tệp đính kèm (không bắt buộc)", "Attached files (optional)")),
            attachDialog: dialog("attach", visitor.pick("Chọn tệp minh chứng", "Choose evidence files")),
            ruleNotes: model.ruleList(
                editLink: actions.save || actions.correct ? "\(WebPages.prefix)/reports/\(id)/edit" : nil
            ),
            hasRules: !model.violations.isEmpty
        )
        if let signature = try await local.reportProofs.approvalSignature(of: id, for: visitor.actor) {
            page.signature = ReportDetailPage.Signature(
                unit: signature.signer.unitCode,
                unitName: kit.unitName(signature.signer.unitCode),
                node: signature.signer.nodeName,
                fingerprint: signature.signer.fingerprint,
                at: PageDate.minute(signature.approvedAt),
                approvedBy: names[signature.approvedBy] ?? signature.approvedBy,
                valid: signature.check.problem == nil,
                problem: signature.check.problem ?? "",
                checkedAt: PageDate.minute(signature.check.at),
                returned: report.state != .approved
            )
        }
        return kit.page(
            page,
            title: form.title,
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/reports",
            status: status
        )
    }

    func reportList(_ request: Request, _ visitor: PageVisitor) async throws -> Response {
        let query = request.uri.queryParameters
        func text(_ key: String) -> String? { query[key[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = ReportFilter()
        filter.form = text("form")
        filter.unit = text("unit")
        if let period = text("period") {
            guard let parsed = Period(period) else {
                throw EdgeRefusal(.reportPeriodInvalid(period))
            }
            filter.period = parsed.description
        }
        if let state = text("state") {
            guard let parsed = ReportState(rawValue: state) else {
                throw EdgeRefusal(.reportStateUnknown(state))
            }
            filter.state = parsed
        }
        let workflow = local.reports
        let reports = try await workflow.list(visibleTo: visitor.actor, filter: filter)
        let forms = try await local.formAssignments.visible(to: visitor.actor)
        let titles = Dictionary(forms.map { ($0.form, $0.title) }, uniquingKeysWith: { first, _ in first })
        let rows = reports.map { report in
            var row = summary(report, visitor)
            row.title = titles[report.form] ?? report.form
            let actions = workflow.actions(on: report, for: visitor.actor)
            row.editable = actions.save
            row.approvable = actions.approve
            return row
        }
        let units = local.tree.subtree(of: visitor.actor.unit).map {
            ReportListPage.Option(code: $0.code, name: $0.name, selected: $0.code == filter.unit)
        }
        let states = ReportState.allCases.map {
            ReportListPage.Option(
                value: $0.rawValue,
                name: visitor.pick($0.vietnameseName, $0.englishName),
                selected: $0 == filter.state
            )
        }
        // The periods to choose from: those of the assignments this person sees, newest first, in words.
        let periods = Set(forms.map(\.period) + [filter.period].compactMap { $0 }).compactMap(Period.init).sorted(by: >)
            .map {
                ReportListPage.Option(
                    code: $0.description,
                    label: PeriodWords.text($0.description, visitor.language),
                    selected: $0.description == filter.period
                )
            }
        let formOptions = Set(forms.map(\.form)).sorted().map {
            ReportListPage.Option(code: $0, title: titles[$0] ?? $0, selected: $0 == filter.form)
        }
        return kit.page(
            ReportListPage(
                reports: rows,
                none: rows.isEmpty,
                units: units,
                states: states,
                forms: formOptions,
                periods: periods
            ),
            title: visitor.pick("Báo cáo", "Reports"),
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/reports"
        )
    }

    func summary(_ report: ReportView, _ visitor: PageVisitor) -> ReportSummary {
        // A returned report says why at the top, not only in the last row of its history.
        let returned = report.state == .returned ? report.history?.last { $0.action == "return" } : nil
        return ReportSummary(
            id: report.id,
            form: report.form,
            period: PeriodWords.text(report.period, visitor.language),
            unit: report.unit,
            unitName: kit.unitName(report.unit),
            state: visitor.pick(report.state.vietnameseName, report.state.englishName),
            stateKey: report.state.rawValue,
            updated: PageDate.minute(report.updatedAt),
            version: report.version,
            approvedBy: report.approvedBy ?? "",
            approvedAt: report.approvedAt.map(PageDate.minute) ?? "",
            returned: returned != nil,
            returnReason: returned?.message ?? "",
            returnedAt: returned.map { PageDate.minute($0.at) } ?? "",
            returnedByUnit: returned.map { kit.unitName($0.unit) } ?? ""
        )
    }

    /// A file size as people read it (1 decimal under 10): "1,5 MB" in Vietnamese.
    static func size(_ bytes: Int64, _ language: Language) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let numbers = NumberFormat(language)
        return unit == 0
            ? "\(numbers.text(Int(bytes))) B"
            : numbers.text(value, fractionDigits: value < 10 ? 1 : 0) + " " + units[unit]
    }

    static func actionName(_ action: String, _ language: Language, at unit: String = "") -> String {
        switch action {
        case "received": language.pick("Cấp trên nhận báo cáo (\(unit))", "Received above (\(unit))")
        case "return-superseded":
            language.pick(
                "Trả lại (không còn hiệu lực, đã có lần duyệt mới)",
                "Return (superseded by a later approval)"
            )
        case "create": language.pick("Tạo báo cáo", "Created")
        case "save": language.pick("Lưu nháp", "Saved")
        case "correct": language.pick("Sửa số liệu", "Corrected")
        case "submit": language.pick("Trình phê duyệt", "Submitted")
        case "approve": language.pick("Duyệt báo cáo", "Approved")
        case "return": language.pick("Trả lại", "Returned")
        default: action
        }
    }
}

/// A report as the report templates read it (`report_head`, the list's rows): who, when, its
/// state, and why it was returned.
struct ReportSummary: Sendable {
    let id: String
    let form: String
    let period: String
    let unit: String
    let unitName: String
    let state: String
    let stateKey: String
    let updated: String
    let version: Int
    let approvedBy: String
    let approvedAt: String
    let returned: Bool
    let returnReason: String
    let returnedAt: String
    let returnedByUnit: String
    /// In the report list: the form's title and what the visitor may do.
    var title: String?
    var editable: Bool?
    var approvable: Bool?
}

/// "Cập nhật dữ liệu": the forms assigned to the visitor's unit, each with its report if any.
struct EntryListPage: PageModel {
    static let template = "entry"

    /// The unit's report for an assignment.
    struct Report: Sendable {
        let id: String
        let state: String
        let stateKey: String
        let editable: Bool
    }

    /// One assigned form.
    struct Row: Sendable {
        let assignment: String
        let title: String
        let period: String
        let deadline: String
        let canOpen: Bool
        let overdue: Bool
        let report: Report?
    }

    let assignments: [Row]
    let none: Bool
    var todo: ToDoSection?
}

/// The form page of a report being filled or corrected.
struct ReportEditPage: PageModel {
    static let template = "report_edit"
    let report: ReportSummary
    let formTitle: String
    let groups: [FormGroupValues]
    let version: Int
    let correcting: Bool
    let saved: Bool
    /// Saved with problems: the valid values are stored, the listed ones wait to be fixed.
    var partlySaved = false
    /// The server has just stored a save: the page's script drops the browser's copy of the draft.
    var confirmed = false
    let hasErrors: Bool
    /// Every problem of the save at once, each linked to its field.
    var problems: [ProblemLink] = []
    var hasProblems = false
    let formError: String?
    /// The form's broken rules, errors first, each linked to its cell.
    let ruleNotes: [RuleNote]
    let hasRules: Bool
    /// The form's resolved totals and rules (JSON) for the page's script to check as one types.
    let checksData: String?
}

/// A report's page: its answers, the workflow dialogs the visitor may use, the approval
/// signature, where it went, evidence, corrections and history.
struct ReportDetailPage: PageModel {
    static let template = "report_detail"

    /// One step of the history.
    struct Event: Sendable {
        let at: String
        let actor: String
        let unit: String
        let action: String
        let to: String
        let message: String
    }

    /// An evidence file.
    struct File: Sendable {
        let name: String
        let size: String
        let href: String
        let stage: String
    }

    /// A corrected answer.
    struct Correction: Sendable {
        let question: String
        let old: String
        let new: String
        let actor: String
        let at: String
    }

    /// The approval's signature and whether it checks out on this node.
    struct Signature: Sendable {
        let unit: String
        let unitName: String
        let node: String
        let fingerprint: String
        let at: String
        let approvedBy: String
        let valid: Bool
        let problem: String
        let checkedAt: String
        let returned: Bool
    }

    let report: ReportSummary
    let formTitle: String
    let groups: [FormGroupValues]
    let history: [Event]
    let evidence: [File]
    let corrections: [Correction]
    let hasCorrections: Bool
    let hasEvidence: Bool
    let canEdit: Bool
    let canSubmit: Bool
    let canCorrect: Bool
    let canApprove: Bool
    let canReturn: Bool
    let journey: String?
    let returnJourney: String?
    let dialogError: String?
    /// The questions a refused step names (missing required answers), linked to their fields.
    let missing: [ProblemLink]
    let hasMissing: Bool
    let evidenceRules: EvidenceRules
    let submitDialog: EvidenceDialog
    let approveDialog: EvidenceDialog
    let returnDialog: EvidenceDialog
    /// Evidence for a draft, attached from the report page.
    let attachDialog: EvidenceDialog
    var signature: Signature?
    /// The form's broken rules, errors first (linked to their cells when the visitor may edit).
    var ruleNotes: [RuleNote] = []
    var hasRules = false
}

/// "Báo cáo": the reports the visitor sees, with the filters' choices.
struct ReportListPage: PageModel {
    static let template = "report_list"

    /// A choice of a filter (form, period, state or unit); each uses its own names.
    struct Option: Sendable {
        var code: String?
        var value: String?
        var name: String?
        var title: String?
        var label: String?
        let selected: Bool
    }

    let reports: [ReportSummary]
    let none: Bool
    let units: [Option]
    let states: [Option]
    let forms: [Option]
    let periods: [Option]
}

/// A problem as the pages list it: its words and the field it is about (`#field`, or the form
/// page's field from a report's page).
struct ProblemLink: Sendable {
    let text: String
    var href: String?
}

/// A refused dialog step: which dialog, what was typed in it, and the refusal.
struct DialogRefusal {
    let action: String
    let message: String
    let error: Refused
}

/// A dialog with a file field, shown again after a refusal: open, the message as typed, the
/// refusal about the files next to the file field.
struct EvidenceDialog: Sendable {
    let inputId: String
    let label: String
    let open: Bool
    let message: String
    let fileError: String?
}

/// What every file field states and the page's script checks before anything is sent: the
/// node's allowed evidence types and its one size limit (`EvidencePolicy`, which the API and
/// the server apply), with the words of the refusals the script shows next to the field.
struct EvidenceRules: InlineValues {
    let evidenceAccept: String
    let evidenceTypes: String
    let evidenceMax: String
    let evidenceMaxBytes: String
    let evidenceTooLarge: String
    let evidenceWrongType: String

    init(_ policy: EvidencePolicy, _ language: Language) {
        let types = policy.allowedTypes.keys.sorted()
        evidenceAccept = types.map { ".\($0)" }.joined(separator: ",")
        evidenceTypes = types.joined(separator: ", ")
        evidenceMax = "\(policy.maximumBytes / 1_048_576) MB"
        evidenceMaxBytes = String(policy.maximumBytes)
        evidenceTooLarge = language.pick(
            "Các tệp đã chọn nặng {size}, vượt quá \(evidenceMax) mỗi lần gửi; hãy chọn tệp nhỏ hơn",
            "The chosen files weigh {size}, over \(evidenceMax) per upload; choose smaller files"
        )
        evidenceWrongType = language.pick(
            "Tệp “{name}” không thuộc loại được nhận (\(evidenceTypes))",
            "“{name}” is not an accepted file type (\(evidenceTypes))"
        )
    }
}

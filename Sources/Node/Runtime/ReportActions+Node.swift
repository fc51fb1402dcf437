import Auth
import Hierarchy
import Reporting

extension ReportActor {
    /// The account as the report workflow sees it.
    init(_ actor: Actor) {
        var rights: Set<ReportRight> = []
        if actor.holds(.enterData) { rights.insert(.enterData) }
        if actor.holds(.approveReports) { rights.insert(.approve) }
        self.init(unit: actor.unit, rights: rights)
    }
}

extension ReportRight {
    /// The account permission that grants this right.
    var permission: Permission {
        switch self {
        case .enterData: .enterData
        case .approve: .approveReports
        }
    }
}

extension ReportFacts {
    init(_ record: ReportRecord, tree: UnitTree) {
        self.init(
            state: record.state,
            unit: record.unit,
            formOwner: record.formOwner,
            parentUnit: tree[record.unit]?.parent,
            hostedHere: record.hostedHere
        )
    }

    init(_ view: ReportView, tree: UnitTree) {
        self.init(
            state: view.state,
            unit: view.unit,
            formOwner: view.formOwner,
            parentUnit: tree[view.unit]?.parent,
            hostedHere: !view.received
        )
    }
}

extension ReportRefusal {
    /// The refusal as the API answers it.
    var apiError: APIError {
        switch self {
        case .lacksRight: APIError.forbidden()
        case .notReportingUnit:
            APIError.forbidden(
                "Chỉ đơn vị lập báo cáo mới được thao tác trên báo cáo này",
                "Only the reporting unit may do this"
            )
        case .state(let error):
            APIError.conflict(
                error.description,
                "Not allowed in state \(error.state.rawValue)",
                details: ["state": error.state.rawValue]
            )
        case .returnSubmittedNotOwnUnit:
            APIError.forbidden(
                "Chỉ lãnh đạo đơn vị lập báo cáo trả lại báo cáo chờ phê duyệt",
                "Only the unit leader returns a submitted report"
            )
        case .returnApprovedNotReviewer:
            APIError.forbidden(
                "Chỉ đơn vị giao biểu mẫu hoặc cấp trên trực tiếp được trả lại báo cáo đã phê duyệt",
                "Only the assigning unit or the direct parent returns an approved report"
            )
        case .evidenceClosed(let state):
            APIError.conflict(
                "Không thể thay đổi minh chứng ở trạng thái \(state.vietnameseName)",
                "Evidence cannot change in this state",
                details: ["state": state.rawValue]
            )
        case .evidenceStageRight(let stage):
            APIError.forbidden(
                stage == .submit
                    ? "Chỉ người cập nhật được đính kèm minh chứng khi lập báo cáo"
                    : "Chỉ lãnh đạo đơn vị được đính kèm minh chứng khi phê duyệt",
                "Your role cannot change evidence at this stage"
            )
        }
    }
}

extension LocalNode {
    /// What `actor` may do with a report here (the pages show their buttons from it).
    package func actions(on report: ReportView, for actor: Actor) -> ReportActions {
        ReportActions(ReportFacts(report, tree: tree), by: ReportActor(actor))
    }

    /// Checks that `actor` may do `action` with the stored report; the state it leads to, or
    /// the refusal as the API answers it.
    @discardableResult
    func permitted(_ action: ReportAction, _ record: ReportRecord, _ actor: Actor) throws -> ReportState {
        switch ReportActions.decide(action, on: ReportFacts(record, tree: tree), by: ReportActor(actor)) {
        case .success(let next): return next
        case .failure(let refusal): throw refusal.apiError
        }
    }

    /// Refuses before any report is read when the actor lacks the right `action` always needs.
    func requireRight(for action: ReportAction, _ actor: Actor) throws {
        guard actor.holds(ReportActions.right(for: action).permission) else { throw APIError.forbidden() }
    }
}

import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node

/// "Đơn vị": the tree of the visitor's unit and below (closed units marked), and for admins
/// (users.manage) the units directly below with a rename form and a closure dialog each, and the
/// form that adds a unit below. Every decision is the API's use case (`unitChanges.add`,
/// `unitChanges.rename`, `unitClosures.close`).
struct UnitPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/units"

    /// What was typed in one of the page's forms, and the refusal with the field it belongs to.
    struct Typed {
        enum Form { case add, rename, closure, join, retire, retireLost, move }
        var form: Form = .add
        /// The unit a rename or closure form was for.
        var unit = ""
        var fields: [String: String] = [:]
        var error: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/units") { request, context in
            try await kit.run(request, context) {
                try await page(
                    try kit.visitor(request, context),
                    typed: Typed(),
                    done: request.uri.queryParameters["done"].map(String.init),
                    unit: request.uri.queryParameters["unit"].map(String.init),
                    movedTo: request.uri.queryParameters["parent"].map(String.init)
                )
            }
        }
        pages.post("/units") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                var typed = Typed(form: .add, fields: ["code": form["code"] ?? "", "name": form["name"] ?? ""])
                do {
                    let unit = try await local.unitChanges.add(
                        NewUnit(code: typed.fields["code"]!, name: typed.fields["name"]!),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)?done=added&unit=\(unit.code)")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    typed.error = (
                        ["code", "name"].first { error.details[$0] != nil } ?? "_form",
                        visitor.pick(error.message, error.messageEN)
                    )
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
        pages.post("/units/{code}/rename") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let code = try context.parameters.require("code")
                var typed = Typed(form: .rename, unit: code, fields: ["name": form["name"] ?? ""])
                do {
                    _ = try await local.unitChanges.rename(
                        code,
                        UnitRename(name: typed.fields["name"]!),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)?done=renamed&unit=\(code)")
                } catch let error as Refused where error.status == .unprocessableContent {
                    typed.error = ("name", visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
        // A token for the unit's own node, shown once with the command to run on its machine.
        pages.post("/units/{code}/enrolment-token") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                let code = try context.parameters.require("code")
                do {
                    let token = try await local.pki.createEnrolmentToken(for: code, by: visitor.actor)
                    let parent = "https://\(request.head.authority ?? "HOST:PORT")"
                    let issued = UnitsPage.Issued(
                        unit: code,
                        name: local.tree[code]?.name ?? code,
                        token: token.token,
                        expires: PageDate.minute(token.expiresAt),
                        command: "reportnet enrol --parent \(parent) --token \(token.token) --dir /var/lib/reportnet"
                    )
                    return try await page(visitor, typed: Typed(), done: nil, unit: nil, issued: issued)
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    var typed = Typed(form: .join, unit: code)
                    typed.error = ("_form", visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
        // The node of a unit directly below is retired; its units' life comes back here.
        pages.post("/units/{code}/retire-node") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                let code = try context.parameters.require("code")
                do {
                    _ = try await local.handovers.requestRetirement(of: code, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.path)?done=retiring&unit=\(code)")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    var typed = Typed(form: .retire, unit: code)
                    typed.error = ("_form", visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
        // The node asked to retire is lost: its units come back with what this node holds.
        pages.post("/units/{code}/retire-lost-node") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                let code = try context.parameters.require("code")
                do {
                    _ = try await local.pki.retireLostNode(of: code, by: visitor.actor)
                    throw PageRedirect(location: "\(Self.path)?done=retired_lost&unit=\(code)")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    var typed = Typed(form: .retireLost, unit: code)
                    typed.error = ("_form", visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
        // A unit of the subtree moves below another parent, with its life.
        pages.post("/units/move") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                var typed = Typed(
                    form: .move,
                    fields: [
                        "unit": (form["unit"] ?? "").trimmingCharacters(in: .whitespaces),
                        "parent": form["parent"] ?? "",
                    ]
                )
                do {
                    let moved = try await local.handovers.move(
                        typed.fields["unit"]!,
                        UnitMoveRequest(parent: typed.fields["parent"]!),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)?done=moved&unit=\(moved.unit)&parent=\(moved.parent)")
                } catch let error as Refused
                    where [.unprocessableContent, .conflict, .notFound].contains(error.status)
                {
                    typed.error = ("_form", visitor.pick(error.message, error.messageEN))
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
        pages.post("/units/{code}/closure") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let code = try context.parameters.require("code")
                var typed = Typed(
                    form: .closure,
                    unit: code,
                    fields: [
                        "closedOn": form["closedOn"] ?? "", "mergedInto": form["mergedInto"] ?? "",
                        "reason": form["reason"] ?? "",
                    ]
                )
                // Who may close is decided before what was typed is judged (as the API does).
                guard visitor.actor.holds(.manageUsers), local.tree.isBelow(code, visitor.actor.unit) else {
                    throw DomainError(.closeOnlyBelow)
                }
                do {
                    let day = TaskPages.isoDay(typed.fields["closedOn"]!)
                    guard CalendarDate(day) != nil else {
                        throw EdgeRefusal(.closingDayInvalid, details: ["closedOn": "invalid"])
                    }
                    let merged = typed.fields["mergedInto"]!.trimmingCharacters(in: .whitespaces)
                    _ = try await local.unitClosures.close(
                        code,
                        ClosureRequest(
                            closedOn: day,
                            mergedInto: merged.isEmpty ? nil : merged,
                            reason: typed.fields["reason"]!
                        ),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)?done=closed&unit=\(code)")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    typed.error = (
                        ["closedOn", "mergedInto", "reason"].first { error.details[$0] != nil } ?? "_form",
                        visitor.pick(error.message, error.messageEN)
                    )
                    return try await page(visitor, typed: typed, done: nil, unit: nil, status: error.status)
                }
            }
        }
    }

    func page(
        _ visitor: PageVisitor,
        typed: Typed,
        done: String?,
        unit doneUnit: String?,
        issued: UnitsPage.Issued? = nil,
        movedTo: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = visitor.actor
        let closures = try await local.unitChanges.closures()
        let tree = local.tree
        var values = UnitsPage(
            tree: unitTree(actor.unit, tree, closures, visitor.language),
            unitName: kit.unitName(actor.unit)
        )
        values.issued = issued
        if let done, let doneUnit, let name = tree[doneUnit]?.name {
            switch done {
            case "added":
                values.done = visitor.pick(
                    "Đã thêm đơn vị \(name) (\(doneUnit))",
                    "Unit \(name) (\(doneUnit)) added"
                )
            case "renamed":
                values.done = visitor.pick(
                    "Đã đổi tên đơn vị \(doneUnit) thành “\(name)”",
                    "Unit \(doneUnit) renamed to “\(name)”"
                )
            case "closed":
                values.done = visitor.pick(
                    "Đã ghi nhận giải thể, sáp nhập đơn vị \(name)",
                    "Closure of \(name) recorded"
                )
            case "moved":
                // The move takes effect here once the unit's data has left its old node.
                let parent = movedTo.flatMap { tree[$0]?.name } ?? movedTo ?? ""
                values.done = visitor.pick(
                    "Đã quyết định chuyển \(name) sang \(parent); tài khoản, báo cáo và lịch sử của đơn vị chuyển theo",
                    "\(name) is moved below \(parent); the unit's accounts, reports and history follow it"
                )
            case "retired_lost":
                values.done = visitor.pick(
                    "Đã nhận lại \(name) với báo cáo đã duyệt nút này đang giữ; hãy cấp lại mã kích hoạt cho tài khoản của đơn vị",
                    "\(name) is hosted here again with the approved reports this node holds; give its accounts new activation codes"
                )
            case "retiring":
                values.done = visitor.pick(
                    "Đã yêu cầu nút riêng của \(name) thôi vận hành: dữ liệu của đơn vị trở về nút này khi nút đó gửi trả",
                    "The own node of \(name) is asked to retire: the unit's data comes back here when that node sends it"
                )
            default: break
            }
        }
        if actor.holds(.manageUsers), let own = tree[actor.unit] {
            let below = tree.children(of: actor.unit).sorted { $0.code < $1.code }
            // Where each unit's life stands when it is moving (only the node's own admins see them).
            let moving = actor.unit == local.node.unit ? try await handoverTexts(visitor) : [:]
            let waiting =
                actor.unit == local.node.unit
                ? Set(
                    try await local.handovers.list(for: actor).filter {
                        $0.direction == .in && $0.state == .requested
                            && local.deployment.node(named: $0.node)?.unit == $0.unit
                    }.map(\.unit)
                ) : []
            let open = below.filter { closures[$0.code] == nil }
            values.admin = true
            values.belowLevel = own.level.below.map { visitor.pick($0.vietnameseName, $0.rawValue) } ?? ""
            values.canAdd = own.level.below != nil
            values.codePrefix = "\(actor.unit)-"
            values.below = below.map { unit in
                let closure = closures[unit.code]
                var row = UnitsPage.Below(
                    code: unit.code,
                    name: unit.name,
                    typedName: unit.name,
                    host: local.deployment.hostingNode(of: unit.code)?.name ?? "",
                    isClosed: closure != nil,
                    closedText: closure.map { closedText($0, tree, visitor.language) } ?? "",
                    isOpen: closure == nil,
                    dialogOpen: false,
                    closureTyped: UnitsPage.ClosureTyped(),
                    mergeTargets: open.filter { $0.code != unit.code }.map { target in
                        UnitsPage.Target(code: target.code, name: target.name, selected: false)
                    },
                    // Hosted here, open, and this node can certify it: it may get a node of its own.
                    canJoin: closure == nil && local.deployment.hostingNode(of: unit.code)?.name == local.node.name,
                    // A node of its own directly below this one: this node's admins may retire it.
                    canRetire: local.deployment.children(of: local.node).contains { $0.unit == unit.code }
                        && actor.unit == local.node.unit,
                    // Asked to retire and still waiting: its machine may be lost.
                    retirementWaiting: waiting.contains(unit.code),
                    handoverText: moving[unit.code]
                )
                if typed.unit == unit.code {
                    switch typed.form {
                    case .rename:
                        row.typedName = typed.fields["name"] ?? ""
                        if let error = typed.error { row.renameError = error.message }
                    case .closure:
                        row.dialogOpen = true
                        row.closureTyped = UnitsPage.ClosureTyped(
                            closedOn: typed.fields["closedOn"],
                            reason: typed.fields["reason"]
                        )
                        row.mergeTargets = open.filter { $0.code != unit.code }.map { target in
                            UnitsPage.Target(
                                code: target.code,
                                name: target.name,
                                selected: target.code == typed.fields["mergedInto"]
                            )
                        }
                        if let error = typed.error { row.closureErrors = UnitsPage.ClosureErrors(error) }
                    case .join:
                        if let error = typed.error { row.joinError = error.message }
                    case .retire, .retireLost:
                        if let error = typed.error { row.retireError = error.message }
                    case .add, .move: break
                    }
                }
                return row
            }
            values.hasBelow = !below.isEmpty
            if actor.unit == local.node.unit {
                values.move = moveSection(actor.unit, tree, closures, typed: typed, moving: moving, visitor)
            }
            if typed.form == .add {
                values.addTyped = UnitsPage.AddTyped(code: typed.fields["code"], name: typed.fields["name"])
                if let error = typed.error { values.addErrors = UnitsPage.AddErrors(error) }
            }
        }
        return kit.page(
            values,
            title: visitor.pick("Đơn vị", "Units"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }

    /// The form that moves a unit of the subtree below another parent (only where some unit below
    /// has a level below it other than the node's own: a province has no other parent to offer),
    /// and the moves still under way.
    func moveSection(
        _ own: String,
        _ tree: UnitTree,
        _ closures: [String: UnitClosure],
        typed: Typed,
        moving: [String: String],
        _ visitor: PageVisitor
    ) -> UnitsPage.Move? {
        let parents = tree.subtree(of: own).filter { unit in
            unit.code != own && unit.level.below != nil && closures[unit.code] == nil
        }
        guard !parents.isEmpty else { return nil }
        let directlyBelow = Set(tree.children(of: own).map(\.code))
        let underWay = moving.filter { !directlyBelow.contains($0.key) }.sorted { $0.key < $1.key }.map {
            UnitsPage.UnderWay(code: $0.key, name: tree[$0.key]?.name ?? $0.key, text: $0.value)
        }
        return UnitsPage.Move(
            unit: typed.form == .move ? typed.fields["unit"] ?? "" : "",
            parents: parents.map { unit in
                UnitsPage.Target(
                    code: unit.code,
                    name: unit.name,
                    selected: typed.form == .move && typed.fields["parent"] == unit.code
                )
            },
            error: typed.form == .move ? typed.error?.message : nil,
            underWay: underWay,
            hasUnderWay: !underWay.isEmpty
        )
    }

    /// The latest handover of each unit still moving, in words.
    func handoverTexts(_ visitor: PageVisitor) async throws -> [String: String] {
        var texts: [String: String] = [:]
        for handover in try await local.handovers.list(for: visitor.actor) where texts[handover.unit] == nil {
            switch (handover.direction, handover.state) {
            case (.out, .offered) where local.deployment.node(named: handover.node)?.unit != handover.unit:
                texts[handover.unit] = visitor.pick(
                    "Đang chuyển dữ liệu sang nút \(handover.node), nơi lưu dữ liệu của đơn vị cấp trên mới",
                    "Moving its data to node \(handover.node), which hosts its new parent"
                )
            case (.out, .offered):
                texts[handover.unit] = visitor.pick(
                    "Đang chuyển dữ liệu sang nút riêng \(handover.node)",
                    "Moving its data to its own node \(handover.node)"
                )
            case (.in, .requested) where local.deployment.node(named: handover.node)?.unit != handover.unit:
                texts[handover.unit] =
                    visitor.pick(
                        "Đang chuyển sang đơn vị cấp trên mới: chờ nút \(handover.node) gửi dữ liệu của đơn vị",
                        "Moving to its new parent: waiting for node \(handover.node) to send the unit's data"
                    )
                    + (handover.refusal.isEmpty
                        ? ""
                        : visitor.pick(" — lần gửi trước bị từ chối: ", " — last attempt refused: ") + handover.refusal)
            case (.in, .requested):
                texts[handover.unit] =
                    visitor.pick(
                        "Chờ nút \(handover.node) gửi trả dữ liệu để thôi vận hành",
                        "Waiting for node \(handover.node) to send its data back and retire"
                    )
                    + (handover.refusal.isEmpty
                        ? ""
                        : visitor.pick(" — lần gửi trước bị từ chối: ", " — last attempt refused: ") + handover.refusal)
            default:
                texts[handover.unit] = ""
            }
        }
        return texts.filter { !$0.value.isEmpty }
    }

    func closedText(_ closure: UnitClosure, _ tree: UnitTree, _ language: Language) -> String {
        let day = PageDate.isoDay(closure.closedOn)
        guard let merged = closure.mergedInto else {
            return language.pick("Đã giải thể từ \(day)", "Dissolved from \(day)")
        }
        let name = tree[merged]?.name ?? merged
        return language.pick("Đã sáp nhập vào \(name) từ \(day)", "Merged into \(name) from \(day)")
    }

    func unitTree(
        _ code: String,
        _ tree: UnitTree,
        _ closures: [String: UnitClosure],
        _ language: Language
    ) -> UnitsPage.Node {
        let unit = tree[code]
        let children = tree.children(of: code).sorted { $0.code < $1.code }
        return UnitsPage.Node(
            code: code,
            name: unit?.name ?? code,
            level: unit.map { language.pick($0.level.vietnameseName, "\($0.level)") } ?? "",
            isClosed: closures[code] != nil,
            closedText: closures[code].map { closedText($0, tree, language) } ?? "",
            hasChildren: !children.isEmpty,
            children: children.map { unitTree($0.code, tree, closures, language) }
        )
    }
}

/// "Đơn vị": the visitor's unit tree and, for unit administrators, the units directly below with
/// their rename and closure forms and the form that adds one (what was typed, the refused field).
struct UnitsPage: PageModel {
    static let template = "units"

    /// A unit of the tree (`unit_node`), with its children.
    struct Node: Sendable {
        let code: String
        let name: String
        let level: String
        let isClosed: Bool
        let closedText: String
        let hasChildren: Bool
        let children: [Node]
    }

    /// A unit a closed one may be merged into.
    struct Target: Sendable {
        let code: String
        let name: String
        let selected: Bool
    }

    /// What was typed in a closure dialog.
    struct ClosureTyped: Sendable {
        var closedOn: String?
        var reason: String?
    }

    /// A closure dialog's refusal next to its field.
    struct ClosureErrors: InlineValues {
        var closureErrorForm: String?
        var closureErrorClosedOn: String?
        var closureErrorMergedInto: String?
        var closureErrorReason: String?

        init(_ error: (field: String, message: String)) {
            switch error.field {
            case "closedOn": closureErrorClosedOn = error.message
            case "mergedInto": closureErrorMergedInto = error.message
            case "reason": closureErrorReason = error.message
            default: closureErrorForm = error.message
            }
        }
    }

    /// A unit directly below, with its rename form and closure dialog.
    struct Below: Sendable {
        let code: String
        let name: String
        var typedName: String
        let host: String
        let isClosed: Bool
        let closedText: String
        let isOpen: Bool
        var dialogOpen: Bool
        var closureTyped: ClosureTyped
        var mergeTargets: [Target]
        /// Hosted by this node: its admin may hand its own node a token.
        let canJoin: Bool
        /// Has its own node directly below this one: this node's admins may retire it.
        let canRetire: Bool
        /// Its node was asked to retire and has not handed back: its machine may be lost.
        let retirementWaiting: Bool
        /// Where its data stands while it moves between nodes.
        let handoverText: String?
        var renameError: String?
        var closureErrors: ClosureErrors?
        var joinError: String?
        var retireError: String?
    }

    /// The form that moves a unit below another parent, and the moves under way.
    struct Move: Sendable {
        let unit: String
        let parents: [Target]
        let error: String?
        let underWay: [UnderWay]
        let hasUnderWay: Bool
    }

    /// A unit of the subtree whose data is moving between nodes, in words.
    struct UnderWay: Sendable {
        let code: String
        let name: String
        let text: String
    }

    /// A token just issued for a unit's own node, shown once, with the command for its machine.
    struct Issued: Sendable {
        let unit: String
        let name: String
        let token: String
        let expires: String
        let command: String
    }

    /// What was typed in the form that adds a unit.
    struct AddTyped: Sendable {
        let code: String?
        let name: String?
    }

    /// The add form's refusal next to its field.
    struct AddErrors: InlineValues {
        var addErrorForm: String?
        var addErrorCode: String?
        var addErrorName: String?

        init(_ error: (field: String, message: String)) {
            switch error.field {
            case "code": addErrorCode = error.message
            case "name": addErrorName = error.message
            default: addErrorForm = error.message
            }
        }
    }

    let tree: Node
    let unitName: String
    var done: String?
    var admin: Bool?
    var belowLevel: String?
    var canAdd: Bool?
    var codePrefix: String?
    var below: [Below]?
    var hasBelow: Bool?
    var addTyped: AddTyped?
    var addErrors: AddErrors?
    var issued: Issued?
    var move: Move?
}

import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node

/// Administration: accounts (list, search, create under the delegation rules, disable, reset)
/// and the usage report per user group (the units tree is `UnitPages`).
struct AdminPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/users") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                return try await usersPage(
                    visitor,
                    search: request.uri.queryParameters["q"].map(String.init) ?? "",
                    typed: [:],
                    error: nil,
                    created: nil
                )
            }
        }
        pages.post("/users") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let typed = [
                    "username": form["username"] ?? "", "fullName": form["fullName"] ?? "",
                    "citizenId": form["citizenId"] ?? "",
                    "unit": form["unit"] ?? "", "role": form["role"] ?? "",
                    "permissions": form.all("permission").joined(separator: ","),
                ]
                guard let role = Role(rawValue: typed["role"]!) else {
                    return try await usersPage(
                        visitor,
                        search: "",
                        typed: typed,
                        error: ("role", visitor.pick("Hãy chọn vai trò", "Choose a role")),
                        created: nil,
                        status: .unprocessableContent
                    )
                }
                let citizen = typed["citizenId"]!.trimmingCharacters(in: .whitespaces)
                // Function permissions ticked by the admin; none ticked means the role's own.
                let permissions = form.all("permission").compactMap(Permission.init(rawValue:))
                do {
                    let created = try await local.accounts.create(
                        NewAccount(
                            username: typed["username"]!,
                            fullName: typed["fullName"]!,
                            citizenId: citizen.isEmpty ? nil : citizen,
                            unit: typed["unit"]!,
                            role: role,
                            permissions: permissions.isEmpty ? nil : permissions
                        ),
                        by: visitor.actor
                    )
                    return try await usersPage(visitor, search: "", typed: [:], error: nil, created: created)
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    let field = error.details.keys.sorted().first ?? "_form"
                    return try await usersPage(
                        visitor,
                        search: "",
                        typed: typed,
                        error: (field, visitor.pick(error.message, error.messageEN)),
                        created: nil,
                        status: error.status
                    )
                }
            }
        }
        pages.post("/users/{username}/disable") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                _ = try await local.accounts.disable(try context.parameters.require("username"), by: visitor.actor)
                throw PageRedirect(location: "\(WebPages.prefix)/users")
            }
        }
        pages.post("/users/{username}/reset") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                let created = try await local.accounts.reset(
                    try context.parameters.require("username"),
                    by: visitor.actor
                )
                return try await usersPage(visitor, search: "", typed: [:], error: nil, created: created)
            }
        }
        pages.get("/usage") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let period = request.uri.queryParameters["period"].map(String.init) ?? String(local.clock.today().year)
                let report = try await local.usage.report(period: period, for: visitor.actor)
                let groups = report.groups.map { UsagePage.Group($0, visitor.language) }
                return kit.page(
                    UsagePage(
                        period: period,
                        groups: groups,
                        unit: kit.unitName(report.unit),
                        periods: PeriodWords.choices(today: local.clock.today(), chosen: period, visitor.language),
                        from: PageDate.day(report.from),
                        to: PageDate.day(report.to.addingTimeInterval(-1)),
                        xlsx: "/api/v1/usage?period=\(period)&format=xlsx"
                    ),
                    title: visitor.pick("Thống kê sử dụng", "Usage"),
                    visitor: visitor,
                    language: visitor.language,
                    current: "\(WebPages.prefix)/usage"
                )
            }
        }
    }

    func usersPage(
        _ visitor: PageVisitor,
        search: String,
        typed: [String: String],
        error: (field: String, message: String)?,
        created: CreatedAccount?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let accounts = try await local.accounts.visible(to: visitor.actor)
        let needle = search.lowercased().trimmingCharacters(in: .whitespaces)
        let shown = accounts.filter {
            needle.isEmpty || $0.username.contains(needle) || $0.fullName.lowercased().contains(needle)
                || ($0.citizenId ?? "").contains(needle)
        }
        let rows = shown.map {
            UsersPage.Account(
                username: $0.username,
                name: $0.fullName,
                unit: kit.unitName($0.unit),
                role: visitor.pick($0.role.vietnameseName, $0.role.englishName),
                status: Self.statusName($0.status, visitor.language),
                canDisable: $0.status != "disabled",
                disabled: $0.status == "disabled",
                self: $0.username == visitor.actor.username
            )
        }
        // Under the delegation rules: one's own unit, and the units directly below (for their admins).
        let units = [visitor.actor.unit] + local.tree.children(of: visitor.actor.unit).map(\.code)
        var page = UsersPage(
            accounts: rows,
            search: search,
            typed: UsersPage.Typed(
                username: typed["username"],
                fullName: typed["fullName"],
                citizenId: typed["citizenId"]
            ),
            units: units.map { UsersPage.Unit(code: $0, name: kit.unitName($0), selected: $0 == typed["unit"]) },
            permissions: Permission.allCases.map { permission in
                PermissionChoice(
                    value: permission.rawValue,
                    name: Self.permissionName(permission, visitor.language),
                    inputId: "u-p-\(permission.rawValue)",
                    checked: (typed["permissions"] ?? "").split(separator: ",").contains {
                        $0 == permission.rawValue
                    }
                )
            },
            roles: Role.allCases.map {
                RoleChoice(
                    value: $0.rawValue,
                    name: visitor.pick($0.vietnameseName, $0.englishName),
                    selected: $0.rawValue == typed["role"]
                )
            }
        )
        if let error { page.errors = AccountFieldErrors(field: error.field, message: error.message) }
        if let created {
            page.created = UsersPage.Created(
                username: created.username,
                code: created.activationCode,
                delivered: created.deliveredTo
            )
        }
        return kit.page(
            page,
            title: visitor.pick("Người dùng", "Users"),
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/users",
            status: status
        )
    }

    /// The function permissions as an admin reads them (seed 004: "quyền chức năng").
    static func permissionName(_ permission: Permission, _ language: Language) -> String {
        switch permission.rawValue {
        case "users.manage": language.pick("Quản lý người dùng", "Manage users")
        case "forms.manage": language.pick("Quản lý biểu mẫu và giao báo cáo", "Manage and assign forms")
        case "reports.enter": language.pick("Cập nhật dữ liệu báo cáo", "Enter report data")
        case "reports.approve": language.pick("Phê duyệt báo cáo", "Approve reports")
        case "reports.view": language.pick("Xem báo cáo và tiến độ", "View reports and progress")
        case "tasks.assign": language.pick("Giao nhiệm vụ cho cấp dưới", "Assign tasks to units below")
        default: permission.rawValue
        }
    }

    /// An account's status as an admin reads it.
    static func statusName(_ status: String, _ language: Language) -> String {
        switch status {
        case "active": language.pick("Đang hoạt động", "Active")
        case "pending": language.pick("Chờ kích hoạt", "Awaiting activation")
        case "disabled": language.pick("Đã khoá", "Disabled")
        case "delegated": language.pick("Đã cấp cho đơn vị cấp dưới", "Issued to the unit below")
        default: status
        }
    }
}

/// A role to choose in an account form.
struct RoleChoice: Sendable {
    let value: String
    let name: String
    let selected: Bool
}

/// A function permission to tick in an account form.
struct PermissionChoice: Sendable {
    let value: String
    let name: String
    let inputId: String
    let checked: Bool
}

/// A refusal of an account form: the message at the top (`error`) and next to its field.
struct AccountFieldErrors: InlineValues {
    let error: String
    var errorUsername: String?
    var errorFullName: String?
    var errorCitizenId: String?
    var errorUnit: String?
    var errorRole: String?
    var errorPermissions: String?

    init(field: String, message: String) {
        error = message
        switch field {
        case "username": errorUsername = message
        case "fullName": errorFullName = message
        case "citizenId": errorCitizenId = message
        case "unit": errorUnit = message
        case "role": errorRole = message
        case "permissions": errorPermissions = message
        default: break
        }
    }
}

/// "Người dùng": the accounts the admin manages, the search, and the form that adds one (what
/// was typed, the refused field, or the new account's activation code).
struct UsersPage: PageModel {
    static let template = "users"

    /// One account as a table row.
    struct Account: Sendable {
        let username: String
        let name: String
        let unit: String
        let role: String
        let status: String
        let canDisable: Bool
        let disabled: Bool
        let `self`: Bool
    }

    /// What was typed in the form, shown again after a refusal.
    struct Typed: Sendable {
        let username: String?
        let fullName: String?
        let citizenId: String?
    }

    /// A unit the account may be made in.
    struct Unit: Sendable {
        let code: String
        let name: String
        let selected: Bool
    }

    /// The account just made (or reset) and where its activation code went.
    struct Created: Sendable {
        let username: String
        let code: String
        let delivered: String
    }

    let accounts: [Account]
    let search: String
    let typed: Typed
    let units: [Unit]
    let permissions: [PermissionChoice]
    let roles: [RoleChoice]
    var errors: AccountFieldErrors?
    var created: Created?
}

/// "Thống kê sử dụng": accounts, logins and actions per role over a period.
struct UsagePage: PageModel {
    static let template = "usage"

    /// One role's figures, as the page's language writes numbers ("12.345" in Vietnamese).
    struct Group: Sendable {
        let name: String
        let accounts: String
        let active: String
        let logins: String
        let failed: String
        let actions: String

        init(_ group: UsageReport.Group, _ language: Language) {
            let numbers = NumberFormat(language)
            name = language.pick(group.role.vietnameseName, group.role.englishName)
            accounts = numbers.text(group.accounts)
            active = numbers.text(group.activeUsers)
            logins = numbers.text(group.logins)
            failed = numbers.text(group.failedLogins)
            actions = numbers.text(group.actions)
        }
    }

    let period: String
    let groups: [Group]
    let unit: String
    let periods: [PeriodWords.Choice]
    let from: String
    let to: String
    let xlsx: String
}

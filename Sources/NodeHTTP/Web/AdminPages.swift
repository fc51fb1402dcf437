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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
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
                    let created = try await local.createAccount(
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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                _ = try await local.disableAccount(try context.parameters.require("username"), by: visitor.actor)
                throw PageRedirect(location: "\(WebPages.prefix)/users")
            }
        }
        pages.post("/users/{username}/reset") { request, context in
            try await kit.run(request, context) {
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                let created = try await local.resetAccount(
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
                let report = try await local.usage(period: period, for: visitor.actor)
                let groups = report.groups.map { group -> [String: Any] in
                    [
                        "name": visitor.pick(group.role.vietnameseName, group.role.englishName),
                        "accounts": group.accounts, "active": group.activeUsers,
                        "logins": group.logins, "failed": group.failedLogins, "actions": group.actions,
                    ]
                }
                return kit.page(
                    "usage",
                    [
                        "period": period, "groups": groups, "unit": kit.unitName(report.unit),
                        "periods": PeriodWords.choices(today: local.clock.today(), chosen: period, visitor.language),
                        "from": PageDate.day(report.from),
                        "to": PageDate.day(report.to.addingTimeInterval(-1)),
                        "xlsx": "/api/v1/usage?period=\(period)&format=xlsx",
                    ],
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
        let accounts = try await local.accounts(visibleTo: visitor.actor)
        let needle = search.lowercased().trimmingCharacters(in: .whitespaces)
        let shown = accounts.filter {
            needle.isEmpty || $0.username.contains(needle) || $0.fullName.lowercased().contains(needle)
                || ($0.citizenId ?? "").contains(needle)
        }
        let rows: [[String: Any]] = shown.map {
            [
                "username": $0.username, "name": $0.fullName, "unit": kit.unitName($0.unit),
                "role": visitor.pick($0.role.vietnameseName, $0.role.englishName),
                "status": Self.statusName($0.status, visitor.language), "can_disable": $0.status != "disabled",
                "disabled": $0.status == "disabled", "self": $0.username == visitor.actor.username,
            ]
        }
        // Under the delegation rules: one's own unit, and the units directly below (for their admins).
        let units = [visitor.actor.unit] + local.tree.children(of: visitor.actor.unit).map(\.code)
        var values: [String: Any] = [
            "accounts": rows, "search": search, "typed": typed,
            "units": units.map { ["code": $0, "name": kit.unitName($0), "selected": $0 == typed["unit"]] },
            "permissions": Permission.allCases.map { permission -> [String: Any] in
                [
                    "value": permission.rawValue, "name": Self.permissionName(permission, visitor.language),
                    "input_id": "u-p-\(permission.rawValue)",
                    "checked": (typed["permissions"] ?? "").split(separator: ",").contains {
                        $0 == permission.rawValue
                    },
                ]
            },
            "roles": Role.allCases.map {
                [
                    "value": $0.rawValue, "name": visitor.pick($0.vietnameseName, $0.englishName),
                    "selected": $0.rawValue == typed["role"],
                ]
            },
        ]
        if let error {
            values["error_\(error.field)"] = error.message
            values["error"] = error.message
        }
        if let created {
            values["created"] = [
                "username": created.username, "code": created.activationCode, "delivered": created.deliveredTo,
            ]
        }
        return kit.page(
            "users",
            values,
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

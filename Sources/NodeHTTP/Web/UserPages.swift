import Auth
import Foundation
import Hummingbird
import Node

/// Editing one account (name, citizen ID, role, function permissions) and enabling a disabled
/// one, under the same delegation rules as creating it.
struct UserPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/users/{username}") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let account = try await managed(try context.parameters.require("username"), by: visitor)
                return editPage(visitor, account, typed: Typed(account), error: nil)
            }
        }
        pages.post("/users/{username}") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                let account = try await managed(try context.parameters.require("username"), by: visitor)
                let typed = Typed(
                    fullName: form["fullName"] ?? "",
                    citizenId: form["citizenId"] ?? "",
                    role: form["role"] ?? account.role.rawValue,
                    permissions: Set(form.all("permission"))
                )
                guard let role = Role(rawValue: typed.role) else {
                    return editPage(
                        visitor,
                        account,
                        typed: typed,
                        error: ("role", visitor.pick("Hãy chọn vai trò", "Choose a role")),
                        status: .unprocessableContent
                    )
                }
                // None ticked means the role's own permissions, as when creating.
                let permissions = typed.permissions.compactMap(Permission.init(rawValue:))
                let edit = AccountEdit(
                    fullName: typed.fullName,
                    citizenId: typed.citizenId,
                    role: role,
                    permissions: permissions.isEmpty ? Array(role.permissions) : permissions
                )
                do {
                    _ = try await local.accounts.edit(account.username, edit, by: visitor.actor)
                    throw PageRedirect(location: "\(WebPages.prefix)/users?q=\(account.username)")
                } catch let error as Refused where error.status == .unprocessableContent || error.status == .conflict {
                    let field = error.details.keys.sorted().first ?? "_form"
                    return editPage(
                        visitor,
                        account,
                        typed: typed,
                        error: (field, visitor.pick(error.message, error.messageEN)),
                        status: error.status
                    )
                }
            }
        }
        pages.post("/users/{username}/enable") { request, context in
            try await kit.run(request, context) {
                let (_, visitor) = try await kit.post(request, context)
                _ = try await local.accounts.enable(try context.parameters.require("username"), by: visitor.actor)
                throw PageRedirect(location: "\(WebPages.prefix)/users")
            }
        }
    }

    /// An account the visitor administers (never its own: that is the profile page).
    func managed(_ username: String, by visitor: PageVisitor) async throws -> AccountView {
        guard
            let account = try await local.accounts.visible(to: visitor.actor).first(where: {
                $0.username == username.lowercased()
            })
        else {
            throw DomainError(.notFound(.account))
        }
        if let refusal = Delegation.refusalToManage(
            by: visitor.actor,
            unit: account.unit,
            role: account.role,
            permissions: Set(account.permissions),
            in: local.tree
        ) {
            throw DomainError(.delegationRefusesChange(refusal))
        }
        guard account.username != visitor.actor.username else {
            throw DomainError(.notOnYourOwnAccount)
        }
        return account
    }

    /// What the form shows: the account's values, or what the admin typed.
    struct Typed {
        var fullName: String
        var citizenId: String
        var role: String
        var permissions: Set<String>

        init(fullName: String, citizenId: String, role: String, permissions: Set<String>) {
            self.fullName = fullName
            self.citizenId = citizenId
            self.role = role
            self.permissions = permissions
        }

        init(_ account: AccountView) {
            self.init(
                fullName: account.fullName,
                citizenId: account.citizenId ?? "",
                role: account.role.rawValue,
                permissions: Set(account.permissions.map(\.rawValue))
            )
        }
    }

    func editPage(
        _ visitor: PageVisitor,
        _ account: AccountView,
        typed: Typed,
        error: (field: String, message: String)?,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        // An admin appointed below keeps the admin role; an account of one's own unit may change role.
        let roleFixed = account.unit != visitor.actor.unit
        var page = UserEditPage(
            username: account.username,
            unit: kit.unitName(account.unit),
            status: AdminPages.statusName(account.status, visitor.language),
            typed: UserEditPage.Typed(fullName: typed.fullName, citizenId: typed.citizenId),
            roleFixed: roleFixed,
            roleName: visitor.pick(account.role.vietnameseName, account.role.englishName),
            roles: Role.allCases.map {
                RoleChoice(
                    value: $0.rawValue,
                    name: visitor.pick($0.vietnameseName, $0.englishName),
                    selected: $0.rawValue == typed.role
                )
            },
            permissions: Permission.allCases.map { permission in
                PermissionChoice(
                    value: permission.rawValue,
                    name: AdminPages.permissionName(permission, visitor.language),
                    inputId: "e-p-\(permission.rawValue)",
                    checked: typed.permissions.contains(permission.rawValue)
                )
            }
        )
        if let error { page.errors = AccountFieldErrors(field: error.field, message: error.message) }
        return kit.page(
            page,
            title: visitor.pick("Sửa tài khoản", "Edit account"),
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/users",
            status: status
        )
    }
}

/// Editing one account: its fixed facts, the typed values, roles and permissions to choose.
struct UserEditPage: PageModel {
    static let template = "user_edit"

    /// What the form shows: the account's values or what the admin typed.
    struct Typed: Sendable {
        let fullName: String
        let citizenId: String
    }

    let username: String
    let unit: String
    let status: String
    let typed: Typed
    let roleFixed: Bool
    let roleName: String
    let roles: [RoleChoice]
    let permissions: [PermissionChoice]
    var errors: AccountFieldErrors?
}

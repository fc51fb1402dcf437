import Auth
import Foundation
import Hummingbird

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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
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
                    _ = try await local.editAccount(account.username, edit, by: visitor.actor)
                    throw PageRedirect(location: "\(WebPages.prefix)/users?q=\(account.username)")
                } catch let error as APIError where error.status == .unprocessableContent || error.status == .conflict {
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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                _ = try await local.enableAccount(try context.parameters.require("username"), by: visitor.actor)
                throw PageRedirect(location: "\(WebPages.prefix)/users")
            }
        }
    }

    /// An account the visitor administers (never its own: that is the profile page).
    func managed(_ username: String, by visitor: PageVisitor) async throws -> AccountView {
        guard
            let account = try await local.accounts(visibleTo: visitor.actor).first(where: {
                $0.username == username.lowercased()
            })
        else {
            throw APIError.notFound("tài khoản", "Account")
        }
        if let refusal = Delegation.refusalToManage(
            by: visitor.actor,
            unit: account.unit,
            role: account.role,
            permissions: Set(account.permissions),
            in: local.tree
        ) {
            throw APIError.forbidden(refusal.description, "Delegation rules refuse this")
        }
        guard account.username != visitor.actor.username else {
            throw APIError.forbidden(
                "Không thể thực hiện thao tác này với chính tài khoản của bạn",
                "Not on your own account"
            )
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
        var values: [String: Any] = [
            "username": account.username, "unit": kit.unitName(account.unit),
            "status": AdminPages.statusName(account.status, visitor.language),
            "typed": ["fullName": typed.fullName, "citizenId": typed.citizenId],
            "role_fixed": roleFixed, "role_name": visitor.pick(account.role.vietnameseName, account.role.rawValue),
            "roles": Role.allCases.map {
                [
                    "value": $0.rawValue, "name": visitor.pick($0.vietnameseName, $0.rawValue),
                    "selected": $0.rawValue == typed.role,
                ]
            },
            "permissions": Permission.allCases.map { permission -> [String: Any] in
                [
                    "value": permission.rawValue, "name": AdminPages.permissionName(permission, visitor.language),
                    "input_id": "e-p-\(permission.rawValue)",
                    "checked": typed.permissions.contains(permission.rawValue),
                ]
            },
        ]
        if let error {
            values["error_\(error.field)"] = error.message
            values["error"] = error.message
        }
        return kit.page(
            "user_edit",
            values,
            title: visitor.pick("Sửa tài khoản", "Edit account"),
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/users",
            status: status
        )
    }
}

/// The account edit page.
enum UserTemplates {
    static let all: [String: String] = ["user_edit": edit]

    static let edit = """
        <h1>{{#t}}Sửa tài khoản|Edit account{{/t}} <code>{{username}}</code></h1>
        <p class="meta">{{unit}} · {{#t}}Trạng thái|Status{{/t}}: {{status}}</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/app/users/{{username}}" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="e-name">{{#t}}Họ và tên|Full name{{/t}} <abbr class="req">*</abbr></label><input id="e-name" name="fullName" value="{{typed.fullName}}" required>{{#error_fullName}}<span class="field-error">{{error_fullName}}</span>{{/error_fullName}}</p>
          <p><label for="e-citizen">{{#t}}Số CCCD (12 số, để trống nếu không có)|Citizen ID (12 digits, or empty){{/t}}</label><input id="e-citizen" name="citizenId" value="{{typed.citizenId}}" inputmode="numeric">{{#error_citizenId}}<span class="field-error">{{error_citizenId}}</span>{{/error_citizenId}}</p>
          {{#role_fixed}}<p><strong>{{#t}}Vai trò|Role{{/t}}:</strong> {{role_name}}</p>{{/role_fixed}}
          {{^role_fixed}}<p><label for="e-role">{{#t}}Vai trò|Role{{/t}}</label><select id="e-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/roles}}</select>{{#error_role}}<span class="field-error">{{error_role}}</span>{{/error_role}}</p>{{/role_fixed}}
          <fieldset><legend>{{#t}}Quyền chức năng (để trống: theo vai trò)|Function permissions (none ticked: the role's){{/t}}</legend>
          {{#permissions}}<label class="choice" for="{{input_id}}"><input type="checkbox" id="{{input_id}}" name="permission" value="{{value}}"{{#checked}} checked{{/checked}}> {{name}}</label>{{/permissions}}
          {{#error_permissions}}<span class="field-error">{{error_permissions}}</span>{{/error_permissions}}
          </fieldset>
          <p><button type="submit" class="primary">{{#t}}Lưu lại|Save{{/t}}</button> <a href="/app/users">{{#t}}Huỷ|Cancel{{/t}}</a></p>
        </form>
        """
}

import Hierarchy

/// The delegated-administration rules: an admin manages accounts of its own unit only, creates
/// admins only for the units directly below, and never grants what it does not hold.
public enum Delegation {
    /// Whether `actor` may create an account with `role` (and `permissions`, default the role's) in `unit`.
    public static func mayCreate(
        by actor: Actor, unit: String, role: Role, permissions: Set<Permission>? = nil, in tree: UnitTree
    ) -> Result<Void, DelegationError> {
        guard actor.holds(.manageUsers) else { return .failure(.notAnAdmin) }
        guard tree.contains(unit) else { return .failure(.unknownUnit(unit)) }
        let granted = permissions ?? role.permissions
        guard granted.isSubset(of: role.permissions) else { return .failure(.beyondRole) }
        guard granted.isSubset(of: actor.permissions) else {
            return .failure(.notHeld(granted.subtracting(actor.permissions).sorted()))
        }
        if unit == actor.unit { return .success(()) }
        if tree[unit]?.parent == actor.unit {
            return role == .admin ? .success(()) : .failure(.onlyAdminsBelow)
        }
        return .failure(.outsideScope)
    }

    /// Whether `actor` may disable or reset an account of `role` in `unit`: its own unit's
    /// accounts, and the admins it appointed directly below; never anything above.
    public static func mayManage(by actor: Actor, unit: String, role: Role, in tree: UnitTree) -> Result<Void, DelegationError> {
        guard actor.holds(.manageUsers) else { return .failure(.notAnAdmin) }
        if unit == actor.unit { return .success(()) }
        if tree[unit]?.parent == actor.unit && role == .admin { return .success(()) }
        return .failure(.outsideScope)
    }
}

/// Why an administrative action is refused, in words for the person who tried it.
public enum DelegationError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAnAdmin
    case unknownUnit(String)
    case outsideScope
    case onlyAdminsBelow
    case beyondRole
    case notHeld([Permission])

    public var description: String {
        switch self {
        case .notAnAdmin: "Tài khoản của bạn không có quyền quản trị người dùng"
        case .unknownUnit(let code): "Không tìm thấy đơn vị “\(code)”"
        case .outsideScope: "Bạn chỉ quản lý tài khoản của đơn vị mình và quản trị viên của đơn vị cấp dưới trực tiếp"
        case .onlyAdminsBelow: "Với đơn vị cấp dưới trực tiếp, bạn chỉ được tạo tài khoản quản trị"
        case .beyondRole: "Quyền được cấp vượt quá vai trò đã chọn"
        case .notHeld(let permissions): "Bạn không thể cấp quyền mà bạn không có: \(permissions.map(\.rawValue).joined(separator: ", "))"
        }
    }
}

import Hierarchy

/// The delegated-administration rules: an admin manages accounts of its own unit only, creates
/// admins only for the units directly below, and never grants what it does not hold.
public enum Delegation {
    /// Why `actor` may not create an account with `role` (and `permissions`, default the role's)
    /// in `unit`; nil when it may.
    public static func refusalToCreate(
        by actor: Actor,
        unit: String,
        role: Role,
        permissions: Set<Permission>? = nil,
        in tree: UnitTree
    ) -> DelegationError? {
        guard actor.holds(.manageUsers) else { return .notAnAdmin }
        guard tree.contains(unit) else { return .unknownUnit(unit) }
        let granted = permissions ?? role.permissions
        guard granted.isSubset(of: role.permissions) else { return .beyondRole }
        guard granted.isSubset(of: actor.permissions) else {
            return .notHeld(granted.subtracting(actor.permissions).sorted())
        }
        if unit == actor.unit { return nil }
        if tree[unit]?.parent == actor.unit {
            return role == .admin ? nil : .onlyAdminsBelow
        }
        return .outsideScope
    }

    /// Why `actor` may not disable or reset an account of `role` (holding `permissions`, default the
    /// role's) in `unit` (nil when it may): it manages its own unit's accounts and the admins of the
    /// units directly below; nothing above, and no account holding a right it does not hold (else
    /// resetting that account would hand it those rights).
    public static func refusalToManage(
        by actor: Actor,
        unit: String,
        role: Role,
        permissions: Set<Permission>? = nil,
        in tree: UnitTree
    ) -> DelegationError? {
        guard actor.holds(.manageUsers) else { return .notAnAdmin }
        let held = permissions ?? role.permissions
        guard held.isSubset(of: actor.permissions) else {
            return .notHeld(held.subtracting(actor.permissions).sorted())
        }
        if unit == actor.unit { return nil }
        if tree[unit]?.parent == actor.unit && role == .admin { return nil }
        return .outsideScope
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
        case .notHeld(let permissions):
            "Bạn không thể cấp quyền mà bạn không có: \(permissions.map(\.rawValue).joined(separator: ", "))"
        }
    }
}

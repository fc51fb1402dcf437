/// A named right (the seeds' "function list"); roles are sets of these.
public enum Permission: String, Codable, Sendable, CaseIterable, Comparable {
    /// Create, disable and reset accounts of the own unit; create admins of the units directly below.
    case manageUsers = "users.manage"
    /// Define forms and assign them to the units below.
    case manageForms = "forms.manage"
    /// Fill in reports, attach evidence, submit.
    case enterData = "reports.enter"
    /// Approve or return reports of the own unit (the unit leader).
    case approveReports = "reports.approve"
    /// Read reports, progress and aggregates of the own unit and the units below.
    case viewReports = "reports.view"
    /// Assign tasks to the units below and confirm or return their completion (the unit leader).
    case assignTasks = "tasks.assign"

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The permission groups of Regulation 02 Art. 10–11.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case approver
    case dataEntry = "data_entry"
    case viewer

    /// The unit's admin holds every right of the unit, so that it can grant any of them.
    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .approver: [.approveReports, .viewReports, .assignTasks]
        case .dataEntry: [.enterData, .viewReports]
        case .viewer: [.viewReports]
        }
    }

    public var vietnameseName: String {
        switch self {
        case .admin: "Quản trị"
        case .approver: "Phê duyệt"
        case .dataEntry: "Cập nhật"
        case .viewer: "Xem"
        }
    }
}

/// Who is acting: the logged-in account as authorisation sees it.
public struct Actor: Sendable, Hashable {
    public let username: String
    public let unit: String
    public let role: Role
    public let permissions: Set<Permission>
    /// Where the actor acts from (the client's address), for the audit trail.
    public var address: String?

    public init(username: String, unit: String, role: Role, permissions: Set<Permission>? = nil, address: String? = nil)
    {
        self.username = username
        self.unit = unit
        self.role = role
        self.permissions = permissions ?? role.permissions
        self.address = address
    }

    public func holds(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

import Auth
import Foundation
import GRDB
import Hierarchy
import Spreadsheet

/// How the product was used in a period, per user group (Regulation 02 Art. 20.4).
package struct UsageReport: Codable, Sendable {
    package struct Group: Codable, Sendable {
        package let role: Role
        let name: String
        /// Accounts of the group at the end of the period (active or not).
        package let accounts: Int
        /// Accounts that did anything in the period.
        package let activeUsers: Int
        package let logins: Int
        package let failedLogins: Int
        /// Everything else they did: reads, changes, approvals, returns, exports, admin actions.
        package let actions: Int
    }

    package let period: String
    package let unit: String
    let node: String
    package let from: Date
    package let to: Date
    package let groups: [Group]
}

/// How the product was used (Regulation 02 Art. 20.4): the accounts hosted here and what they did
/// in a period, counted from the audit trail, per user group. Its own service: it needs only the
/// shared context.
package struct ProductUsage: NodeService {
    let context: NodeContext

    /// The usage of the accounts of the actor's unit and the units below it hosted on this node.
    package func report(period text: String, for actor: Actor) async throws -> UsageReport {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        guard let period = Period(text), period.frequency != .once else {
            throw DomainError(.usagePeriodInvalid(text))
        }
        let (from, to) = Self.bounds(of: period)
        return try await database.pool.write { db in
            let accounts = try AccountStore.hostedHere(db).filter {
                tree.isInSubtree($0.unit, of: actor.unit)
            }
            let roleOf = Dictionary(uniqueKeysWithValues: accounts.map { ($0.username, $0.role) })
            let rows = try AuditTrail.actionCounts(from: from, to: to, db)
            var logins: [Role: Int] = [:]
            var failures: [Role: Int] = [:]
            var actions: [Role: Int] = [:]
            var active: [Role: Set<String>] = [:]
            for (name, action, count) in rows {
                guard let role = roleOf[name] else { continue }
                // Things done to an account by others or by the system are not its user's activity.
                if ["account.locked", "account.unlocked", "login.refused_locked"].contains(action) { continue }
                switch action {
                case "login": logins[role, default: 0] += count
                case "login.failed", "login.mfa_failed": failures[role, default: 0] += count
                default: actions[role, default: 0] += count
                }
                if action != "login.failed" && action != "login.mfa_failed" { active[role, default: []].insert(name) }
            }
            let groups = Role.allCases.map { role in
                UsageReport.Group(
                    role: role,
                    name: role.vietnameseName,
                    accounts: accounts.filter { $0.role == role }.count,
                    activeUsers: active[role]?.count ?? 0,
                    logins: logins[role] ?? 0,
                    failedLogins: failures[role] ?? 0,
                    actions: actions[role] ?? 0
                )
            }
            try audit.record(db, actor, action: "usage.report", target: period.description)
            return UsageReport(
                period: period.description,
                unit: actor.unit,
                node: node.name,
                from: from,
                to: to,
                groups: groups
            )
        }
    }

    /// A period's first instant and the next period's, in Vietnam's time zone.
    static func bounds(of period: Period) -> (Date, Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let months = period.months
        let first = months.first.map(\.index) ?? 1
        let start = calendar.date(from: DateComponents(year: period.year, month: first, day: 1))!
        let end = calendar.date(byAdding: .month, value: max(months.count, 1), to: start)!
        return (start, end)
    }
}

extension UsageReport {
    /// The report as a table: one row per user group, and a total.
    package var sheet: Sheet {
        let header: [Cell] = [
            "Nhóm người dùng", "Số tài khoản", "Người dùng hoạt động", "Lượt đăng nhập", "Đăng nhập thất bại",
            "Thao tác",
        ].map(Cell.text)
        var rows: [[Cell]] = [[.text("Báo cáo tình hình sử dụng — kỳ \(period), đơn vị \(unit), nút \(node)")], header]
        for group in groups {
            rows.append(
                [.text(group.name)]
                    + [group.accounts, group.activeUsers, group.logins, group.failedLogins, group.actions].map {
                        .number(Double($0))
                    }
            )
        }
        let totals = [\Group.accounts, \.activeUsers, \.logins, \.failedLogins, \.actions].map { path in
            Cell.number(Double(groups.map { $0[keyPath: path] }.reduce(0, +)))
        }
        rows.append([.text("Tổng cộng")] + totals)
        return Sheet(name: "Sử dụng", rows: rows, headerRows: 2, columnWidths: [24, 14, 20, 16, 18, 12])
    }
}

import Auth
import Node

/// One entry of the page menu. Each page adds an entry to `Navigation.entries`; an entry shows only to those who may open it, so no dead link is ever shown.
struct NavigationEntry: Sendable {
    let path: String
    let vietnamese: String
    let english: String
    /// Who sees it.
    let shows: @Sendable (Actor) -> Bool
}

enum Navigation {
    static let entries: [NavigationEntry] = [
        NavigationEntry(path: "/app", vietnamese: "Tổng quan", english: "Dashboard") { $0.holds(.viewReports) },
        NavigationEntry(path: "/app/entry", vietnamese: "Cập nhật dữ liệu", english: "Data entry") {
            $0.holds(.enterData) || $0.holds(.approveReports)
        },
        NavigationEntry(path: "/app/reports", vietnamese: "Báo cáo", english: "Reports") {
            $0.holds(.viewReports) || $0.holds(.enterData)
        },
        NavigationEntry(path: "/app/forms", vietnamese: "Biểu mẫu", english: "Forms") { $0.holds(.manageForms) },
        NavigationEntry(path: "/app/indicators", vietnamese: "Chỉ số", english: "Indicators") {
            $0.holds(.viewReports)
        },
        NavigationEntry(path: "/app/scores", vietnamese: "Chấm điểm", english: "Scoring") { $0.holds(.viewReports) },
        NavigationEntry(path: "/app/congress", vietnamese: "Lịch đại hội", english: "Congress") {
            $0.holds(.viewReports)
        },
        NavigationEntry(path: "/app/tasks", vietnamese: "Nhiệm vụ", english: "Tasks") { $0.holds(.viewReports) },
        NavigationEntry(path: "/app/alerts", vietnamese: "Cảnh báo", english: "Alerts") { _ in true },
        NavigationEntry(path: "/app/units", vietnamese: "Đơn vị", english: "Units") { _ in true },
        NavigationEntry(path: "/app/users", vietnamese: "Người dùng", english: "Users") { $0.holds(.manageUsers) },
        NavigationEntry(path: "/app/usage", vietnamese: "Thống kê sử dụng", english: "Usage") {
            $0.holds(.manageUsers)
        },
        NavigationEntry(path: "/app/audit", vietnamese: "Nhật ký", english: "Audit trail") { $0.holds(.manageUsers) },
    ]

    /// The menu for one person, the current page marked.
    static func menu(for actor: Actor, current: String, language: Language) -> [LayoutPage.MenuEntry] {
        entries.filter { $0.shows(actor) }.map {
            LayoutPage.MenuEntry(
                path: $0.path,
                label: language.pick($0.vietnamese, $0.english),
                current: $0.path == current
            )
        }
    }
}

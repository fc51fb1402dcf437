import ServiceLifecycle

/// Evaluates the alert rules periodically, for what only the date changes: a task becomes due
/// soon or overdue, a low-completion rule's day arrives. Data-driven alerts are raised as the
/// data arrives; this catches the calendar.
package struct AlertWatch: Service {
    let local: LocalNode
    var interval: Duration = .seconds(600)

    package init(local: LocalNode, interval: Duration = .seconds(600)) {
        self.local = local
        self.interval = interval
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let (raised, cleared) = try await local.alerts.refresh()
                    local.logger.debug(
                        "alerts evaluated",
                        metadata: ["standing": "\(raised)", "cleared": "\(cleared)"]
                    )
                } catch {
                    local.logger.warning("alert evaluation failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

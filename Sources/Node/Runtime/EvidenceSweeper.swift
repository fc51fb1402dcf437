import ServiceLifecycle

/// Clears evidence content that no report names any more, and abandoned uploads, every few hours.
package struct EvidenceSweeper: Service {
    let local: LocalNode
    var interval: Duration = .seconds(6 * 3600)

    package init(local: LocalNode, interval: Duration = .seconds(6 * 3600)) {
        self.local = local
        self.interval = interval
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await local.reportEvidence.sweep()
                } catch {
                    local.logger.warning("evidence sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

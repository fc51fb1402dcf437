import Federation
import Foundation
import Hierarchy
import Node

/// The national simulation with the communes split over worker processes, for sizes one process
/// cannot hold (descriptors, Dispatch threads): this process issues every certificate from one
/// root CA into a folder, runs the centre and the provinces, spawns `workers` processes that run
/// a shard of the communes each against the provinces' listeners, and measures. The last
/// approval's time comes from the workers (wall clock, same machine); the moment the centre
/// shows 100 % is seen here.
extension NationalSimulation {
    func runSharded() async throws -> Figures {
        var figures = Figures()
        let started = Stopwatch()
        let since = Date(timeIntervalSince1970: wallClock())
        let counting = PhaseCPU()
        let deployment = try topology.deployment()
        let communes = deployment.tree.units.filter { $0.level == .commune }.map(\.code)
        let provinces = deployment.tree.units.filter { $0.level == .province }.map(\.code)
        let certificates = "\(directory)/certificates"
        try await NationalCertificates.write(
            for: deployment,
            from: try CertificateAuthority.makeRoot(commonName: "ReportNet benchmark root CA"),
            into: certificates
        )
        log("  \(deployment.nodes.count) certificates issued after \(format(started.seconds)) s")
        var options = InProcessFederation.Options(directory: directory)
        options.pollWait = pollWait
        options.credentialFolder = certificates
        let federation = try await InProcessFederation(deployment: deployment, options: options, absent: Set(communes))
        let monitor = ResourceMonitor()
        monitor.start()
        defer { monitor.stop() }
        let simulation = self
        let prepared = figures
        figures = try await federation.run { federation in
            var figures = prepared
            var cpu = counting
            var ports: [String: Int] = [:]
            for province in provinces { ports[province] = try await federation.federationPort(province) }
            let plan = NationalPlan(
                provinces: simulation.topology.provinces,
                communes: simulation.topology.communes,
                workers: simulation.workers,
                directory: simulation.directory,
                certificates: certificates,
                provincePorts: ports,
                pollWait: simulation.pollWait,
                approvers: simulation.approvers
            )
            let planFile = "\(simulation.directory)/plan.json"
            try plan.write(planFile)
            let workers = try NationalWorkers(
                executable: simulation.workerExecutable,
                plan: planFile,
                count: simulation.workers,
                log: simulation.log
            )
            defer { workers.kill() }
            cpu.add(workers: workers.processIdentifiers)
            log(
                "  \(federation.nodes.count) nodes running here, \(workers.count) workers started (pids \(workers.processIdentifiers.map(String.init).joined(separator: " "))); \(monitor.line())"
            )
            let ready = try await workers.collect("ready", within: 3 * simulation.patience.seconds) { message -> Int? in
                if case .ready(let nodes, _) = message { nodes } else { nil }
            }
            figures.nodes = federation.nodes.count + ready.reduce(0, +)
            figures.startSeconds = started.seconds
            cpu.mark("start")
            log(
                "  \(figures.nodes) nodes running after \(format(figures.startSeconds)) s (workers: \(ready.map(String.init).joined(separator: ", "))); \(monitor.line())"
            )
            figures.contactSeconds = try await simulation.stayIdle(
                &cpu,
                nodes: figures.nodes,
                parents: federation.nodes.keys.map(federation.seam),
                since: since,
                started: started
            )

            let centre = federation.seam(NationalTopology.centre)
            let admin = InProcessFederation.admin(NationalTopology.centre)
            try await centre.defineForm(SampleForm.monthly(), by: admin)
            let assignedAt = wallClock()
            let assignment = try await centre.assign(
                form: SampleForm.monthly().code,
                period: simulation.period,
                level: .commune,
                by: admin
            )
            try workers.send(.assignment(assignment))
            let held = try await workers.collect("holding", within: simulation.patience.seconds) { message -> Double? in
                if case .holding(let at) = message { at } else { nil }
            }
            // Until the last commune stored it (the workers look once a second and say when).
            figures.downSeconds = (held.max() ?? wallClock()) - assignedAt
            cpu.mark("down")
            log(
                "  assignment at all \(communes.count) communes after \(format(figures.downSeconds, 2)) s; \(monitor.line())"
            )

            let approvalsSent = wallClock()
            try workers.send(.approve)
            let approvals = try await workers.collect("approved", within: simulation.patience.seconds) {
                message -> (count: Int, last: Double)? in
                if case .approved(let count, _, let last) = message { (count, last) } else { nil }
            }
            let lastApproval = approvals.map(\.last).max() ?? approvalsSent
            figures.approvalSeconds = lastApproval - approvalsSent
            cpu.mark("approvals")
            log(
                "  \(approvals.map(\.count).reduce(0, +)) reports approved in \(format(figures.approvalSeconds, 2)) s; \(monitor.line())"
            )

            // Up: the centre's own progress query, until it shows every commune approved.
            try await simulation.waitUntilCentreShowsAll(
                centre,
                assignment: assignment,
                as: admin,
                figures: &figures,
                lastApproval: lastApproval
            ) { wallClock() }
            let full = wallClock()
            figures.lastApprovalToFullSeconds = full - lastApproval
            // The down leg until the last commune held the assignment, then approvals and the up
            // leg (the moment the workers noticed it, up to a second later, is left out).
            figures.totalSeconds = figures.downSeconds + (full - approvalsSent)
            cpu.mark("up")
            figures.cpu = cpu.phases
            log(
                "  centre at 100 % (\(figures.approvedAtCentre)/\(figures.assigned)) \(format(figures.lastApprovalToFullSeconds, 2)) s after the last approval; \(monitor.line())"
            )
            log(figures.centreCurve)

            try workers.send(.stop)
            let stats = try await workers.collect("stats", within: 60) { message -> WorkerFigures? in
                if case .stats(let resident, let files, let threads) = message {
                    WorkerFigures(peakResident: resident, peakOpenFiles: files, threads: threads)
                } else {
                    nil
                }
            }
            figures.workers = zip(stats, ready).map { stats, nodes in
                var stats = stats
                stats.nodes = nodes
                return stats
            }
            await workers.finish(grace: 10)
            return figures
        }
        figures.peakResident = monitor.peakResident
        figures.peakOpenFiles = monitor.peakOpenFiles
        figures.threads = monitor.peakThreads
        return figures
    }
}

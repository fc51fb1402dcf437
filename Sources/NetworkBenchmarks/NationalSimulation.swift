import Auth
import Foundation
import Hierarchy
import Node

/// The month of a whole country: the centre assigns one monthly form to every commune; it
/// travels down through the provinces; every commune fills, submits and approves its report;
/// the signed reports travel up through the provinces to the centre. Measures how long each
/// leg takes, and above all the time from the last commune approval until the centre's progress
/// shows 100 %.
public struct NationalSimulation: Sendable {
    public struct Figures: Sendable {
        public var nodes = 0
        public var startSeconds = 0.0
        /// From the start of the run until every node's parent had heard from it (the listeners
        /// are up before the children have dialled their parents); nil when not within the idle
        /// window and the patience after it.
        public var contactSeconds: Double?
        /// From the centre's assignment until every commune node holds it.
        public var downSeconds = 0.0
        /// From the first to the last commune approval.
        public var approvalSeconds = 0.0
        /// From the last commune approval until the centre shows 100 % approved.
        public var lastApprovalToFullSeconds = 0.0
        /// From the assignment until the centre shows 100 %.
        public var totalSeconds = 0.0
        public var approvedAtCentre = 0
        /// The centre's count of approved reports at the last approval and each second after it:
        /// whether the up leg drains at a steady rate (throughput) or waits on a few stragglers.
        /// A second without a reading of its own (a query took longer) shows the next one.
        public var centreBySecond: [Int] = []
        public var assigned = 0
        public var peakResident = 0
        public var peakOpenFiles = 0
        public var threads = 0
        /// The worker processes' peaks, when the communes ran in workers.
        public var workers: [WorkerFigures] = []
        /// CPU time of every process of the run in each phase: start, idle (when `idle` is set),
        /// down, approvals, up.
        public var cpu: [PhaseCPU.Phase] = []
    }

    /// One worker process's share and peaks.
    public struct WorkerFigures: Sendable {
        public var nodes = 0
        public var peakResident = 0
        public var peakOpenFiles = 0
        public var threads = 0
    }

    public let topology: NationalTopology
    public let directory: String
    public var period = "2026-11"
    /// Commune reports approved at once.
    public var approvers = 32
    public var pollWait = 20
    /// How long every node is left idle once all are running, before the assignment: what the
    /// nodes cost while nothing happens (status reports, long polls, watches) is measured then.
    public var idle: Duration = .zero
    /// Gives up (and says so) when the centre is not at 100 % this long after the last approval.
    public var patience: Duration = .seconds(600)
    public var log: @Sendable (String) -> Void = { print($0) }
    /// Worker processes running the communes (0: every node in this process). The centre and the
    /// provinces always run here.
    public var workers = 0
    /// The `reportnet-bench` executable the workers run (`national-worker`).
    public var workerExecutable = ""

    public init(topology: NationalTopology, directory: String) {
        self.topology = topology
        self.directory = directory
    }

    public func run() async throws -> Figures {
        if workers > 0 { return try await runSharded() }
        var figures = Figures()
        let started = Stopwatch()
        let since = Date(timeIntervalSince1970: wallClock())
        let deployment = try topology.deployment()
        var options = InProcessFederation.Options(directory: directory)
        options.pollWait = pollWait
        let counting = PhaseCPU()
        let federation = try await InProcessFederation(deployment: deployment, options: options)
        figures.nodes = federation.nodes.count
        let monitor = ResourceMonitor()
        monitor.start()
        defer { monitor.stop() }
        let simulation = self
        let communes = deployment.tree.units.filter { $0.level == .commune }.map(\.code).sorted()
        let prepared = figures
        figures = try await federation.run { federation in
            var figures = prepared
            var cpu = counting
            figures.startSeconds = started.seconds
            cpu.mark("start")
            log("  \(federation.nodes.count) nodes running after \(format(figures.startSeconds)) s; \(monitor.line())")
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
            let clock = Stopwatch()
            let assignedAt = wallClock()
            let assignment = try await centre.assign(
                form: SampleForm.monthly().code,
                period: simulation.period,
                level: .commune,
                by: admin
            )
            // Down: every commune node holds the assignment (looked at once a second; each says
            // when it stored it).
            var waiting = communes
            var last = assignedAt
            while !waiting.isEmpty {
                var still: [String] = []
                for unit in waiting {
                    if let arrival = try await federation.seam(unit).assignmentArrival(assignment) {
                        last = max(last, arrival.timeIntervalSince1970)
                    } else {
                        still.append(unit)
                    }
                }
                waiting = still
                if !waiting.isEmpty { try await Task.sleep(for: .seconds(1)) }
                if clock.seconds > simulation.patience.seconds {
                    throw SimulationStalled("\(waiting.count) communes never received the assignment")
                }
            }
            figures.downSeconds = last - assignedAt
            cpu.mark("down")
            log(
                "  assignment at all \(communes.count) communes after \(format(figures.downSeconds)) s; \(monitor.line())"
            )
            // Every commune fills, submits and approves; the reports travel up meanwhile.
            let approvalsStarted = clock.seconds
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                while next < communes.count {
                    if next >= simulation.approvers { try await group.next() }
                    let index = next
                    let unit = communes[index]
                    group.addTask {
                        _ = try await federation.seam(unit).fileApprovedReport(
                            assignment: assignment,
                            answers: SampleForm.answers(index),
                            entry: InProcessFederation.entry(unit),
                            approver: InProcessFederation.approver(unit)
                        )
                    }
                    next += 1
                }
                try await group.waitForAll()
            }
            let lastApproval = clock.seconds
            figures.approvalSeconds = lastApproval - approvalsStarted
            cpu.mark("approvals")
            log("  \(communes.count) reports approved in \(format(figures.approvalSeconds)) s; \(monitor.line())")
            // Up: the centre's own progress query, until it shows every commune approved.
            try await simulation.waitUntilCentreShowsAll(
                centre,
                assignment: assignment,
                as: admin,
                figures: &figures,
                lastApproval: lastApproval
            ) { clock.seconds }
            // The moment the assignment was noticed everywhere (up to a second late) is left out.
            figures.lastApprovalToFullSeconds = clock.seconds - lastApproval
            figures.totalSeconds = figures.downSeconds + (clock.seconds - approvalsStarted)
            cpu.mark("up")
            figures.cpu = cpu.phases
            log(
                "  centre at 100 % (\(figures.approvedAtCentre)/\(figures.assigned)) \(format(figures.lastApprovalToFullSeconds, 2)) s after the last approval; \(monitor.line())"
            )
            log(figures.centreCurve)
            return figures
        }
        figures.peakResident = monitor.peakResident
        figures.peakOpenFiles = monitor.peakOpenFiles
        figures.threads = monitor.peakThreads
        return figures
    }
}

/// The simulation did not converge in time.
extension NationalSimulation {
    /// Leaves every node idle for `idle` (when set) and closes the phase: what they cost doing nothing.
    /// The window lasts longer until every node below the centre has been heard from by its parent
    /// (`parents`: the nodes running in this process), at most `patience`, so that the down leg
    /// does not begin while children are still dialling. Returns when (on `started`) that
    /// happened, if it did.
    func stayIdle(
        _ cpu: inout PhaseCPU,
        nodes: Int,
        parents: [BenchmarkSeam],
        since: Date,
        started: Stopwatch
    ) async throws -> Double? {
        guard idle > .zero else { return nil }
        let idleStarted = ContinuousClock.now
        var inContact: Double?
        var heard = 0
        while true {
            let elapsed = ContinuousClock.now - idleStarted
            if inContact == nil {
                heard = parents.reduce(0) { $0 + $1.childNodesHeard(since: since) }
                if heard >= nodes - 1 { inContact = started.seconds }
            }
            if inContact == nil, elapsed < max(idle, patience) {
                try await Task.sleep(for: .milliseconds(250))
            } else if elapsed < idle {
                try await Task.sleep(for: idle - elapsed)
            } else {
                break
            }
        }
        cpu.mark("idle")
        log(
            inContact.map { "  every node heard from by its parent \(format($0)) s after the run began" }
                ?? "  \(heard) of \(nodes - 1) nodes heard from by their parents after \(format(started.seconds)) s"
        )
        if let phase = cpu.phase("idle") {
            log(
                "  idle \(format(phase.wallSeconds)) s: \(format(phase.cpuSeconds)) s CPU (\(format(phase.cores, 2)) cores), \(format(phase.cpuSeconds / phase.wallSeconds / Double(max(nodes, 1)) * 1e6, 0)) µs per node per second"
            )
        }
        return inContact
    }

    /// Polls the centre's own progress query until it shows every expected commune approved;
    /// fails once `patience` has passed since `lastApproval` (both read on `now`'s clock).
    func waitUntilCentreShowsAll(
        _ centre: BenchmarkSeam,
        assignment: String,
        as admin: Auth.Actor,
        figures: inout Figures,
        lastApproval: Double,
        now: () -> Double
    ) async throws {
        while true {
            let progress = try await centre.progress(assignment: assignment, for: admin)
            figures.approvedAtCentre = progress.total.approved
            figures.assigned = progress.total.expected
            let second = Int(now() - lastApproval)
            while figures.centreBySecond.count <= second { figures.centreBySecond.append(progress.total.approved) }
            if progress.total.approved >= progress.total.expected { return }
            if now() - lastApproval > patience.seconds {
                throw SimulationStalled(
                    "the centre shows \(progress.total.approved) of \(progress.total.expected) approved \(format(patience.seconds, 0)) s after the last approval;\(figures.centreCurve)"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

extension NationalSimulation.Figures {
    /// The centre's count at the last approval and each second after it, for the log.
    var centreCurve: String {
        "  centre's count from the last approval, each second: "
            + centreBySecond.map(String.init).joined(separator: " ")
    }
}

public struct SimulationStalled: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

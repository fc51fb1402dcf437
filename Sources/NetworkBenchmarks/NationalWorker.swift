import Foundation
import Hierarchy
import Logging
import Node

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One worker process of a sharded national simulation (`reportnet-bench national-worker`): runs
/// the commune nodes of its shard, each with its own database and the certificate the main
/// process issued, dialling the provinces' federation listeners in the main process. Talks to
/// the main process in lines (`WorkerCommand` in, `WorkerMessage` out) and exits as soon as its
/// standard input ends or its parent changes, so that it never outlives the main process.
public struct NationalWorker: Sendable {
    public let plan: NationalPlan
    public let index: Int

    public init(plan: NationalPlan, index: Int) {
        self.plan = plan
        self.index = index
    }

    public func run() async throws {
        guard (0..<plan.workers).contains(index) else {
            throw SimulationStalled(
                "shard \(index) does not exist: the plan has \(plan.workers) workers (0 to \(plan.workers - 1))"
            )
        }
        let commands = Self.watchMainProcess()
        do {
            try await serve(commands)
        } catch {
            Self.send(.failed("worker \(index): \(error)"))
            throw error
        }
    }

    private func serve(_ commands: AsyncStream<WorkerCommand>) async throws {
        let started = Stopwatch()
        let deployment = try plan.topology.deployment()
        let communes = deployment.tree.units.filter { $0.level == .commune }.map(\.code)
        let shard = NationalPlan.shard(index, of: plan.workers, communes: communes)
        var parentURLs: [String: String] = [:]
        for unit in shard {
            guard let province = deployment.tree[unit]?.parent, let port = plan.provincePorts[province] else {
                throw SimulationStalled("no federation port for the province of \(unit)")
            }
            parentURLs[unit] = "https://127.0.0.1:\(port)"
        }
        var options = InProcessFederation.Options(directory: plan.directory)
        options.pollWait = plan.pollWait
        options.credentialFolder = plan.certificates
        let running = Set(shard)
        let absent = Set(deployment.nodes.map(\.unit)).subtracting(running)
        let federation = try await InProcessFederation(
            deployment: deployment,
            options: options,
            absent: absent,
            parentURLs: parentURLs
        )
        let monitor = ResourceMonitor()
        monitor.start()
        defer { monitor.stop() }
        let plan = self.plan
        try await federation.run { federation in
            monitor.sampleFiles()
            Self.send(.ready(nodes: federation.nodes.count, seconds: started.seconds))
            var commands = commands.makeAsyncIterator()
            var assignment: String?
            while let command = await commands.next() {
                switch command {
                case .assignment(let id):
                    assignment = id
                    let held = try await Self.waitUntilHeld(id, by: shard, in: federation)
                    monitor.sampleFiles()
                    Self.send(.holding(at: held))
                case .approve:
                    guard let assignment else { throw SimulationStalled("told to approve before any assignment") }
                    let (first, last) = try await Self.approve(
                        assignment,
                        shard: shard,
                        at: plan.approvers,
                        in: federation
                    )
                    monitor.sampleFiles()
                    Self.send(.approved(count: shard.count, first: first, last: last))
                case .stop:
                    monitor.stop()
                    // Then the main process closes standard input, which ends this process: it
                    // has measured what it needed, and stopping 700 nodes gracefully (long polls
                    // held open) would only delay it.
                    Self.send(
                        .stats(
                            peakResident: monitor.peakResident,
                            openFiles: monitor.peakOpenFiles,
                            threads: monitor.peakThreads
                        )
                    )
                }
            }
        }
    }

    /// Waits until every commune of the shard holds the assignment, looking once a second (each
    /// look reads every commune still waiting: more often, the looking itself slowed the leg it
    /// timed); returns the wall-clock time the last one stored it.
    private static func waitUntilHeld(
        _ assignment: String,
        by shard: [String],
        in federation: InProcessFederation
    ) async throws -> Double {
        var waiting = shard
        var last = 0.0
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
        }
        return last
    }

    /// Files, submits and approves every commune's report, `parallel` at once; the wall-clock
    /// times of the first and the last approval.
    private static func approve(
        _ assignment: String,
        shard: [String],
        at parallel: Int,
        in federation: InProcessFederation
    ) async throws -> (Double, Double) {
        try await withThrowingTaskGroup(of: Double.self) { group in
            var first = Double.infinity
            var last = 0.0
            for (index, unit) in shard.enumerated() {
                if index >= parallel, let done = try await group.next() {
                    first = min(first, done)
                    last = max(last, done)
                }
                group.addTask {
                    _ = try await federation.seam(unit).fileApprovedReport(
                        assignment: assignment,
                        answers: SampleForm.answers(index),
                        entry: InProcessFederation.entry(unit),
                        approver: InProcessFederation.approver(unit)
                    )
                    return wallClock()
                }
            }
            for try await done in group {
                first = min(first, done)
                last = max(last, done)
            }
            return (first, last)
        }
    }

    static func send(_ message: WorkerMessage) {
        FileHandle.standardOutput.write(Data((message.line + "\n").utf8))
    }

    /// The commands from standard input; exits the process when it ends or when the parent
    /// process is gone (re-parented), whichever comes first.
    private static func watchMainProcess() -> AsyncStream<WorkerCommand> {
        let parent = getppid()
        let (stream, continuation) = AsyncStream.makeStream(of: WorkerCommand.self)
        let reader = Thread {
            while let line = readLine() {
                if let command = WorkerCommand(line: line) { continuation.yield(command) }
            }
            exit(0)
        }
        reader.start()
        let watcher = Thread {
            while getppid() == parent { Thread.sleep(forTimeInterval: 0.5) }
            exit(4)
        }
        watcher.start()
        return stream
    }
}

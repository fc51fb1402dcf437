import Foundation

/// The CPU time a run's processes (this one and its worker processes, read from `/proc`) used in
/// each phase, beside the phase's wall time. Thousands of nodes share one machine's cores, so what
/// every node burns while it idles or polls slows the legs the simulation times.
public struct PhaseCPU: Sendable {
    /// One phase: how long it took and the CPU seconds every process of the run used meanwhile.
    public struct Phase: Sendable, Equatable {
        public let name: String
        public let wallSeconds: Double
        public let cpuSeconds: Double
        /// Cores busy on average over the phase.
        public var cores: Double { wallSeconds > 0 ? cpuSeconds / wallSeconds : 0 }
    }

    public private(set) var phases: [Phase] = []
    private var workers: [Int32] = []
    /// CPU seconds of the processes at the last mark, by process (a worker's count once it exits).
    private var seen: [Int32: Double] = [:]
    private var since = ContinuousClock.now

    /// Starts counting from now (this process's CPU so far counts towards the first phase).
    init() {}

    /// Counts these worker processes too from now on (all their CPU, from their start).
    mutating func add(workers pids: [Int32]) { workers += pids }

    /// Closes the phase that ran since the last mark.
    mutating func mark(_ name: String) {
        let now = ContinuousClock.now
        var cpu = 0.0
        for pid in [getpid()] + workers {
            // A process already gone keeps what it was last seen using.
            if let seconds = ProcessStatus.cpuSeconds(pid: pid == getpid() ? nil : pid) { seen[pid] = seconds }
            cpu += seen[pid] ?? 0
        }
        let before = phases.reduce(0) { $0 + $1.cpuSeconds }
        let elapsed = now - since
        phases.append(
            Phase(
                name: name,
                wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                cpuSeconds: max(cpu - before, 0)
            )
        )
        since = now
    }

    /// The phase of this name, if it was marked.
    public func phase(_ name: String) -> Phase? { phases.first { $0.name == name } }
}

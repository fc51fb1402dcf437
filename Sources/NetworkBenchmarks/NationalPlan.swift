import Foundation

/// What the main process of a sharded national simulation tells its worker processes (as a JSON
/// file): the topology's size, where the databases and the certificates are, and the loopback
/// port of each province's federation listener, which the communes of the shard dial.
public struct NationalPlan: Codable, Sendable, Equatable {
    public var provinces: Int
    public var communes: Int
    public var workers: Int
    public var directory: String
    public var certificates: String
    /// Federation port by province unit code.
    public var provincePorts: [String: Int]
    public var pollWait: Int
    /// Commune reports approved at once, in each worker.
    public var approvers: Int

    public var topology: NationalTopology { NationalTopology(provinces: provinces, communes: communes) }

    /// The commune units worker `index` (0-based) of `count` runs: a contiguous share of the
    /// sorted commune codes, sizes differing by at most one.
    public static func shard(_ index: Int, of count: Int, communes: [String]) -> [String] {
        let sorted = communes.sorted()
        return Array(sorted[index * sorted.count / count..<(index + 1) * sorted.count / count])
    }

    public static func read(_ path: String) throws -> NationalPlan {
        try JSONDecoder().decode(NationalPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    public func write(_ path: String) throws {
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// One line a worker writes on its standard output for the main process (other lines are
/// passed through as log text). Times are wall-clock seconds since 1970, comparable across the
/// processes of one machine.
public enum WorkerMessage: Sendable, Equatable {
    /// Every node of the shard runs; `seconds` it took to start them.
    case ready(nodes: Int, seconds: Double)
    /// Every commune of the shard holds the assignment.
    case holding(at: Double)
    /// Every commune of the shard approved its report, the first and the last at these times.
    case approved(count: Int, first: Double, last: Double)
    /// The worker's peaks (VmHWM bytes, open files, threads), sent when told to stop.
    case stats(peakResident: Int, openFiles: Int, threads: Int)
    case failed(String)

    static let prefix = "@worker "

    public var line: String {
        switch self {
        case .ready(let nodes, let seconds): "\(Self.prefix)ready \(nodes) \(seconds)"
        case .holding(let at): "\(Self.prefix)holding \(at)"
        case .approved(let count, let first, let last): "\(Self.prefix)approved \(count) \(first) \(last)"
        case .stats(let resident, let files, let threads): "\(Self.prefix)stats \(resident) \(files) \(threads)"
        case .failed(let message): "\(Self.prefix)failed \(message.replacingOccurrences(of: "\n", with: " "))"
        }
    }

    public init?(line: String) {
        guard line.hasPrefix(Self.prefix) else { return nil }
        let words = line.dropFirst(Self.prefix.count).split(separator: " ", maxSplits: 1)
        guard let word = words.first else { return nil }
        let rest = words.count > 1 ? String(words[1]) : ""
        let fields = rest.split(separator: " ").map(String.init)
        switch (word, fields.count) {
        case ("ready", 2):
            guard let nodes = Int(fields[0]), let seconds = Double(fields[1]) else { return nil }
            self = .ready(nodes: nodes, seconds: seconds)
        case ("holding", 1):
            guard let at = Double(fields[0]) else { return nil }
            self = .holding(at: at)
        case ("approved", 3):
            guard let count = Int(fields[0]), let first = Double(fields[1]), let last = Double(fields[2]) else {
                return nil
            }
            self = .approved(count: count, first: first, last: last)
        case ("stats", 3):
            guard let resident = Int(fields[0]), let files = Int(fields[1]), let threads = Int(fields[2]) else {
                return nil
            }
            self = .stats(peakResident: resident, openFiles: files, threads: threads)
        case ("failed", _):
            self = .failed(rest)
        default:
            return nil
        }
    }
}

/// What the main process tells every worker, one line on its standard input. End of input means
/// the main process is gone: the worker exits at once.
public enum WorkerCommand: Sendable, Equatable {
    /// Wait until every commune of the shard holds this assignment.
    case assignment(String)
    /// Fill, submit and approve every commune's report.
    case approve
    /// Report the peaks and exit.
    case stop

    public var line: String {
        switch self {
        case .assignment(let id): "assignment \(id)"
        case .approve: "approve"
        case .stop: "stop"
        }
    }

    public init?(line: String) {
        let words = line.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("assignment", 2): self = .assignment(words[1])
        case ("approve", 1): self = .approve
        case ("stop", 1): self = .stop
        default: return nil
        }
    }
}

/// Wall-clock seconds since 1970.
func wallClock() -> Double { Date().timeIntervalSince1970 }

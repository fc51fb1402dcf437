import ArgumentParser
import Foundation
import NetworkBenchmarks

/// `reportnet-bench`: the figures of BENCHMARKS.md, printed as tables. Build it in release mode.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportnet-bench",
        abstract:
            "Measure ReportNet: upward ingest, the national simulation, the national progress query, node memory.",
        discussion: "Run in release mode: swift run -c release reportnet-bench all"
    )

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case ingest, national, progress, memory, all
        /// One worker process of a sharded national simulation, started by `national` itself.
        case nationalWorker = "national-worker"
    }

    @Argument(help: "What to measure: \(Part.allCases.map(\.rawValue).joined(separator: ", ")).")
    var part: Part = .all

    @Option(help: "Working folder (databases, certificates); emptied first.")
    var dir = FileManager.default.temporaryDirectory.appendingPathComponent("reportnet-bench").path

    @Option(help: "Provinces of the national simulation and the progress query.")
    var provinces = 34

    @Option(help: "Communes of the national simulation and the progress query.")
    var communes = 3_321

    @Option(help: "Communes pushing to the province in the ingest benchmark.")
    var ingestCommunes = 20

    @Option(help: "Reports each commune pushes in the ingest benchmark.")
    var ingestReports = 25

    @Option(help: "Repetitions of the ingest benchmark.")
    var runs = 3

    @Option(help: "Monthly forms in the progress query's database.")
    var forms = 20

    @Option(help: "Months in the progress query's database.")
    var months = 12

    @Option(help: "Progress queries timed.")
    var queries = 200

    @Option(help: "Communes syncing through the province process in the memory benchmark.")
    var memoryCommunes = 100

    @Option(help: "The reportnet executable for the memory benchmark (default: next to this one).")
    var reportnet: String?

    @Option(
        help:
            "Commune reports approved at once in the national simulation (in each worker process when there are workers)."
    )
    var approvers = 32

    @Option(
        help:
            "Worker processes running the communes of the national simulation (default: one per 700 communes, none up to 700)."
    )
    var workers: Int?

    @Option(
        help:
            "Seconds every node of the national simulation idles once all run, before the assignment (the CPU an idle node costs is measured then; 0: none)."
    )
    var idleSeconds = 20

    @Option(help: "national-worker: the plan file the main process wrote.")
    var plan: String?

    @Option(help: "national-worker: which shard this worker runs, as i/N (0-based).")
    var shard: String?

    func validate() throws {
        // The national topology is the registry's: 34 provinces at most, a commune for each.
        guard (1...34).contains(provinces), communes >= provinces else {
            throw ValidationError("--provinces must be 1…34 (the registry's provinces) and --communes at least as many")
        }
    }

    func run() async throws {
        let limit = ProcessStatus.raiseOpenFileLimit(to: 1 << 20)
        if part == .nationalWorker {
            guard let plan, let shard, let index = shard.split(separator: "/").first.flatMap({ Int($0) }) else {
                throw ValidationError("national-worker needs --plan and --shard i/N")
            }
            try await NationalWorker(plan: try NationalPlan.read(plan), index: index).run()
            return
        }
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        print("# ReportNet benchmarks — \(ISO8601DateFormatter().string(from: Date()))")
        print(MachineDescription.current(openFileLimit: limit))
        let parts: [Part] = part == .all ? [.ingest, .national, .progress, .memory] : [part]
        for part in parts {
            switch part {
            case .ingest:
                print("\n# Upward ingest at a province (mTLS HTTP/2, signatures verified) vs raw GRDB inserts")
                var benchmark = IngestBenchmark(directory: "\(dir)/ingest")
                benchmark.communes = ingestCommunes
                benchmark.reportsPerCommune = ingestReports
                benchmark.runs = runs
                print(try await benchmark.run().table(benchmark))
            case .national:
                print("\n# National simulation: 1 centre + \(provinces) provinces + \(communes) communes")
                var simulation = NationalSimulation(
                    topology: NationalTopology(provinces: provinces, communes: communes),
                    directory: "\(dir)/national"
                )
                simulation.approvers = approvers
                simulation.idle = .seconds(idleSeconds)
                simulation.workers = workers ?? (communes > 700 ? (communes + 699) / 700 : 0)
                simulation.workerExecutable =
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                    ?? CommandLine.arguments[0]
                print(try await simulation.run().table(simulation))
            case .progress:
                print("\n# National progress query at the centre")
                var benchmark = ProgressQueryBenchmark(
                    topology: NationalTopology(provinces: provinces, communes: communes),
                    directory: "\(dir)/progress"
                )
                benchmark.forms = forms
                benchmark.months = months
                benchmark.queries = queries
                print(try await benchmark.run().table(benchmark))
            case .memory:
                print("\n# Peak memory of a node (separate `reportnet serve` process)")
                let executable =
                    reportnet
                    ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                    .deletingLastPathComponent().appendingPathComponent("reportnet").path
                var benchmark = NodeMemoryBenchmark(directory: "\(dir)/memory", executable: executable)
                benchmark.communes = memoryCommunes
                print(try await benchmark.run().table)
            case .all, .nationalWorker:
                break
            }
        }
    }
}

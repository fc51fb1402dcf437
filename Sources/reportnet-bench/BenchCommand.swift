import ArgumentParser
import Foundation
import NetworkBenchmarks

/// `reportnet-bench`: the figures of BENCHMARKS.md, printed as tables. Build it in release mode.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportnet-bench",
        abstract: "Measure ReportNet: upward ingest, the national simulation, the national progress query, node memory.",
        discussion: "Run in release mode: swift run -c release reportnet-bench all"
    )

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case ingest, national, progress, memory, all
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

    @Option(help: "Commune reports approved at once in the national simulation.")
    var approvers = 32

    func run() async throws {
        let limit = ProcessStatus.raiseOpenFileLimit(to: 1 << 20)
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
                var simulation = NationalSimulation(topology: NationalTopology(provinces: provinces, communes: communes), directory: "\(dir)/national")
                simulation.approvers = approvers
                print(try await simulation.run().table(simulation))
            case .progress:
                print("\n# National progress query at the centre")
                var benchmark = ProgressQueryBenchmark(topology: NationalTopology(provinces: provinces, communes: communes), directory: "\(dir)/progress")
                benchmark.forms = forms
                benchmark.months = months
                benchmark.queries = queries
                print(try await benchmark.run().table(benchmark))
            case .memory:
                print("\n# Peak memory of a node (separate `reportnet serve` process)")
                let executable = reportnet ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("reportnet").path
                var benchmark = NodeMemoryBenchmark(directory: "\(dir)/memory", executable: executable)
                benchmark.communes = memoryCommunes
                print(try await benchmark.run().table)
            case .all:
                break
            }
        }
    }
}

import Foundation
import Node
import Testing

@testable import NetworkBenchmarks

/// The benchmark code run at a tiny size, so that it cannot rot between measurements. These
/// tests assert what the benchmarks rely on (everything arrives, every count adds up), never how
/// fast it happens: figures come from `reportnet-bench` in release mode.
@Suite("Benchmarks at a tiny size")
struct BenchmarkSmokeTests {
    private func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("reportnet-bench-test-\(UUID().uuidString)").path
    }

    @Test("the national topology has Vietnam's shape")
    func nationalShape() throws {
        let topology = NationalTopology()
        let deployment = try topology.deployment()
        #expect(deployment.nodes.count == 1 + 34 + 3_321)
        #expect((1...34).map(topology.communes(ofProvince:)).reduce(0, +) == 3_321)
        let centre = deployment.node(forUnit: NationalTopology.centre)!
        #expect(deployment.children(of: centre).count == 34)
        #expect(
            deployment.tree.children(of: NationalTopology.provinceCode(34)).count == topology.communes(ofProvince: 34)
        )
    }

    @Test("the national topology is the registry's: real codes and names, whole or shrunk")
    func nationalNames() throws {
        let whole = try NationalTopology().deployment()
        #expect(whole.tree["P24"]?.name == "Tỉnh Bắc Ninh")
        #expect(whole.tree["P24-09187"]?.name == "Phường Kinh Bắc")
        #expect(whole.tree.children(of: "P24").count == 99)
        #expect(whole.tree.children(of: "P11").count == 45, "Điện Biên: its own 45, not an even share")
        // Shrunk: the first provinces by official code, an even share of their first communes.
        let small = NationalTopology(provinces: 2, communes: 5)
        let deployment = try small.deployment()
        #expect(NationalTopology.provinceCode(1) == "P01" && NationalTopology.provinceCode(2) == "P04")
        #expect([1, 2].map(small.communes(ofProvince:)) == [3, 2])
        #expect(
            deployment.tree.children(of: "P04").map(\.name).allSatisfy {
                $0.hasPrefix("Xã ") || $0.hasPrefix("Phường ")
            }
        )
        // Beyond the registry, invented communes after the real ones.
        let large = try NationalTopology(provinces: 1, communes: 130).deployment()
        #expect(large.tree.children(of: "P01").count == 130)
        #expect(large.tree["P01-B0004"]?.name == "Xã thử nghiệm 4")
        #expect(large.tree["P01-B0005"] == nil)
    }

    @Test("a small country converges: the centre shows 100 % once every commune approved")
    func smallSimulationConverges() async throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var simulation = NationalSimulation(topology: NationalTopology(provinces: 2, communes: 5), directory: directory)
        simulation.pollWait = 2
        simulation.patience = .seconds(60)
        simulation.log = { _ in }
        let figures = try await simulation.run()
        #expect(figures.nodes == 8)
        #expect(figures.assigned == 5)
        #expect(figures.approvedAtCentre == 5)
        #expect(figures.peakOpenFiles > 0)
    }

    @Test("a small country converges with its communes in two worker processes")
    func shardedSimulationConverges() async throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var simulation = NationalSimulation(topology: NationalTopology(provinces: 2, communes: 6), directory: directory)
        simulation.pollWait = 2
        simulation.patience = .seconds(40)
        simulation.workers = 2
        simulation.workerExecutable = try Self.benchExecutable()
        simulation.idle = .seconds(1)
        simulation.log = { _ in }
        let figures = try await simulation.run()
        // Every phase's CPU is counted over every process of the run, the workers' start included.
        #expect(figures.cpu.map(\.name) == ["start", "idle", "down", "approvals", "up"])
        #expect(figures.cpu.allSatisfy { $0.wallSeconds > 0 && $0.cpuSeconds >= 0 })
        #expect(figures.cpu[0].cpuSeconds > 0)
        // The idle window lasts until every node has been heard from by its parent.
        #expect(figures.contactSeconds != nil)
        #expect(figures.nodes == 9)
        #expect(figures.workers.map(\.nodes) == [3, 3])
        #expect(figures.assigned == 6)
        #expect(figures.approvedAtCentre == 6)
        #expect(figures.workers.allSatisfy { $0.peakResident > 0 && $0.peakOpenFiles > 0 && $0.threads > 0 })
        #expect(figures.lastApprovalToFullSeconds >= 0)
        // No worker outlives the run: every worker was reaped.
        #expect(!Self.runningChildren().contains { $0.contains("national-worker") })
    }

    @Test("the worker protocol's lines read back as written")
    func workerLines() {
        let messages: [WorkerMessage] = [
            .ready(nodes: 700, seconds: 61.5), .holding(at: 1_795_000_000.25),
            .approved(count: 664, first: 1_795_000_001.5, last: 1_795_000_009.75),
            .stats(peakResident: 1 << 30, openFiles: 7_000, threads: 260), .failed("không mở được cơ sở dữ liệu"),
        ]
        for message in messages { #expect(WorkerMessage(line: message.line) == message) }
        #expect(WorkerMessage(line: "an ordinary log line") == nil)
        for command in [WorkerCommand.assignment("a-1"), .approve, .stop] {
            #expect(WorkerCommand(line: command.line) == command)
        }
        let communes = (1...10).map { "C\($0)" }
        let shards = (0..<3).map { NationalPlan.shard($0, of: 3, communes: communes) }
        #expect(shards.map(\.count) == [3, 3, 4])
        #expect(Set(shards.joined()) == Set(communes))
    }

    /// The `reportnet-bench` executable `swift build` / `swift test` put beside the test bundle.
    static func benchExecutable() throws -> String {
        var candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        // …/Tests/BenchmarkTests/BenchmarkSmokeTests.swift → package root → .build/debug
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        for folder in candidates {
            for path in [
                folder.appendingPathComponent("reportnet-bench").path,
                folder.deletingLastPathComponent().appendingPathComponent("reportnet-bench").path,
            ]
            where FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
        }
        throw BenchExecutableMissing(
            description:
                "no reportnet-bench executable next to the tests (looked in \(candidates.map(\.path))); run `swift build` first"
        )
    }

    /// The command lines of this process's living children.
    static func runningChildren() -> [String] {
        let me = ProcessInfo.processInfo.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { return nil }
            // pid (comm) state ppid …: the fields after the last ')'.
            let fields = stat[(stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ")
            guard fields.count > 3, Int32(fields[2]) == me, fields[1] != "Z" else { return nil }
            let command = (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)) ?? ""
            return command.replacingOccurrences(of: "\0", with: " ")
        }
    }

    @Test("every pushed report is verified and applied at the province, and the same rows insert raw")
    func ingestAppliesEverything() async throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var benchmark = IngestBenchmark(directory: directory)
        benchmark.communes = 3
        benchmark.reportsPerCommune = 4
        benchmark.batchSize = 5
        benchmark.runs = 1
        benchmark.log = { _ in }
        // run() throws unless the province applied every report exactly once.
        let figures = try await benchmark.run()
        #expect(figures.reports == 12)
        #expect(figures.federation.values.count == 1 && figures.raw.values.count == 1)
    }

    @Test("the progress query counts every commune of the generated year")
    func progressQueryCounts() async throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var benchmark = ProgressQueryBenchmark(
            topology: NationalTopology(provinces: 2, communes: 6),
            directory: directory
        )
        benchmark.forms = 2
        benchmark.months = 3
        benchmark.queries = 4
        benchmark.log = { _ in }
        let figures = try await benchmark.run()
        #expect(figures.assignments == 6)
        // One commune in twenty has not reported: (index * 7 + month + form) % 20 == 0.
        var missing = 0
        for form in 1...2 {
            for month in 1...3 {
                for index in 0..<6 where (index * 7 + month + form) % 20 == 0 { missing += 1 }
            }
        }
        #expect(figures.reports == 6 * 6 - missing)
        #expect(figures.national.values.count == 4)
    }

    @Test("process status reads this process")
    func processStatus() throws {
        let status = try #require(ProcessStatus.read())
        #expect(status.peakResident >= status.resident && status.resident > 0)
        #expect(status.openFiles > 0)
        #expect(try NodeMemoryBenchmark.freePort() > 0)
    }
}

struct BenchExecutableMissing: Error, CustomStringConvertible {
    let description: String
}

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
        #expect(deployment.tree.children(of: NationalTopology.provinceCode(34)).count == topology.communes(ofProvince: 34))
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
        var benchmark = ProgressQueryBenchmark(topology: NationalTopology(provinces: 2, communes: 6), directory: directory)
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

import Foundation

/// The machine the figures come from.
public enum MachineDescription {
    public static func current(openFileLimit: Int) -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = ProcessInfo.processInfo.physicalMemory
        let load =
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(
                separator: " "
            ) ?? "?"
        let model =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces)
            ?? "?"
        return
            "machine: \(cores) cores (\(model)), \(megabytes(Int(memory))) RAM, load average \(load), open-file limit \(openFileLimit)"
    }
}

extension IngestBenchmark.Figures {
    public func table(_ benchmark: IngestBenchmark) -> ResultTable {
        var table = ResultTable(
            "Upward ingest: \(benchmark.communes) communes → 1 province, \(reports) reports per run, batches of \(benchmark.batchSize), \(federation.values.count) runs"
        )
        table.add(
            "federation (mTLS HTTP/2, verified), median",
            "\(format(federation.median, 0)) reports/s  (min \(format(federation.minimum, 0)), max \(format(federation.maximum, 0)))"
        )
        table.add(
            "raw batched GRDB inserts, median",
            "\(format(raw.median, 0)) reports/s  (min \(format(raw.minimum, 0)), max \(format(raw.maximum, 0)))"
        )
        table.add("ratio federation / raw, median (goal ≥ 0.5)", format(ratio.median, 3))
        let perReport = 1e6 / max(federation.median, 1)
        table.add(
            "chain + signature check alone, median",
            "\(format(verification.median, 0)) µs per report (\(format(100 * verification.median / perReport, 0)) % of the federation path's \(format(perReport, 0)) µs)"
        )
        table.add("of which the chain (parse + validate), median", "\(format(chain.median, 0)) µs per report")
        table.add(
            "the same check with kept chains (as a node makes it), median",
            "\(format(keptChains.median, 0)) µs per report"
        )
        table.add(
            "CPU of the process (province and pushers) in the federation phase, median",
            "\(format(cpu.median, 0)) µs per report, \(format(cores.median, 2)) cores busy of \(ProcessInfo.processInfo.activeProcessorCount)"
        )
        return table
    }
}

extension NationalSimulation.Figures {
    public func table(_ simulation: NationalSimulation) -> ResultTable {
        let processes = workers.isEmpty ? "one process" : "1 + \(workers.count) worker processes"
        var table = ResultTable(
            "National simulation: \(nodes) nodes in \(processes) (1 + \(simulation.topology.provinces) + \(simulation.topology.communes))"
        )
        table.add("start (certificates, databases, listeners) (goal ≤ 20 s)", "\(format(startSeconds)) s")
        if simulation.idle > .zero {
            table.add(
                "start until every node is heard from by its parent",
                contactSeconds.map { "\(format($0)) s" } ?? "not within the patience"
            )
        }
        table.add("assignment: centre → every commune", "\(format(downSeconds, 2)) s")
        table.add(
            "approvals (\(simulation.approvers) at once\(workers.isEmpty ? "" : " in each worker"))",
            "\(format(approvalSeconds, 2)) s"
        )
        table.add("last approval → centre shows 100 % (goal ≤ 10 s)", "\(format(lastApprovalToFullSeconds, 2)) s")
        table.add("whole month: assignment → centre 100 % (goal ≤ 30 s)", "\(format(totalSeconds, 2)) s")
        table.add("approved at the centre", "\(approvedAtCentre) of \(assigned)")
        let here = nodes - workers.map(\.nodes).reduce(0, +)
        let main = workers.isEmpty ? "process" : "main process (\(here) nodes)"
        table.add(
            "\(main) peak memory (VmHWM)",
            "\(megabytes(peakResident)) (\(megabytes(peakResident / max(here, 1))) per node)"
        )
        table.add("\(main) peak open files / threads", "\(peakOpenFiles) / \(threads)")
        for (index, worker) in workers.enumerated() {
            table.add(
                "worker \(index) (\(worker.nodes) communes) peak memory / open files / threads",
                "\(megabytes(worker.peakResident)) / \(worker.peakOpenFiles) / \(worker.threads)"
            )
        }
        for phase in cpu {
            table.add(
                "CPU, every process: \(phase.name)",
                "\(format(phase.cpuSeconds)) s in \(format(phase.wallSeconds)) s (\(format(phase.cores, 2)) cores)"
            )
        }
        if let idle = cpu.first(where: { $0.name == "idle" }), nodes > 0 {
            table.add(
                "CPU of an idle node",
                "\(format(idle.cores / Double(nodes) * 1e6, 0)) µs per second"
            )
        }
        return table
    }
}

extension ProgressQueryBenchmark.Figures {
    public func table(_ benchmark: ProgressQueryBenchmark) -> ResultTable {
        var table = ResultTable(
            "Progress query at the centre: \(units) units × \(benchmark.forms) forms × \(benchmark.months) periods (\(reports) reports, \(megabytes(databaseBytes)))"
        )
        table.add(
            "whole country, p50 / p99 (goal: p99 ≤ 5 ms)",
            "\(format(national.median, 1)) ms / \(format(national.p99, 1)) ms  (\(national.values.count) queries)"
        )
        table.add("one province, p50 / p99", "\(format(province.median, 1)) ms / \(format(province.p99, 1)) ms")
        table.add("kept figures filled at the node's first start", "\(format(fillSeconds)) s")
        table.add(
            "figures check (every assignment counted again, compared)",
            "\(format(checkSeconds)) s for \(checkedUnits) expected units: no difference"
        )
        return table
    }
}

extension NodeMemoryBenchmark.Figures {
    public var table: ResultTable {
        var table = ResultTable("Node memory (VmHWM of a `reportnet serve` process)")
        table.add(
            "idle commune node, peak / resident (goal: peak ≤ 30 MiB)",
            "\(megabytes(communeIdlePeak)) / \(megabytes(communeIdleResident))"
        )
        table.add("  of which its own / mapped files", Self.split(communeIdleSplit))
        table.add(
            "province node under sync (\(communes) communes), peak / resident",
            "\(megabytes(provincePeak)) / \(megabytes(provinceResident))"
        )
        table.add("  of which its own / mapped files", Self.split(provinceSplit))
        table.add("province sync: assignment → centre 100 %", "\(format(provinceSyncSeconds)) s")
        return table
    }

    /// Resident memory at the end: anonymous (the node's own: heap, stacks, written data) and
    /// file-backed (code and data of the executable and libraries, mapped 64 KiB around each page
    /// touched; shared between processes). VmHWM counts both (docs/memory.md).
    static func split(_ split: (anonymous: Int, fileBacked: Int)) -> String {
        "\(megabytes(split.anonymous)) / \(megabytes(split.fileBacked))"
    }
}

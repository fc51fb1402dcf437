import Foundation
import Synchronization

/// Samples this process's threads every two seconds while a benchmark runs, and its open files at
/// each progress line and at the end, keeping the peaks (the kernel keeps the memory peak itself;
/// file and thread counts it does not). Descriptors are counted only then: listing a worker's
/// 6,600 of them every two seconds was a fifth of its CPU while its nodes idled, which the
/// benchmark then reported as the nodes' own.
final class ResourceMonitor: Sendable {
    private struct Peaks {
        var openFiles = 0
        var threads = 0
        var task: Task<Void, Never>?
    }

    private let peaks = Mutex(Peaks())

    func start() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                self?.sample(countingFiles: false)
                try? await Task.sleep(for: .seconds(2))
            }
        }
        peaks.withLock { $0.task = task }
    }

    func stop() {
        sample()
        peaks.withLock { $0.task?.cancel() }
    }

    /// Counts the open files too (as every phase ends).
    func sampleFiles() { sample() }

    @discardableResult
    private func sample(countingFiles: Bool = true) -> ProcessStatus? {
        guard let status = ProcessStatus.read(countingFiles: countingFiles) else { return nil }
        peaks.withLock {
            $0.openFiles = max($0.openFiles, status.openFiles)
            $0.threads = max($0.threads, status.threads)
        }
        return status
    }

    var peakOpenFiles: Int { peaks.withLock { $0.openFiles } }
    var peakThreads: Int { peaks.withLock { $0.threads } }
    var peakResident: Int { ProcessStatus.read(countingFiles: false)?.peakResident ?? 0 }

    /// The current state, for progress lines.
    func line() -> String {
        guard let status = sample() else { return "" }
        return
            "RSS \(megabytes(status.resident)), peak \(megabytes(status.peakResident)), \(status.openFiles) files open, \(status.threads) threads"
    }
}

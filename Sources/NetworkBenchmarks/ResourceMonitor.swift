import Foundation
import Synchronization

/// Samples this process's memory, threads and open files every half second while a benchmark
/// runs, keeping the peaks (the kernel keeps the memory peak itself; file and thread counts it
/// does not).
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
                self?.sample()
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        peaks.withLock { $0.task = task }
    }

    func stop() {
        sample()
        peaks.withLock { $0.task?.cancel() }
    }

    private func sample() {
        guard let status = ProcessStatus.read() else { return }
        peaks.withLock {
            $0.openFiles = max($0.openFiles, status.openFiles)
            $0.threads = max($0.threads, status.threads)
        }
    }

    var peakOpenFiles: Int { peaks.withLock { $0.openFiles } }
    var peakThreads: Int { peaks.withLock { $0.threads } }
    var peakResident: Int { ProcessStatus.read()?.peakResident ?? 0 }

    /// The current state, for progress lines.
    func line() -> String {
        sample()
        guard let status = ProcessStatus.read() else { return "" }
        return
            "RSS \(megabytes(status.resident)), peak \(megabytes(status.peakResident)), \(status.openFiles) files open, \(status.threads) threads"
    }
}

import Foundation
import Synchronization

/// Samples this process's threads and open files every two seconds while a benchmark runs,
/// keeping the peaks (the kernel keeps the memory peak itself; file and thread counts it does
/// not). Not more often: listing a worker's 6,600 descriptors twice a second cost it a seventh of
/// its CPU while its nodes idled.
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
                try? await Task.sleep(for: .seconds(2))
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

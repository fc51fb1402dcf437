import Foundation
import Glibc
import Synchronization

/// The worker processes of a sharded national simulation, seen from the main process: spawns
/// them (`<executable> national-worker --plan <file> --shard i/N`), turns their output lines into
/// events, sends them commands, and makes sure none outlives the run (`kill` on every way out;
/// the workers also exit on their own when their standard input closes).
final class NationalWorkers: Sendable {
    enum Event: Sendable {
        case message(worker: Int, WorkerMessage)
        case exited(worker: Int, status: Int32)
        /// Sent every half second, so that waiting can time out.
        case tick
    }

    private let processes: [Process]
    private let inputs: [FileHandle]
    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let ticker: Mutex<Task<Void, Never>?>

    init(executable: String, plan: String, count: Int, log: @escaping @Sendable (String) -> Void) throws {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.events = events
        self.continuation = continuation
        var processes: [Process] = []
        var inputs: [FileHandle] = []
        for index in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["national-worker", "--plan", plan, "--shard", "\(index)/\(count)"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.terminationHandler = { continuation.yield(.exited(worker: index, status: $0.terminationStatus)) }
            do {
                try process.run()
            } catch {
                for started in processes { _ = Glibc.kill(started.processIdentifier, SIGKILL) }
                throw error
            }
            processes.append(process)
            inputs.append(input.fileHandleForWriting)
            let reading = output.fileHandleForReading
            Thread.detachNewThread {
                var buffer = Data()
                while true {
                    let chunk = reading.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    while let end = buffer.firstIndex(of: 10) {
                        let line = String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self)
                        buffer.removeSubrange(buffer.startIndex...end)
                        if let message = WorkerMessage(line: line) {
                            continuation.yield(.message(worker: index, message))
                        } else {
                            log("  worker \(index): \(line)")
                        }
                    }
                }
            }
        }
        self.processes = processes
        self.inputs = inputs
        ticker = Mutex(
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(500))
                    continuation.yield(.tick)
                }
            }
        )
    }

    var count: Int { processes.count }
    var processIdentifiers: [Int32] { processes.map(\.processIdentifier) }

    /// Sends `command` to every worker.
    func send(_ command: WorkerCommand) throws {
        for input in inputs { try input.write(contentsOf: Data((command.line + "\n").utf8)) }
    }

    /// Waits until every worker has sent a message `pick` accepts, for at most `seconds`; fails
    /// at once when a worker reports a failure or exits.
    func collect<Value: Sendable>(
        _ what: String,
        within seconds: Double,
        _ pick: (WorkerMessage) -> Value?
    ) async throws -> [Value] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var values: [Int: Value] = [:]
        for await event in events {
            switch event {
            case .message(let worker, .failed(let reason)):
                throw WorkerFailed("worker \(worker) failed: \(reason)")
            case .message(let worker, let message):
                if let value = pick(message) { values[worker] = value }
            case .exited(let worker, let status):
                throw WorkerFailed("worker \(worker) exited (status \(status)) while waiting for “\(what)”")
            case .tick:
                break
            }
            if values.count == processes.count { return (0..<processes.count).map { values[$0]! } }
            if ContinuousClock.now > deadline {
                throw WorkerFailed(
                    "\(processes.count - values.count) of \(processes.count) workers did not send “\(what)” within \(format(seconds, 0)) s"
                )
            }
        }
        throw WorkerFailed("the workers' events ended while waiting for “\(what)”")
    }

    /// Closes the workers' standard input (they exit on its end), waits up to `grace` seconds for
    /// every worker to exit, then kills what is left.
    func finish(grace: Double) async {
        for input in inputs { try? input.close() }
        let deadline = ContinuousClock.now + .seconds(grace)
        while processes.contains(where: \.isRunning) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        kill()
    }

    /// Kills every worker still running (SIGKILL) and reaps it. Safe to call more than once.
    func kill() {
        for input in inputs { try? input.close() }
        for process in processes where process.isRunning {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
        }
        // Polled rather than `waitUntilExit()`, which spins a run loop and can hang when called
        // from a task; a killed process is reaped within moments.
        let deadline = Date().addingTimeInterval(10)
        while processes.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
        ticker.withLock { $0?.cancel() }
        continuation.finish()
    }

    deinit { kill() }
}

/// A worker process of the sharded simulation failed, exited early or did not answer in time.
struct WorkerFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

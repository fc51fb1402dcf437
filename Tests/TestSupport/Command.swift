import Foundation

/// Runs a peer program (python3, openssl, curl, a compiler, the `reportnet` binary) to its end.
///
/// Tests check what the product writes with independent readers; this is the one way they start
/// them. Output goes to files rather than pipes, so a peer that writes much to both streams never
/// blocks, and the end is awaited by polling (see `Process.reap()`).
public enum Command {
    /// What a finished program left behind.
    public struct Output: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments`.
    ///
    /// - Parameters:
    ///   - input: written to the program's standard input.
    ///   - environment: the program's environment; this process's when nil.
    ///   - folder: the working directory; this process's when nil.
    ///   - mergingErrors: standard error goes to `output` too, interleaved as written.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        input: Data = Data(),
        environment: [String: String]? = nil,
        in folder: URL? = nil,
        mergingErrors: Bool = false
    ) throws -> Output {
        let scratch = try ScratchDirectory(prefix: "command")
        defer { scratch.remove() }
        let inputFile = scratch.path("stdin")
        let outputFile = scratch.path("stdout")
        let errorsFile = mergingErrors ? outputFile : scratch.path("stderr")
        try input.write(to: inputFile)
        for file in Set([outputFile, errorsFile]) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }

        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        if let folder { process.currentDirectoryURL = folder }
        let stdin = try FileHandle(forReadingFrom: inputFile)
        let stdout = try FileHandle(forWritingTo: outputFile)
        let stderr = mergingErrors ? stdout : try FileHandle(forWritingTo: errorsFile)
        defer {
            try? stdin.close()
            try? stdout.close()
            if !mergingErrors { try? stderr.close() }
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.reap()
        let output = String(decoding: try Data(contentsOf: outputFile), as: UTF8.self)
        let errors = mergingErrors ? "" : String(decoding: try Data(contentsOf: errorsFile), as: UTF8.self)
        return Output(status: process.terminationStatus, output: output, errors: errors)
    }

    /// Runs one shell line (as a person would type it from a README) with `/bin/sh` in `folder`;
    /// errors are merged into the output.
    public static func shell(_ line: String, in folder: URL) throws -> Output {
        try run("/bin/sh", ["-c", line], in: folder, mergingErrors: true)
    }
}

extension Process {
    /// Waits for the process to end by polling. Foundation's `waitUntilExit` runs a run loop whose
    /// timeouts mix the time of day with monotonic time, and it never returns when the suite runs
    /// with the time of day moved (`.ci/run` under faketime).
    public func reap() {
        while isRunning { usleep(10_000) }
    }
}

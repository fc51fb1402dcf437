import Foundation

/// Runs a peer program (python3, openssl, curl, a compiler, the `reportnet` binary) to its end.
///
/// Tests check what the product writes with independent readers; this is the one way they start
/// them. Output goes to files rather than pipes, so a peer that writes much to both streams never
/// blocks, and the end is awaited without holding a thread (see `ChildProcess.ended()`).
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
    ) async throws -> Output {
        let scratch = try ScratchDirectory(prefix: "command")
        defer { scratch.remove() }
        let inputFile = scratch.path("stdin")
        let outputFile = scratch.path("stdout")
        let errorsFile = mergingErrors ? outputFile : scratch.path("stderr")
        try input.write(to: inputFile)
        for file in Set([outputFile, errorsFile]) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }

        let process = try ChildProcess(
            executable,
            arguments,
            environment: environment,
            in: folder,
            input: inputFile.path,
            output: outputFile.path,
            errors: errorsFile.path
        )
        await process.ended()
        let output = String(decoding: try Data(contentsOf: outputFile), as: UTF8.self)
        let errors = mergingErrors ? "" : String(decoding: try Data(contentsOf: errorsFile), as: UTF8.self)
        return Output(status: process.terminationStatus, output: output, errors: errors)
    }

    /// Runs one shell line (as a person would type it from a README) with `/bin/sh` in `folder`;
    /// errors are merged into the output.
    public static func shell(_ line: String, in folder: URL) async throws -> Output {
        try await run("/bin/sh", ["-c", line], in: folder, mergingErrors: true)
    }
}

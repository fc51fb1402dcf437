import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Pins what the suites rely on when they start peers: exit statuses, signals, the working
/// directory, the standard streams, and that no descriptor of the test process leaks into a child.
@Suite struct ChildProcessTests {
    @Test func reportsTheExitStatusAndTheOutput() async throws {
        let result = try await Command.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.output == "out\n")
        #expect(result.errors == "err\n")
        let merged = try await Command.run("sh", ["-c", "echo a; echo b >&2"], mergingErrors: true)
        #expect(merged.output == "a\nb\n")
    }

    @Test func readsItsInputAndRunsInTheFolderGiven() async throws {
        let scratch = try ScratchDirectory(prefix: "child")
        defer { scratch.remove() }
        let result = try await Command.run("/bin/sh", ["-c", "pwd; cat"], input: Data("typed\n".utf8), in: scratch.url)
        let folder = scratch.url.resolvingSymlinksInPath().path
        #expect(result.output == "\(folder)\ntyped\n")
    }

    @Test func aSignalEndsItAndIsReported() async throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        #expect(child.isRunning)
        child.terminate(SIGKILL)
        await child.ended()
        #expect(!child.isRunning)
        #expect(child.terminationStatus == SIGKILL)
    }

    /// SIGTERM reaches the child even when the thread that started it blocks SIGTERM: a node
    /// stops gracefully when asked.
    @Test func aTermSignalReachesTheChildWhateverTheStartingThreadBlocks() async throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let child = try ChildProcess("/bin/sleep", ["30"])
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        child.terminate()
        #expect(await child.ended(within: .seconds(5)), "SIGTERM ended the child")
        #expect(child.terminationStatus == SIGTERM)
        child.kill()
    }

    /// `kill()` ends a child at once and reaps it, so that it can run in a `defer`; a child that
    /// has ended keeps its own status.
    @Test func killEndsAndReapsAtOnce() async throws {
        let sleeper = try ChildProcess("/bin/sleep", ["30"])
        sleeper.kill()
        #expect(!sleeper.isRunning)
        #expect(sleeper.terminationStatus == SIGKILL)
        let quick = try ChildProcess("/bin/sh", ["-c", "exit 4"])
        await quick.ended()
        quick.kill()
        #expect(quick.terminationStatus == 4)
    }

    /// A descriptor this process holds without close-on-exec (a socket, a database) does not
    /// reach the child.
    @Test func noDescriptorLeaksIntoTheChild() async throws {
        let held = open("/dev/null", O_RDONLY)
        #expect(held > 2)
        defer { close(held) }
        let result = try await Command.run(
            "/bin/sh",
            ["-c", "[ -e /proc/self/fd/\(held) ] && echo leaked || echo closed"]
        )
        #expect(result.output == "closed\n")
    }

    /// No test waits by blocking its thread (see `ChildProcess.ended()`): a blocked thread of the
    /// pool is one the in-process nodes of every other test cannot answer on.
    @Test func noTestWaitsByBlockingItsThread() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let blocking = ["usleep(", "Thread.sleep", "waitUntilExit(", "DispatchSemaphore", ".reap()"]
        var found: [String] = []
        for case let file as URL in FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" && file.lastPathComponent != "ChildProcessTests.swift" {
            let lines = try String(contentsOf: file, encoding: .utf8).split(
                separator: "\n",
                omittingEmptySubsequences: false
            )
            for (number, line) in lines.enumerated() where blocking.contains(where: line.contains) {
                found.append("\(file.lastPathComponent):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(found.isEmpty, "waits that block a thread: \(found)")
    }

    @Test func anUnknownProgramIsAnError() {
        #expect(throws: (any Error).self) { try ChildProcess("/nonexistent/program", []) }
    }
}

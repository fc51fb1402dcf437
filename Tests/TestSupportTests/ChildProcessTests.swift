import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Pins what the suites rely on when they start peers: exit statuses, signals, the working
/// directory, the standard streams, and that no descriptor of the test process leaks into a child.
@Suite struct ChildProcessTests {
    @Test func reportsTheExitStatusAndTheOutput() throws {
        let result = try Command.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.output == "out\n")
        #expect(result.errors == "err\n")
        let merged = try Command.run("sh", ["-c", "echo a; echo b >&2"], mergingErrors: true)
        #expect(merged.output == "a\nb\n")
    }

    @Test func readsItsInputAndRunsInTheFolderGiven() throws {
        let scratch = try ScratchDirectory(prefix: "child")
        defer { scratch.remove() }
        let result = try Command.run("/bin/sh", ["-c", "pwd; cat"], input: Data("typed\n".utf8), in: scratch.url)
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
    @Test func aTermSignalReachesTheChildWhateverTheStartingThreadBlocks() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let child = try ChildProcess("/bin/sleep", ["30"])
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        child.terminate()
        let deadline = ContinuousClock.now + .seconds(5)
        while child.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        #expect(!child.isRunning, "SIGTERM ended the child")
        #expect(child.terminationStatus == SIGTERM)
        if child.isRunning { child.terminate(SIGKILL) }
        child.reap()
    }

    /// A descriptor this process holds without close-on-exec (a socket, a database) does not
    /// reach the child.
    @Test func noDescriptorLeaksIntoTheChild() throws {
        let held = open("/dev/null", O_RDONLY)
        #expect(held > 2)
        defer { close(held) }
        let result = try Command.run("/bin/sh", ["-c", "[ -e /proc/self/fd/\(held) ] && echo leaked || echo closed"])
        #expect(result.output == "closed\n")
    }

    @Test func anUnknownProgramIsAnError() {
        #expect(throws: (any Error).self) { try ChildProcess("/nonexistent/program", []) }
    }
}

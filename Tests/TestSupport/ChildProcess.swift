import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program the tests start (a `reportnet` node, python3, openssl), spawned with `posix_spawn`.
///
/// Foundation's `Process.run()` in the 6.3 toolchain can crash the test process: before it
/// spawns, it scans `/proc/self/fd` with an over-reading copy of each directory entry
/// (swift-corelibs-foundation `findMaximumOpenFromProcSelfFD`, fixed upstream by PR #5472), which
/// was seen to end a CI run with SIGSEGV. This type spawns directly, closes every descriptor above
/// the three standard ones in the child (so no socket or database of the test process leaks into
/// it), and is waited for by polling `waitpid` from a task that sleeps between polls, so that no
/// thread of the cooperative pool is held.
public final class ChildProcess: @unchecked Sendable {
    /// The child's process id.
    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` (a path, or a name looked up on `PATH`) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's environment; this process's when nil.
    ///   - folder: the child's working directory; this process's when nil.
    ///   - input, output, errors: files the child's standard streams are opened on (`/dev/null`
    ///     when nil); `output` and `errors` are appended to, and may be the same file.
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        in folder: URL? = nil,
        input: String? = nil,
        output: String? = nil,
        errors: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let append = O_WRONLY | O_CREAT | O_APPEND
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", append, 0o600)
        if let errors, errors == output {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", append, 0o600)
        }
        guard let closeFrom = Self.addCloseFrom, let changeDirectory = Self.addChangeDirectory else {
            throw TestFailure("this C library lacks posix_spawn_file_actions_addclosefrom_np or _addchdir_np")
        }
        guard closeFrom(&actions, 3) == 0, folder.map({ changeDirectory(&actions, $0.path) == 0 }) ?? true else {
            throw TestFailure("cannot prepare the start of \(executable)")
        }

        // The child starts with no signal blocked and every signal at its default, whatever the
        // spawning thread had (threads of the test runner may block SIGTERM, which `terminate`
        // sends), so that a node stops gracefully when asked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        // A bare name is looked up on this process's PATH (the child's environment does not change it).
        let result = Self.withCStrings([executable] + arguments) { argv in
            Self.withCStrings(environment) { envp in
                executable.contains("/")
                    ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
                    : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else {
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
    }

    /// True until the child has ended (and been reaped).
    public var isRunning: Bool { poll() == nil }

    /// The exit status, or the signal number that ended the child (as Foundation's `Process`
    /// reports it); only meaningful once the child has ended.
    public var terminationStatus: Int32 { poll() ?? -1 }

    /// Sends `signal` (SIGTERM unless told) to a child that has not ended.
    public func terminate(_ signal: Int32 = SIGTERM) {
        lock.withLock { if status == nil { _ = Glibc.kill(processIdentifier, signal) } }
    }

    /// Waits for the child to end without holding a thread of the cooperative pool.
    ///
    /// Tests never wait for a child by blocking their thread: the suites run on a pool as wide as
    /// the machine has cores (two in CI), and the in-process nodes answer on that same pool. Two
    /// tests blocked on children (curl or openssl talking to an in-process node, a Python reader)
    /// stalled every node of the process: requests of unrelated tests ran past their deadline.
    /// A waiting task that is cancelled kills the child rather than poll without a pause.
    public func ended() async {
        while poll() == nil {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return kill() }
        }
    }

    /// Waits up to `limit` for the child to end; true when it has (a cancelled wait kills it).
    public func ended(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while poll() == nil {
            guard ContinuousClock.now < deadline else { return false }
            do { try await Task.sleep(for: .milliseconds(20)) } catch {
                kill()
                return true
            }
        }
        return true
    }

    /// Ends the child at once (SIGKILL) and reaps it. The wait is the kernel's delivery of a signal
    /// that cannot be caught, so it blocks for no more than a moment and may run where nothing can
    /// be awaited (a `defer`); it waits outside the lock, so that `isRunning` never waits on it.
    public func kill() {
        guard lock.withLock({ status == nil ? Glibc.kill(processIdentifier, SIGKILL) : -1 }) == 0 else { return }
        var raw: Int32 = 0
        var waited: pid_t
        repeat { waited = waitpid(processIdentifier, &raw, 0) } while waited == -1 && errno == EINTR
        lock.withLock {
            // `poll` may have reaped it meanwhile and kept its status.
            if status == nil { status = waited == processIdentifier ? Self.decode(raw) : -1 }
        }
    }

    private func poll() -> Int32? {
        lock.withLock {
            if let status { return status }
            var raw: Int32 = 0
            let waited = waitpid(processIdentifier, &raw, WNOHANG)
            if waited == -1 && errno != EINTR {
                // Reaped elsewhere or never ours: it has ended, with no status to give.
                status = -1
                return status
            }
            guard waited == processIdentifier else { return nil }
            status = Self.decode(raw)
            return status
        }
    }

    /// A `waitpid` status as Foundation's `Process` reports it: the exit code, or the signal.
    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }

    // glibc's (2.34+) file actions that Swift's Glibc module does not export: they are declared
    // for _GNU_SOURCE only.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }
    private static let addChangeDirectory = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChangeDirectory.self)
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStrings<T>(
        _ strings: [String],
        _ body: ([UnsafeMutablePointer<CChar>?]) -> T
    ) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

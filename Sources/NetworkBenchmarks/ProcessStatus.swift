import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the kernel says about a process: its memory high-water mark, resident size and open
/// file descriptors (read from `/proc`, so Linux only), and the file-descriptor limit.
public struct ProcessStatus: Sendable {
    /// Peak resident set size (VmHWM), bytes.
    public let peakResident: Int
    /// Current resident set size (VmRSS), bytes.
    public let resident: Int
    /// Of `resident`, the process's own memory (RssAnon: heap, stacks, written data), bytes.
    public let anonymous: Int
    /// Of `resident`, pages of files mapped in (RssFile: the executable's and libraries' code and
    /// data, shared with every process mapping them and dropped first under pressure), bytes.
    public let fileBacked: Int
    /// Threads of the process.
    public let threads: Int
    /// Open file descriptors.
    public let openFiles: Int

    /// The status of `pid` (this process when nil); nil when `/proc` cannot be read. Without
    /// `countingFiles`, `openFiles` is 0: listing thousands of descriptors is not free.
    public static func read(pid: Int32? = nil, countingFiles: Bool = true) -> ProcessStatus? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let text = try? String(contentsOfFile: "\(base)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let value = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return parts.last == "kB" ? value * 1024 : value
        }
        let files = countingFiles ? countOpenFiles(base) : 0
        return ProcessStatus(
            peakResident: field("VmHWM"),
            resident: field("VmRSS"),
            anonymous: field("RssAnon"),
            fileBacked: field("RssFile"),
            threads: field("Threads"),
            openFiles: files
        )
    }

    /// CPU time `pid` (this process when nil) has used so far, user and system, in seconds (its
    /// threads included; nil when `/proc` cannot be read, e.g. once it has been reaped).
    public static func cpuSeconds(pid: Int32? = nil) -> Double? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let text = try? String(contentsOfFile: "\(base)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Open file descriptors of `base` (a `/proc/<pid>` folder), counted without building names.
    static func countOpenFiles(_ base: String) -> Int {
        guard let folder = opendir("\(base)/fd") else { return 0 }
        defer { closedir(folder) }
        var count = 0
        while readdir(folder) != nil { count += 1 }
        return max(count - 2, 0)  // "." and ".."
    }

    /// Raises this process's soft limit on open files to `wanted` (or to the hard limit, raising
    /// that too when privileged); returns the soft limit in force afterwards.
    @discardableResult
    public static func raiseOpenFileLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        let target = rlim_t(wanted)
        if limit.rlim_cur >= target { return Int(limit.rlim_cur) }
        var raised = limit
        raised.rlim_cur = target
        raised.rlim_max = max(limit.rlim_max, target)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) != 0 {
            // Not privileged: as far as the hard limit allows.
            raised.rlim_max = limit.rlim_max
            raised.rlim_cur = min(target, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised)
        }
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }
}

/// Byte counts as people read them.
func megabytes(_ bytes: Int) -> String {
    String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}

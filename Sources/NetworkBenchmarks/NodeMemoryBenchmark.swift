import Federation
import Foundation
import Hierarchy
import Node

#if canImport(Glibc)
import Glibc
#endif

/// Peak memory of a node as a person runs it: a separate `reportnet serve` process, read from
/// `/proc/<pid>/status` (VmHWM). An idle commune node (connected, long-polling its province);
/// and a province node while its communes sync through it (the centre's assignment down to every
/// commune, every commune's approved report up to the centre). The other nodes run in this
/// process.
public struct NodeMemoryBenchmark: Sendable {
    public struct Figures: Sendable {
        public var communeIdlePeak = 0
        public var communeIdleResident = 0
        /// The commune's resident memory at the end, split: its own (anonymous) and mapped files.
        public var communeIdleSplit = (anonymous: 0, fileBacked: 0)
        public var provincePeak = 0
        public var provinceResident = 0
        public var provinceSplit = (anonymous: 0, fileBacked: 0)
        public var communes = 0
        public var provinceSyncSeconds = 0.0
    }

    public let directory: String
    /// The `reportnet` executable.
    public let executable: String
    public var communes = 100
    public var idleSeconds = 15
    public var log: @Sendable (String) -> Void = { print($0) }

    public init(directory: String, executable: String) {
        self.directory = directory
        self.executable = executable
    }

    public func run() async throws -> Figures {
        var figures = Figures()
        figures.communes = communes
        let topology = NationalTopology(provinces: 1, communes: communes)
        let province = NationalTopology.provinceCode(1)
        let commune = NationalTopology.communeCode(province: 1, 1)
        var chosen: [String: (web: Int, federation: Int)] = [:]
        for name in ["centre", province.lowercased(), commune.lowercased()] {
            chosen[name] = (try Self.freePort(), try Self.freePort())
        }
        let ports = chosen
        let deployment = try topology.deployment(ports: ports)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let topologyPath = "\(directory)/topology.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        try encoder.encode(
            Topology(
                name: deployment.name,
                units: deployment.tree.units.sorted { $0.code < $1.code },
                nodes: deployment.nodes
            )
        ).write(to: URL(fileURLWithPath: topologyPath))
        let certificates = "\(directory)/certs"
        try NodeCertificates.issue(for: deployment, into: certificates)
        let ca = NodeCertificates.caPaths(in: certificates)
        let authority = try CertificateAuthority(
            certificatePEM: String(contentsOfFile: ca.certificate, encoding: .utf8),
            privateKeyPEM: String(contentsOfFile: ca.key, encoding: .utf8)
        )
        let communeUnits = Set(deployment.nodes.map(\.unit).filter { deployment.tree[$0]?.level == .commune })

        // An idle commune: its province and the centre run here.
        do {
            var options = InProcessFederation.Options(directory: "\(directory)/idle")
            options.pollWait = 20
            let federation = try await InProcessFederation(
                deployment: deployment,
                options: options,
                authority: authority,
                absent: communeUnits
            )
            let (peak, resident) = try await federation.run { _ in
                let process = try launch(
                    node: commune.lowercased(),
                    topology: topologyPath,
                    certificates: certificates,
                    ca: ca.certificate,
                    parentURL: "https://127.0.0.1:\(ports[province.lowercased()]!.federation)"
                )
                defer { Self.stop(process) }
                try await Task.sleep(for: .seconds(idleSeconds))
                guard process.isRunning, let status = ProcessStatus.read(pid: process.processIdentifier) else {
                    throw SimulationStalled(
                        "the commune node exited early; see \(directory)/\(commune.lowercased()).log"
                    )
                }
                return (status.peakResident, status)
            }
            figures.communeIdlePeak = peak
            figures.communeIdleResident = resident.resident
            figures.communeIdleSplit = (resident.anonymous, resident.fileBacked)
            log(
                "  idle commune node: peak \(megabytes(peak)), resident \(megabytes(resident.resident)) after \(idleSeconds) s"
            )
        }

        // A province under sync: the centre and its communes run here.
        do {
            var options = InProcessFederation.Options(directory: "\(directory)/sync")
            options.pollWait = 20
            let provinceURL = "https://127.0.0.1:\(ports[province.lowercased()]!.federation)"
            let federation = try await InProcessFederation(
                deployment: deployment,
                options: options,
                authority: authority,
                absent: [province],
                parentURLs: Dictionary(uniqueKeysWithValues: communeUnits.map { ($0, provinceURL) })
            )
            let process = try launch(
                node: province.lowercased(),
                topology: topologyPath,
                certificates: certificates,
                ca: ca.certificate,
                parentURL: "https://127.0.0.1:\(ports["centre"]!.federation)"
            )
            defer { Self.stop(process) }
            let communeList = communeUnits.sorted()
            let seconds = try await federation.run { federation in
                let clock = Stopwatch()
                let centre = federation.seam(NationalTopology.centre)
                let admin = InProcessFederation.admin(NationalTopology.centre)
                try await centre.defineForm(SampleForm.monthly(), by: admin)
                let assignment = try await centre.assign(
                    form: SampleForm.monthly().code,
                    period: "2026-11",
                    level: .commune,
                    by: admin
                )
                for unit in communeList {
                    while try await !federation.seam(unit).holdsAssignment(assignment) {
                        guard process.isRunning, clock.seconds < 600 else {
                            throw SimulationStalled("the assignment did not reach \(unit) through the province process")
                        }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                for (index, unit) in communeList.enumerated() {
                    _ = try await federation.seam(unit).fileApprovedReport(
                        assignment: assignment,
                        answers: SampleForm.answers(index),
                        entry: InProcessFederation.entry(unit),
                        approver: InProcessFederation.approver(unit)
                    )
                }
                while try await centre.progress(assignment: assignment, for: admin).total.approved < communeList.count {
                    guard process.isRunning, clock.seconds < 600 else {
                        throw SimulationStalled("the reports did not reach the centre through the province process")
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
                return clock.seconds
            }
            guard let status = ProcessStatus.read(pid: process.processIdentifier) else {
                throw SimulationStalled("the province node exited early")
            }
            figures.provincePeak = status.peakResident
            figures.provinceResident = status.resident
            figures.provinceSplit = (status.anonymous, status.fileBacked)
            figures.provinceSyncSeconds = seconds
            log(
                "  province node under sync (\(communes) communes, \(format(seconds)) s to 100 % at the centre): peak \(megabytes(status.peakResident)), resident \(megabytes(status.resident))"
            )
        }
        return figures
    }

    /// Starts `reportnet serve` for one node, with its configuration file written next to its database.
    private func launch(
        node: String,
        topology: String,
        certificates: String,
        ca: String,
        parentURL: String
    ) throws -> Process {
        let files = NodeCertificates.paths(in: certificates, node: node)
        let configuration = """
            node: \(node)
            topology: \(topology)
            database: \(directory)/\(node)-serve/node.sqlite
            certificate: \(files.certificate)
            key: \(files.key)
            trust_root: \(ca)
            parent_url: \(parentURL)
            poll_wait: 20
            log_level: warning
            """
        let path = "\(directory)/\(node).yaml"
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--config", path]
        guard FileManager.default.createFile(atPath: "\(directory)/\(node).log", contents: nil) else {
            throw SimulationStalled("cannot write \(directory)/\(node).log")
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/\(node).log"))
        process.standardOutput = output
        process.standardError = output
        Self.startFromDisk(executable)
        try process.run()
        return process
    }

    /// Drops the executable's pages from the page cache (written back first), so that each run
    /// reads it from disk as a node started after a reboot does. VmHWM counts the executable's code
    /// mapped around each page touched, and how much is mapped depends on how the file sits in the
    /// cache: the same binary peaked 2 MiB higher just after being copied (docs/memory.md).
    static func startFromDisk(_ executable: String) {
        #if canImport(Glibc)
        let descriptor = open(executable, O_RDONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = fdatasync(descriptor)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        #endif
    }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A loopback port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulationStalled("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw SimulationStalled("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

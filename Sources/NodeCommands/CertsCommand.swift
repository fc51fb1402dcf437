import ArgumentParser
import Federation
import Foundation
import Node

/// `reportnet certs`: a private root CA and one certificate per node of a topology.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Make the root CA (if missing) and a certificate per node of a topology (keys mode 0600)."
    )

    @Option(help: "Topology file (default: the embedded demo topology).")
    var topology: String?

    @Option(help: "Output folder (keep it out of git).")
    var out: String

    @Flag(help: "Issue node certificates again even when they exist.")
    var reissue = false

    func run() async throws {
        let deployment = try topology.map(TopologyFile.load) ?? TopologyFile.demo
        let written = try NodeCertificates.issue(for: deployment, into: out, reissue: reissue)
        print("CA: \(NodeCertificates.caPaths(in: out).certificate)")
        for path in written { print("node certificate: \(path)") }
        if written.isEmpty { print("every node already has a certificate (use --reissue to replace them)") }
    }
}

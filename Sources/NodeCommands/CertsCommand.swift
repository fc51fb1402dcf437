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
        let root = NodeCertificates.caPaths(in: out)
        print(
            "root CA: \(root.certificate) — every node's trust_root; the centre's issuer_certificate (issuer_key: \(root.key))"
        )
        for path in written {
            let key = path.replacingOccurrences(of: ".pem", with: ".key.pem", options: .backwards)
            if path.hasSuffix(".ca.pem") {
                print("province signing CA: \(path) — that node's issuer_certificate (issuer_key: \(key))")
            } else {
                print("node certificate: \(path) — that node's certificate (key: \(key))")
            }
        }
        if written.isEmpty { print("every node already has a certificate (use --reissue to replace them)") }
    }
}

import ArgumentParser
import Foundation
import Logging
import Node
import UnixSignals

/// `reportnet demo`: the whole demo topology in one process, until Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Start every node of the demo federation locally (own databases, certificates, ports; real mTLS HTTP/2)."
    )

    @Option(help: "Folder for databases, certificates and demo.json.")
    var dir = "demo-data"

    @Option(help: "Topology file (default: the embedded demo topology, as in topology/demo.yaml).")
    var topology: String?

    @Option(help: "Log level of the nodes (trace, debug, info, notice, warning, error).")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        let deployment = try topology.map(TopologyFile.load) ?? TopologyFile.demo
        var options = DemoFederation.Options(directory: dir)
        options.logLevel = logLevel
        let federation = try await DemoFederation(deployment: deployment, options: options)
        let group = federation.serviceGroup(signals: [.sigint, .sigterm])
        let directory = dir
        // If a listener cannot start (a port in use), the group fails and the manifest stops waiting.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let manifest = try await federation.manifest()
                try federation.writeManifest(manifest)
                // Written straight to the file descriptor: visible at once even when stdout is a pipe.
                FileHandle.standardOutput.write(Data((Self.table(manifest, directory: directory) + "\n").utf8))
            }
            try await tasks.waitForAll()
        }
        print("Đã dừng mọi nút. / All nodes stopped.")
    }

    static func table(_ manifest: DemoManifest, directory: String) -> String {
        var lines = ["", "ReportNet demo — \(manifest.nodes.count) nút / nodes", ""]
        lines.append("NODE        UNIT     WEB (people)              FEDERATION (mTLS HTTP/2)")
        for node in manifest.nodes {
            lines.append(
                node.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + node.unit.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + node.webURL.padding(toLength: 26, withPad: " ", startingAt: 0) + node.federationURL
            )
        }
        lines.append("")
        lines.append("USERNAME              PASSWORD          ROLE        NODE        TOTP SECRET (MFA)")
        for account in manifest.accounts {
            lines.append(
                account.username.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + account.password.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + account.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + account.node.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + account.totpSecret
            )
        }
        lines.append("")
        lines.append("CA: \(manifest.ca)   ·   \(directory)/demo.json")
        lines.append("Thử / try:  curl --cacert \(manifest.ca) \(manifest.nodes.first?.webURL ?? "")/healthz")
        lines.append("Ctrl-C để dừng / to stop.")
        return lines.joined(separator: "\n")
    }
}

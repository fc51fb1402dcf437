import ArgumentParser
import Foundation
import Logging
import Node
import Registry
import UnixSignals

/// `reportnet demo`: the whole demo topology in one process, until Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Start every node of the demo federation locally (own databases, certificates, ports; real mTLS HTTP/2)."
    )

    @Option(
        help: "Folder for databases, certificates and demo.json (default: demo-data, or demo-country with --country)."
    )
    var dir: String?

    @Option(help: "Topology file (default: the embedded demo topology, as in topology/demo.yaml).")
    var topology: String?

    @Flag(
        help:
            "The whole country from the national registry (34 provinces, 3,321 communes): 7 nodes, the other units hosted by their parent's node."
    )
    var country = false

    @Option(help: "Log level of the nodes (trace, debug, info, notice, warning, error).")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        if country && topology != nil {
            throw ValidationError("--country and --topology cannot be used together.")
        }
    }

    func run() async throws {
        let dir = dir ?? (country ? "demo-country" : "demo-data")
        let deployment =
            try country
            ? CountryTopology.deployment(NationalRegistry.vietnam)
            : topology.map(TopologyFile.load) ?? TopologyFile.demo
        var options = DemoFederation.Options(directory: dir)
        options.logLevel = logLevel
        options.accountsForOwnUnitOnly = country
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
        // The unit column is as wide as the longest unit code and a space, at least 9.
        let unitWidth = max(9, (manifest.nodes.map(\.unit.count).max() ?? 0) + 1)
        lines.append(
            "NODE        " + "UNIT".padding(toLength: unitWidth, withPad: " ", startingAt: 0)
                + "WEB (people)              FEDERATION (mTLS HTTP/2)"
        )
        for node in manifest.nodes {
            lines.append(
                node.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + node.unit.padding(toLength: unitWidth, withPad: " ", startingAt: 0)
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

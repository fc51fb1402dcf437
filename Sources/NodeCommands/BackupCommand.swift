import ArgumentParser
import Foundation
import Hierarchy
import Node

/// `reportnet backup`: a consistent copy of a running node, taken without stopping it.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a node's database, key and evidence files into a new folder while it serves."
    )

    @Option(help: "Node configuration file.")
    var config: String

    @Option(help: "The folder to create for the backup.")
    var to: String

    func run() async throws {
        let configuration = try NodeConfiguration.load(config)
        let manifest = try NodeBackup.make(database: configuration.database, into: to, clock: SystemClock())
        print(
            "Đã sao lưu / backed up: node \(manifest.node), epoch \(manifest.epoch), \(manifest.evidenceFiles) evidence files → \(to)"
        )
    }
}

/// `reportnet restore`: puts a backup back, with a new epoch; peers then resend what it lost.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back in place of a stopped node's database (its peers then resend what it lost)."
    )

    @Option(help: "Node configuration file.")
    var config: String

    @Option(help: "The backup folder made by `reportnet backup`.")
    var from: String

    func run() async throws {
        let configuration = try NodeConfiguration.load(config)
        let epoch = try NodeBackup.restore(from: from, to: configuration.database, clock: SystemClock())
        print(
            "Đã khôi phục / restored \(configuration.node) from \(from); new epoch \(epoch). Start the node: its children and parent resend what it lost."
        )
    }
}

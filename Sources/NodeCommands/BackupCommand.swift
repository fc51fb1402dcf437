import ArgumentParser
import Foundation
import Hierarchy
import Node
import Yams

/// `reportnet backup`: a consistent copy of a running node, taken without stopping it.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract:
            "Copy a node's database, key, evidence files, configuration, topology and certificates into a new folder while it serves."
    )

    @Option(help: "Node configuration file.")
    var config: String

    @Option(help: "The folder to create for the backup.")
    var to: String

    func run() async throws {
        let configuration = try NodeConfiguration.load(config)
        let manifest = try NodeBackup.make(
            database: configuration.database,
            into: to,
            files: configuration.backupFiles(file: config),
            clock: SystemClock()
        )
        print(
            "Đã sao lưu / backed up: node \(manifest.node), epoch \(manifest.epoch), \(manifest.evidenceFiles) evidence files, "
                + "\((manifest.files ?? []).joined(separator: ", ")) → \(to)"
        )
    }
}

/// `reportnet restore`: puts a backup back, with a new epoch; peers then resend what it lost.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back in place of a stopped node's database (its peers then resend what it lost).",
        discussion: """
            In place: --config names the node's configuration; its database is replaced.
            On a new machine or folder: --into names a new folder; the backup's configuration, topology and
            certificates are put there with the database, and `reportnet serve --config <folder>/node.yaml`
            starts the node (--web and --federation set new listen addresses).
            """
    )

    @Option(help: "Node configuration file (restore in place).")
    var config: String?

    @Option(help: "A new folder to bring the node back in (moving it to another machine or folder).")
    var into: String?

    @Option(help: "With --into: the web listen address (host:port) of the moved node.")
    var web: String?

    @Option(help: "With --into: the federation listen address (host:port) of the moved node.")
    var federation: String?

    @Option(help: "The backup folder made by `reportnet backup`.")
    var from: String

    func validate() throws {
        guard (config == nil) != (into == nil) else {
            throw ValidationError("give either --config (restore in place) or --into (a new folder), not both")
        }
        if into == nil, web != nil || federation != nil {
            throw ValidationError("--web and --federation go with --into")
        }
    }

    func run() async throws {
        let configFile =
            try into.map { try NodeConfiguration.unpack(backup: from, into: $0, web: web, federation: federation) }
            ?? config!
        let configuration = try NodeConfiguration.load(configFile)
        let epoch = try NodeBackup.restore(from: from, to: configuration.database, clock: SystemClock())
        print(
            "Đã khôi phục / restored \(configuration.node) from \(from); new epoch \(epoch). "
                + "Start the node: reportnet serve --config \(configFile) (its children and parent resend what it lost)."
        )
    }
}

extension NodeConfiguration {
    /// The node's own files a backup keeps, by the name they get in it.
    func backupFiles(file: String) -> [NodeBackup.File] {
        var files = [
            NodeBackup.File(name: "node.yaml", source: file),
            NodeBackup.File(name: "certificate.pem", source: certificate),
            NodeBackup.File(name: "key.pem", source: key),
            NodeBackup.File(name: "trust-root.pem", source: trustRoot),
        ]
        // The database keeps the tree's seed; a topology file the configuration names goes too.
        if let topology { files.insert(NodeBackup.File(name: "topology.yaml", source: topology), at: 1) }
        if let issuerCertificate, let issuerKey {
            files.append(NodeBackup.File(name: "issuer.pem", source: issuerCertificate))
            files.append(NodeBackup.File(name: "issuer.key.pem", source: issuerKey))
        }
        return files
    }

    /// Puts a backup's configuration, topology and certificates into the new folder `folder`
    /// (keys 0600), with a configuration naming them and the database there; returns its path.
    static func unpack(backup: String, into folder: String, web: String?, federation: String?) throws -> String {
        let manifest = try NodeBackup.manifest(in: backup)
        guard let kept = manifest.files, kept.contains("node.yaml") else {
            throw ConfigurationError(
                "the backup in \(backup) holds only the database (made by an older version): "
                    + "restore it in place with --config"
            )
        }
        let files = FileManager.default
        if let existing = try? files.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw ConfigurationError("\(folder) is not empty; a node is brought back into a new folder")
        }
        try files.createDirectory(atPath: "\(folder)/certs", withIntermediateDirectories: true)
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        let source = NodeBackup.filesFolder(backup)
        var configuration = try YAMLDecoder().decode(
            NodeConfiguration.self,
            from: try String(contentsOfFile: "\(source)/node.yaml", encoding: .utf8)
        )
        for name in kept where name != "node.yaml" {
            let target = name == "topology.yaml" ? "\(folder)/\(name)" : "\(folder)/certs/\(name)"
            try files.copyItem(atPath: "\(source)/\(name)", toPath: target)
            let isKey = name.hasSuffix("key.pem")
            try files.setAttributes([.posixPermissions: isKey ? 0o600 : 0o644], ofItemAtPath: target)
        }
        configuration.topology = kept.contains("topology.yaml") ? "topology.yaml" : nil
        configuration.database = "node.sqlite"
        configuration.certificate = "certs/certificate.pem"
        configuration.key = "certs/key.pem"
        configuration.trustRoot = "certs/trust-root.pem"
        let hasIssuer = kept.contains("issuer.pem") && kept.contains("issuer.key.pem")
        configuration.issuerCertificate = hasIssuer ? "certs/issuer.pem" : nil
        configuration.issuerKey = hasIssuer ? "certs/issuer.key.pem" : nil
        if let web { configuration.web = web }
        if let federation { configuration.federation = federation }
        let path = "\(folder)/node.yaml"
        let text =
            "# Brought back by `reportnet restore --into` from \(backup) (node \(manifest.node)).\n"
            + (try YAMLEncoder().encode(configuration))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }
}

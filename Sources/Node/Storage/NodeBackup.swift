import Foundation
import GRDB
import Hierarchy

#if canImport(Glibc)
import Glibc
#endif

/// A consistent copy of a node: its database (SQLite's online backup, taken while the node keeps
/// serving), its key for secrets at rest, and its evidence files. Restoring one gives the database
/// a new epoch, so that the node's children and parent send again what it has lost since.
public struct NodeBackup: Sendable {
    /// What `backup.json` in a backup folder says.
    public struct Manifest: Codable, Sendable {
        public let node: String
        public let epoch: String
        public let takenAt: Date
        public let evidenceFiles: Int
        /// The node's own files kept beside the database (`files/<name>`): its configuration,
        /// the topology, its certificate and key, the trust root, the issuing CA's certificate and
        /// key. Absent in backups made before they were kept.
        public var files: [String]?
    }

    /// One of the node's own files a backup keeps, under `name` in the backup's `files` folder.
    public struct File: Sendable {
        public let name: String
        public let source: String

        public init(name: String, source: String) {
            self.name = name
            self.source = source
        }
    }

    /// The folder of a backup holding the node's own files.
    public static func filesFolder(_ backup: String) -> String { "\(backup)/files" }

    static let databaseName = "node.sqlite"

    /// Copies the live database at `database` (and its key and evidence) into the new folder `folder`.
    @discardableResult
    public static func make(
        database: String,
        into folder: String,
        files kept: [File] = [],
        clock: some WallClock
    ) throws -> Manifest {
        let files = FileManager.default
        guard files.fileExists(atPath: database) else { throw ConfigurationError("no database at \(database)") }
        guard !files.fileExists(atPath: folder) else {
            throw ConfigurationError("\(folder) already exists; a backup goes into a new folder")
        }
        try files.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // The node keeps writing meanwhile: the online backup copies one consistent snapshot.
        let source = try DatabasePool(path: database, configuration: configuration)
        let target = try DatabaseQueue(path: "\(folder)/\(databaseName)")
        try source.backup(to: target)
        let (node, epoch) = try target.read { db in
            (
                try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'node'") ?? "",
                try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'epoch'") ?? ""
            )
        }
        try target.close()
        try source.close()
        if files.fileExists(atPath: database + ".key") {
            try files.copyItem(atPath: database + ".key", toPath: "\(folder)/\(databaseName).key")
        }
        // Evidence files are named by their content and never change: any the snapshot names are
        // already complete (a report is written only after its files), so copying them now is safe.
        let copied = try copyEvidence(from: database + ".evidence", to: "\(folder)/\(databaseName).evidence")
        // The node's own files, owner-only (they include private keys and secrets).
        if !kept.isEmpty {
            try files.createDirectory(
                atPath: filesFolder(folder),
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        for file in kept {
            let target = "\(filesFolder(folder))/\(file.name)"
            try files.copyItem(atPath: file.source, toPath: target)
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        }
        let manifest = Manifest(
            node: node,
            epoch: epoch,
            takenAt: clock.now(),
            evidenceFiles: copied,
            files: kept.map(\.name)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: "\(folder)/backup.json"))
        return manifest
    }

    /// What `backup.json` in `folder` says.
    public static func manifest(in folder: String) throws -> Manifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(
                Manifest.self,
                from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/backup.json"))
            )
        } catch {
            throw ConfigurationError("\(folder) holds no readable backup.json: \(error.localizedDescription)")
        }
    }

    /// Puts the backup in `folder` back as the database at `database` (the node must be stopped),
    /// with a new epoch. Evidence files present now are kept; the backup's are added.
    /// Returns the new epoch.
    @discardableResult
    public static func restore(
        from folder: String,
        to database: String,
        by operatorName: String = "operator",
        clock: some WallClock
    ) throws -> String {
        let files = FileManager.default
        let copy = "\(folder)/\(databaseName)"
        guard files.fileExists(atPath: copy) else {
            throw ConfigurationError("\(folder) holds no backup (\(databaseName) is missing)")
        }
        let integrity = try DatabaseQueue(path: copy, configuration: readOnly).read {
            try String.fetchOne($0, sql: "PRAGMA integrity_check")
        }
        guard integrity == "ok" else {
            throw ConfigurationError("the backup in \(folder) is damaged: \(integrity ?? "?")")
        }
        try files.createDirectory(
            atPath: (database as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try refuseIfInUse(database)
        // Into a temporary file first, then renamed over the database: never a half-written node.
        let incoming = database + ".restoring"
        try? files.removeItem(atPath: incoming)
        let source = try DatabaseQueue(path: copy, configuration: readOnly)
        let target = try DatabaseQueue(path: incoming)
        try source.backup(to: target)
        try target.close()
        try source.close()
        for suffix in ["-wal", "-shm"] { try? files.removeItem(atPath: database + suffix) }
        guard rename(incoming, database) == 0 else {
            throw ConfigurationError("cannot put the restored database in place at \(database) (errno \(errno))")
        }
        if files.fileExists(atPath: "\(copy).key") {
            try? files.removeItem(atPath: database + ".key")
            try files.copyItem(atPath: "\(copy).key", toPath: database + ".key")
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: database + ".key")
        }
        _ = try copyEvidence(from: "\(copy).evidence", to: database + ".evidence")
        let opened = try NodeDatabase.open(path: database)
        let epoch = try opened.pool.write { db -> String in
            let epoch = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let previous = try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'epoch'") ?? "-"
            try db.execute(sql: "INSERT OR REPLACE INTO node_meta (key, value) VALUES ('epoch', ?)", arguments: [epoch])
            let unit = try String.fetchOne(db, sql: "SELECT unit FROM accounts WHERE hosted_here = 1 LIMIT 1") ?? ""
            try AuditTrail(clock: clock).record(
                db,
                actor: operatorName,
                unit: unit,
                action: "node.restore",
                target: folder,
                detail: "restored from backup with epoch \(previous); new epoch \(epoch)"
            )
            return epoch
        }
        try opened.pool.close()
        return epoch
    }

    /// A running node keeps its database open; restoring under it would lose both. In WAL mode an
    /// exclusive-locking connection cannot start while another process has the file open.
    static func refuseIfInUse(_ database: String) throws {
        guard FileManager.default.fileExists(atPath: database) else { return }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        do {
            let probe = try DatabaseQueue(path: database, configuration: configuration)
            try probe.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE; COMMIT") }
            try probe.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            throw ConfigurationError("\(database) is in use: stop the node before restoring it")
        }
    }

    private static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// Copies the evidence files (`<first two hex digits>/<sha256>`) of `source` missing from
    /// `target`, leaving out unfinished uploads; returns how many files `source` holds.
    private static func copyEvidence(from source: String, to target: String) throws -> Int {
        let files = FileManager.default
        guard let folders = try? files.contentsOfDirectory(atPath: source) else { return 0 }
        var count = 0
        for folder in folders where folder.count == 2 {
            guard let names = try? files.contentsOfDirectory(atPath: "\(source)/\(folder)") else { continue }
            try files.createDirectory(
                atPath: "\(target)/\(folder)",
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            for name in names where EvidenceStore.isDigest(name) {
                count += 1
                if !files.fileExists(atPath: "\(target)/\(folder)/\(name)") {
                    try files.copyItem(atPath: "\(source)/\(folder)/\(name)", toPath: "\(target)/\(folder)/\(name)")
                }
            }
        }
        return count
    }
}

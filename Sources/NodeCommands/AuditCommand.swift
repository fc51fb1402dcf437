import ArgumentParser
import Foundation
import Node

/// `reportnet audit verify`: walks a node's audit chain and names the first broken entry.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check a node's tamper-evident audit trail.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Verify the hash chain of a node's audit trail, and its seals when the node key is beside the database (exit 1 when broken)."
        )

        @Option(help: "Node configuration file.")
        var config: String?

        @Option(help: "Or the node's database file directly.")
        var database: String?

        func run() async throws {
            guard let path = try database ?? config.map({ try NodeConfiguration.load($0).database }) else {
                throw ValidationError("give --config or --database")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigurationError("no database at \(path)")
            }
            let (entries, broken, sealsChecked) = try await AuditTrail.check(databaseAt: path)
            if let broken {
                print("HỎNG / BROKEN: \(broken.description)")
                throw ExitCode.failure
            }
            print(
                "Nhật ký toàn vẹn / audit trail intact: \(entries) entries"
                    + (!sealsChecked
                        ? " (không có khoá nút, chưa kiểm tra niêm phong / no node key beside the database: seals not checked)"
                        : ", seals checked")
            )
        }
    }
}

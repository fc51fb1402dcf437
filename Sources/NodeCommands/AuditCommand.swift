import ArgumentParser
import Federation
import Foundation
import Node

/// `reportnet audit verify`: walks a node's audit chain and names the first broken entry, then
/// compares the trail's end with what the node's parent witnessed of it.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check a node's tamper-evident audit trail.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Verify the hash chain of a node's audit trail, its seals when the node key is beside the database, and (with --config) the heads its parent witnessed (exit 1 when broken or cut).",
            discussion: """
                With --config, the node's parent is asked (mutual TLS, with the node's own \
                certificate) which heads of the trail it saw: entries cut off the end of the trail \
                leave a shorter chain that is whole, and only that outside witness shows them. When \
                the parent cannot be reached the check is said to be skipped and the exit status \
                depends on the chain alone, unless --require-witness is given.
                """
        )

        @Option(help: "Node configuration file.")
        var config: String?

        @Option(help: "Or the node's database file directly (no witness check).")
        var database: String?

        @Flag(help: "Exit 1 when the parent's witness cannot be checked (unreachable, or --database only).")
        var requireWitness = false

        func run() async throws {
            let configuration = try config.map { try NodeConfiguration.load($0) }
            guard let path = database ?? configuration?.database else {
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
            guard let configuration else {
                print(
                    "Chưa đối chiếu với nút cấp trên (cần --config) / witness not checked: give --config to ask the parent"
                )
                if requireWitness { throw ExitCode.failure }
                return
            }
            try await checkWitness(configuration, databaseAt: path)
        }

        /// Asks the parent what it witnessed and compares it with the trail.
        private func checkWitness(_ configuration: NodeConfiguration, databaseAt path: String) async throws {
            let asked: (parent: String, witness: AuditWitness)?
            do {
                asked = try await AuditWitnessQuery.ask(
                    node: configuration.node,
                    topology: configuration.topology,
                    databaseAt: path,
                    credentials: try NodeCredentials.load(
                        certificate: configuration.certificate,
                        key: configuration.key,
                        trustRoot: configuration.trustRoot
                    ),
                    parentURL: configuration.parentURL
                )
            } catch {
                print(
                    "Không đối chiếu được với nút cấp trên / the witness check could not be made: \(error)"
                )
                if requireWitness { throw ExitCode.failure }
                return
            }
            guard let asked else {
                print("Nút trung ương không có nút cấp trên đối chiếu / the centre has no parent to witness its trail")
                return
            }
            let (parent, witness) = asked
            let (end, disagreements) = try await AuditTrail.compare(witness, databaseAt: path)
            if disagreements.isEmpty {
                let highest = witness.heads.first.map { "up to entry \($0.seq)" } ?? "no head yet"
                print(
                    "Khớp với nút cấp trên \(parent) / matches what the parent \(parent) witnessed (\(highest); the trail ends at \(end))"
                )
                return
            }
            for disagreement in disagreements.prefix(5) {
                print("BỊ CẮT / CUT: \(disagreement.description)")
            }
            if disagreements.count > 5 { print("… and \(disagreements.count - 5) more witnessed entries") }
            throw ExitCode.failure
        }
    }
}

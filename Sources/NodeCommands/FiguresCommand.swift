import ArgumentParser
import Foundation
import Node

/// `reportnet figures check`: counts every assignment's figures again from the reports a node
/// holds and compares them with the figures it keeps as reports arrive.
struct FiguresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Check the oversight figures a node keeps.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Count every assignment's progress and combined answers again from the reports held and compare them with the figures kept (exit 1 on any difference).",
            discussion: """
                Reads the node's database while the node may run. The figures are kept in the \
                transaction of each change that moves them; a difference means a change reached \
                the reports without reaching the figures, and names the assignment, the unit or \
                group, and both values.
                """
        )

        @Option(help: "Node configuration file.")
        var config: String?

        @Option(help: "Or a node's folder, as `reportnet enrol` or `restore` wrote it (its node.yaml).")
        var dir: String?

        func validate() throws {
            guard (config == nil) != (dir == nil) else {
                throw ValidationError("give either --config FILE or --dir FOLDER")
            }
        }

        func run() async throws {
            let (local, _) = try NodeConfiguration.load(config ?? "\(dir!)/node.yaml").open()
            let check = try await local.keptFigures.check()
            for difference in check.differences.prefix(50) {
                print("KHÁC / DIFFERS: \(difference)")
            }
            if check.differences.count > 50 { print("… and \(check.differences.count - 50) more differences") }
            guard check.differences.isEmpty else { throw ExitCode.failure }
            print(
                "Số liệu khớp / figures match: \(check.assignments) assignments, \(check.units) expected units counted again"
            )
        }
    }
}

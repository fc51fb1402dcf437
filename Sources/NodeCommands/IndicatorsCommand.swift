import ArgumentParser
import Auth
import Foundation
import Indicators
import Node
import NodeHTTP

/// `reportnet indicators`: check indicator-set files, import them into a node (Letter 3158's
/// catalogue; it then flows down to every node below).
struct IndicatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Check and import indicator sets (YAML or JSON lists of indicator definitions).",
        subcommands: [Check.self, Import.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check indicator files and list their problems.")

        @Argument(help: "Indicator files (YAML or JSON).")
        var files: [String]

        func run() async throws {
            var failed = false
            for file in files {
                do {
                    let definitions = try IndicatorFile.load(path: file)
                    print("OK  \(file): \(definitions.count) chỉ số")
                } catch {
                    failed = true
                    print("LỖI \(error)")
                }
            }
            if failed { throw ExitCode.failure }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Define the indicators on a node, owned by the node's own unit (as its admin would); import the forms their formulas read first."
        )

        @Option(help: "Node configuration file.")
        var config: String

        @Argument(help: "Indicator files (YAML or JSON).")
        var files: [String]

        func run() async throws {
            let (local, _) = try NodeConfiguration.load(config).open()
            let operator_ = Actor.commandLine(at: local.unit)
            for file in files {
                for definition in try IndicatorFile.load(path: file) {
                    do {
                        _ = try await local.indicatorDefinitions.define(definition, by: operator_)
                        print("Đã nhập / imported \(definition.code) v\(definition.version) for \(local.unit)")
                    } catch let error as DomainError {
                        throw ConfigurationError(
                            "\(file), \(definition.code): \(MessageCatalogue.text(error.reason).vi)"
                        )
                    }
                }
            }
        }
    }
}

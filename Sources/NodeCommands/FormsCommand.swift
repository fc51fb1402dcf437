import ArgumentParser
import Auth
import Foundation
import Node
import NodeHTTP
import Reporting

/// `reportnet forms`: check form files, import them into a node, export a node's forms.
struct FormsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "Check, import and export report forms (YAML or JSON files).",
        subcommands: [Check.self, Import.self, Export.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check form files and list their problems.")

        @Argument(help: "Form files (YAML or JSON).")
        var files: [String]

        func run() async throws {
            var failed = false
            for file in files {
                do {
                    let form = try FormFile.load(path: file)
                    print(
                        "OK  \(file): \(form.code) v\(form.version), \(form.groups.count) nhóm tiêu chí, \(form.questions.count) câu hỏi"
                    )
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
            abstract: "Define forms on a node, owned by the node's own unit (as its admin would)."
        )

        @Option(help: "Node configuration file.")
        var config: String

        @Argument(help: "Form files (YAML or JSON).")
        var files: [String]

        func run() async throws {
            let (local, _) = try NodeConfiguration.load(config).open()
            let operator_ = Actor.commandLine(at: local.unit)
            for file in files {
                let form = try FormFile.load(path: file)
                do {
                    _ = try await local.forms.define(form, by: operator_)
                    print("Đã nhập / imported \(form.code) v\(form.version) for \(local.unit)")
                } catch let error as DomainError {
                    throw ConfigurationError("\(file): \(MessageCatalogue.text(error.reason).vi)")
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a form held by a node, as YAML (default) or JSON."
        )

        @Option(help: "Node configuration file.")
        var config: String

        @Option(help: "Form code.")
        var code: String

        @Option(help: "Owner unit (default: the node's unit).")
        var owner: String?

        @Option(help: "Version (default: the latest).")
        var version: Int?

        @Flag(help: "JSON instead of YAML.")
        var json = false

        func run() async throws {
            let (local, _) = try NodeConfiguration.load(config).open()
            let owner = self.owner ?? local.unit
            guard
                let form = try await local.forms.form(owner: owner, code: code, version: version)
            else {
                throw ConfigurationError("no form \(owner)/\(code)\(version.map { " v\($0)" } ?? "") on this node")
            }
            print(try FormFile.export(form, json: json))
        }
    }
}

extension Actor {
    /// The operator running an import on the node's machine, acting as the admin of its unit
    /// (audited as `cli:<user>`).
    static func commandLine(at unit: String) -> Actor {
        Actor(username: "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "operator")", unit: unit, role: .admin)
    }
}

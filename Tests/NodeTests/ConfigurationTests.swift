import Foundation
import TestSupport
import Testing

@testable import Node
@testable import NodeCommands

/// A node's configuration file cannot silently lie: unknown keys, values of the wrong kind and
/// files that are not there stop the node, naming the key and the file.
@Suite struct ConfigurationTests {
    /// A folder with a valid configuration (its files exist; their contents are not read by `load`).
    struct Folder {
        let scratch: ScratchDirectory
        var file: String { scratch.path("node.yaml").path }

        init() throws {
            scratch = try ScratchDirectory(prefix: "reportnet-config")
            for name in ["topology.yaml", "node.pem", "node.key.pem", "ca.pem"] {
                try Data("x".utf8).write(to: scratch.path(name))
            }
        }

        static let valid = """
            node: bac-ninh
            topology: topology.yaml
            database: data/node.sqlite
            certificate: node.pem
            key: node.key.pem
            trust_root: ca.pem
            """

        func write(_ text: String) throws -> String {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }

        func refusal(_ text: String) throws -> String {
            let file = try write(text)
            let error = #expect(throws: ConfigurationError.self) { try NodeConfiguration.load(file) }
            return error?.description ?? ""
        }
    }

    @Test func aValidFileLoadsWithPathsRelativeToItsFolder() throws {
        let folder = try Folder()
        let configuration = try NodeConfiguration.load(try folder.write(Folder.valid + "\nlog_level: debug\n"))
        #expect(configuration.certificate == folder.scratch.path("node.pem").path)
        #expect(configuration.logLevel == "debug")
    }

    @Test func anUnknownKeyIsNamedWithTheFileAndTheNearestKnownKey() throws {
        let folder = try Folder()
        let misspelt = try folder.refusal(Folder.valid + "\nmetric_token: s3cret\n")
        #expect(misspelt.contains("unknown key 'metric_token'"), "\(misspelt)")
        #expect(misspelt.contains("did you mean 'metrics_token'"), "\(misspelt)")
        #expect(misspelt.contains(folder.file))
        #expect(!misspelt.contains("s3cret"), "values (secrets) are never repeated")
        let nested = try folder.refusal(
            Folder.valid + "\nalert_mail:\n  hots: mail.example\n  from: a@example.vn\n"
        )
        #expect(nested.contains("unknown key 'alert_mail.hots'"), "\(nested)")
        #expect(nested.contains("did you mean 'host'"), "\(nested)")
    }

    @Test func aValueOfTheWrongKindNamesItsKey() throws {
        let folder = try Folder()
        let wrongType = try folder.refusal(Folder.valid + "\npoll_wait: soon\n")
        #expect(wrongType.contains("'poll_wait' must be a whole number"), "\(wrongType)")
        let missing = try folder.refusal("node: bac-ninh\n")
        #expect(missing.contains("'database' is required"), "\(missing)")
        let level = try folder.refusal(Folder.valid + "\nlog_level: verbose\n")
        #expect(level.contains("'log_level' is 'verbose'"), "\(level)")
    }

    @Test func aMissingFileNamesTheKeyThatPointsToIt() throws {
        let folder = try Folder()
        let missing = try folder.refusal(Folder.valid.replacingOccurrences(of: "node.pem", with: "nowhere.pem"))
        #expect(missing.contains("'certificate' names"), "\(missing)")
        #expect(missing.contains("nowhere.pem, which does not exist"), "\(missing)")
        let webHalf = try folder.refusal(Folder.valid + "\nweb_certificate: ca.pem\n")
        #expect(webHalf.contains("'web_certificate' and 'web_key' go together"), "\(webHalf)")
        let format = try folder.refusal(Folder.valid + "\nlog_format: xml\n")
        #expect(format.contains("'log_format' is 'xml'"), "\(format)")
        let proxy = try folder.refusal(Folder.valid + "\ntrusted_proxies: [proxy.example]\n")
        #expect(proxy.contains("'trusted_proxies' holds 'proxy.example'"), "\(proxy)")
        let mail = try folder.refusal(
            Folder.valid + "\nalert_mail:\n  host: mail.example\n  from: a@example.vn\n  username: u\n"
        )
        #expect(mail.contains("'alert_mail.username' and 'alert_mail.password_file' go together"), "\(mail)")
        let half = try folder.refusal(Folder.valid + "\nissuer_certificate: ca.pem\n")
        #expect(half.contains("'issuer_certificate' and 'issuer_key' go together"), "\(half)")
    }

    /// The node itself does not start, and says which key.
    @Test func theNodeDoesNotStartWithAnUnknownKey() async throws {
        let folder = try Folder()
        let file = try folder.write(Folder.valid + "\nloglevel: debug\n")
        let serve = try await NodeProcesses.run(["serve", "--config", file])
        #expect(serve.status != 0)
        #expect(serve.output.contains("unknown key 'loglevel' (did you mean 'log_level'?)"), "\(serve.output)")
    }
}

import Foundation
import Testing

/// Pins issue G.1's rule for the whole product: only the stores of `Sources/Node/Storage` write
/// SQL. Every other folder of `Sources/Node` (runtime, sync, figures, observability), the web
/// and API layer (`Sources/NodeHTTP`), the commands (`Sources/NodeCommands`) and the benchmarks
/// (`Sources/NetworkBenchmarks`), subfolders included, call those stores and hold no SQL string.
@Suite struct StorageRuleTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The folders, below `Sources`, that must hold no SQL.
    static let checked = [
        "Node/Runtime", "Node/Sync", "Node/Figures", "Node/Observability", "NodeHTTP", "NodeCommands",
        "NetworkBenchmarks",
    ]

    /// Where the Swift files of `folder` (below `Sources`, subfolders included) hold a `sql:`
    /// argument, or a string literal (one line or `"""`) that opens with a SQL keyword.
    static func offences(in folder: String) throws -> [String] {
        let sql = #/sql:|"("""\s*)?\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|PRAGMA|WITH)\s/#
        let directory = sources.appendingPathComponent(folder)
        let files = (FileManager.default.subpaths(atPath: directory.path) ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(!files.isEmpty, "\(directory.path) holds Swift files")
        return try files.flatMap { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return text.ranges(of: sql).map { range in
                let line = text[..<range.lowerBound].count(where: { $0 == "\n" }) + 1
                return "\(folder)/\(file):\(line)"
            }
        }
    }

    @Test(arguments: checked) func codeOutsideTheStoresHoldsNoSQL(_ folder: String) throws {
        #expect(try Self.offences(in: folder) == [], "SQL belongs in a store under Sources/Node/Storage")
    }

    /// The check finds SQL where SQL is: it cannot pass by reading nothing.
    @Test func theCheckSeesTheStoresSQL() throws {
        let found = try Self.offences(in: "Node/Storage")
        for store in [
            "OutboxStore", "PeerStore", "IndicatorValueStore", "ScoreStore", "AlertStore", "PKIStore",
            "TaskStore", "TaskEvidenceStore", "AccountStore", "SessionStore", "AttachmentStore", "BulkLoadStore",
        ] {
            #expect(found.contains { $0.hasPrefix("Node/Storage/\(store).swift:") }, "\(store) holds SQL")
        }
    }

    /// Subfolders are read too: a file one level down is seen.
    @Test func theCheckWalksSubfolders() throws {
        let found = try Self.offences(in: "Node")
        #expect(found.contains { $0.hasPrefix("Node/Storage/AlertStore.swift:") })
    }
}

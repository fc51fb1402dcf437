import Foundation
import Testing

/// Pins issue G.1's rule for the whole product: only the stores of `Sources/Node/Storage` write
/// SQL. Every other folder of `Sources/Node` (runtime, sync, figures, observability), the web
/// and API layer (`Sources/NodeHTTP`), the commands (`Sources/NodeCommands`) and the benchmarks
/// (`Sources/NetworkBenchmarks`), subfolders included, call those stores: they hold no SQL
/// string, and build no query with GRDB's query interface either.
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
        try places(
            of: #/sql:|"("""\s*)?\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|PRAGMA|WITH)\s/#,
            in: folder
        )
    }

    /// Where the Swift files of `folder` build a query with GRDB's query interface: a named
    /// column, rows fetched by hand, a statement executed or prepared, a whole table or a
    /// selection fetched or counted.
    static func queries(in folder: String) throws -> [String] {
        try places(
            of: #/Column\("|Row\.fetch|\.fetch(All|Cursor|Count|Set)\(|db\.execute\(|cachedStatement|makeStatement/#,
            in: folder
        )
    }

    static func places<Output>(of pattern: Regex<Output>, in folder: String) throws -> [String] {
        let directory = sources.appendingPathComponent(folder)
        let files = (FileManager.default.subpaths(atPath: directory.path) ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(!files.isEmpty, "\(directory.path) holds Swift files")
        return try files.flatMap { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return text.ranges(of: pattern).map { range in
                let line = text[..<range.lowerBound].count(where: { $0 == "\n" }) + 1
                return "\(folder)/\(file):\(line)"
            }
        }
    }

    @Test(arguments: checked) func codeOutsideTheStoresHoldsNoSQL(_ folder: String) throws {
        #expect(try Self.offences(in: folder) == [], "SQL belongs in a store under Sources/Node/Storage")
    }

    @Test(arguments: checked) func codeOutsideTheStoresBuildsNoQuery(_ folder: String) throws {
        #expect(try Self.queries(in: folder) == [], "queries belong in a store under Sources/Node/Storage")
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
        let queries = try Self.queries(in: "Node/Storage")
        for store in ["FormStore", "UnitChangeStore", "ReportStore", "AccountStore"] {
            #expect(queries.contains { $0.hasPrefix("Node/Storage/\(store).swift:") }, "\(store) builds queries")
        }
    }

    /// Subfolders are read too: a file one level down is seen.
    @Test func theCheckWalksSubfolders() throws {
        let found = try Self.offences(in: "Node")
        #expect(found.contains { $0.hasPrefix("Node/Storage/AlertStore.swift:") })
    }
}

import Foundation
import Testing

/// Pins issue G.1's rule for the sync and figures rooms: the code of `Sources/Node/Sync` and
/// `Sources/Node/Figures` calls the stores of `Sources/Node/Storage`, which own their tables' SQL;
/// no SQL string is written in the sync or figures code.
@Suite struct SyncStorageRuleTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Node")

    /// Where files of `folder` hold a `sql:` argument, or a string literal (one line or `"""`)
    /// that opens with a SQL keyword.
    static func offences(in folder: String) throws -> [String] {
        let sql = #/sql:|"("""\s*)?\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|PRAGMA|WITH)\s/#
        let directory = sources.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
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

    @Test func syncCodeHoldsNoSQL() throws {
        #expect(try Self.offences(in: "Sync") == [], "SQL belongs in a store under Sources/Node/Storage")
    }

    @Test func figuresCodeHoldsNoSQL() throws {
        #expect(try Self.offences(in: "Figures") == [], "SQL belongs in a store under Sources/Node/Storage")
    }

    /// The check finds SQL where SQL is: it cannot pass by reading nothing.
    @Test func theCheckSeesTheStoresSQL() throws {
        let found = try Self.offences(in: "Storage")
        #expect(found.contains { $0.hasPrefix("Storage/OutboxStore.swift:") })
        #expect(found.contains { $0.hasPrefix("Storage/PeerStore.swift:") })
        #expect(found.contains { $0.hasPrefix("Storage/IndicatorValueStore.swift:") })
        #expect(found.contains { $0.hasPrefix("Storage/ScoreStore.swift:") })
    }
}

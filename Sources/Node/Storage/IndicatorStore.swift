import Foundation
import GRDB
import Indicators

/// The indicator catalogue (issue M): every version of every indicator defined at a level, named
/// by its owner unit, code and version like forms. Versions are only ever added: a changed
/// definition is a new row, so past values keep the version they were computed with.
enum IndicatorStore {
    static let v13 = """
        CREATE TABLE indicators (
            owner_unit TEXT NOT NULL,
            code TEXT NOT NULL,
            version INTEGER NOT NULL,
            effective_from TEXT NOT NULL,
            definition TEXT NOT NULL,
            defined_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (owner_unit, code, version)
        ) STRICT;
        CREATE INDEX indicators_code ON indicators(code);
        """

    struct Row: Sendable {
        let owner: String
        let definition: IndicatorDefinition
        let definedBy: String
        let createdAt: Date
    }

    static func insert(
        owner: String,
        _ definition: IndicatorDefinition,
        by username: String,
        at: Date,
        _ db: Database
    )
        throws
    {
        let json = String(decoding: try JSONEncoder().encode(definition), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO indicators (owner_unit, code, version, effective_from, definition, defined_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                owner, definition.code, definition.version, definition.effectiveFrom.description, json, username,
                at.stored,
            ]
        )
    }

    /// Every version owned by `owners`, by owner, code and version.
    static func all(owners: [String], _ db: Database) throws -> [Row] {
        guard !owners.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: owners.count).joined(separator: ", ")
        let decoder = JSONDecoder()
        return try GRDB.Row.fetchAll(
            db,
            sql: """
                SELECT owner_unit, definition, defined_by, created_at FROM indicators
                WHERE owner_unit IN (\(marks)) ORDER BY owner_unit, code, version
                """,
            arguments: StatementArguments(owners)
        ).map { row in
            let text: String = row["definition"]
            return Row(
                owner: row["owner_unit"],
                definition: try decoder.decode(IndicatorDefinition.self, from: Data(text.utf8)),
                definedBy: row["defined_by"],
                createdAt: row["created_at"]
            )
        }
    }

    /// True when the version is held already (a replay, or the catalogue sent again to a node).
    static func holds(owner: String, code: String, version: Int, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM indicators WHERE owner_unit = ? AND code = ? AND version = ?",
            arguments: [owner, code, version]
        ) == true
    }
}

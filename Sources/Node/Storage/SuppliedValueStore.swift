import Foundation
import GRDB

/// The values of indicators that are not computed (issue M.4): typed by a person (`entered`) or
/// delivered by another system through a machine client (`delivered`). One value per indicator,
/// unit and period, with the definition version in force then, who supplied it, when, and whether
/// it came after the period's deadline; a value replaced goes to the history first, so nothing
/// supplied is ever lost. (`indicator_values` is Decision 4587's scoring figures: another table.)
enum SuppliedValueStore {
    static let v16 = """
        CREATE TABLE supplied_values (
            code TEXT NOT NULL,
            unit TEXT NOT NULL,
            period TEXT NOT NULL,
            version INTEGER NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('entered', 'delivered')),
            client TEXT,
            supplied_by TEXT NOT NULL,
            supplied_at TEXT NOT NULL,
            late INTEGER NOT NULL,
            PRIMARY KEY (code, unit, period)
        ) STRICT;
        CREATE INDEX supplied_values_period ON supplied_values(period, code);
        CREATE TABLE supplied_value_history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            code TEXT NOT NULL,
            unit TEXT NOT NULL,
            period TEXT NOT NULL,
            version INTEGER NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL,
            client TEXT,
            supplied_by TEXT NOT NULL,
            supplied_at TEXT NOT NULL,
            late INTEGER NOT NULL,
            replaced_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX supplied_value_history_key ON supplied_value_history(code, unit, period);
        """

    /// One supplied value as held.
    struct Value: Sendable, Equatable {
        let code: String
        let unit: String
        let period: String
        let version: Int
        let value: Double
        /// `entered` or `delivered`.
        let source: String
        /// The machine client's id, for a delivered value.
        let client: String?
        let suppliedBy: String
        let suppliedAt: Date
        let late: Bool

        init(row: GRDB.Row) {
            code = row["code"]
            unit = row["unit"]
            period = row["period"]
            version = row["version"]
            value = row["value"]
            source = row["source"]
            client = row["client"]
            suppliedBy = row["supplied_by"]
            suppliedAt = row["supplied_at"]
            late = row["late"]
        }

        init(
            code: String,
            unit: String,
            period: String,
            version: Int,
            value: Double,
            source: String,
            client: String?,
            suppliedBy: String,
            suppliedAt: Date,
            late: Bool
        ) {
            self.code = code
            self.unit = unit
            self.period = period
            self.version = version
            self.value = value
            self.source = source
            self.client = client
            self.suppliedBy = suppliedBy
            self.suppliedAt = suppliedAt
            self.late = late
        }
    }

    /// The value held for the indicator, unit and period, if any.
    static func held(code: String, unit: String, period: String, _ db: Database) throws -> Value? {
        try GRDB.Row.fetchOne(
            db,
            sql: "SELECT * FROM supplied_values WHERE code = ? AND unit = ? AND period = ?",
            arguments: [code, unit, period]
        ).map(Value.init(row:))
    }

    /// Every value held for the period, of every indicator and unit.
    static func values(period: String, _ db: Database) throws -> [Value] {
        try GRDB.Row.fetchAll(
            db,
            sql: "SELECT * FROM supplied_values WHERE period = ? ORDER BY code, unit",
            arguments: [period]
        ).map(Value.init(row:))
    }

    /// The indicator, unit and period of every value held for these codes, as `code|unit|period`
    /// (which values assigned indicators already have).
    static func keys(codes: [String], _ db: Database) throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        return Set(
            try String.fetchAll(
                db,
                sql: """
                    SELECT code || '|' || unit || '|' || period FROM supplied_values
                    WHERE code IN (SELECT value FROM json_each(?))
                    """,
                arguments: [String(decoding: try JSONEncoder().encode(codes), as: UTF8.self)]
            )
        )
    }

    /// Sets the value, moving the one it replaces (if any) to the history first.
    static func set(_ value: Value, replacing previous: Value?, at now: Date, _ db: Database) throws {
        if let previous {
            try db.execute(
                sql: """
                    INSERT INTO supplied_value_history
                        (code, unit, period, version, value, source, client, supplied_by, supplied_at, late, replaced_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    previous.code, previous.unit, previous.period, previous.version, previous.value, previous.source,
                    previous.client, previous.suppliedBy, previous.suppliedAt.stored, previous.late, now.stored,
                ]
            )
        }
        try db.execute(
            sql: """
                INSERT INTO supplied_values
                    (code, unit, period, version, value, source, client, supplied_by, supplied_at, late)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (code, unit, period) DO UPDATE SET
                    version = excluded.version, value = excluded.value, source = excluded.source,
                    client = excluded.client, supplied_by = excluded.supplied_by,
                    supplied_at = excluded.supplied_at, late = excluded.late
                """,
            arguments: [
                value.code, value.unit, value.period, value.version, value.value, value.source, value.client,
                value.suppliedBy, value.suppliedAt.stored, value.late,
            ]
        )
    }

    /// The values a value replaced, oldest first.
    static func history(code: String, unit: String, period: String, _ db: Database) throws -> [Value] {
        try GRDB.Row.fetchAll(
            db,
            sql: "SELECT * FROM supplied_value_history WHERE code = ? AND unit = ? AND period = ? ORDER BY seq",
            arguments: [code, unit, period]
        ).map(Value.init(row:))
    }
}

/// The machine clients of issue M.4 (another ministry's system delivering indicator values) and
/// the deliveries they made: a client is granted named indicators and units by an admin, holds a
/// bearer token stored only as its SHA-256, and may be revoked; each delivery is kept under the
/// client's idempotency key with the results it was answered, so a replay changes nothing and
/// answers the same.
enum IndicatorClientStore {
    static let v16 = """
        CREATE TABLE indicator_clients (
            id TEXT PRIMARY KEY,
            owner_unit TEXT NOT NULL,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            indicators TEXT NOT NULL,
            units TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_by TEXT,
            revoked_at TEXT
        ) STRICT;
        CREATE INDEX indicator_clients_owner ON indicator_clients(owner_unit);
        CREATE TABLE indicator_deliveries (
            client TEXT NOT NULL,
            key TEXT NOT NULL,
            request_digest TEXT NOT NULL,
            results TEXT NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (client, key)
        ) STRICT;
        """

    /// A machine client as held (never its token).
    struct Client: Sendable {
        let id: String
        let owner: String
        let name: String
        let indicators: [String]
        let units: [String]
        let createdBy: String
        let createdAt: Date
        let revokedBy: String?
        let revokedAt: Date?

        init(row: GRDB.Row) throws {
            id = row["id"]
            owner = row["owner_unit"]
            name = row["name"]
            let decoder = JSONDecoder()
            indicators = try decoder.decode([String].self, from: Data((row["indicators"] as String).utf8))
            units = try decoder.decode([String].self, from: Data((row["units"] as String).utf8))
            createdBy = row["created_by"]
            createdAt = row["created_at"]
            revokedBy = row["revoked_by"]
            revokedAt = row["revoked_at"]
        }
    }

    static func insert(
        id: String,
        owner: String,
        name: String,
        tokenHash: String,
        indicators: [String],
        units: [String],
        by username: String,
        at now: Date,
        _ db: Database
    ) throws {
        let encoder = JSONEncoder()
        try db.execute(
            sql: """
                INSERT INTO indicator_clients
                    (id, owner_unit, name, token_hash, indicators, units, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, owner, name, tokenHash, String(decoding: try encoder.encode(indicators), as: UTF8.self),
                String(decoding: try encoder.encode(units), as: UTF8.self), username, now.stored,
            ]
        )
    }

    /// The clients of a unit, newest first.
    static func clients(owner: String, _ db: Database) throws -> [Client] {
        try GRDB.Row.fetchAll(
            db,
            sql: "SELECT * FROM indicator_clients WHERE owner_unit = ? ORDER BY created_at DESC, id",
            arguments: [owner]
        ).map(Client.init(row:))
    }

    static func client(id: String, _ db: Database) throws -> Client? {
        try GRDB.Row.fetchOne(db, sql: "SELECT * FROM indicator_clients WHERE id = ?", arguments: [id])
            .map(Client.init(row:))
    }

    /// The client holding the token (by its digest), revoked or not.
    static func client(tokenHash: String, _ db: Database) throws -> Client? {
        try GRDB.Row.fetchOne(db, sql: "SELECT * FROM indicator_clients WHERE token_hash = ?", arguments: [tokenHash])
            .map(Client.init(row:))
    }

    /// Revokes the client; false when it was revoked already.
    static func revoke(id: String, by username: String, at now: Date, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE indicator_clients SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            arguments: [username, now.stored, id]
        )
        return db.changesCount > 0
    }

    /// A delivery already received under the key: the digest of its request and the results answered.
    static func delivery(client: String, key: String, _ db: Database) throws -> (digest: String, results: Data)? {
        try GRDB.Row.fetchOne(
            db,
            sql: "SELECT request_digest, results FROM indicator_deliveries WHERE client = ? AND key = ?",
            arguments: [client, key]
        ).map { row in (row["request_digest"], Data((row["results"] as String).utf8)) }
    }

    static func recordDelivery(
        client: String,
        key: String,
        digest: String,
        results: Data,
        at now: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO indicator_deliveries (client, key, request_digest, results, received_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [client, key, digest, String(decoding: results, as: UTF8.self), now.stored]
        )
    }
}

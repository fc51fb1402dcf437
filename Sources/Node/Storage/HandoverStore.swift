import Federation
import Foundation
import GRDB

/// Which way a handover goes, seen from the node that records it: `out` when it hands a unit's
/// life to another node, `in` when it takes one in.
package enum HandoverDirection: String, Codable, Sendable {
    case out
    case `in`
}

/// Where a handover stands. Out: `offered` (the package is served, or waits to be sent back) →
/// `completed`. In: `expected` (a joining node waits for its parent's package) → `imported` (held,
/// not yet acknowledged) → `completed`; or `requested` (a parent waits for a retired child's) →
/// `completed`.
package enum HandoverState: String, Codable, Sendable {
    case requested, offered, expected, imported, completed
}

/// Migration `v18-handovers` and every statement of a unit's handover: the rows the parent
/// copies out (`rows(of:)`), the new node writes in (`write(_:)`), and what the parent keeps once
/// the new node holds them (`retire(units:)`). Every function runs in the caller's transaction.
enum HandoverStore {
    static let v18 = """
        -- A unit's life handed to its own new node ('out', at the parent) or taken over from the
        -- parent ('in', at the new node). 'offered': the parent serves the package; 'imported':
        -- the new node holds the rows and has yet to tell the parent; 'completed': both know.
        -- A retired node's life comes back the other way: 'in' at the parent ('requested' until
        -- the child hands it back), 'out' at the child ('offered' until the parent has it).
        -- (`HandoverDirection`, `HandoverState`.)
        CREATE TABLE handovers (
            id TEXT PRIMARY KEY,
            direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
            unit TEXT NOT NULL,
            units TEXT NOT NULL,
            node TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('requested', 'offered', 'expected', 'imported', 'completed')),
            rows INTEGER NOT NULL DEFAULT 0,
            -- Why the last attempt was refused, in words ('' once it went through).
            refusal TEXT NOT NULL DEFAULT '',
            decided_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX handovers_unit ON handovers(unit, direction);
        """

    /// One handover as stored.
    struct Record: Sendable {
        let id: String
        let direction: HandoverDirection
        let unit: String
        let units: [String]
        let node: String
        let state: HandoverState
        let rows: Int
        let decidedBy: String
        let refusal: String
        let createdAt: Date
        let updatedAt: Date
        /// For a move waiting for the unit's life (`in`, `requested`): the change applied when it
        /// arrives.
        let change: UnitChange?
    }

    /// Migration `v21-moved-units`: the change a move applies once the unit's life has arrived.
    static let v21 = "ALTER TABLE handovers ADD COLUMN change TEXT"

    static func insert(
        id: String,
        direction: HandoverDirection,
        unit: String,
        units: [String],
        node: String,
        state: HandoverState,
        decidedBy: String,
        change: UnitChange? = nil,
        at now: Date,
        _ db: Database
    ) throws {
        let change = try change.map { String(decoding: try JSONEncoder.federation.encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT INTO handovers (id, direction, unit, units, node, state, decided_by, change, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, direction.rawValue, unit, units.joined(separator: ","), node, state.rawValue, decidedBy, change,
                now.stored, now.stored,
            ]
        )
    }

    static func setState(_ id: String, to state: HandoverState, rows: Int?, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE handovers SET state = ?, rows = COALESCE(?, rows), refusal = '', updated_at = ? WHERE id = ?",
            arguments: [state.rawValue, rows, now.stored, id]
        )
    }

    /// Notes why the last attempt was refused, for the admins who follow the handover.
    static func noteRefusal(_ id: String, _ reason: String, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE handovers SET refusal = ?, updated_at = ? WHERE id = ?",
            arguments: [reason, now.stored, id]
        )
    }

    static func setUnits(_ id: String, _ units: [String], _ db: Database) throws {
        try db.execute(
            sql: "UPDATE handovers SET units = ? WHERE id = ?",
            arguments: [units.joined(separator: ","), id]
        )
    }

    static func find(_ id: String, _ db: Database) throws -> Record? {
        try Row.fetchOne(db, sql: "SELECT * FROM handovers WHERE id = ?", arguments: [id]).map(record)
    }

    /// The latest handover of `unit` in `direction`: at a parent, the one out to the unit's new
    /// node or the retirement asked of it (in); at a retiring node, its own life going back (out).
    static func latest(_ direction: HandoverDirection, unit: String, _ db: Database) throws -> Record? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM handovers WHERE direction = ? AND unit = ? ORDER BY created_at DESC, rowid DESC LIMIT 1
                """,
            arguments: [direction.rawValue, unit]
        ).map(record)
    }

    /// The oldest life of a moved unit this node hands up to its parent (node `parent`) and has
    /// not yet handed, if any; its own unit's going back is a retirement, not this.
    static func offeredUp(to parent: String, except ownUnit: String, _ db: Database) throws -> Record? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM handovers WHERE direction = 'out' AND state = 'offered' AND node = ? AND unit != ?
                ORDER BY created_at, rowid LIMIT 1
                """,
            arguments: [parent, ownUnit]
        ).map(record)
    }

    /// The handovers offered to node `name` and not yet taken over.
    static func offered(to name: String, _ db: Database) throws -> [Record] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM handovers WHERE direction = 'out' AND state = 'offered' AND node = ? ORDER BY created_at",
            arguments: [name]
        ).map(record)
    }

    /// The handover this node takes over and has not completed, if any.
    static func pendingIn(_ db: Database) throws -> Record? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM handovers WHERE direction = 'in' AND state IN ('expected', 'imported')
                ORDER BY created_at LIMIT 1
                """
        ).map(record)
    }

    /// Whether `unit`'s life was last handed from this node to another (its own new node, or the
    /// parent's when this node retired), rather than taken in.
    static func handedOver(_ unit: String, _ db: Database) throws -> Bool {
        try String.fetchOne(
            db,
            sql: """
                SELECT direction FROM handovers WHERE instr(',' || units || ',', ',' || ? || ',') > 0
                ORDER BY created_at DESC, rowid DESC LIMIT 1
                """,
            arguments: [unit]
        ) == HandoverDirection.out.rawValue
    }

    static func all(_ db: Database) throws -> [Record] {
        try Row.fetchAll(db, sql: "SELECT * FROM handovers ORDER BY created_at DESC").map(record)
    }

    private static func record(_ row: Row) -> Record {
        Record(
            id: row["id"],
            direction: HandoverDirection(rawValue: row["direction"]) ?? .in,
            unit: row["unit"],
            units: (row["units"] as String).split(separator: ",").map(String.init),
            node: row["node"],
            state: HandoverState(rawValue: row["state"]) ?? .requested,
            rows: row["rows"],
            decidedBy: row["decided_by"],
            refusal: row["refusal"],
            createdAt: row["created_at"],
            updatedAt: row["updated_at"],
            change: (row["change"] as String?).flatMap {
                try? JSONDecoder.federation.decode(UnitChange.self, from: Data($0.utf8))
            }
        )
    }

    // MARK: The rows that move

    /// A table of a unit's life: how its rows for some units are selected (`?` stands for the list
    /// of units), which columns stay behind (numbered locally), and whether a row already held is
    /// kept (what came from above may have arrived by another path) or is an error (the unit's own).
    struct Part {
        /// Which rows of a table belong to the units that move.
        enum Scope {
            /// The row's column names one of the units.
            case unit(String)
            /// The row belongs to a report that moves (`report_id`).
            case report
            /// Made by the unit named in the column, or copied from above (kept by the parent).
            case owner(String)
        }

        let table: String
        let selection: String
        let omitted: Set<String>
        /// A row already held is kept (what came from above, or figures the receiver holds as
        /// scorer or owner) rather than refused.
        let copiedFromAbove: Bool
        let scope: Scope
    }

    private static let reportsOf = "SELECT id FROM reports WHERE unit IN (?)"
    /// The assignments the units take part in: expected from the start, added by an amendment,
    /// or answered by their reports.
    private static let assignmentsOf = """
        SELECT assignment_id FROM assignment_units WHERE unit IN (?)
        UNION SELECT assignment_id FROM assignment_amendments WHERE unit IN (?)
        UNION SELECT assignment_id FROM reports WHERE unit IN (?)
        """

    /// In the order they are written: what is referred to first.
    static let parts: [Part] = [
        Part(
            table: "forms",
            selection: """
                (owner_unit, code, version) IN (SELECT assigned_by, form_code, form_version FROM assignments
                WHERE id IN (\(assignmentsOf)))
                """,
            omitted: [],
            copiedFromAbove: true,
            scope: .owner("owner_unit")
        ),
        Part(
            table: "assignments",
            selection: "id IN (\(assignmentsOf))",
            omitted: [],
            copiedFromAbove: true,
            scope: .owner("assigned_by")
        ),
        Part(
            table: "assignment_units",
            selection: "assignment_id IN (\(assignmentsOf)) AND unit IN (?)",
            omitted: [],
            copiedFromAbove: true,
            scope: .unit("unit")
        ),
        Part(
            table: "assignment_amendments",
            selection: "assignment_id IN (\(assignmentsOf)) AND unit IN (?)",
            omitted: [],
            copiedFromAbove: true,
            scope: .unit("unit")
        ),
        Part(
            table: "accounts",
            selection: "unit IN (?) AND status != 'delegated'",
            omitted: [],
            copiedFromAbove: false,
            scope: .unit("unit")
        ),
        Part(table: "reports", selection: "unit IN (?)", omitted: [], copiedFromAbove: false, scope: .unit("unit")),
        Part(
            table: "report_events",
            selection: "report_id IN (\(reportsOf))",
            omitted: ["id"],
            copiedFromAbove: false,
            scope: .report
        ),
        Part(
            table: "report_corrections",
            selection: "report_id IN (\(reportsOf))",
            omitted: ["id"],
            copiedFromAbove: false,
            scope: .report
        ),
        Part(
            table: "attachments",
            selection: "report_id IN (\(reportsOf))",
            omitted: [],
            copiedFromAbove: false,
            scope: .report
        ),
        Part(
            table: "tasks",
            selection: "id IN (SELECT task_id FROM task_units WHERE unit IN (?))",
            omitted: [],
            copiedFromAbove: true,
            scope: .owner("assigned_by")
        ),
        Part(table: "task_units", selection: "unit IN (?)", omitted: [], copiedFromAbove: true, scope: .unit("unit")),
        Part(
            table: "task_updates",
            selection: "unit IN (?)",
            omitted: [],
            copiedFromAbove: false,
            scope: .unit("unit")
        ),
        Part(table: "task_reviews", selection: "unit IN (?)", omitted: [], copiedFromAbove: true, scope: .unit("unit")),
        Part(
            table: "task_evidence",
            selection: "unit IN (?)",
            omitted: [],
            copiedFromAbove: false,
            scope: .unit("unit")
        ),
        Part(
            table: "congress_dates",
            selection: "unit IN (?)",
            omitted: [],
            copiedFromAbove: true,
            scope: .unit("unit")
        ),
        // Figures the unit reported about itself (their numbering goes on where it stopped), values
        // it entered for indicators assigned to it, and the alert rules it set: kept if the
        // receiving node already holds them (the scorer's or the owner's copy wins).
        Part(
            table: "indicator_values",
            selection: "unit IN (?) AND source = 'reported'",
            omitted: [],
            copiedFromAbove: true,
            scope: .unit("unit")
        ),
        Part(
            table: "supplied_values",
            selection: "unit IN (?)",
            omitted: [],
            copiedFromAbove: true,
            scope: .unit("unit")
        ),
        Part(table: "alert_rules", selection: "unit IN (?)", omitted: [], copiedFromAbove: true, scope: .unit("unit")),
    ]

    /// The selection with each `(?)` made the units' placeholders, and its arguments.
    static func bound(_ selection: String, units: [String]) -> (sql: String, arguments: StatementArguments) {
        let pieces = selection.components(separatedBy: "(?)")
        let marks = "(" + databaseQuestionMarks(count: units.count) + ")"
        let arguments = StatementArguments(Array(repeating: units, count: pieces.count - 1).flatMap { $0 })
        return (pieces.joined(separator: marks), arguments)
    }

    /// How many rows of `units`' life this node holds (counted, not read).
    static func rowCount(of units: [String], _ db: Database) throws -> Int {
        try parts.reduce(0) { total, part in
            let (selection, arguments) = bound(part.selection, units: units)
            return total
                + (try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM \(part.table) WHERE \(selection)",
                    arguments: arguments
                )
                    ?? 0)
        }
    }

    /// Every row of `units`' life, table by table, as stored.
    static func rows(of units: [String], _ db: Database) throws -> [HandoverTable] {
        try parts.map { part in
            let (selection, arguments) = bound(part.selection, units: units)
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(part.table) WHERE \(selection)", arguments: arguments)
            return HandoverTable(
                name: part.table,
                rows: rows.map { row in
                    var values: [String: StoredValue] = [:]
                    for (column, value) in row where !part.omitted.contains(column) {
                        values[column] = StoredValue(value)
                    }
                    return values
                }
            )
        }
    }

    /// The evidence files the rows of `units` name.
    static func files(of units: [String], _ db: Database) throws -> [HandoverFile] {
        let (selection, arguments) = bound(
            """
            SELECT sha256, MAX(size) AS size FROM (
                SELECT sha256, size FROM attachments WHERE report_id IN (\(reportsOf))
                UNION ALL SELECT sha256, size FROM task_evidence WHERE unit IN (?)
            ) GROUP BY sha256 ORDER BY sha256
            """,
            units: units
        )
        return try Row.fetchAll(db, sql: selection, arguments: arguments).map {
            HandoverFile(sha256: $0["sha256"], size: $0["size"])
        }
    }

    /// Writes a handover's rows. Only the tables and columns a handover carries are written, each
    /// checked against this database's own; a row of the unit's own life already held here is an
    /// error (nothing is doubled), one copied from above is kept as it is.
    static func write(_ tables: [HandoverTable], _ db: Database) throws -> Int {
        var written = 0
        for table in tables {
            guard let part = parts.first(where: { $0.table == table.name }) else {
                throw HandoverRefused("a handover does not carry table '\(table.name)'")
            }
            let known = Set(try db.columns(in: part.table).map(\.name))
            for row in table.rows {
                let columns = row.keys.sorted()
                if let unknown = columns.first(where: { !known.contains($0) || part.omitted.contains($0) }) {
                    throw HandoverRefused("column '\(unknown)' of \(part.table) is not one this node writes")
                }
                let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                let conflict = part.copiedFromAbove ? " ON CONFLICT DO NOTHING" : ""
                try db.execute(
                    sql: "INSERT INTO \(part.table) (\(list)) VALUES (\(databaseQuestionMarks(count: columns.count)))"
                        + conflict,
                    arguments: StatementArguments(columns.map { row[$0]!.databaseValue })
                )
                written += db.changesCount
            }
        }
        return written
    }

    /// The assignments `units` take part in (expected by them, or answered by their reports).
    static func assignments(of units: [String], _ db: Database) throws -> [String] {
        let (sql, arguments) = bound(assignmentsOf, units: units)
        return try String.fetchAll(db, sql: sql, arguments: arguments)
    }

    /// Whether `sha256` is an evidence file of `units`' life.
    static func names(_ sha256: String, units: [String], _ db: Database) throws -> Bool {
        try files(of: units, db).contains { $0.sha256 == sha256 }
    }

    // MARK: What the parent keeps

    /// Ends the sessions of the accounts of `units` (they are served elsewhere from now on).
    static func endSessions(of units: [String], _ db: Database) throws {
        let (selection, arguments) = bound(
            "username IN (SELECT username FROM accounts WHERE unit IN (?))",
            units: units
        )
        try db.execute(sql: "DELETE FROM sessions WHERE \(selection)", arguments: arguments)
    }

    /// The accounts of `units` live on another node from now on: a change an admin makes here goes
    /// down to it like any change to an account below (`Accounts`).
    static func markServedBelow(_ units: [String], _ db: Database) throws {
        let statement = bound("UPDATE accounts SET hosted_here = 0 WHERE unit IN (?)", units: units)
        try db.execute(sql: statement.sql, arguments: statement.arguments)
    }

    /// Once the new node holds `units`' life, the parent keeps what it keeps of any node below:
    /// accounts as records without secrets, approved reports as received ones (with their
    /// history and evidence); reports not approved are no longer its to hold.
    static func keepAsBelow(units: [String], at now: Date, _ db: Database) throws -> (accounts: Int, reports: Int) {
        let accounts = bound(
            """
            UPDATE accounts SET status = CASE status WHEN 'disabled' THEN 'disabled' ELSE 'delegated' END,
                password_hash = NULL, activation_hash = NULL,
                totp_secret = NULL, mfa_enabled = 0, recovery_codes = NULL, totp_last_step = NULL,
                failed_logins = 0, locked_until = NULL, hosted_here = 0, updated_at = ?
            WHERE unit IN (?) AND status != 'delegated'
            """,
            units: units
        )
        try db.execute(sql: accounts.sql, arguments: [now.stored] + accounts.arguments)
        let retiredAccounts = db.changesCount
        let leaving = "SELECT id FROM reports WHERE unit IN (?) AND state != 'approved'"
        for table in ["report_events", "report_corrections", "attachments"] {
            let statement = bound("DELETE FROM \(table) WHERE report_id IN (\(leaving))", units: units)
            try db.execute(sql: statement.sql, arguments: statement.arguments)
        }
        let removed = bound("DELETE FROM reports WHERE unit IN (?) AND state != 'approved'", units: units)
        try db.execute(sql: removed.sql, arguments: removed.arguments)
        let kept = bound("UPDATE reports SET hosted_here = 0 WHERE unit IN (?)", units: units)
        try db.execute(sql: kept.sql, arguments: kept.arguments)
        let retiredReports = db.changesCount
        return (retiredAccounts, retiredReports)
    }
}

extension HandoverStore {
    /// A lost child node's units hosted here again with what this node holds: the approved reports
    /// it received, and the account records, waiting for new activation codes (a disabled one stays
    /// disabled). Returns how many of each.
    static func hostAgain(units: [String], at now: Date, _ db: Database) throws -> (accounts: Int, reports: Int) {
        let accounts = bound(
            """
            UPDATE accounts SET hosted_here = 1, activation_hash = NULL, updated_at = ?,
                status = CASE status WHEN 'disabled' THEN 'disabled' ELSE 'pending' END
            WHERE unit IN (?)
            """,
            units: units
        )
        try db.execute(sql: accounts.sql, arguments: [now.stored] + accounts.arguments)
        let accountCount = db.changesCount
        let reports = bound("UPDATE reports SET hosted_here = 1 WHERE unit IN (?)", units: units)
        try db.execute(sql: reports.sql, arguments: reports.arguments)
        return (accountCount, db.changesCount)
    }

    /// A retired child node's units' life written back here: every row must belong to `units`
    /// (what was copied from above is left out, this node holds it), what this node held of their
    /// own life (received reports, account records, ...) gives way to the child's rows, which
    /// are then written as a handover is. Returns the rows written.
    static func takeBack(_ tables: [HandoverTable], units: [String], _ db: Database) throws -> Int {
        let moving = Set(units)
        let reports = Set(
            tables.first { $0.name == "reports" }?.rows.compactMap { row -> String? in
                if case .text(let id) = row["id"] { return id }
                return nil
            } ?? []
        )
        var kept: [HandoverTable] = []
        for table in tables {
            guard let part = parts.first(where: { $0.table == table.name }) else {
                throw HandoverRefused("a handover does not carry table '\(table.name)'")
            }
            var rows: [[String: StoredValue]] = []
            for row in table.rows {
                switch part.scope {
                case .unit(let column):
                    guard case .text(let unit) = row[column], moving.contains(unit) else {
                        throw HandoverRefused("a row of \(part.table) belongs to no unit of the retired node")
                    }
                    rows.append(row)
                case .report:
                    guard case .text(let report) = row["report_id"], reports.contains(report) else {
                        throw HandoverRefused("a row of \(part.table) belongs to no report of the retired node")
                    }
                    rows.append(row)
                case .owner(let column):
                    if case .text(let owner) = row[column], moving.contains(owner) { rows.append(row) }
                }
            }
            kept.append(HandoverTable(name: table.name, rows: rows))
        }
        return try replace(kept, units: units, db)
    }

    /// Writes a package's rows in place of what this node holds of the same rows: the reports it
    /// carries (by id, or by unit, form and period), their history and files, the accounts it
    /// carries, the unit's updates and files of the tasks it carries, its congress date. What the
    /// package does not carry stays (a unit that comes back to a node that once hosted it: the
    /// approved reports of that node's own forms, kept there, are not in the package).
    static func replace(_ tables: [HandoverTable], units: [String], _ db: Database) throws -> Int {
        try endSessions(of: units, db)
        func rows(_ table: String) -> [[String: StoredValue]] { tables.first { $0.name == table }?.rows ?? [] }
        func text(_ row: [String: StoredValue], _ column: String) -> DatabaseValue {
            row[column]?.databaseValue ?? .null
        }
        var reports = Set<String>()
        for row in rows("reports") {
            reports.formUnion(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM reports
                        WHERE id = ? OR (unit = ? AND form_owner = ? AND form_code = ? AND period = ?)
                        """,
                    arguments: [
                        text(row, "id"), text(row, "unit"), text(row, "form_owner"), text(row, "form_code"),
                        text(row, "period"),
                    ]
                )
            )
        }
        for table in ["report_events", "report_corrections", "attachments"] {
            try delete(from: table, where: "report_id", in: Array(reports), db)
        }
        try delete(from: "reports", where: "id", in: Array(reports), db)
        let usernames = rows("accounts").compactMap { row -> String? in
            if case .text(let name) = row["username"] { return name }
            return nil
        }
        try delete(from: "accounts", where: "username", in: usernames, db)
        let tasks = Set(
            (rows("task_updates") + rows("task_evidence")).compactMap { row -> String? in
                if case .text(let id) = row["task_id"] { return id }
                return nil
            }
        )
        for table in ["task_updates", "task_evidence"] {
            try delete(from: table, where: "task_id", in: Array(tasks), alsoUnitIn: units, db)
        }
        if !rows("congress_dates").isEmpty {
            let statement = bound("DELETE FROM congress_dates WHERE unit IN (?)", units: units)
            try db.execute(sql: statement.sql, arguments: statement.arguments)
        }
        return try write(tables, db)
    }

    /// Deletes the rows of `table` whose `column` is one of `keys` (and, given, whose unit is one of
    /// `units`), a few hundred keys at a time.
    private static func delete(
        from table: String,
        where column: String,
        in keys: [String],
        alsoUnitIn units: [String]? = nil,
        _ db: Database
    ) throws {
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = Array(keys[start..<min(start + 500, keys.count)])
            var sql = "DELETE FROM \(table) WHERE \(column) IN (\(databaseQuestionMarks(count: chunk.count)))"
            var arguments = chunk
            if let units {
                sql += " AND unit IN (\(databaseQuestionMarks(count: units.count)))"
                arguments += units
            }
            try db.execute(sql: sql, arguments: StatementArguments(arguments))
        }
    }

    /// A moved unit's rows without what answers to units no longer above it: the forms, assignments
    /// and tasks of its old parent (and their reports, history and updates) stay with the old
    /// parent, which keeps the approved reports; `owners` are the units whose rows go along (the
    /// unit's new ancestors and the moving units themselves).
    static func forMove(_ tables: [HandoverTable], owners: Set<String>) -> [HandoverTable] {
        func text(_ row: [String: StoredValue], _ column: String) -> String? {
            if case .text(let value) = row[column] { return value }
            return nil
        }
        func ids(_ table: String, owner column: String) -> Set<String> {
            Set(
                tables.first { $0.name == table }?.rows.compactMap { row in
                    text(row, column).flatMap { owners.contains($0) ? text(row, "id") : nil }
                } ?? []
            )
        }
        let assignments = ids("assignments", owner: "assigned_by")
        let reports = ids("reports", owner: "form_owner")
        let tasks = ids("tasks", owner: "assigned_by")
        func keeps(_ table: String, _ row: [String: StoredValue]) -> Bool {
            switch table {
            case "forms": text(row, "owner_unit").map(owners.contains) ?? false
            case "assignments": text(row, "id").map(assignments.contains) ?? false
            case "reports": text(row, "id").map(reports.contains) ?? false
            case "tasks": text(row, "id").map(tasks.contains) ?? false
            case "assignment_units", "assignment_amendments":
                text(row, "assignment_id").map(assignments.contains) ?? false
            case "report_events", "report_corrections", "attachments":
                text(row, "report_id").map(reports.contains) ?? false
            case "task_units", "task_updates", "task_reviews", "task_evidence":
                text(row, "task_id").map(tasks.contains) ?? false
            default: true
            }
        }
        return tables.map { table in HandoverTable(name: table.name, rows: table.rows.filter { keeps(table.name, $0) })
        }
    }

    /// A handover not finished that carries `unit`'s life (either way), if any.
    static func underWay(touching unit: String, _ db: Database) throws -> Record? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM handovers WHERE state IN ('requested', 'offered', 'expected', 'imported')
                    AND instr(',' || units || ',', ',' || ? || ',') > 0
                ORDER BY created_at DESC LIMIT 1
                """,
            arguments: [unit]
        ).map(record)
    }

    /// Whether a move of `unit` decided here waits for its life to come up from its old host: that
    /// node no longer serves it, and what this node holds of it gives way when the life arrives.
    static func moveAwaited(touching unit: String, _ db: Database) throws -> Bool {
        try underWay(touching: unit, db).map { $0.direction == .in && $0.state == .requested && $0.change != nil }
            ?? false
    }

    /// The handovers not finished that involve the node `name` (its join, its retirement, a unit
    /// moving from or to it).
    static func unfinished(node name: String, _ db: Database) throws -> [Record] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM handovers WHERE node = ? AND state IN ('requested', 'offered', 'expected', 'imported')
                ORDER BY created_at
                """,
            arguments: [name]
        ).map(record)
    }

    /// What a retirement of a lost node notes on the handovers it closes: their data never came.
    static let lostNote = "closed: the node's machine was lost; its data did not come"
}

/// A handover that cannot be written here, with the reason (the new node keeps asking, and says
/// why in its link status).
package struct HandoverRefused: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

extension StoredValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let bytes): self = .blob(bytes)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): bytes.databaseValue
        }
    }
}

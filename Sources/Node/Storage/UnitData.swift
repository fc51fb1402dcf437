import GRDB

/// What a node holds for some units: asked before a unit leaves this node for a node of its own.
enum UnitData {
    /// Accounts that live here (not the records of accounts delegated to a node below) and
    /// reports, for `units`.
    static func held(by units: [String], _ db: Database) throws -> (accounts: Int, reports: Int) {
        guard !units.isEmpty else { return (0, 0) }
        let marks = databaseQuestionMarks(count: units.count)
        let arguments = StatementArguments(units)
        let accounts =
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM accounts WHERE status != 'delegated' AND unit IN (\(marks))",
                arguments: arguments
            ) ?? 0
        let reports =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports WHERE unit IN (\(marks))", arguments: arguments)
            ?? 0
        return (accounts, reports)
    }
}

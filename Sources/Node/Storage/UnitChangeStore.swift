import GRDB

/// The `unit_changes` table read as a log: the changes to the tree kept here, in the order they
/// were kept. Every function runs in the caller's transaction.
enum UnitChangeStore {
    /// Every change kept, in order.
    static func all(_ db: Database) throws -> [UnitChangeRecord] {
        try UnitChangeRecord.order(Column("seq")).fetchAll(db)
    }

    /// Whether the change with this id is kept.
    static func holds(_ changeID: String, _ db: Database) throws -> Bool {
        try UnitChangeRecord.filter(Column("id") == changeID).fetchOne(db) != nil
    }
}

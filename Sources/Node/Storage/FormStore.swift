import GRDB

/// The `forms` table read by owner: each form version a unit defined. Every function runs in the
/// caller's transaction.
enum FormStore {
    /// The owner's form versions, oldest version first.
    static func forms(of owner: String, _ db: Database) throws -> [FormRecord] {
        try FormRecord.filter(Column("owner_unit") == owner).order(Column("version")).fetchAll(db)
    }

    /// The form versions of the owners, by owner, code and version.
    static func forms(ofAny owners: [String], _ db: Database) throws -> [FormRecord] {
        try FormRecord.filter(owners.contains(Column("owner_unit"))).order(
            Column("owner_unit"),
            Column("code"),
            Column("version")
        ).fetchAll(db)
    }

    /// The latest version of the owner's form with this code.
    static func latest(owner: String, code: String, _ db: Database) throws -> FormRecord? {
        try FormRecord.filter(Column("owner_unit") == owner && Column("code") == code).order(
            Column("version").desc
        ).fetchOne(db)
    }
}

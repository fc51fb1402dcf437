import Auth
import Foundation
import GRDB

/// The `accounts` table beyond reading and writing one record by username: who holds a citizen
/// ID, an account's unit, the accounts hosted here, those an admin manages, those named. Every
/// function runs in the caller's transaction.
enum AccountStore {
    /// The active account that holds the citizen ID, if any.
    static func active(citizenId: String, _ db: Database) throws -> AccountRecord? {
        try AccountRecord.filter(sql: "citizen_id = ? AND status = 'active'", arguments: [citizenId])
            .fetchOne(db)
    }

    /// The account (not disabled) that holds a citizen ID, other than `username`'s.
    static func holder(
        ofCitizenId citizenId: String,
        except username: String?,
        _ db: Database
    ) throws
        -> AccountRecord?
    {
        try AccountRecord.filter(
            sql: "citizen_id = ? AND status != 'disabled' AND username != ?",
            arguments: [citizenId, username ?? ""]
        ).fetchOne(db)
    }

    /// The unit of the account, if it is held.
    static func unit(of username: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT unit FROM accounts WHERE username = ?",
            arguments: [username]
        )
    }

    /// The accounts whose owners log in on this node.
    static func hostedHere(_ db: Database) throws -> [AccountRecord] {
        try AccountRecord.filter(Column("hosted_here") == true).fetchAll(db)
    }

    /// The accounts of the unit and the admins of the units listed, by unit then username.
    static func accounts(of unit: String, andAdminsOf below: [String], _ db: Database) throws -> [AccountRecord] {
        try AccountRecord.filter(
            Column("unit") == unit
                || (below.contains(Column("unit")) && Column("role") == Role.admin.rawValue)
        )
        .order(Column("unit"), Column("username")).fetchAll(db)
    }

    /// The accounts held with these usernames.
    static func accounts(named usernames: [String], _ db: Database) throws -> [AccountRecord] {
        try AccountRecord.filter(keys: usernames).fetchAll(db)
    }
}

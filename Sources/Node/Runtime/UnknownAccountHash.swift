import Auth
import Synchronization

/// The hash a login for an unknown account is checked against, so that refusing it costs what
/// refusing a known account's wrong password costs. It is the hash of a random secret nobody holds,
/// made once per cost for the whole process: nodes started together (the demo, the national
/// benchmark's thousands) do not each pay a bcrypt at start.
enum UnknownAccountHash {
    private static let table = Mutex<[UInt8: String]>([:])

    static func made(by hasher: PasswordHasher) -> String {
        if let hash = table.withLock({ $0[hasher.cost] }) { return hash }
        let hash = hasher.hash(Secret.token())
        return table.withLock { table in
            if let first = table[hasher.cost] { return first }
            table[hasher.cost] = hash
            return hash
        }
    }
}

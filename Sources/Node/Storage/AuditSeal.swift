import Auth
import Crypto
import Foundation
import GRDB

/// Seals audit entries with a key only the node holds, so that someone who can write the database
/// file but not read the node key cannot rewrite the trail and recompute its hash chain: each
/// entry's seal is HMAC-SHA256 of its hash under a key derived from the node key.
struct AuditSeal: Sendable {
    /// The derived key's bytes (swift-crypto's key type is not Sendable here).
    private let key: Data

    init(key: NodeKey) {
        self.key = key.derived(purpose: "reportnet audit seal v1")
    }

    func seal(_ hash: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(hash.utf8), using: SymmetricKey(data: key))
        return Hex.encode(code)
    }

    /// `audit_seal(hash)`, registered on every connection of the node's database.
    var sqlFunction: DatabaseFunction {
        DatabaseFunction("audit_seal", argumentCount: 1, pure: true) { [self] values in
            guard let hash = String.fromDatabaseValue(values[0]) else { return nil }
            return seal(hash)
        }
    }
}

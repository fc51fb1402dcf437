import Auth
import Foundation
import GRDB

/// A login answer: a session (bearer token, or a cookie for browsers with its CSRF token), and
/// what the person must do before anything else (give the MFA code, change the password, enrol MFA).
struct SessionGrant: Codable, Sendable {
    let token: String?
    let csrfToken: String?
    let expiresAt: Date
    let account: AccountView
    /// "mfa_code", "password_change", "mfa_enrolment", or nil when the session is complete.
    let next: String?
}

/// The session behind a request, with its account.
struct ActiveSession: Sendable {
    let record: SessionRecord
    let account: AccountRecord

    /// What must happen before the account may do anything else.
    var pending: String? {
        if record.stage == .mfa { return "mfa_code" }
        if account.mustChangePassword { return "password_change" }
        if account.needsMFA && !account.mfaEnabled { return "mfa_enrolment" }
        return nil
    }
}

extension LocalNode {
    static let sessionLifetime: TimeInterval = 8 * 3600
    /// Failed logins in a row before the account is locked, and for how long.
    static let failuresBeforeLock = 5
    static let lockDuration: TimeInterval = 15 * 60

    /// Password login, by username or citizen ID. Failures slow the answer down and then lock the
    /// account for a while; the lock and its end are in the audit trail.
    func login(identifier: String, password: String, browser: Bool, source: String) async throws -> (grant: SessionGrant, token: String) {
        let identifier = identifier.trimmingCharacters(in: .whitespaces).lowercased()
        let refusal = APIError(status: .unauthorized, code: "login_failed", message: "Tên đăng nhập hoặc mật khẩu không đúng", messageEN: "Wrong username or password")
        let account = try await database.pool.read { db in
            CitizenID.isValid(identifier)
                ? try AccountRecord.filter(sql: "citizen_id = ? AND status = 'active'", arguments: [identifier]).fetchOne(db)
                : try AccountRecord.fetchOne(db, key: identifier)
        }
        guard let account, account.status == .active, account.hostedHere, let hash = account.passwordHash else {
            try await database.pool.write { db in try AuditTrail.record(db, actor: identifier, unit: "", action: "login.failed", target: identifier, source: source) }
            throw refusal
        }
        if let until = account.lockedUntil, until > Date() { throw Self.locked(until: until) }
        guard try await verifySecret(password, hash: hash) else {
            let (failures, lockedUntil) = try await database.pool.write { db -> (Int, Date?) in
                var current = try AccountRecord.fetchOne(db, key: account.username) ?? account
                current.failedLogins += 1
                var until: Date?
                if current.failedLogins >= Self.failuresBeforeLock {
                    until = Date().addingTimeInterval(Self.lockDuration)
                    current.lockedUntil = until
                    current.failedLogins = 0
                    try AuditTrail.record(db, actor: account.username, unit: account.unit, action: "account.locked", target: account.username,
                                          detail: "until \(ISO8601DateFormatter().string(from: until!))", source: source)
                }
                try current.update(db)
                try AuditTrail.record(db, actor: account.username, unit: account.unit, action: "login.failed", target: account.username, source: source)
                return (current.failedLogins, until)
            }
            // Each failure in a row answers more slowly (doubling, up to 16 times the first pause), to blunt guessing.
            try await Task.sleep(for: loginDelay * (1 << min(max(failures - 1, 0), 4)))
            if let lockedUntil { throw Self.locked(until: lockedUntil) }
            throw refusal
        }
        let token = Secret.token()
        let now = Date()
        let session = SessionRecord(tokenHash: Secret.digest(token), username: account.username, createdAt: now, expiresAt: now.addingTimeInterval(Self.sessionLifetime),
                                    kind: browser ? .cookie : .bearer, stage: account.mfaEnabled ? .mfa : .full,
                                    csrfToken: browser ? Secret.token() : nil, source: source)
        let updated = try await database.pool.write { db -> AccountRecord in
            var updated = try AccountRecord.fetchOne(db, key: account.username) ?? account
            if let until = updated.lockedUntil {
                try AuditTrail.record(db, actor: account.username, unit: account.unit, action: "account.unlocked", target: account.username,
                                      detail: "lock ended \(ISO8601DateFormatter().string(from: until))", source: source)
            }
            updated.failedLogins = 0
            updated.lockedUntil = nil
            try updated.update(db)
            try session.insert(db)
            try AuditTrail.record(db, actor: account.username, unit: account.unit, action: session.stage == .mfa ? "login.password" : "login", target: account.username, source: source)
            return updated
        }
        let active = ActiveSession(record: session, account: updated)
        return (SessionGrant(token: browser ? nil : token, csrfToken: session.csrfToken, expiresAt: session.expiresAt, account: AccountView(updated), next: active.pending), token)
    }

    static func locked(until: Date) -> APIError {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm dd/MM/yyyy"
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return APIError(status: .init(code: 423, reasonPhrase: "Locked"), code: "account_locked", message: "Tài khoản tạm khóa do đăng nhập sai nhiều lần, đến \(formatter.string(from: until))",
                        messageEN: "Account locked after repeated failures until \(ISO8601DateFormatter().string(from: until))",
                        details: ["until": ISO8601DateFormatter().string(from: until)])
    }

    /// The second step of a login: a TOTP code, or one of the recovery codes (used once).
    func completeLogin(_ session: ActiveSession, code: String, source: String) async throws -> SessionGrant {
        guard session.record.stage == .mfa else { throw APIError.conflict("Phiên đăng nhập đã xác thực", "This session needs no code") }
        guard try await checkSecondFactor(session.account, code: code) else {
            try await database.pool.write { db in
                try AuditTrail.record(db, actor: session.account.username, unit: session.account.unit, action: "login.mfa_failed", target: session.account.username, source: source)
            }
            throw APIError(status: .unauthorized, code: "mfa_failed", message: "Mã xác thực không đúng", messageEN: "Wrong authentication code")
        }
        var completed = session.record
        completed.stage = .full
        let record = completed
        let account = try await database.pool.write { db -> AccountRecord in
            try record.update(db)
            try AuditTrail.record(db, actor: session.account.username, unit: session.account.unit, action: "login", target: session.account.username, source: source)
            return try AccountRecord.fetchOne(db, key: session.account.username) ?? session.account
        }
        let active = ActiveSession(record: record, account: account)
        return SessionGrant(token: nil, csrfToken: record.csrfToken, expiresAt: record.expiresAt, account: AccountView(account), next: active.pending)
    }

    /// The session behind a token, if it is alive and its account active.
    func session(forToken token: String) async throws -> ActiveSession? {
        try await database.pool.read { db in
            guard let session = try SessionRecord.fetchOne(db, key: Secret.digest(token)), session.expiresAt > Date(),
                  let account = try AccountRecord.fetchOne(db, key: session.username), account.status == .active else { return nil }
            return ActiveSession(record: session, account: account)
        }
    }

    /// Ends one session; false when there was none (already over, or not a token of this node).
    func logout(token: String) async throws -> Bool {
        try await database.pool.write { db in
            guard let session = try SessionRecord.fetchOne(db, key: Secret.digest(token)) else { return false }
            _ = try session.delete(db)
            try AuditTrail.record(db, actor: session.username, unit: "", action: "logout", target: session.username)
            return true
        }
    }

    /// Ends every session of an account (inside the caller's transaction).
    static func endSessions(of username: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE username = ?", arguments: [username])
    }

    /// The owner changes their password: the current one, then a new one under the policy. Other
    /// sessions of the account end.
    func changePassword(_ session: ActiveSession, current: String, new: String, by actor: Actor) async throws {
        guard let hash = session.account.passwordHash, try await verifySecret(current, hash: hash) else {
            throw APIError.invalid("Mật khẩu hiện tại không đúng", "The current password is wrong", details: ["current": "wrong"])
        }
        if let problem = PasswordPolicy.problem(password: new, username: session.account.username) {
            throw APIError.invalid(problem, "Password does not meet the policy", details: ["password": problem])
        }
        guard new != current else { throw APIError.invalid("Mật khẩu mới phải khác mật khẩu cũ", "Choose a new password", details: ["password": "same"]) }
        let newHash = try await hashSecret(new)
        try await database.pool.write { db in
            guard var account = try AccountRecord.fetchOne(db, key: session.account.username) else { throw APIError.unauthenticated }
            account.passwordHash = newHash
            account.mustChangePassword = false
            account.updatedAt = Date()
            try account.update(db)
            try db.execute(sql: "DELETE FROM sessions WHERE username = ? AND token_hash != ?", arguments: [account.username, session.record.tokenHash])
            try AuditTrail.record(db, actor, action: "account.password_change", target: account.username)
        }
    }

    /// Ends all sessions of the actor's own account (everywhere, including this one).
    func revokeOwnSessions(_ actor: Actor) async throws {
        try await database.pool.write { db in
            try Self.endSessions(of: actor.username, db)
            try AuditTrail.record(db, actor, action: "sessions.revoke", target: actor.username)
        }
    }
}

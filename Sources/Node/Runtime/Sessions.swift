import Auth
import Foundation
import GRDB

/// A login answer: a session (bearer token, or a cookie for browsers with its CSRF token), and
/// what the person must do before anything else (give the MFA code, change the password, enrol MFA).
package struct SessionGrant: Codable, Sendable {
    let token: String?
    let csrfToken: String?
    let expiresAt: Date
    package let account: AccountView
    /// "mfa_code", "password_change", "mfa_enrolment", or nil when the session is complete.
    package let next: String?
}

/// The session behind a request, with its account.
package struct ActiveSession: Sendable {
    package let record: SessionRecord
    package let account: AccountRecord

    /// What must happen before the account may do anything else.
    package var pending: String? {
        if record.stage == .mfa { return "mfa_code" }
        if account.mustChangePassword { return "password_change" }
        if account.needsMFA && !account.mfaEnabled { return "mfa_enrolment" }
        return nil
    }
}

/// The sessions of the accounts hosted here: password login and its second step, logout, the
/// session behind a token, password changes and MFA enrolment (`SecondFactors.swift`). Its own
/// service because it alone holds the login pacing and the key that seals second-factor secrets.
package struct Sessions: NodeService {
    let context: NodeContext
    let secrets: SecretHashing
    /// Seals second-factor secrets at rest.
    let key: NodeKey
    /// The pause after a first failed login; it doubles with each failure in a row (up to 16×).
    let loginDelay: Duration
    /// Checked against for unknown accounts, so that their refusal takes as long as a real one.
    let dummyHash: String

    package static let lifetime: TimeInterval = 8 * 3600
    /// Failed logins in a row before the account is locked, and for how long.
    static let failuresBeforeLock = 5
    static let lockDuration: TimeInterval = 15 * 60

    /// Password login, by username or citizen ID. Every attempt is counted before the password is
    /// checked (so parallel guesses cannot outrun the lock); failures slow the answer down and the
    /// fifth in a row locks the account for a while; the lock and its end are in the audit trail.
    /// Unknown accounts cost the same time as known ones.
    package func login(
        identifier: String,
        password: String,
        browser: Bool,
        source: String
    ) async throws -> (grant: SessionGrant, token: String) {
        let identifier = identifier.trimmingCharacters(in: .whitespaces).lowercased()
        let refusal = DomainError(.loginFailed)
        try await refuseIfServedElsewhere(identifier, source: source)
        let attempt = try await database.pool.write { db -> (account: AccountRecord, failures: Int)? in
            let found =
                CitizenID.isValid(identifier)
                ? try AccountStore.active(citizenId: identifier, db)
                : try AccountRecord.fetchOne(db, key: identifier)
            guard var account = found, account.status == .active, account.hostedHere, account.passwordHash != nil else {
                try audit.record(
                    db,
                    actor: Self.auditName(identifier),
                    unit: "",
                    action: "login.failed",
                    target: Self.auditName(identifier),
                    source: source
                )
                return nil
            }
            if let until = account.lockedUntil, until > clock.now() {
                try audit.record(
                    db,
                    actor: account.username,
                    unit: account.unit,
                    action: "login.refused_locked",
                    target: account.username,
                    source: source
                )
                throw Self.locked(until: until)
            }
            try registerFailure(&account, source: source, db)
            return (account, account.failedLogins)
        }
        guard let attempt, let hash = attempt.account.passwordHash, try await secrets.verify(password, hash: hash)
        else {
            if attempt == nil { _ = try await secrets.verify(password, hash: dummyHash) }
            // Each failure in a row answers more slowly (doubling, up to 16 times the first pause), to blunt guessing.
            try await Task.sleep(for: loginDelay * (1 << min(max((attempt?.failures ?? 1) - 1, 0), 4)))
            if let attempt {
                try await database.pool.write { db in
                    try audit.record(
                        db,
                        actor: attempt.account.username,
                        unit: attempt.account.unit,
                        action: "login.failed",
                        target: attempt.account.username,
                        source: source
                    )
                }
            }
            if let until = attempt?.account.lockedUntil, until > clock.now() { throw Self.locked(until: until) }
            throw refusal
        }
        let account = attempt.account
        let token = Secret.token()
        let now = clock.now()
        let session = SessionRecord(
            tokenHash: Secret.digest(token),
            username: account.username,
            createdAt: now,
            expiresAt: now.addingTimeInterval(Self.lifetime),
            kind: browser ? .cookie : .bearer,
            stage: account.mfaEnabled ? .mfa : .full,
            csrfToken: browser ? Secret.token() : nil,
            source: source
        )
        let updated = try await database.pool.write { db -> AccountRecord in
            var updated = try AccountRecord.fetchOne(db, key: account.username) ?? account
            // A lock set by guesses racing this one holds, even for the right password.
            if let until = updated.lockedUntil, until > clock.now() { throw Self.locked(until: until) }
            if let until = updated.lockedUntil {
                try audit.record(
                    db,
                    actor: account.username,
                    unit: account.unit,
                    action: "account.unlocked",
                    target: account.username,
                    detail: "lock ended \(ISO8601DateFormatter().string(from: until))",
                    source: source
                )
            }
            // The attempt counted before the check was a success: give it back. Wrong codes (counted
            // at the second step) keep adding up until a code succeeds.
            updated.failedLogins = account.mfaEnabled ? max(updated.failedLogins - 1, 0) : 0
            updated.lockedUntil = nil
            try updated.update(db)
            try session.insert(db)
            try audit.record(
                db,
                actor: account.username,
                unit: account.unit,
                action: session.stage == .mfa ? "login.password" : "login",
                target: account.username,
                source: source
            )
            return updated
        }
        let active = ActiveSession(record: session, account: updated)
        return (
            SessionGrant(
                token: browser ? nil : token,
                csrfToken: session.csrfToken,
                expiresAt: session.expiresAt,
                account: AccountView(updated),
                next: active.pending
            ), token
        )
    }

    /// An account that used to log in here and whose unit's life moved to another node (its own
    /// new node, or the parent's when this node retired: `UnitHandovers`) is told where to log in, with or without the password: its record
    /// here holds none. Other accounts below (delegated to a node from the start) get the usual
    /// refusal.
    private func refuseIfServedElsewhere(_ identifier: String, source: String) async throws {
        let found = try await database.pool.read { db -> AccountRecord? in
            let named =
                CitizenID.isValid(identifier)
                ? try AccountStore.holder(ofCitizenId: identifier, except: nil, db)
                : try AccountRecord.fetchOne(db, key: identifier)
            guard let account = named,
                try HandoverStore.handedOver(account.unit, db)
            else { return nil }
            return account
        }
        // Moved down to the unit's own node, or (this node retired) back up to the parent's.
        guard let found, let host = hosts(found.unit) ? parent : deployment.hostingNode(of: found.unit),
            host.name != node.name
        else { return }
        try await database.pool.write { db in
            try audit.record(
                db,
                actor: found.username,
                unit: found.unit,
                action: "login.served_elsewhere",
                target: found.username,
                detail: "node \(host.name)",
                source: source
            )
        }
        throw DomainError(.accountServedElsewhere(node: host.name, address: "https://\(host.web)"))
    }

    static func locked(until: Date) -> DomainError {
        DomainError(.accountLocked(until: until), details: ["until": ISO8601DateFormatter().string(from: until)])
    }

    /// The second step of a login: a TOTP code, or one of the recovery codes (used once). Wrong
    /// codes count toward the lock like wrong passwords, and end the waiting session at the lock.
    /// A new token replaces the one that was issued before the code.
    package func complete(
        _ session: ActiveSession,
        code: String,
        source: String
    ) async throws -> (grant: SessionGrant, token: String) {
        guard session.record.stage == .mfa else {
            throw DomainError(.sessionNeedsNoCode)
        }
        guard try await checkSecondFactor(session.account, code: code) else {
            let locked = try await database.pool.write { db -> Date? in
                guard var account = try AccountRecord.fetchOne(db, key: session.account.username) else { return nil }
                try registerFailure(&account, source: source, db)
                try audit.record(
                    db,
                    actor: account.username,
                    unit: account.unit,
                    action: "login.mfa_failed",
                    target: account.username,
                    source: source
                )
                if let until = account.lockedUntil {
                    try Sessions.endAll(of: account.username, db)
                    return until
                }
                return nil
            }
            if let locked { throw Self.locked(until: locked) }
            throw DomainError(.secondFactorFailed)
        }
        let token = Secret.token()
        var completed = session.record
        completed.tokenHash = Secret.digest(token)
        completed.stage = .full
        let record = completed
        let account = try await database.pool.write { db -> AccountRecord in
            // Logged out, disabled or reset meanwhile: the code no longer opens anything.
            guard try SessionRecord.deleteOne(db, key: session.record.tokenHash),
                var account = try AccountRecord.fetchOne(db, key: session.account.username),
                account.status == .active
            else { throw DomainError(.notLoggedIn) }
            try record.insert(db)
            account.failedLogins = 0
            try account.update(db)
            try audit.record(
                db,
                actor: account.username,
                unit: account.unit,
                action: "login",
                target: account.username,
                source: source
            )
            return account
        }
        let active = ActiveSession(record: record, account: account)
        return (
            SessionGrant(
                token: record.kind == .bearer ? token : nil,
                csrfToken: record.csrfToken,
                expiresAt: record.expiresAt,
                account: AccountView(account),
                next: active.pending
            ), token
        )
    }

    /// Counts a failed attempt (or one about to be checked); the fifth in a row locks the account.
    func registerFailure(_ account: inout AccountRecord, source: String, _ db: Database) throws {
        account.failedLogins += 1
        if account.failedLogins >= Self.failuresBeforeLock {
            let until = clock.now().addingTimeInterval(Self.lockDuration)
            account.lockedUntil = until
            account.failedLogins = 0
            try audit.record(
                db,
                actor: account.username,
                unit: account.unit,
                action: "account.locked",
                target: account.username,
                detail: "until \(ISO8601DateFormatter().string(from: until))",
                source: source
            )
        }
        try account.update(db)
    }

    /// What the audit keeps of a typed login name: the name when it could be one, else a digest
    /// (people type passwords into the wrong field; the trail is append-only).
    static func auditName(_ typed: String) -> String {
        if Username.isValid(typed) || CitizenID.isValid(typed) { return typed }
        return "invalid:" + Secret.digest(typed).prefix(16)
    }

    /// The session behind a token, if it is alive and its account active.
    package func session(forToken token: String) async throws -> ActiveSession? {
        try await database.pool.read { db in
            guard let session = try SessionRecord.fetchOne(db, key: Secret.digest(token)),
                session.expiresAt > clock.now(),
                let account = try AccountRecord.fetchOne(db, key: session.username), account.status == .active
            else { return nil }
            return ActiveSession(record: session, account: account)
        }
    }

    /// Ends one session; false when there was none (already over, or not a token of this node).
    package func logout(token: String, source: String) async throws -> Bool {
        try await database.pool.write { db in
            guard let session = try SessionRecord.fetchOne(db, key: Secret.digest(token)) else { return false }
            _ = try session.delete(db)
            let unit = try AccountStore.unit(of: session.username, db) ?? ""
            try audit.record(
                db,
                actor: session.username,
                unit: unit,
                action: "logout",
                target: session.username,
                source: source
            )
            return true
        }
    }

    /// Ends every session of an account (inside the caller's transaction).
    static func endAll(of username: String, _ db: Database) throws {
        try SessionStore.endAll(of: username, db)
    }

    /// The owner changes their password: the current one, then a new one under the policy. Other
    /// sessions of the account end.
    package func changePassword(_ session: ActiveSession, current: String, new: String, by actor: Actor) async throws {
        guard let hash = session.account.passwordHash, try await secrets.verify(current, hash: hash) else {
            throw DomainError(.currentPasswordWrong, details: ["current": "wrong"])
        }
        if let problem = PasswordPolicy.problem(password: new, username: session.account.username) {
            throw DomainError(.passwordPolicy(problem), details: ["password": problem])
        }
        guard new != current else {
            throw DomainError(.passwordUnchanged, details: ["password": "same"])
        }
        let newHash = try await secrets.hash(new)
        try await database.pool.write { db in
            guard var account = try AccountRecord.fetchOne(db, key: session.account.username) else {
                throw DomainError(.notLoggedIn)
            }
            account.passwordHash = newHash
            account.mustChangePassword = false
            account.updatedAt = clock.now()
            try account.update(db)
            try SessionStore.endOthers(of: account.username, keeping: session.record.tokenHash, db)
            try audit.record(db, actor, action: "account.password_change", target: account.username)
        }
    }

    /// Ends all sessions of the actor's own account (everywhere, including this one).
    package func revokeOwn(by actor: Actor) async throws {
        try await database.pool.write { db in
            try Sessions.endAll(of: actor.username, db)
            try audit.record(db, actor, action: "sessions.revoke", target: actor.username)
        }
    }
}

import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// What an admin sends to create an account.
struct NewAccount: Codable, Sendable {
    var username: String
    var fullName: String
    var citizenId: String?
    var unit: String
    var role: Role
    var permissions: [Permission]?
}

/// The answer to an account creation: the one-time code is shown once, to the creating admin.
struct CreatedAccount: Codable, Sendable {
    let username: String
    let unit: String
    let role: Role
    let status: String
    let activationCode: String
    let deliveredTo: String
}

/// An account as the API shows it (never its secrets).
struct AccountView: Codable, Sendable {
    let username: String
    let fullName: String
    let citizenId: String?
    let unit: String
    let role: Role
    let permissions: [Permission]
    let status: String

    init(_ record: AccountRecord) {
        username = record.username
        fullName = record.fullName
        citizenId = record.citizenId
        unit = record.unit
        role = record.role
        permissions = record.permissions.sorted()
        status = record.status.rawValue
    }
}

/// A logged-in session.
struct SessionGrant: Codable, Sendable {
    let token: String
    let expiresAt: Date
    let account: AccountView
}

extension LocalNode {
    static let sessionLifetime: TimeInterval = 8 * 3600

    /// Creates an account under the delegation rules. In a unit hosted here it waits for
    /// activation here; in a unit hosted below it travels down the feed to its node.
    func createAccount(_ request: NewAccount, by actor: Actor) async throws -> CreatedAccount {
        let username = request.username.lowercased()
        guard Username.isValid(username) else {
            throw APIError.invalid("Tên đăng nhập chỉ gồm chữ thường, số, '.', '_', '-' (3–64 ký tự)", "Username: 3–64 of a-z, 0-9, '.', '_', '-'", details: ["username": "invalid"])
        }
        let fullName = request.fullName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !fullName.isEmpty, fullName.count <= 200 else {
            throw APIError.invalid("Họ và tên không được để trống", "Full name is required", details: ["fullName": "required"])
        }
        if let citizenId = request.citizenId, !CitizenID.isValid(citizenId) {
            throw APIError.invalid("Số định danh cá nhân phải gồm 12 chữ số hợp lệ", "Citizen ID must be 12 valid digits", details: ["citizenId": "invalid"])
        }
        let permissions = Set(request.permissions ?? Array(request.role.permissions))
        if let refusal = Delegation.refusalToCreate(by: actor, unit: request.unit, role: request.role, permissions: permissions, in: tree) {
            throw refusal == .unknownUnit(request.unit)
                ? APIError.invalid(refusal.description, "Unknown unit", details: ["unit": "unknown"])
                : APIError.forbidden(refusal.description, "Delegation rules refuse this account")
        }
        let code = Secret.activationCode()
        let activationHash = try await hashSecret(code)
        let hostedHere = hosts(request.unit)
        let destination = hostedHere ? nil : deployment.childNode(of: node, toward: request.unit)
        if !hostedHere && destination == nil {
            throw APIError.forbidden("Đơn vị này không thuộc phạm vi của máy chủ này", "This unit is not served from this node")
        }
        let now = Date()
        let record = AccountRecord(
            username: username, citizenId: request.citizenId, fullName: fullName, unit: request.unit, role: request.role,
            permissions: permissions.sorted(), status: hostedHere ? .pending : .delegated, passwordHash: nil,
            activationHash: hostedHere ? activationHash : nil, hostedHere: hostedHere, createdBy: actor.username, createdAt: now, updatedAt: now)
        try await database.pool.write { db in
            try Self.refuseDuplicate(db, username: username, citizenId: request.citizenId, fullName: fullName)
            try record.insert(db)
            if let destination {
                let body = ProvisionedAccount(username: username, citizenId: request.citizenId, fullName: fullName, unit: request.unit,
                                              role: request.role, permissions: permissions.sorted(), activationHash: activationHash, createdBy: actor.username)
                try appendToFeed(db, audience: destination.unit, kind: .accountProvisioned, unit: request.unit, body: body)
            }
            try AuditTrail.record(db, actor: actor.username, unit: actor.unit, action: "account.create", target: username,
                                  detail: "unit=\(request.unit) role=\(request.role.rawValue)")
        }
        if destination != nil { feedSignal.notify() }
        return CreatedAccount(username: username, unit: request.unit, role: request.role, status: record.status.rawValue,
                              activationCode: code, deliveredTo: destination?.name ?? node.name)
    }

    static func refuseDuplicate(_ db: Database, username: String, citizenId: String?, fullName: String) throws {
        if try AccountRecord.fetchOne(db, key: username) != nil {
            throw APIError.conflict("Tên đăng nhập “\(username)” đã được sử dụng", "Username already taken", details: ["username": "taken"])
        }
        if let citizenId, let existing = try AccountRecord.filter(sql: "citizen_id = ? AND status != 'disabled'", arguments: [citizenId]).fetchOne(db) {
            throw APIError.conflict("Công dân \(existing.fullName) đã được tạo tài khoản đang hoạt động trong hệ thống",
                                    "Citizen \(existing.fullName) already has an active account", details: ["citizenId": "taken"])
        }
    }

    /// Applies an account delivered from above: pending here if hosted here, passed further down otherwise.
    func receive(_ account: ProvisionedAccount, _ db: Database) throws -> String {
        if hosts(account.unit) {
            try Self.refuseDuplicate(db, username: account.username, citizenId: account.citizenId, fullName: account.fullName)
            let now = Date()
            try AccountRecord(username: account.username, citizenId: account.citizenId, fullName: account.fullName, unit: account.unit,
                              role: account.role, permissions: account.permissions, status: .pending, passwordHash: nil,
                              activationHash: account.activationHash, hostedHere: true, createdBy: account.createdBy, createdAt: now, updatedAt: now).insert(db)
            try AuditTrail.record(db, actor: account.createdBy, unit: tree[account.unit]?.parent ?? "", action: "account.delivered", target: account.username)
            return "account \(account.username) waits for activation"
        }
        guard let child = deployment.childNode(of: node, toward: account.unit) else {
            throw APIError.forbidden("unit \(account.unit) is not below this node", "unit \(account.unit) is not below this node")
        }
        try appendToFeed(db, audience: child.unit, kind: .accountProvisioned, unit: account.unit, body: account)
        return "account \(account.username) passed down to \(child.name)"
    }

    /// The owner activates a delivered account with the one-time code and chooses a password.
    func activate(username: String, code: String, password: String) async throws -> AccountView {
        let username = username.lowercased()
        let refusal = APIError(status: .unauthorized, code: "activation_failed", message: "Tên đăng nhập hoặc mã kích hoạt không đúng",
                               messageEN: "Wrong username or activation code")
        guard let account = try await database.pool.read({ try AccountRecord.fetchOne($0, key: username) }),
              account.status == .pending, let hash = account.activationHash else { throw refusal }
        guard try await verifySecret(Secret.normalisedActivationCode(code), hash: hash) else { throw refusal }
        if let problem = PasswordPolicy.problem(password: password, username: username) {
            throw APIError.invalid(problem, "Password does not meet the policy", details: ["password": problem])
        }
        let passwordHash = try await hashSecret(password)
        let updated = try await database.pool.write { db -> AccountRecord? in
            // Re-read inside the write: two activations racing must not both win.
            guard var current = try AccountRecord.fetchOne(db, key: username), current.status == .pending else { return nil }
            current.status = .active
            current.passwordHash = passwordHash
            current.activationHash = nil
            current.updatedAt = Date()
            try current.update(db)
            try AuditTrail.record(db, actor: username, unit: current.unit, action: "account.activate", target: username)
            return current
        }
        guard let updated else { throw refusal }
        return AccountView(updated)
    }

    /// Password login; returns a bearer token whose hash only is stored.
    func login(username: String, password: String) async throws -> SessionGrant {
        let username = username.lowercased()
        let refusal = APIError(status: .unauthorized, code: "login_failed", message: "Tên đăng nhập hoặc mật khẩu không đúng", messageEN: "Wrong username or password")
        let account = try await database.pool.read { try AccountRecord.fetchOne($0, key: username) }
        guard let account, account.status == .active, account.hostedHere, let hash = account.passwordHash,
              try await verifySecret(password, hash: hash) else {
            try await database.pool.write { db in
                try AuditTrail.record(db, actor: username, unit: account?.unit ?? "", action: "login.failed", target: username)
            }
            throw refusal
        }
        let token = Secret.token()
        let now = Date()
        let session = SessionRecord(tokenHash: Secret.digest(token), username: username, createdAt: now, expiresAt: now.addingTimeInterval(Self.sessionLifetime))
        try await database.pool.write { db in
            try session.insert(db)
            try AuditTrail.record(db, actor: username, unit: account.unit, action: "login", target: username)
        }
        return SessionGrant(token: token, expiresAt: session.expiresAt, account: AccountView(account))
    }

    /// The active account behind a bearer token, if the session is alive.
    func account(forToken token: String) async throws -> AccountRecord? {
        try await database.pool.read { db in
            guard let session = try SessionRecord.fetchOne(db, key: Secret.digest(token)), session.expiresAt > Date(),
                  let account = try AccountRecord.fetchOne(db, key: session.username), account.status == .active else { return nil }
            return account
        }
    }

    func logout(token: String) async throws {
        _ = try await database.pool.write { db in
            try SessionRecord.deleteOne(db, key: Secret.digest(token))
        }
    }

    /// Accounts of the actor's unit and of the units directly below (the admins it appointed).
    func accounts(visibleTo actor: Actor) async throws -> [AccountView] {
        guard actor.holds(.manageUsers) else { throw APIError.forbidden() }
        let units = [actor.unit] + tree.children(of: actor.unit).map(\.code)
        return try await database.pool.read { db in
            try AccountRecord.filter(units.contains(Column("unit"))).order(Column("unit"), Column("username")).fetchAll(db).map(AccountView.init)
        }
    }

    /// Creates an active account directly (demo seeding and the bootstrap command).
    func seedAccount(username: String, fullName: String, unit: String, role: Role, password: String) async throws {
        let hash = try await hashSecret(password)
        let now = Date()
        try await database.pool.write { db in
            try AccountRecord(username: username, citizenId: nil, fullName: fullName, unit: unit, role: role, permissions: role.permissions.sorted(),
                              status: .active, passwordHash: hash, activationHash: nil, hostedHere: true, createdBy: "bootstrap",
                              createdAt: now, updatedAt: now).upsert(db)
            try AuditTrail.record(db, actor: "bootstrap", unit: unit, action: "account.seed", target: username)
        }
    }
}

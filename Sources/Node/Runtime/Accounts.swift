import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// What an admin sends to create an account.
package struct NewAccount: Codable, Sendable {
    var username: String
    var fullName: String
    var citizenId: String?
    var unit: String
    var role: Role
    var permissions: [Permission]?

    package init(
        username: String,
        fullName: String,
        citizenId: String? = nil,
        unit: String,
        role: Role,
        permissions: [Permission]? = nil
    ) {
        self.username = username
        self.fullName = fullName
        self.citizenId = citizenId
        self.unit = unit
        self.role = role
        self.permissions = permissions
    }
}

/// The answer to an account creation: the one-time code is shown once, to the creating admin.
package struct CreatedAccount: Codable, Sendable {
    package let username: String
    let unit: String
    let role: Role
    let status: String
    package let activationCode: String
    package let deliveredTo: String
}

/// An account as the API shows it (never its secrets).
package struct AccountView: Codable, Sendable {
    package let username: String
    package let fullName: String
    package let citizenId: String?
    package let unit: String
    package let role: Role
    package let permissions: [Permission]
    package let status: String
    let mfaEnabled: Bool
    let lockedUntil: Date?
    /// For one's own account: what must happen before anything else, if anything.
    var pending: String?

    package init(_ record: AccountRecord, pending: String? = nil) {
        username = record.username
        fullName = record.fullName
        citizenId = record.citizenId
        unit = record.unit
        role = record.role
        permissions = record.permissions.sorted()
        status = record.status.rawValue
        mfaEnabled = record.mfaEnabled
        lockedUntil = record.lockedUntil
        self.pending = pending
    }
}

/// The accounts of this node and of the units it manages, under the delegation rules: created,
/// activated, edited, disabled, enabled and reset here, and the changes that reach them through
/// the federation (accounts delivered from above, changes from above, admins registered below).
/// Its own service so that account rules need only the context and the password hasher.
package struct Accounts: NodeService {
    let context: NodeContext
    let secrets: SecretHashing

    /// Creates an account under the delegation rules. In a unit hosted here it waits for
    /// activation here; in a unit hosted below it travels down the feed to its node.
    package func create(_ request: NewAccount, by actor: Actor) async throws -> CreatedAccount {
        let username = request.username.lowercased()
        guard Username.isValid(username) else {
            throw DomainError(.usernameInvalid, details: ["username": "invalid"])
        }
        let fullName = try Self.checkedFullName(request.fullName)
        if let citizenId = request.citizenId { try Self.checkCitizenId(citizenId) }
        let permissions = Set(request.permissions ?? Array(request.role.permissions))
        if let refusal = Delegation.refusalToCreate(
            by: actor,
            unit: request.unit,
            role: request.role,
            permissions: permissions,
            in: tree
        ) {
            throw refusal == .unknownUnit(request.unit)
                ? DomainError(.delegationUnknownUnit(refusal), details: ["unit": "unknown"])
                : DomainError(.delegationRefusesAccount(refusal))
        }
        let code = Secret.activationCode()
        let activationHash = try await secrets.hash(code)
        let hostedHere = hosts(request.unit)
        let destination = hostedHere ? nil : deployment.childNode(of: node, toward: request.unit)
        if !hostedHere && destination == nil {
            throw DomainError(.unitNotServedHere)
        }
        let now = clock.now()
        let record = AccountRecord(
            username: username,
            citizenId: request.citizenId,
            fullName: fullName,
            unit: request.unit,
            role: request.role,
            permissions: permissions.sorted(),
            status: hostedHere ? .pending : .delegated,
            passwordHash: nil,
            activationHash: hostedHere ? activationHash : nil,
            hostedHere: hostedHere,
            createdBy: actor.username,
            createdAt: now,
            updatedAt: now
        )
        try await database.pool.write { db in
            try Self.refuseDuplicate(db, username: username, citizenId: request.citizenId)
            try record.insert(db)
            if let destination {
                let body = ProvisionedAccount(
                    username: username,
                    citizenId: request.citizenId,
                    fullName: fullName,
                    unit: request.unit,
                    role: request.role,
                    permissions: permissions.sorted(),
                    activationHash: activationHash,
                    createdBy: actor.username
                )
                try appendToFeed(
                    db,
                    audience: destination.unit,
                    kind: .accountProvisioned,
                    unit: request.unit,
                    body: body
                )
            }
            try audit.record(
                db,
                actor,
                action: "account.create",
                target: username,
                detail: "unit=\(request.unit) role=\(request.role.rawValue)"
            )
        }
        return CreatedAccount(
            username: username,
            unit: request.unit,
            role: request.role,
            status: record.status.rawValue,
            activationCode: code,
            deliveredTo: destination?.name ?? node.name
        )
    }

    static func refuseDuplicate(_ db: Database, username: String, citizenId: String?) throws {
        if try AccountRecord.fetchOne(db, key: username) != nil {
            throw DomainError(.usernameTaken(username), details: ["username": "taken"])
        }
        if let citizenId { try refuseTakenCitizenId(citizenId, except: nil, db) }
    }

    /// The account (not disabled) that holds a citizen ID here, other than `username`'s.
    static func holder(ofCitizenId citizenId: String, except username: String?, _ db: Database) throws -> AccountRecord?
    {
        try AccountStore.holder(ofCitizenId: citizenId, except: username, db)
    }

    static func refuseTakenCitizenId(_ citizenId: String, except username: String?, _ db: Database) throws {
        if let existing = try holder(ofCitizenId: citizenId, except: username, db) {
            throw DomainError(.citizenHasAccount(fullName: existing.fullName), details: ["citizenId": "taken"])
        }
    }

    /// Applies an account delivered from above: pending here if hosted here, passed further down otherwise.
    func receive(_ account: ProvisionedAccount, _ db: Database) throws -> String {
        if hosts(account.unit) {
            // Delivered again (a parent restored from a backup re-reads its own feed): already held.
            if let held = try AccountRecord.fetchOne(db, key: account.username), held.unit == account.unit,
                held.role == account.role, held.createdBy == account.createdBy
            {
                return "account \(account.username) already delivered"
            }
            try Self.refuseDuplicate(db, username: account.username, citizenId: account.citizenId)
            let now = clock.now()
            try AccountRecord(
                username: account.username,
                citizenId: account.citizenId,
                fullName: account.fullName,
                unit: account.unit,
                role: account.role,
                permissions: account.permissions,
                status: .pending,
                passwordHash: nil,
                activationHash: account.activationHash,
                hostedHere: true,
                createdBy: account.createdBy,
                createdAt: now,
                updatedAt: now
            ).insert(db)
            try audit.record(
                db,
                actor: account.createdBy,
                unit: tree[account.unit]?.parent ?? "",
                action: "account.delivered",
                target: account.username
            )
            return "account \(account.username) waits for activation"
        }
        guard let child = deployment.childNode(of: node, toward: account.unit) else {
            throw Refusal("unit \(account.unit) is not below this node")
        }
        try appendToFeed(db, audience: child.unit, kind: .accountProvisioned, unit: account.unit, body: account)
        return "account \(account.username) passed down to \(child.name)"
    }

    /// The owner activates a delivered account with the one-time code and chooses a password.
    package func activate(username: String, code: String, password: String) async throws -> AccountView {
        let username = username.lowercased()
        let refusal = DomainError(.activationFailed)
        guard let account = try await database.pool.read({ try AccountRecord.fetchOne($0, key: username) }),
            account.status == .pending, let hash = account.activationHash
        else { throw refusal }
        guard try await secrets.verify(Secret.normalisedActivationCode(code), hash: hash) else { throw refusal }
        if let problem = PasswordPolicy.problem(password: password, username: username) {
            throw DomainError(.passwordPolicy(problem), details: ["password": problem])
        }
        let passwordHash = try await secrets.hash(password)
        let updated = try await database.pool.write { db -> AccountRecord? in
            // Re-read inside the write: two activations racing must not both win.
            guard var current = try AccountRecord.fetchOne(db, key: username), current.status == .pending else {
                return nil
            }
            current.status = .active
            current.passwordHash = passwordHash
            current.activationHash = nil
            current.updatedAt = clock.now()
            try current.update(db)
            try audit.record(db, actor: username, unit: current.unit, action: "account.activate", target: username)
            return current
        }
        guard let updated else { throw refusal }
        return AccountView(updated)
    }

    /// The accounts the actor administers: those of its unit, and the admins of the units
    /// directly below (never their other accounts, even when they live on this node).
    package func visible(to actor: Actor) async throws -> [AccountView] {
        guard actor.holds(.manageUsers) else { throw DomainError(.notAllowed) }
        let below = tree.children(of: actor.unit).map(\.code)
        return try await database.pool.read { db in
            try AccountStore.accounts(of: actor.unit, andAdminsOf: below, db).map { AccountView($0) }
        }
    }

    /// Disables an account of the actor's unit, or an admin it appointed below: here at once
    /// (sessions end), and at the node that hosts it through the feed.
    package func disable(_ username: String, by actor: Actor) async throws -> AccountView {
        try await change(username, by: actor) { account, db in
            account.status = .disabled
            try audit.record(db, actor, action: "account.disable", target: username)
            return AccountChange(
                username: username,
                unit: account.unit,
                change: .disable,
                activationHash: nil,
                by: actor.username,
                byUnit: actor.unit
            )
        }.view
    }

    /// Resets an account: a new one-time code (shown once to the admin), then the owner chooses a
    /// new password and enrols a new second factor. Its sessions end.
    package func reset(_ username: String, by actor: Actor) async throws -> CreatedAccount {
        let code = Secret.activationCode()
        let hash = try await secrets.hash(code)
        let (view, destination) = try await change(username, by: actor) { account, db in
            if account.hostedHere {
                account.status = .pending
                account.activationHash = hash
                Self.clearCredentials(&account)
            }
            try audit.record(db, actor, action: "account.reset", target: username)
            return AccountChange(
                username: username,
                unit: account.unit,
                change: .reset,
                activationHash: hash,
                by: actor.username,
                byUnit: actor.unit
            )
        }
        return CreatedAccount(
            username: username,
            unit: view.unit,
            role: view.role,
            status: view.status,
            activationCode: code,
            deliveredTo: destination ?? node.name
        )
    }

    /// Ends every session of an account the actor manages.
    package func endSessions(of username: String, by actor: Actor) async throws {
        _ = try await change(username, by: actor) { account, db in
            try audit.record(db, actor, action: "sessions.revoke", target: username)
            return AccountChange(
                username: username,
                unit: account.unit,
                change: .signOut,
                activationHash: nil,
                by: actor.username,
                byUnit: actor.unit
            )
        }
    }

    /// Loads an account the actor may manage, applies `body`, ends its sessions (unless told not
    /// to), and sends the change toward the node that hosts it. Returns the account and where the
    /// change went.
    func change(
        _ username: String,
        by actor: Actor,
        endingSessions: Bool = true,
        _ body: @escaping @Sendable (inout AccountRecord, Database) throws -> AccountChange?
    ) async throws -> (view: AccountView, destination: String?) {
        let username = username.lowercased()
        let result = try await database.pool.write { db -> (AccountView, String?) in
            guard var account = try AccountRecord.fetchOne(db, key: username) else {
                throw DomainError(.notFound(.account))
            }
            if let refusal = Delegation.refusalToManage(
                by: actor,
                unit: account.unit,
                role: account.role,
                permissions: Set(account.permissions),
                in: tree
            ) {
                throw DomainError(.delegationRefusesChange(refusal))
            }
            guard account.username != actor.username else {
                throw DomainError(.notOnYourOwnAccount)
            }
            // Its unit moves and its old node no longer serves it: the change would be lost.
            if try HandoverStore.moveAwaited(touching: account.unit, db) {
                throw DomainError(.handoverUnderWay(account.unit))
            }
            let message = try body(&account, db)
            account.updatedAt = clock.now()
            try account.update(db)
            if endingSessions { try Sessions.endAll(of: username, db) }
            var destination: String?
            if let message, !account.hostedHere, let child = deployment.childNode(of: node, toward: account.unit) {
                try appendToFeed(db, audience: child.unit, kind: .accountChanged, unit: account.unit, body: message)
                destination = child.name
            }
            return (AccountView(account), destination)
        }
        return result
    }

    private static func clearCredentials(_ account: inout AccountRecord) {
        account.passwordHash = nil
        account.mustChangePassword = false
        account.failedLogins = 0
        account.lockedUntil = nil
        account.totpSecret = nil
        account.mfaEnabled = false
        account.totpLastStep = nil
        account.recoveryCodes = nil
    }

    /// Applies a change from above: at the hosting node, to the account and its sessions; on the
    /// way, passed further down.
    func receive(_ change: AccountChange, _ db: Database) throws -> Inbox.Effect {
        guard hosts(change.unit) else {
            guard let child = deployment.childNode(of: node, toward: change.unit) else {
                throw Refusal("unit \(change.unit) is not below this node")
            }
            if var record = try AccountRecord.fetchOne(db, key: change.username), record.unit == change.unit {
                switch change.change {
                case .disable: record.status = .disabled
                case .enable where record.status == .disabled: record.status = .delegated
                case .update: Self.apply(change, to: &record)
                default: break
                }
                try record.update(db)
            }
            try appendToFeed(db, audience: child.unit, kind: .accountChanged, unit: change.unit, body: change)
            return Inbox.Effect(
                detail: "account \(change.username) \(change.change.rawValue) passed down to \(child.name)",
                feed: true
            )
        }
        guard var account = try AccountRecord.fetchOne(db, key: change.username), account.unit == change.unit else {
            throw Refusal("account \(change.username) of \(change.unit) is not held here")
        }
        // From above, only the admin of a unit is managed, and only by its parent unit, which must
        // lie above this node (a unit hosted here is managed here).
        guard account.role == .admin, let parentUnit = tree[account.unit]?.parent, change.byUnit == parentUnit,
            !hosts(parentUnit)
        else {
            throw Refusal(
                "\(change.byUnit) may not \(change.change.rawValue) \(change.username) of \(change.unit) from above"
            )
        }
        switch change.change {
        case .disable:
            account.status = .disabled
        case .signOut:
            break
        case .reset:
            guard let hash = change.activationHash else { throw Refusal("a reset carries an activation hash") }
            account.status = .pending
            account.activationHash = hash
            Self.clearCredentials(&account)
        case .enable:
            if account.status == .disabled { account.status = Self.enabledStatus(of: account) }
        case .update:
            if let citizenId = change.citizenId, !citizenId.isEmpty, citizenId != account.citizenId,
                try Self.holder(ofCitizenId: citizenId, except: account.username, db) != nil
            {
                throw Refusal("citizen ID of \(change.username) is already used by another active account here")
            }
            Self.apply(change, to: &account)
        }
        account.updatedAt = clock.now()
        try account.update(db)
        if change.change != .update && change.change != .enable { try Sessions.endAll(of: account.username, db) }
        try audit.record(
            db,
            actor: change.by,
            unit: change.byUnit,
            action: "account.\(change.change.rawValue)",
            target: change.username,
            detail: "from above"
        )
        return Inbox.Effect(detail: "account \(change.username) \(change.change.rawValue)")
    }

    /// Creates an active account directly (demo seeding and the bootstrap command, which issues the
    /// password: then it must be changed at first login). An admin whose parent unit lives above
    /// this node is told to that unit (`account.registered`), which manages the admins below it.
    package func seed(
        username: String,
        fullName: String,
        unit: String,
        role: Role,
        password: String,
        mustChange: Bool = false
    ) async throws {
        let hash = try await secrets.hash(password)
        let now = clock.now()
        let parentUnit = tree[unit]?.parent
        let tellParent = role == .admin && parentUnit.map { !hosts($0) } == true && parent != nil
        try await database.pool.write { db in
            try AccountRecord(
                username: username,
                citizenId: nil,
                fullName: fullName,
                unit: unit,
                role: role,
                permissions: role.permissions.sorted(),
                status: .active,
                passwordHash: hash,
                activationHash: nil,
                hostedHere: true,
                createdBy: "bootstrap",
                createdAt: now,
                updatedAt: now,
                mustChangePassword: mustChange
            ).upsert(db)
            try audit.record(db, actor: "bootstrap", unit: unit, action: "account.seed", target: username)
            if tellParent {
                try enqueueUp(
                    db,
                    kind: .accountRegistered,
                    unit: unit,
                    body: RegisteredAdmin(
                        username: username,
                        fullName: fullName,
                        unit: unit,
                        permissions: role.permissions.sorted(),
                        registeredBy: "bootstrap"
                    )
                )
            }
        }
        if tellParent { outboxSignal.notify() }
    }

    /// Records an admin registered below as one this node's unit appointed (so that its admins can
    /// disable, reset or sign it out from here); passes it further up when the unit that manages
    /// it lives above this node. A replay changes nothing; a clash of usernames is refused.
    func receive(_ admin: RegisteredAdmin, unit: String, _ db: Database) throws -> Inbox.Effect {
        guard admin.unit == unit, let parentUnit = tree[unit]?.parent else {
            throw Refusal("the account is for unit \(admin.unit), the message says \(unit)")
        }
        guard hosts(parentUnit) else {
            try enqueueUp(db, kind: .accountRegistered, unit: unit, body: admin)
            return Inbox.Effect(detail: "admin \(admin.username) of \(unit) passed up", outbox: true)
        }
        if let existing = try AccountRecord.fetchOne(db, key: admin.username) {
            guard existing.unit == admin.unit, existing.role == .admin, !existing.hostedHere else {
                throw Refusal("username \(admin.username) is already used here by another account")
            }
            return Inbox.Effect(detail: "admin \(admin.username) of \(unit) already known")
        }
        let now = clock.now()
        // Never more than an admin holds, whatever the message claims.
        let permissions = Set(admin.permissions).intersection(Role.admin.permissions).sorted()
        try AccountRecord(
            username: admin.username,
            citizenId: nil,
            fullName: admin.fullName,
            unit: unit,
            role: .admin,
            permissions: permissions,
            status: .delegated,
            passwordHash: nil,
            activationHash: nil,
            hostedHere: false,
            createdBy: admin.registeredBy,
            createdAt: now,
            updatedAt: now
        ).insert(db)
        try audit.record(
            db,
            actor: admin.registeredBy,
            unit: unit,
            action: "account.registered",
            target: admin.username,
            detail: "from below"
        )
        return Inbox.Effect(detail: "admin \(admin.username) of \(unit) registered")
    }

    /// Whether an account of that name exists on this node.
    package func exists(_ username: String) async throws -> Bool {
        try await database.pool.read { try AccountRecord.fetchOne($0, key: username) != nil }
    }

    /// Full names of the accounts this node knows, by username (people's names on the pages).
    package func fullNames(of usernames: Set<String>) async throws -> [String: String] {
        let wanted = usernames.filter { !$0.hasPrefix("node:") }
        guard !wanted.isEmpty else { return [:] }
        return try await database.pool.read { db in
            var names: [String: String] = [:]
            for account in try AccountStore.accounts(named: Array(wanted), db) {
                names[account.username] = account.fullName
            }
            return names
        }
    }
}

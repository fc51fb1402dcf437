import Auth
import Federation
import Foundation
import GRDB
import Hierarchy

/// What an admin changes on an account: only the fields that are set. An empty citizen ID
/// removes it.
package struct AccountEdit: Codable, Sendable {
    var fullName: String?
    var citizenId: String?
    var role: Role?
    var permissions: [Permission]?

    package init(fullName: String? = nil, citizenId: String? = nil, role: Role? = nil, permissions: [Permission]? = nil)
    {
        self.fullName = fullName
        self.citizenId = citizenId
        self.role = role
        self.permissions = permissions
    }
}

extension Accounts {
    /// Changes an account the actor manages, under the same rules as creating it: no one grants
    /// what they do not hold, and an admin appointed below stays an admin. Sessions continue
    /// (every request reads the account afresh, so fewer permissions bite at once). An account
    /// hosted below hears of it through the feed.
    package func edit(_ username: String, _ edit: AccountEdit, by actor: Actor) async throws -> AccountView {
        let fullName = try edit.fullName.map(Self.checkedFullName)
        let citizenId = edit.citizenId.map { $0.trimmingCharacters(in: .whitespaces) }
        if let citizenId, !citizenId.isEmpty { try Self.checkCitizenId(citizenId) }
        let tree = self.tree
        return try await change(username, by: actor, endingSessions: false) { account, db in
            let role = edit.role ?? account.role
            if role != account.role, !account.hostedHere || account.unit != actor.unit {
                throw DomainError(.adminRoleFixed, details: ["role": "fixed"])
            }
            let permissions = Set(
                edit.permissions ?? (role == account.role ? account.permissions : Array(role.permissions))
            )
            if let refusal = Delegation.refusalToCreate(
                by: actor,
                unit: account.unit,
                role: role,
                permissions: permissions,
                in: tree
            ) {
                throw DomainError(.delegationRefusesAccount(refusal))
            }
            var changed: [String] = []
            var message = AccountChange(
                username: account.username,
                unit: account.unit,
                change: .update,
                activationHash: nil,
                by: actor.username,
                byUnit: actor.unit
            )
            if let fullName, fullName != account.fullName {
                account.fullName = fullName
                message.fullName = fullName
                changed.append("fullName")
            }
            if let citizenId, citizenId != (account.citizenId ?? "") {
                if !citizenId.isEmpty { try Self.refuseTakenCitizenId(citizenId, except: account.username, db) }
                account.citizenId = citizenId.isEmpty ? nil : citizenId
                message.citizenId = citizenId
                changed.append("citizenId")
            }
            if role != account.role {
                changed.append("role=\(role.rawValue)")
                account.role = role
            }
            if permissions != Set(account.permissions) {
                account.permissions = permissions.sorted()
                message.permissions = account.permissions
                changed.append("permissions=\(account.permissions.map(\.rawValue).joined(separator: ","))")
            }
            guard !changed.isEmpty else { return nil }
            try audit.record(
                db,
                actor,
                action: "account.update",
                target: account.username,
                detail: changed.joined(separator: " ")
            )
            return message
        }.view
    }

    /// Lets a disabled account log in again: with its password if it has one, else with its
    /// activation code. Enabling an account that is not disabled changes nothing.
    package func enable(_ username: String, by actor: Actor) async throws -> AccountView {
        try await change(username, by: actor, endingSessions: false) { [self] account, db in
            guard account.status == .disabled else { return nil }
            // A unit's admins are its parent's to manage: a fellow admin does not undo the parent's lock.
            if account.role == .admin, account.unit == actor.unit, let parent = tree[account.unit]?.parent,
                !hosts(parent)
            {
                throw DomainError(.adminUnlockedAbove)
            }
            account.status = account.hostedHere ? Self.enabledStatus(of: account) : .delegated
            try audit.record(db, actor, action: "account.enable", target: account.username)
            return AccountChange(
                username: account.username,
                unit: account.unit,
                change: .enable,
                activationHash: nil,
                by: actor.username,
                byUnit: actor.unit
            )
        }.view
    }

    /// What a disabled account hosted here becomes when enabled.
    static func enabledStatus(of account: AccountRecord) -> AccountStatus {
        account.passwordHash != nil ? .active : .pending
    }

    /// Applies an `update` from above, never beyond what the account's role allows.
    static func apply(_ change: AccountChange, to account: inout AccountRecord) {
        if let fullName = change.fullName, let checked = try? checkedFullName(fullName) { account.fullName = checked }
        if let citizenId = change.citizenId {
            if citizenId.isEmpty {
                account.citizenId = nil
            } else if CitizenID.isValid(citizenId) {
                account.citizenId = citizenId
            }
        }
        if let permissions = change.permissions {
            account.permissions = Set(permissions).intersection(account.role.permissions).sorted()
        }
    }

    static func checkedFullName(_ raw: String) throws -> String {
        let fullName = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !fullName.isEmpty, fullName.count <= 200 else {
            throw DomainError(.fullNameRequired, details: ["fullName": "required"])
        }
        return fullName
    }

    static func checkCitizenId(_ citizenId: String) throws {
        guard CitizenID.isValid(citizenId) else {
            throw DomainError(.citizenIdInvalid, details: ["citizenId": "invalid"])
        }
    }
}

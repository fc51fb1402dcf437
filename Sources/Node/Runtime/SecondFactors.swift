import Auth
import Foundation
import GRDB
import QRCode

/// What a person needs to enrol an authenticator app: the secret, its otpauth URI and a QR code.
package struct MFAEnrolment: Codable, Sendable {
    package let secret: String
    let uri: String
    /// An SVG image of the URI as a QR code.
    package let qrCode: String
}

/// Recovery codes, shown once when MFA is switched on.
package struct RecoveryCodesView: Codable, Sendable {
    package let codes: [String]
}

extension Sessions {
    static let issuer = "ReportNet"

    /// Starts (or restarts, before it is confirmed) enrolment: a new secret, sealed at rest.
    package func beginMFA(_ session: ActiveSession) async throws -> MFAEnrolment {
        guard !session.account.mfaEnabled else {
            throw DomainError(.mfaAlreadyOn)
        }
        let factor = SecondFactor.generate()
        let sealed = try key.seal(Data(factor.secret.utf8))
        try await database.pool.write { db in
            guard var account = try AccountRecord.fetchOne(db, key: session.account.username) else {
                throw DomainError(.notLoggedIn)
            }
            account.totpSecret = sealed
            account.totpLastStep = nil
            try account.update(db)
            try audit.record(db, session.account.actor, action: "mfa.begin", target: account.username)
        }
        let uri = factor.uri(account: session.account.username, issuer: Self.issuer)
        let svg = try QRCode.encode(uri).svg(label: "Mã QR xác thực hai lớp / MFA QR code")
        return MFAEnrolment(secret: factor.secret, uri: uri, qrCode: svg)
    }

    /// Confirms enrolment with a first code; MFA is on from now, and recovery codes are issued.
    package func confirmMFA(_ session: ActiveSession, code: String) async throws -> RecoveryCodesView {
        guard !session.account.mfaEnabled else {
            throw DomainError(.mfaAlreadyOn)
        }
        guard let factor = try factor(of: session.account),
            let step = factor.acceptedStep(for: code, at: clock.now(), after: session.account.totpLastStep)
        else {
            throw DomainError(.mfaCodeWrong, details: ["code": "wrong"])
        }
        let codes = RecoveryCodes.generate()
        var hashes: [String] = []
        for code in codes { hashes.append(try await secrets.hash(code)) }
        let stored = hashes
        try await database.pool.write { db in
            guard var account = try AccountRecord.fetchOne(db, key: session.account.username) else {
                throw DomainError(.notLoggedIn)
            }
            account.mfaEnabled = true
            account.totpLastStep = step
            account.recoveryCodes = stored
            account.updatedAt = clock.now()
            try account.update(db)
            try audit.record(db, session.account.actor, action: "mfa.enable", target: account.username)
        }
        return RecoveryCodesView(codes: codes)
    }

    /// Checks a TOTP code (once per time step) or a recovery code (consumed).
    func checkSecondFactor(_ account: AccountRecord, code: String) async throws -> Bool {
        if let factor = try factor(of: account),
            let step = factor.acceptedStep(for: code, at: clock.now(), after: account.totpLastStep)
        {
            return try await database.pool.write { db in
                // Re-read: two logins racing with the same code must not both pass.
                guard var current = try AccountRecord.fetchOne(db, key: account.username),
                    step > (current.totpLastStep ?? Int64.min)
                else { return false }
                current.totpLastStep = step
                try current.update(db)
                return true
            }
        }
        // Recovery codes are XXXX-XXXX: anything else (a six-digit code) never costs their bcrypt checks.
        let typed = RecoveryCodes.normalised(code)
        guard RecoveryCodes.isWellFormed(typed) else { return false }
        for hash in account.recoveryCodes ?? [] where try await secrets.verify(typed, hash: hash) {
            return try await database.pool.write { db in
                guard var current = try AccountRecord.fetchOne(db, key: account.username),
                    let left = current.recoveryCodes, left.contains(hash)
                else { return false }
                current.recoveryCodes = left.filter { $0 != hash }
                try current.update(db)
                try audit.record(
                    db,
                    actor: account.username,
                    unit: account.unit,
                    action: "mfa.recovery_code_used",
                    target: account.username,
                    detail: "\(left.count - 1) left"
                )
                return true
            }
        }
        return false
    }

    private func factor(of account: AccountRecord) throws -> SecondFactor? {
        guard let sealed = account.totpSecret else { return nil }
        return SecondFactor(secret: String(decoding: try key.open(sealed), as: UTF8.self))
    }

    /// Switches MFA on with a known secret (demo seeding, so the demo can still be driven).
    package func seedSecondFactor(username: String, factor: SecondFactor) async throws {
        let sealed = try key.seal(Data(factor.secret.utf8))
        try await database.pool.write { db in
            guard var account = try AccountRecord.fetchOne(db, key: username) else { return }
            account.totpSecret = sealed
            account.mfaEnabled = true
            try account.update(db)
        }
    }
}

import Foundation
import HummingbirdOTP

/// A TOTP second factor (RFC 6238: 6 digits, 30-second steps, SHA-1, as authenticator apps expect).
public struct SecondFactor: Sendable, Hashable {
    /// The key, as the base32 text authenticator apps take (the `secret` of the otpauth URI).
    public let secret: String
    private let totp: TOTP

    /// A factor from a base32 secret; nil if the text is not base32.
    public init?(secret: String) {
        let normalised = secret.uppercased().filter { !$0.isWhitespace && $0 != "=" }
        guard let key = Base32.decode(normalised), key.count >= 10 else { return nil }
        self.secret = normalised
        // HummingbirdOTP keys the HMAC with the UTF-8 bytes of its secret string.
        self.totp = TOTP(secret: String(decoding: key, as: UTF8.self))
        guard Array(self.totp.secret.utf8) == key else { return nil }
    }

    /// A fresh random factor of 160 bits, as RFC 4226 recommends: 32 printable key bytes of 5 bits
    /// each (printable so they survive as text in HummingbirdOTP).
    public static func generate() -> SecondFactor {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return SecondFactor(secret: Base32.encode(key))!
    }

    public static func == (lhs: SecondFactor, rhs: SecondFactor) -> Bool { lhs.secret == rhs.secret }
    public func hash(into hasher: inout Hasher) { hasher.combine(secret) }

    /// The `otpauth://` URI an authenticator app scans.
    public func uri(account: String, issuer: String) -> String {
        totp.createAuthenticatorURL(label: "\(issuer):\(account)", issuer: issuer)
    }

    /// The code at `date`, six digits.
    public func code(at date: Date) -> String {
        let value = totp.compute(date: date)
        return String(repeating: "0", count: max(0, 6 - String(value).count)) + String(value)
    }

    /// The time step a typed code belongs to (the current one or a neighbour, for clock drift),
    /// refusing any step not after `lastUsed` so that a code works only once.
    public func acceptedStep(for typed: String, at date: Date, after lastUsed: Int64?) -> Int64? {
        let code = typed.filter(\.isNumber)
        guard code.count == 6 else { return nil }
        let current = Int64(date.timeIntervalSince1970 / 30)
        for step in [current, current - 1, current + 1] where step > (lastUsed ?? Int64.min) {
            if self.code(at: Date(timeIntervalSince1970: Double(step) * 30)) == code { return step }
        }
        return nil
    }
}

/// One-time recovery codes, for when the phone is lost: shown once, stored hashed.
public enum RecoveryCodes {
    public static func generate(count: Int = 10) -> [String] {
        (0..<count).map { _ in String(Secret.activationCode().prefix(9)) }
    }

    /// True for the shape of a recovery code, XXXX-XXXX.
    public static func isWellFormed(_ code: String) -> Bool {
        code.count == 9 && code.dropFirst(4).first == "-" && code.filter { $0.isLetter || $0.isNumber }.count == 8
    }

    /// What a person typed, in the stored form.
    public static func normalised(_ typed: String) -> String {
        let characters = Array(typed.uppercased().filter { $0.isLetter || $0.isNumber })
        guard characters.count == 8 else { return typed }
        return String(characters[0..<4]) + "-" + String(characters[4..<8])
    }
}

/// RFC 4648 base32, for TOTP secrets.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}

import Crypto
import Foundation
import HummingbirdBcrypt

/// Password rules (Regulation 02 Art. 21): long enough, not the username, not a known-common password.
public enum PasswordPolicy {
    public static let minimumLength = 10
    static let common: Set<String> = [
        "123456789", "1234567890", "12345678910", "password", "password1", "password123", "qwertyuiop",
        "matkhau123", "matkhau@123", "abc123456", "admin12345", "admin@123", "1q2w3e4r5t", "iloveyou1",
        "0123456789", "11111111111", "qwerty12345", "vietnam123", "hanoi12345",
    ]

    /// A reason in Vietnamese when `password` is not acceptable for `username`.
    public static func problem(password: String, username: String) -> String? {
        if password.count < minimumLength { return "Mật khẩu phải có ít nhất \(minimumLength) ký tự" }
        if password.count > 128 { return "Mật khẩu quá dài (tối đa 128 ký tự)" }
        let lowered = password.lowercased()
        if !username.isEmpty && lowered.contains(username.lowercased()) {
            return "Mật khẩu không được chứa tên đăng nhập"
        }
        if common.contains(lowered) { return "Mật khẩu quá phổ biến, hãy chọn mật khẩu khác" }
        return nil
    }
}

/// Hashes and checks passwords and one-time codes with bcrypt.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ secret: String) -> String { Bcrypt.hash(secret, cost: cost) }

    public func verify(_ secret: String, hash: String) -> Bool { Bcrypt.verify(secret, hash: hash) }
}

/// Random secrets handed to people or clients: session tokens and activation codes.
public enum Secret {
    /// A bearer token: 256 random bits, base64url. It never starts with '-': an enrolment token
    /// is typed after `--token` on a command line, where a leading '-' reads as an option.
    public static func token() -> String {
        while true {
            let key = SymmetricKey(size: .bits256)
            let token = key.withUnsafeBytes { Data($0) }.base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            if !token.hasPrefix("-") { return token }
        }
    }

    /// A one-time activation code a person can read out: 12 Crockford base32 characters (60 bits), as XXXX-XXXX-XXXX.
    public static func activationCode() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return stride(from: 0, to: 12, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Normalises what a person typed for an activation code (case, spaces, missing dashes).
    public static func normalisedActivationCode(_ typed: String) -> String {
        let characters = typed.uppercased().filter { $0.isLetter || $0.isNumber }
        guard characters.count == 12 else { return typed }
        let array = Array(characters)
        return stride(from: 0, to: 12, by: 4).map { String(array[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Hex SHA-256, for storing tokens that are looked up by value.
    public static func digest(_ value: String) -> String {
        Hex.encode(SHA256.hash(data: Data(value.utf8)))
    }
}

/// Lower-case hex of bytes (digests, fingerprints, seals), without formatting each byte as a
/// string of its own: fingerprints are taken for every report a node receives.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Citizen identity numbers (CCCD): 12 digits, the first three a province code 001–096.
public enum CitizenID {
    public static func isValid(_ value: String) -> Bool {
        guard value.count == 12, value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber),
            let province = Int(value.prefix(3))
        else { return false }
        return (1...96).contains(province)
    }
}

/// Usernames: 3–64 characters of lower-case letters, digits, '.', '_' and '-'.
public enum Username {
    public static func isValid(_ value: String) -> Bool {
        (3...64).contains(value.count)
            && value.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
            }
    }
}

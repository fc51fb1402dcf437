import Foundation
import Node

/// Numbers as the pages read and show them, in the page's language. Vietnamese writes
/// "1.234,5" (a point between thousands, a comma before the decimals), English "1,234.5".
/// Reading is strict so that nothing is guessed: a grouping mark must be followed by groups of
/// exactly three digits, so in Vietnamese "1.234" is one thousand two hundred thirty-four and
/// "1.5" is refused (with a hint to use the comma). Spaces may also group thousands ("1 234").
/// Shown numbers are exact — the shortest text that reads back as the same `Double` — unless
/// rounded on purpose (`text(_:fractionDigits:)`, for percentages and points).
struct NumberFormat: Sendable {
    let language: Language

    init(_ language: Language) { self.language = language }

    /// Between groups of thousands: "." in Vietnamese, "," in English.
    var grouping: Character { language == .vi ? "." : "," }
    /// Before the decimals: "," in Vietnamese, "." in English.
    var decimal: Character { language == .vi ? "," : "." }

    enum Problem: Error, Equatable {
        /// Not a number at all: "mười hai", "1,2,3", "1e5".
        case notANumber
        /// The grouping mark where the decimal mark belongs: "1.5" in Vietnamese, "1,5" in English.
        case decimalMark
    }

    /// What to tell the person, after the question's name.
    func message(_ problem: Problem) -> String {
        switch problem {
        case .notANumber:
            language.pick("phải là một số", "must be a number")
        case .decimalMark:
            language.pick(
                "dấu chấm chỉ dùng để tách hàng nghìn (1.234). Dùng dấu phẩy cho phần thập phân, ví dụ 1,5",
                "a comma only separates thousands (1,234). Use a point for decimals, e.g. 1.5"
            )
        }
    }

    // MARK: Reading

    /// The number typed, or why it is not one. Surrounding spaces are ignored; a leading "-", "−" or "+" is the sign.
    func read(_ typed: String) -> Result<Double, Problem> {
        var text = Substring(typed.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if let first = text.first, first == "-" || first == "−" || first == "+" {
            negative = first != "+"
            text = text.dropFirst()
        }
        let parts = text.split(separator: decimal, omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first else { return .failure(.notANumber) }
        var fraction = ""
        if parts.count == 2 {
            let after = parts[1]
            guard !after.isEmpty else { return .failure(.notANumber) }
            guard after.allSatisfy(Self.isDigit) else {
                // "1,234.5" in Vietnamese: English habits, a grouping mark after the decimal one.
                return .failure(after.allSatisfy { Self.isDigit($0) || $0 == grouping } ? .decimalMark : .notANumber)
            }
            fraction = String(after)
        }
        let groups = whole.split(omittingEmptySubsequences: false) { $0 == grouping || Self.isSpace($0) }
        guard groups.allSatisfy({ $0.allSatisfy(Self.isDigit) }), !(groups.count == 1 && groups[0].isEmpty) else {
            return .failure(.notANumber)
        }
        if groups.count > 1 {
            let grouped = (1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 }
            // "1.5", "12.34", "1234.567" in Vietnamese: a point not followed by groups of three is a decimal point in disguise.
            guard grouped else { return .failure(whole.contains(grouping) ? .decimalMark : .notANumber) }
        }
        let digits = groups.joined()
        guard let value = Double((negative ? "-" : "") + digits + (fraction.isEmpty ? "" : "." + fraction)),
            value.isFinite
        else {
            return .failure(.notANumber)
        }
        return .success(value == 0 ? 0 : value)
    }

    /// A whole number typed (days, a percentage of progress): "1.000" in Vietnamese; "2,5" is not one.
    func readWhole(_ typed: String) -> Result<Int, Problem> {
        read(typed).flatMap { value in
            value == value.rounded() && abs(value) < 1e15 ? .success(Int(value)) : .failure(.notANumber)
        }
    }

    // MARK: Showing

    /// A stored number, exact, with its thousands grouped: 1234.5 is "1.234,5" in Vietnamese.
    func text(_ value: Double) -> String {
        guard value.isFinite else { return value.description }
        let (negative, whole, fraction) = Self.digits(value)
        return (negative ? "-" : "") + group(whole) + (fraction.isEmpty ? "" : String(decimal) + fraction)
    }

    /// A number rounded to at most `fractionDigits` decimals, without trailing zeros: 66.666… is "66,7" in Vietnamese.
    func text(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return text(value) }
        let scale = pow(10, Double(fractionDigits))
        return text((value * scale).rounded() / scale)
    }

    /// A count, its thousands grouped: 12345 is "12.345" in Vietnamese.
    func text(_ value: Int) -> String {
        (value < 0 ? "-" : "") + group(String(value.magnitude))
    }

    private func group(_ digits: String) -> String {
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(grouping) }
            result.append(digit)
        }
        return result
    }

    /// The decimal digits of a finite value, without exponent: the whole part (no leading zeros) and
    /// the fraction (no trailing zeros), from Swift's shortest round-trip text ("1.2345e+20", "5e-324").
    static func digits(_ value: Double) -> (negative: Bool, whole: String, fraction: String) {
        let text = value.magnitude.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point < 1 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var whole = String(digits.prefix(point).drop { $0 == "0" })
        if whole.isEmpty { whole = "0" }
        var fraction = String(digits.dropFirst(point))
        while fraction.last == "0" { fraction.removeLast() }
        return (value < 0 && !(whole == "0" && fraction.isEmpty), whole, fraction)
    }

    private static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\u{00A0}" || character == "\u{202F}"
    }
}

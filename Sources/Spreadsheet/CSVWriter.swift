import Foundation

/// Writes one sheet as RFC 4180 CSV that Excel opens with Vietnamese text intact and without running formulas.
public enum CSVWriter {
    /// The sheet as CSV text: CRLF after every record, rows padded to the widest row, merges ignored.
    public static func string(_ sheet: Sheet) -> String {
        let width = sheet.rows.map(\.count).max() ?? 0
        var out = ""
        for row in sheet.rows {
            let padded = row + Array(repeating: Cell.empty, count: width - row.count)
            out += padded.map(field).joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    /// The sheet as UTF-8 CSV bytes with a byte-order mark, which Excel needs to read UTF-8.
    public static func data(_ sheet: Sheet) -> Data {
        Data([0xEF, 0xBB, 0xBF]) + Data(string(sheet).utf8)
    }

    /// First characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection").
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    static let needsQuotes: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]

    static func field(_ cell: Cell) -> String {
        switch cell {
        case .empty: return ""
        case .number(let value): return value.spreadsheetText ?? ""
        case .text(var text):
            if let first = text.unicodeScalars.first, formulaStarts.contains(first) { text = "'" + text }
            guard text.unicodeScalars.contains(where: needsQuotes.contains) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

extension Double {
    /// Shortest text that reads back as this exact value, positional between 1e-6 and 1e21 (like JavaScript),
    /// with no trailing ".0" and no locale; nil for NaN and infinities, which spreadsheets cannot hold.
    var spreadsheetText: String? {
        guard isFinite else { return nil }
        if self == rounded(), Swift.abs(self) < 1e15 { return String(Int64(self)) }
        let shortest = "\(self)"  // Swift prints the shortest round-trip form, e.g. "62.5", "1e-07", "1.5e+16".
        let negative = shortest.hasPrefix("-")
        let parts = shortest.dropFirst(negative ? 1 : 0).split(separator: "e")
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let integer = mantissa[0]
        let fraction = mantissa.count > 1 ? mantissa[1] : ""
        var digits = String(integer + fraction)
        let point = integer.count + (parts.count > 1 ? Int(parts[1]) ?? 0 : 0)  // integer digits
        guard (-5...21).contains(point) else { return shortest }
        if point <= 0 {
            digits = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        } else {
            digits.insert(".", at: digits.index(digits.startIndex, offsetBy: point))
        }
        if digits.contains(".") {
            while digits.hasSuffix("0") { digits.removeLast() }
            if digits.hasSuffix(".") { digits.removeLast() }
        }
        return (negative ? "-" : "") + digits
    }
}

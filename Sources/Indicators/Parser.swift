import Foundation

/// Which expression of a formula a problem is in.
public enum FormulaPart: String, Sendable, Hashable, Codable {
    case numerator
    case denominator

    var vietnamese: String { self == .numerator ? "Tử số" : "Mẫu số" }
    var english: String { self == .numerator ? "Numerator" : "Denominator" }
}

/// Why a formula cannot be used, where: Vietnamese first, then English.
public struct FormulaProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Empty expression.
        case empty
        /// Longer than `FormulaParser.maximumLength` characters.
        case tooLong
        /// Parentheses, signs or functions nested deeper than `FormulaParser.maximumDepth`.
        case tooDeep
        /// Something other than what the grammar allows here: what was found (nil: the end), what was expected.
        case unexpected(found: String?, expected: Wanted)
        /// A character no formula uses.
        case invalidCharacter(Character)
        /// `#{…}` that is neither `FORM.question` nor `FORM.table.row.column`.
        case malformedReference(String)
        case unknownFunction(String)
        /// A function over the units below inside another one.
        case nestedFunction(String)
        case unknownForm(String)
        case unknownQuestion(form: String, question: String)
        case unknownRow(reference: String, row: String)
        case unknownColumn(reference: String, column: String)
        /// A table question named without its row and column.
        case tableNeedsCell(reference: String)
        /// A row and column named on a question that is not a table.
        case notATable(reference: String)
        /// A question whose answers are not numbers (choices, text, dates).
        case notANumber(reference: String, kind: String)
        case unknownIndicator(String)
        /// Division by an expression that is zero whatever the data (e.g. `÷ 0`, `÷ (2 − 2)`).
        case divisionByZero
        /// The indicators that lead back to the one being defined, in order, the first repeated last.
        case cycle([String])
    }

    public let part: FormulaPart
    /// 1-based character position in the part's text.
    public let position: Int
    public let kind: Kind

    public init(part: FormulaPart, position: Int, kind: Kind) {
        self.part = part
        self.position = position
        self.kind = kind
    }

    public var vietnamese: String {
        let message: String
        switch kind {
        case .empty: message = "biểu thức trống"
        case .tooLong: message = "biểu thức dài quá \(FormulaParser.maximumLength) ký tự"
        case .tooDeep: message = "lồng ngoặc quá \(FormulaParser.maximumDepth) mức"
        case .unexpected(let found, let expected):
            message = "gặp \(found.map { "“\($0)”" } ?? "hết biểu thức"), cần \(expected.vietnamese)"
        case .invalidCharacter(let character): message = "ký tự “\(character)” không dùng được trong công thức"
        case .malformedReference(let text):
            message = "tham chiếu “\(text)” phải có dạng #{BIỂU_MẪU.câu_hỏi} hoặc #{BIỂU_MẪU.bảng.dòng.cột}"
        case .unknownFunction(let name):
            message = "không có hàm “\(name)” (dùng sum, avg, min, max, count)"
        case .nestedFunction(let name): message = "hàm “\(name)” không được lồng trong một hàm khác"
        case .unknownForm(let form): message = "không có biểu mẫu “\(form)”"
        case .unknownQuestion(let form, let question):
            message = "biểu mẫu “\(form)” không có câu hỏi “\(question)”"
        case .unknownRow(let reference, let row): message = "bảng \(reference) không có dòng “\(row)”"
        case .unknownColumn(let reference, let column): message = "bảng \(reference) không có cột “\(column)”"
        case .tableNeedsCell(let reference):
            message = "\(reference) là câu hỏi dạng bảng: cần ghi rõ dòng và cột (#{BIỂU_MẪU.bảng.dòng.cột})"
        case .notATable(let reference): message = "\(reference) không phải câu hỏi dạng bảng, không có dòng và cột"
        case .notANumber(let reference, let kind):
            message = "\(reference) là câu hỏi dạng \(kind), không phải số nên không tính toán được"
        case .unknownIndicator(let code): message = "không có chỉ số “\(code)”"
        case .divisionByZero: message = "chia cho 0"
        case .cycle(let path): message = "vòng lặp giữa các chỉ số: \(path.joined(separator: " → "))"
        }
        return "\(part.vietnamese), vị trí \(position): \(message)"
    }

    public var english: String {
        let message: String
        switch kind {
        case .empty: message = "the expression is empty"
        case .tooLong: message = "the expression is longer than \(FormulaParser.maximumLength) characters"
        case .tooDeep: message = "parentheses nest deeper than \(FormulaParser.maximumDepth) levels"
        case .unexpected(let found, let expected):
            message = "found \(found.map { "'\($0)'" } ?? "the end of the expression"), expected \(expected.english)"
        case .invalidCharacter(let character): message = "character '\(character)' cannot be used in a formula"
        case .malformedReference(let text):
            message = "reference '\(text)' must be #{FORM.question} or #{FORM.table.row.column}"
        case .unknownFunction(let name): message = "no function '\(name)' (use sum, avg, min, max, count)"
        case .nestedFunction(let name): message = "function '\(name)' cannot be used inside another function"
        case .unknownForm(let form): message = "no form '\(form)'"
        case .unknownQuestion(let form, let question): message = "form '\(form)' has no question '\(question)'"
        case .unknownRow(let reference, let row): message = "table \(reference) has no row '\(row)'"
        case .unknownColumn(let reference, let column): message = "table \(reference) has no column '\(column)'"
        case .tableNeedsCell(let reference):
            message = "\(reference) is a table question: name a row and a column (#{FORM.table.row.column})"
        case .notATable(let reference): message = "\(reference) is not a table question: it has no rows or columns"
        case .notANumber(let reference, let kind):
            message = "\(reference) is a \(kind) question, not a number, so it cannot be computed on"
        case .unknownIndicator(let code): message = "no indicator '\(code)'"
        case .divisionByZero: message = "division by zero"
        case .cycle(let path): message = "indicators refer to each other in a cycle: \(path.joined(separator: " → "))"
        }
        return "\(part.english), position \(position): \(message)"
    }

    /// Vietnamese, then English.
    public var description: String { "\(vietnamese) / \(english)" }
}

/// What the grammar expected where a formula went wrong.
public enum Wanted: Sendable, Hashable {
    /// An operation or the end (after a complete operand).
    case operation
    /// A number, a reference, a function or "(".
    case operand
    case character(Character)
    /// The "}" closing a reference opened at a position.
    case closingBrace(openedAt: Int)
    case number
    case indicatorCode

    var vietnamese: String {
        switch self {
        case .operation: "một phép tính + − × ÷ hoặc hết biểu thức"
        case .operand: "một số, một tham chiếu #{…} hoặc I{…}, một hàm hoặc “(”"
        case .character(let character): "“\(character)”"
        case .closingBrace(let position): "“}” đóng tham chiếu mở ở vị trí \(position)"
        case .number: "một số"
        case .indicatorCode: "mã chỉ số I{MÃ} (chữ, số, '-', '_')"
        }
    }

    var english: String {
        switch self {
        case .operation: "an operation + − × ÷ or the end"
        case .operand: "a number, a reference #{…} or I{…}, a function or '('"
        case .character(let character): "'\(character)'"
        case .closingBrace(let position): "'}' closing the reference opened at position \(position)"
        case .number: "a number"
        case .indicatorCode: "an indicator code I{CODE} (letters, digits, '-', '_')"
        }
    }
}

/// Reads an expression of the formula grammar (see `Expression`).
public struct FormulaParser {
    private let characters: [Character]
    private let part: FormulaPart
    private var index = 0
    private var functionDepth = 0
    private var depth = 0

    /// Formulas are short; the limits keep a hostile one from exhausting memory or the stack.
    public static let maximumLength = 2000
    public static let maximumDepth = 40

    /// Parses `text`; the problem names `part` and the 1-based position.
    public static func parse(_ text: String, part: FormulaPart = .numerator) throws(FormulaProblem) -> Expression {
        guard text.count <= maximumLength else { throw FormulaProblem(part: part, position: 1, kind: .tooLong) }
        var parser = FormulaParser(characters: Array(text), part: part)
        parser.skipSpaces()
        guard parser.index < parser.characters.count else {
            throw FormulaProblem(part: part, position: 1, kind: .empty)
        }
        let expression = try parser.expression()
        parser.skipSpaces()
        if parser.index < parser.characters.count {
            throw parser.problem(.unexpected(found: parser.found, expected: .operation))
        }
        return expression
    }

    private init(characters: [Character], part: FormulaPart) {
        self.characters = characters
        self.part = part
    }

    private var current: Character? { index < characters.count ? characters[index] : nil }

    private func problem(_ kind: FormulaProblem.Kind, at position: Int? = nil) -> FormulaProblem {
        FormulaProblem(part: part, position: (position ?? index) + 1, kind: kind)
    }

    private var found: String? { current.map { String($0) } }

    private mutating func skipSpaces() {
        while let current, current.isWhitespace { index += 1 }
    }

    private mutating func expression() throws(FormulaProblem) -> Expression {
        var left = try term()
        while true {
            skipSpaces()
            let position = index
            let op: Operator
            switch current {
            case "+": op = .add
            case "-", "−": op = .subtract
            default: return left
            }
            index += 1
            left = .binary(op, left, try term(), at: position + 1)
        }
    }

    private mutating func term() throws(FormulaProblem) -> Expression {
        var left = try unary()
        while true {
            skipSpaces()
            let position = index
            let op: Operator
            switch current {
            case "*", "×": op = .multiply
            case "/", "÷", ":": op = .divide
            default: return left
            }
            index += 1
            left = .binary(op, left, try unary(), at: position + 1)
        }
    }

    private mutating func unary() throws(FormulaProblem) -> Expression {
        skipSpaces()
        let position = index
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw problem(.tooDeep) }
        switch current {
        case "-", "−":
            index += 1
            return .negate(try unary(), at: position + 1)
        case "+":
            index += 1
            return try unary()
        default:
            return try primary()
        }
    }

    private mutating func primary() throws(FormulaProblem) -> Expression {
        skipSpaces()
        let start = index
        guard let character = current else {
            throw problem(.unexpected(found: found, expected: .operand))
        }
        if character == "(" {
            index += 1
            let inner = try expression()
            try expect(")")
            return inner
        }
        if character.isASCII, character.isNumber { return try number() }
        if character == "#" {
            index += 1
            let text = try braced(start: start)
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 4, parts.allSatisfy(Self.isIdentifier) else {
                throw problem(.malformedReference("#{\(text)}"), at: start)
            }
            let reference =
                parts.count == 2
                ? AnswerReference(form: parts[0], question: parts[1])
                : AnswerReference(form: parts[0], question: parts[1], row: parts[2], column: parts[3])
            return .answer(reference, at: start + 1)
        }
        if character == "I", index + 1 < characters.count, characters[index + 1] == "{" {
            index += 1
            let code = try braced(start: start)
            guard Self.isIdentifier(code) else {
                throw problem(.unexpected(found: "I{\(code)}", expected: .indicatorCode), at: start)
            }
            return .indicator(code, at: start + 1)
        }
        if character.isLetter {
            var name = ""
            while let current, current.isLetter || current == "_" {
                name.append(current)
                index += 1
            }
            guard let function = SubtreeFunction(rawValue: name.lowercased()) else {
                throw problem(.unknownFunction(name), at: start)
            }
            guard functionDepth == 0 else { throw problem(.nestedFunction(name), at: start) }
            try expect("(")
            functionDepth += 1
            let inner = try expression()
            functionDepth -= 1
            try expect(")")
            return .subtree(function, inner, at: start + 1)
        }
        if "+-−*×/÷:)".contains(character) {
            throw problem(.unexpected(found: String(character), expected: .operand))
        }
        throw problem(.invalidCharacter(character))
    }

    private mutating func expect(_ character: Character) throws(FormulaProblem) {
        skipSpaces()
        guard current == character else {
            throw problem(.unexpected(found: found, expected: .character(character)))
        }
        index += 1
    }

    /// Reads `{…}` after a `#` or `I`, returning what is inside.
    private mutating func braced(start: Int) throws(FormulaProblem) -> String {
        guard current == "{" else { throw problem(.unexpected(found: found, expected: .character("{"))) }
        index += 1
        var text = ""
        while let current, current != "}" {
            text.append(current)
            index += 1
        }
        guard current == "}" else {
            throw problem(.unexpected(found: found, expected: .closingBrace(openedAt: start + 1)))
        }
        index += 1
        return text.trimmingCharacters(in: .whitespaces)
    }

    private mutating func number() throws(FormulaProblem) -> Expression {
        let start = index
        var text = ""
        var seenMark = false
        while let current {
            if current.isASCII, current.isNumber {
                text.append(current)
            } else if current == "." || current == ",", !seenMark, index + 1 < characters.count,
                characters[index + 1].isASCII, characters[index + 1].isNumber
            {
                seenMark = true
                text.append(".")
            } else {
                break
            }
            index += 1
        }
        guard let value = Double(text), value.isFinite else {
            throw problem(.unexpected(found: text, expected: .number), at: start)
        }
        return .number(value, at: start + 1)
    }

    /// Letters, digits, '-' and '_' (the ids of forms, questions, rows, columns and indicators, without '.').
    static func isIdentifier(_ text: String) -> Bool {
        (1...64).contains(text.count)
            && text.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
    }
}

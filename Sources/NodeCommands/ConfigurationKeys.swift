import Foundation
import Node
import Yams

/// Checks a configuration file's keys before it is decoded, so a misspelt or unknown key stops the
/// node with its name and the file's, instead of being ignored.
struct ConfigurationKeys {
    /// The keys a mapping may hold.
    let allowed: [String]
    /// Sections that are mappings of their own, by key.
    var sections: [String: ConfigurationKeys] = [:]

    /// Throws for the first unknown key (in file order), naming its place and the closest known key.
    func check(_ text: String, file: String) throws {
        let root: Yams.Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError("\(file): not valid YAML: \(error)")
        }
        guard let root else { throw ConfigurationError("\(file) is empty") }
        try check(root, at: [], file: file)
    }

    private func check(_ node: Yams.Node, at path: [String], file: String) throws {
        guard let mapping = node.mapping else {
            let place = path.isEmpty ? "the file" : "'\(path.joined(separator: "."))'"
            throw ConfigurationError("\(file): \(place) must be a mapping of keys to values")
        }
        for (key, value) in mapping {
            guard let name = key.string else { throw ConfigurationError("\(file): a key is not text: \(key)") }
            guard allowed.contains(name) else {
                let place = (path + [name]).joined(separator: ".")
                let hint = Self.closest(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigurationError(
                    "\(file): unknown key '\(place)'\(hint); known keys: \(allowed.sorted().joined(separator: ", "))"
                )
            }
            if let section = sections[name] { try section.check(value, at: path + [name], file: file) }
        }
    }

    /// The known key nearest to a misspelt one (at most a third of its letters off), if any.
    static func closest(to name: String, in keys: [String]) -> String? {
        let scored = keys.map { ($0, distance(name, $0)) }.min { $0.1 < $1.1 }
        guard let (key, distance) = scored, distance <= max(2, name.count / 3) else { return nil }
        return key
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension DecodingError {
    /// The error as a sentence naming the key, for a person editing the file.
    func describe(file: String) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(file): '\(place(context.codingPath))' must be \(Self.kind(type))"
        case .keyNotFound(let key, let context):
            return "\(file): the key '\(place(context.codingPath + [key]))' is required"
        case .dataCorrupted(let context):
            return "\(file): '\(place(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(file): \(self)"
        }
    }

    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is UInt8.Type: "a whole number"
        case is [String].Type: "a list of texts"
        default: "of type \(type)"
        }
    }
}

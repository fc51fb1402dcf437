import Foundation
import Reporting
import Yams

/// Reads and writes form definitions authored as files: YAML or JSON (JSON is YAML too).
public enum FormFile {
    /// The most YAML nodes a form file may have: forms are small, and aliases must not multiply.
    static let largestForm = 100_000

    /// Parses a form and checks it; the error lists every problem.
    public static func parse(_ text: String, source: String) throws -> Form {
        let form: Form
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ConfigurationError("\(source) is empty") }
            var budget = largestForm
            try count(node, budget: &budget)
            form = try YAMLDecoder().decode(Form.self, from: node)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("\(source) is not a valid form: \(error)")
        }
        let problems = form.problems()
        guard problems.isEmpty else { throw ConfigurationError("\(source): \(problems.joined(separator: "; "))") }
        return form
    }

    private static func count(_ node: Node, budget: inout Int) throws {
        budget -= 1
        guard budget >= 0 else {
            throw ConfigurationError("the form file is too large (more than \(largestForm) YAML nodes)")
        }
        switch node {
        case .scalar: break
        case .alias: throw ConfigurationError("YAML aliases are not allowed in form files")
        case .mapping(let mapping):
            for (key, value) in mapping {
                try count(key, budget: &budget)
                try count(value, budget: &budget)
            }
        case .sequence(let sequence):
            for element in sequence { try count(element, budget: &budget) }
        }
    }

    public static func load(path: String) throws -> Form {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError("cannot read form file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    /// YAML for people to edit, or JSON for programs.
    public static func export(_ form: Form, json: Bool) throws -> String {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(form), as: UTF8.self)
        }
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.sortKeys = false
        return try encoder.encode(form)
    }
}

import Foundation
import Reporting
import Yams

/// Reads and writes form definitions authored as files: YAML or JSON (JSON is YAML too).
public enum FormFile {
    /// Parses a form and checks it; the error lists every problem.
    public static func parse(_ text: String, source: String) throws -> Form {
        let form: Form
        do { form = try YAMLDecoder().decode(Form.self, from: text) } catch {
            throw ConfigurationError("\(source) is not a valid form: \(error)")
        }
        let problems = form.problems()
        guard problems.isEmpty else { throw ConfigurationError("\(source): \(problems.joined(separator: "; "))") }
        return form
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

import Foundation
import Indicators
import Yams

/// Reads an indicator set authored as a file (a YAML or JSON list of definitions), as the centre
/// imports a catalogue such as `indicators/nq57-chi-so.yaml`.
public enum IndicatorFile {
    /// The definitions of `text`, each with its attributes checked; the error lists every problem
    /// (formulas are checked when a node defines them, against the forms it knows).
    public static func parse(_ text: String, source: String) throws -> [IndicatorDefinition] {
        let definitions: [IndicatorDefinition]
        do { definitions = try YAMLDecoder().decode([IndicatorDefinition].self, from: text) } catch {
            throw ConfigurationError("\(source) is not a valid indicator set: \(error)")
        }
        var problems: [String] = []
        var seen = Set<String>()
        for definition in definitions {
            if !seen.insert("\(definition.code)@\(definition.version)").inserted {
                problems.append("\(definition.code) v\(definition.version) appears twice")
            }
            problems += definition.attributeProblems().map { "\(definition.code): \($0)" }
        }
        guard problems.isEmpty else { throw ConfigurationError("\(source): \(problems.joined(separator: "; "))") }
        return definitions
    }

    public static func load(path: String) throws -> [IndicatorDefinition] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError("cannot read indicator file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }
}

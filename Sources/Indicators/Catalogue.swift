import Hierarchy
import Reporting

/// The indicators known to a level, every version of each, and the forms their formulas read.
public struct IndicatorCatalogue: Sendable {
    /// Versions per code, oldest first.
    public private(set) var versions: [String: [IndicatorDefinition]] = [:]
    /// Forms by code (the version whose questions formulas may name).
    public private(set) var forms: [String: Form] = [:]

    public init(forms: [Form] = [], definitions: [IndicatorDefinition] = []) {
        for form in forms {
            if let known = self.forms[form.code], known.version > form.version { continue }
            self.forms[form.code] = form
        }
        for definition in definitions.sorted(by: { $0.version < $1.version }) {
            versions[definition.code, default: []].append(definition)
        }
    }

    public var codes: [String] { versions.keys.sorted() }

    public func latest(_ code: String) -> IndicatorDefinition? { versions[code]?.last }

    /// The version in force for a period: the latest whose first period starts on or before it.
    /// Values of earlier periods keep the version they were in force with.
    public func definition(_ code: String, for period: Period) -> IndicatorDefinition? {
        versions[code]?.last { $0.effectiveFrom.start <= period.start }
    }

    /// Adds a definition after checking its attributes and formula against this catalogue: the
    /// first of a code is version 1; a changed one is the next version, in force from a later
    /// period than the one it replaces, so no value computed before is rewritten.
    public mutating func add(_ definition: IndicatorDefinition) throws(IndicatorRefusal) {
        var problems = definition.attributeProblems()
        if let latest = latest(definition.code) {
            if definition.version != latest.version + 1 {
                problems.append(
                    "Chỉ số “\(definition.code)” đang ở phiên bản \(latest.version): phiên bản mới phải là "
                        + "\(latest.version + 1) / the next version of '\(definition.code)' is \(latest.version + 1)"
                )
            }
            if definition.effectiveFrom.start <= latest.effectiveFrom.start {
                problems.append(
                    "Phiên bản mới phải áp dụng từ kỳ sau \(latest.effectiveFrom) để không thay đổi số liệu đã có / "
                        + "a new version must apply from a period after \(latest.effectiveFrom), "
                        + "so that past values are never rewritten"
                )
            }
        } else if definition.version != 1 {
            problems.append(
                "Chỉ số mới bắt đầu từ phiên bản 1 / a new indicator starts at version 1"
            )
        }
        let formulaProblems = IndicatorChecker(catalogue: self).problems(definition)
        guard problems.isEmpty && formulaProblems.isEmpty else {
            throw IndicatorRefusal(attributes: problems, formula: formulaProblems)
        }
        versions[definition.code, default: []].append(definition)
    }
}

/// Why a definition was refused: its attributes, and its formula's problems with their positions.
public struct IndicatorRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let attributes: [String]
    public let formula: [FormulaProblem]

    /// Each problem, Vietnamese then English.
    public var messages: [String] { attributes + formula.map(\.description) }
    public var vietnamese: [String] {
        attributes.map { $0.components(separatedBy: " / ")[0] } + formula.map(\.vietnamese)
    }
    public var english: [String] {
        attributes.map { $0.components(separatedBy: " / ").dropFirst().joined(separator: " / ") }
            + formula.map(\.english)
    }
    public var description: String { messages.joined(separator: "\n") }
}

extension Period {
    /// (year, first month): where the period starts, to compare periods of different frequencies.
    var start: Start {
        switch frequency {
        case .monthly: Start(year: year, month: index)
        case .quarterly: Start(year: year, month: index * 3 - 2)
        case .yearly, .once: Start(year: year, month: 1)
        }
    }

    struct Start: Comparable {
        let year: Int
        let month: Int

        static func < (lhs: Start, rhs: Start) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
    }
}

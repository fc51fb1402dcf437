/// A unit an assignment expects a report from, placed where it stood in the tree when it was
/// expected: later changes to the tree (a merger, a unit removed from the topology) never move
/// what a past period expected.
public struct ExpectedUnit: Sendable, Hashable, Codable {
    public let code: String
    public let level: Level
    /// Codes from the unit's parent up to the centre, as they were when the unit was expected.
    public let ancestors: [String]

    public init(code: String, level: Level, ancestors: [String]) {
        self.code = code
        self.level = level
        self.ancestors = ancestors
    }

    /// The unit as the current tree places it; nil when the tree no longer holds it.
    public init?(code: String, in tree: UnitTree) {
        guard let unit = tree[code] else { return nil }
        self.init(code: code, level: unit.level, ancestors: tree.ancestors(of: code).map(\.code))
    }

    /// True when the unit is `unit` itself or lies below it (as placed when expected).
    public func isInSubtree(of unit: String) -> Bool { code == unit || ancestors.contains(unit) }

    /// The unit directly below `unit` on the way down to this one; nil unless this one lies strictly below `unit`.
    public func child(below unit: String) -> String? {
        guard let index = ancestors.firstIndex(of: unit) else { return nil }
        return index == 0 ? code : ancestors[index - 1]
    }
}

/// One recorded change to the units an assignment expects. Changes are appended, never edited:
/// the history of what was expected stays readable.
public struct ExpectationChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A unit now expected (say, a unit created after the assignment was made).
        case added
        /// A unit no longer expected (say, one that closed before the deadline without reporting).
        case withdrawn
    }

    /// Order of the change within its assignment, from 1.
    public let sequence: Int
    public let kind: Kind
    public let unit: ExpectedUnit
    public let reason: String

    public init(sequence: Int, kind: Kind, unit: ExpectedUnit, reason: String) {
        self.sequence = sequence
        self.kind = kind
        self.unit = unit
        self.reason = reason
    }
}

/// The units one assignment (one form, one period) expects reports from: those it was made for,
/// then its recorded changes in order. Each assignment keeps its own history, so amending the
/// November assignment never changes what October expected.
public struct Expectation: Sendable, Hashable {
    public let expected: [ExpectedUnit]

    public init(initial: [ExpectedUnit], changes: [ExpectationChange]) {
        var current: [String: ExpectedUnit] = [:]
        for unit in initial { current[unit.code] = unit }
        for change in changes.sorted(by: { $0.sequence < $1.sequence }) {
            switch change.kind {
            case .added: current[change.unit.code] = change.unit
            case .withdrawn: current[change.unit.code] = nil
            }
        }
        expected = current.values.sorted { $0.code < $1.code }
    }

    public func contains(_ code: String) -> Bool { expected.contains { $0.code == code } }

    /// Whether a unit closing on `closedOn` is withdrawn from an assignment due on `deadline`: only
    /// when it closes on or before the deadline and has not reported by then. A unit that closes
    /// after the deadline was expected in full; one that reported before closing keeps its report
    /// counted.
    public static func closureWithdraws(closedOn: CalendarDate, deadline: CalendarDate, hasReported: Bool) -> Bool {
        closedOn <= deadline && !hasReported
    }
}

/// Where an expected unit's figures are kept: under each of its ancestors (as placed when it was
/// expected), with the child of that ancestor on the way down to it.
public struct FigureGroup: Sendable, Hashable, Comparable {
    /// The unit whose subtree the group belongs to.
    public let anchor: String
    /// The unit directly below `anchor` on the way down (the expected unit itself at its parent).
    public let child: String

    public init(anchor: String, child: String) {
        self.anchor = anchor
        self.child = child
    }

    public static func < (lhs: FigureGroup, rhs: FigureGroup) -> Bool {
        (lhs.anchor, lhs.child) < (rhs.anchor, rhs.child)
    }
}

extension ExpectedUnit {
    /// The groups this unit counts in, from its parent up to `top` (a node keeps no figures above
    /// its own unit: none when the unit is `top`), or up to the centre when `top` is not among
    /// its ancestors.
    public func figureGroups(upTo top: String) -> [FigureGroup] {
        guard code != top else { return [] }
        let chain = [code] + ancestors
        var groups: [FigureGroup] = []
        for (index, anchor) in ancestors.enumerated() {
            groups.append(FigureGroup(anchor: anchor, child: chain[index]))
            if anchor == top { break }
        }
        return groups
    }
}

/// The validated tree of units: one centre at the root, each unit one level below its parent.
///
/// Every question about "who is above/below whom" is answered here, so authorisation,
/// routing and progress all agree on the same shape.
public struct UnitTree: Sendable {
    public let root: Unit
    private let byCode: [String: Unit]
    private let childCodes: [String: [String]]

    public init(units: [Unit]) throws(TreeError) {
        var byCode: [String: Unit] = [:]
        var lowered = Set<String>()
        for unit in units {
            guard Unit.isValidCode(unit.code) else { throw .invalidCode(unit.code) }
            // Codes become DNS names, where case does not count.
            guard lowered.insert(unit.code.lowercased()).inserted, byCode.updateValue(unit, forKey: unit.code) == nil
            else { throw .duplicateCode(unit.code) }
        }
        let roots = units.filter { $0.parent == nil }
        guard roots.count == 1, let root = roots.first else { throw .rootCount(roots.count) }
        guard root.level == .central else { throw .wrongLevel(root.code) }
        var childCodes: [String: [String]] = [:]
        for unit in units {
            guard let parentCode = unit.parent else { continue }
            guard let parent = byCode[parentCode] else { throw .unknownParent(unit.code, parentCode) }
            guard parent.level.below == unit.level else { throw .wrongLevel(unit.code) }
            childCodes[parentCode, default: []].append(unit.code)
        }
        // Levels strictly increase from parent to child and every parent exists, so there are no cycles.
        self.root = root
        self.byCode = byCode
        self.childCodes = childCodes
    }

    public var units: [Unit] { Array(byCode.values) }
    public var count: Int { byCode.count }

    public subscript(code: String) -> Unit? { byCode[code] }

    public func contains(_ code: String) -> Bool { byCode[code] != nil }

    public func children(of code: String) -> [Unit] {
        (childCodes[code] ?? []).compactMap { byCode[$0] }
    }

    public func parent(of code: String) -> Unit? {
        byCode[code]?.parent.flatMap { byCode[$0] }
    }

    /// Ancestors from the direct parent up to the centre.
    public func ancestors(of code: String) -> [Unit] {
        var result: [Unit] = []
        var current = parent(of: code)
        while let unit = current {
            result.append(unit)
            current = parent(of: unit.code)
        }
        return result
    }

    /// True when `code` is `ancestor` itself or lies below it.
    /// Walks up from `code` without building its list of ancestors: a node that passes an
    /// assignment down asks this for every unit and every child node.
    public func isInSubtree(_ code: String, of ancestor: String) -> Bool {
        guard var unit = byCode[code] else { return false }
        while unit.code != ancestor {
            guard let parent = unit.parent, let next = byCode[parent] else { return false }
            unit = next
        }
        return true
    }

    /// True when `code` lies strictly below `ancestor`.
    public func isBelow(_ code: String, _ ancestor: String) -> Bool {
        code != ancestor && isInSubtree(code, of: ancestor)
    }

    /// The unit and every unit below it, parents before children.
    public func subtree(of code: String) -> [Unit] {
        guard let unit = byCode[code] else { return [] }
        var result = [unit]
        var index = 0
        while index < result.count {
            result.append(contentsOf: children(of: result[index].code))
            index += 1
        }
        return result
    }

    /// Units strictly below `code` at `level`.
    public func descendants(of code: String, at level: Level) -> [Unit] {
        subtree(of: code).filter { $0.level == level && $0.code != code }
    }
}

/// Why a list of units does not form a valid tree.
public enum TreeError: Error, Equatable, CustomStringConvertible {
    case invalidCode(String)
    case duplicateCode(String)
    case rootCount(Int)
    case unknownParent(String, String)
    case wrongLevel(String)

    public var description: String {
        switch self {
        case .invalidCode(let code): "invalid unit code '\(code)' (letters, digits and inner '-', at most 63)"
        case .duplicateCode(let code): "unit code '\(code)' appears twice (codes are compared ignoring case)"
        case .rootCount(let count): "the tree needs exactly one central unit without a parent, found \(count)"
        case .unknownParent(let code, let parent): "unit '\(code)' names unknown parent '\(parent)'"
        case .wrongLevel(let code): "unit '\(code)' is not exactly one level below its parent"
        }
    }
}

import Foundation
import Hierarchy

/// A unit added below another, renamed, given a node of its own (or its node retired), or moved to
/// another parent, after the topology file was written. An admin of the parent unit decides it (a
/// node joins with the token that admin gave; a move is decided above both parents); every node
/// that learns of it keeps it and replays it over the topology at start-up. It is also the body of
/// a `unit.changed` message and keeps its id as it travels.
public struct UnitChange: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case added
        case renamed
        /// The unit now has a node of its own (`node`), which takes over the units of its subtree
        /// that its parent's node hosted.
        case hosted
        /// The unit's node was retired: the node hosting its parent hosts the units it hosted again.
        case retired
        /// The unit (with its subtree) now lies below `parent`, no longer below `from`; the node
        /// hosting its new parent hosts it (administrative reorganisations).
        case moved
    }

    /// Unique forever (a UUID): a node keeps a change once, whichever way it arrived.
    public let id: String
    public let kind: Kind
    public let code: String
    /// The unit's (new) name.
    public let name: String
    public let level: Level
    /// The unit directly above: whoever speaks for it decides the change.
    public let parent: String
    public let decidedBy: String
    public let decidedAt: Date
    /// For `hosted`: the node that joined (its name and listen addresses; it hosts its own unit).
    public let node: JoinedNode?
    /// For `moved`: the parent the unit leaves.
    public let from: String?

    public init(
        id: String = UUID().uuidString,
        kind: Kind,
        code: String,
        name: String,
        level: Level,
        parent: String,
        decidedBy: String,
        decidedAt: Date,
        node: JoinedNode? = nil,
        from: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.node = node
        self.from = from
    }

    /// The longest unit name accepted.
    public static let maximumNameLength = 200

    /// A name as kept: trimmed, with inner runs of white space made one space.
    public static func normalisedName(_ name: String) -> String {
        name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// A node that joined the federation for a unit (`UnitChange.Kind.hosted`): what its ancestors
/// need to know of it. Its certificate, not this, proves who it is.
public struct JoinedNode: Codable, Sendable, Hashable {
    public let name: String
    public let web: String
    public let federation: String

    public init(name: String, web: String, federation: String) {
        self.name = name
        self.web = web
        self.federation = federation
    }
}

/// Why a unit change does not fit the deployment it is applied to.
public enum UnitChangeProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyName
    case nameTooLong
    case invalidCode(String)
    /// The code does not start with the parent's code and '-'.
    case codeOutsideParent(code: String, parent: String)
    /// Another unit already has this code (ignoring case).
    case codeInUse(String)
    case unknownParent(String)
    /// The parent's level has no level below it.
    case noLevelBelow(String)
    /// The change names a level other than the one below its parent.
    case wrongLevel(String)
    case unknownUnit(String)
    /// A rename names another parent than the unit's.
    case notTheParent(unit: String, parent: String)
    /// The unit already has a node of its own.
    case alreadyHosted(unit: String, node: String)
    /// A `hosted` change without its node, or with a node name already taken.
    case invalidNode(String)
    /// A move to the parent the unit already has.
    case alreadyBelow(unit: String, parent: String)
    /// A move of a unit with a node of its own inside it (that node is retired first).
    case nodeInside(unit: String, node: String)
    case topology(String)

    public var description: String {
        switch self {
        case .emptyName: "the unit's name is empty"
        case .nameTooLong: "the unit's name is longer than \(UnitChange.maximumNameLength) characters"
        case .invalidCode(let code): "invalid unit code '\(code)' (letters, digits and inner '-', at most 63)"
        case .codeOutsideParent(let code, let parent):
            "unit code '\(code)' does not start with its parent's code '\(parent)-'"
        case .codeInUse(let code): "unit code '\(code)' is already used (codes are compared ignoring case)"
        case .unknownParent(let parent): "unknown parent unit '\(parent)'"
        case .noLevelBelow(let parent): "unit '\(parent)' is at the lowest level and can have no units below it"
        case .wrongLevel(let code): "unit '\(code)' is not exactly one level below its parent"
        case .unknownUnit(let code): "unknown unit '\(code)'"
        case .notTheParent(let unit, let parent): "unit '\(unit)' does not lie directly below '\(parent)'"
        case .alreadyHosted(let unit, let node): "unit '\(unit)' already has its own node '\(node)'"
        case .invalidNode(let reason): reason
        case .alreadyBelow(let unit, let parent): "unit '\(unit)' already lies below '\(parent)'"
        case .nodeInside(let unit, let node):
            "node '\(node)' runs inside unit '\(unit)': retire it before the unit moves"
        case .topology(let reason): reason
        }
    }
}

extension Deployment {
    /// The topology as it stands, units parents first, to rebuild the deployment from.
    public var topology: Topology {
        Topology(name: name, units: tree.subtree(of: tree.root.code), nodes: nodes)
    }

    /// This deployment with `change` applied, validated as the topology is. A new unit is hosted
    /// by the node hosting its parent (its users and data live where its parent's admin works).
    public func applying(_ change: UnitChange) throws(UnitChangeProblem) -> Deployment {
        let name = UnitChange.normalisedName(change.name)
        guard !name.isEmpty else { throw .emptyName }
        guard name.count <= UnitChange.maximumNameLength else { throw .nameTooLong }
        guard let parent = tree[change.parent] else { throw .unknownParent(change.parent) }
        var topology = self.topology
        switch change.kind {
        case .added:
            guard Unit.isValidCode(change.code) else { throw .invalidCode(change.code) }
            guard change.code.hasPrefix(parent.code + "-"), change.code.count > parent.code.count + 1 else {
                throw .codeOutsideParent(code: change.code, parent: parent.code)
            }
            guard !tree.units.contains(where: { $0.code.lowercased() == change.code.lowercased() }) else {
                throw .codeInUse(change.code)
            }
            guard let below = parent.level.below else { throw .noLevelBelow(parent.code) }
            guard change.level == below else { throw .wrongLevel(change.code) }
            guard let host = hostingNode(of: parent.code),
                let index = topology.nodes.firstIndex(where: { $0.name == host.name })
            else {
                throw .topology("unit '\(parent.code)' is hosted by no node")
            }
            topology.units.append(Unit(code: change.code, name: name, level: below, parent: parent.code))
            topology.nodes[index].hosts.append(change.code)
        case .renamed:
            guard let index = topology.units.firstIndex(where: { $0.code == change.code }) else {
                throw .unknownUnit(change.code)
            }
            guard topology.units[index].parent == parent.code else {
                throw .notTheParent(unit: change.code, parent: parent.code)
            }
            guard topology.units[index].level == change.level else { throw .wrongLevel(change.code) }
            topology.units[index].name = name
        case .hosted:
            topology = try hosting(change, in: topology)
        case .retired:
            topology = try retiring(change, in: topology)
        case .moved:
            topology = try moving(change, in: topology)
        }
        do { return try Deployment(topology) } catch { throw .topology(error.description) }
    }

    /// `change.code` and its subtree move below `change.parent`, a unit of the same level as the
    /// one it leaves (`change.from`); the node hosting the new parent hosts them. Codes stay (a
    /// code names a unit forever). A unit with a node inside it does not move: that node is
    /// retired first (it would otherwise need a new parent and certificate).
    private func moving(_ change: UnitChange, in topology: Topology) throws(UnitChangeProblem) -> Topology {
        guard let unit = tree[change.code], let from = change.from else { throw .unknownUnit(change.code) }
        guard unit.parent == from else { throw .notTheParent(unit: change.code, parent: from) }
        guard from != change.parent else { throw .alreadyBelow(unit: change.code, parent: change.parent) }
        guard let old = tree[from], let new = tree[change.parent], old.level == new.level, unit.level == change.level
        else { throw .wrongLevel(change.code) }
        if let inside = nodes.first(where: { tree.isInSubtree($0.unit, of: change.code) }) {
            throw .nodeInside(unit: change.code, node: inside.name)
        }
        guard let host = hostingNode(of: change.parent) else {
            throw .topology("unit '\(change.parent)' is hosted by no node")
        }
        let moving = Set(tree.subtree(of: change.code).map(\.code))
        var topology = topology
        for index in topology.nodes.indices {
            topology.nodes[index].hosts.removeAll { moving.contains($0) }
            if topology.nodes[index].name == host.name {
                topology.nodes[index].hosts += tree.subtree(of: change.code).map(\.code)
            }
        }
        // Parents first: the moved subtree goes last, below its new parent.
        var units = topology.units.filter { !moving.contains($0.code) }
        for moved in tree.subtree(of: change.code) {
            let parent = moved.code == change.code ? change.parent : moved.parent
            units.append(Unit(code: moved.code, name: moved.name, level: moved.level, parent: parent))
        }
        topology.units = units
        return topology
    }

    /// `change.code`'s own node leaves; the node hosting its parent hosts its units again. A node
    /// with nodes running below it cannot leave (they would have no parent).
    private func retiring(_ change: UnitChange, in topology: Topology) throws(UnitChangeProblem) -> Topology {
        guard let unit = tree[change.code] else { throw .unknownUnit(change.code) }
        guard unit.parent == change.parent else { throw .notTheParent(unit: change.code, parent: change.parent) }
        guard let own = node(forUnit: change.code) else {
            throw .invalidNode("unit '\(change.code)' has no node of its own to retire")
        }
        if let below = children(of: own).first {
            throw .invalidNode("node '\(below.name)' runs below node '\(own.name)'")
        }
        guard let host = hostingNode(of: change.parent),
            let index = topology.nodes.firstIndex(where: { $0.name == host.name })
        else { throw .topology("unit '\(change.parent)' is hosted by no node") }
        var topology = topology
        topology.nodes[index].hosts.append(contentsOf: own.hosts)
        topology.nodes.removeAll { $0.name == own.name }
        return topology
    }

    /// `change.code` gets its own node, below the node that hosts its parent; the new node takes
    /// over the units of the subtree that node hosted (a node joins for a unit hosted above it).
    private func hosting(_ change: UnitChange, in topology: Topology) throws(UnitChangeProblem) -> Topology {
        guard let unit = tree[change.code] else { throw .unknownUnit(change.code) }
        guard unit.parent == change.parent else { throw .notTheParent(unit: change.code, parent: change.parent) }
        guard let joined = change.node else { throw .invalidNode("a node that joins must be named") }
        if let own = node(forUnit: change.code) { throw .alreadyHosted(unit: change.code, node: own.name) }
        guard Unit.isValidCode(joined.name), node(named: joined.name) == nil else {
            throw .invalidNode("node name '\(joined.name)' is not a free name of letters, digits and inner '-'")
        }
        if let below = nodes.first(where: { tree.isInSubtree($0.unit, of: change.code) }) {
            throw .invalidNode("node '\(below.name)' already runs inside unit '\(change.code)'")
        }
        guard let host = hostingNode(of: change.code),
            let index = topology.nodes.firstIndex(where: { $0.name == host.name })
        else { throw .topology("unit '\(change.code)' is hosted by no node") }
        var topology = topology
        let taken = topology.nodes[index].hosts.filter { tree.isInSubtree($0, of: change.code) }
        topology.nodes[index].hosts.removeAll { taken.contains($0) }
        topology.nodes.append(
            NodeDescription(
                name: joined.name,
                unit: change.code,
                hosts: taken,
                web: joined.web,
                federation: joined.federation
            )
        )
        return topology
    }
}

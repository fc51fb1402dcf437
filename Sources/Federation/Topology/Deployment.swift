import Hierarchy

/// A validated topology: the unit tree plus who hosts what, and how nodes relate.
///
/// Authorisation between nodes is decided here, from the topology alone: a node talks only to
/// the node above it and the nodes directly below it.
public struct Deployment: Sendable {
    public let name: String
    public let tree: UnitTree
    public let nodes: [NodeDescription]
    private let nodeByUnit: [String: NodeDescription]
    private let nodeByName: [String: NodeDescription]
    private let hostByUnit: [String: String]
    /// The nodes that pull from each node (by the node's unit), in `nodes`' order. Routing asks
    /// for them on every message: a scan of every node would cost a centre thousands of lookups.
    private let childrenByUnit: [String: [NodeDescription]]

    public init(_ topology: Topology) throws(TopologyError) {
        let tree: UnitTree
        do { tree = try UnitTree(units: topology.units) } catch { throw .tree(error.description) }
        var nodeByUnit: [String: NodeDescription] = [:]
        var hostByUnit: [String: String] = [:]
        var names = Set<String>()
        for node in topology.nodes {
            guard Unit.isValidCode(node.name), names.insert(node.name).inserted else {
                throw .node(node.name, "name must be unique letters, digits and inner '-'")
            }
            guard tree.contains(node.unit) else { throw .node(node.name, "unknown unit '\(node.unit)'") }
            guard nodeByUnit.updateValue(node, forKey: node.unit) == nil else {
                throw .node(node.name, "unit '\(node.unit)' already has a node")
            }
            guard ListenAddress(node.web) != nil, ListenAddress(node.federation) != nil else {
                throw .node(node.name, "listen addresses must be host:port")
            }
            guard node.hosts.contains(node.unit) else {
                throw .node(node.name, "must host its own unit '\(node.unit)'")
            }
            for hosted in node.hosts {
                guard tree.isInSubtree(hosted, of: node.unit) else {
                    throw .node(node.name, "hosts '\(hosted)', which is not its unit or below it")
                }
                guard hostByUnit.updateValue(node.unit, forKey: hosted) == nil else {
                    throw .node(node.name, "unit '\(hosted)' is hosted twice")
                }
            }
        }
        for unit in tree.units where hostByUnit[unit.code] == nil {
            throw .unhosted(unit.code)
        }
        guard nodeByUnit[tree.root.code] != nil else { throw .unhosted(tree.root.code) }
        for node in topology.nodes where node.unit != tree.root.code {
            // A node's parent is the node hosting its unit's parent; it must exist and sit above.
            guard let parentUnit = tree[node.unit]?.parent, hostByUnit[parentUnit] != nil else {
                throw .node(node.name, "has no parent node")
            }
        }
        var childrenByUnit: [String: [NodeDescription]] = [:]
        for node in topology.nodes {
            guard let parentUnit = tree[node.unit]?.parent, let parentHost = hostByUnit[parentUnit] else { continue }
            childrenByUnit[parentHost, default: []].append(node)
        }
        self.name = topology.name
        self.tree = tree
        self.nodes = topology.nodes
        self.nodeByUnit = nodeByUnit
        self.nodeByName = Dictionary(topology.nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.hostByUnit = hostByUnit
        self.childrenByUnit = childrenByUnit
    }

    /// The node whose certificate names `unit`.
    public func node(forUnit unit: String) -> NodeDescription? { nodeByUnit[unit] }

    public func node(named name: String) -> NodeDescription? { nodeByName[name] }

    /// The node where `unit`'s users and data live.
    public func hostingNode(of unit: String) -> NodeDescription? {
        hostByUnit[unit].flatMap { nodeByUnit[$0] }
    }

    /// The node a node pushes to and pulls from; nil for the centre.
    public func parent(of node: NodeDescription) -> NodeDescription? {
        tree[node.unit]?.parent.flatMap { hostingNode(of: $0) }
    }

    /// The nodes that pull from `node`.
    public func children(of node: NodeDescription) -> [NodeDescription] {
        childrenByUnit[node.unit] ?? []
    }

    /// How `other` relates to `node`.
    public func relation(of other: String, to node: NodeDescription) -> PeerRelation {
        guard let peer = nodeByUnit[other] else { return .stranger }
        if parent(of: node)?.unit == peer.unit { return .parent }
        if parent(of: peer)?.unit == node.unit { return .child }
        return .stranger
    }

    /// True when `node` may speak for `unit`: a unit it hosts, or one below a unit it hosts.
    public func node(_ node: NodeDescription, speaksFor unit: String) -> Bool {
        node.hosts.contains { tree.isInSubtree(unit, of: $0) }
    }

    /// The child node whose subtree holds `unit`, as seen from `node`; nil when `node` hosts it.
    public func childNode(of node: NodeDescription, toward unit: String) -> NodeDescription? {
        // The child speaks for `unit` when it hosts `unit` or a unit above it: walk up from `unit`
        // (a few levels) rather than over every child.
        var current: String? = unit
        while let code = current {
            if let host = hostByUnit[code], host != node.unit, let hosting = nodeByUnit[host],
                parent(of: hosting)?.unit == node.unit
            {
                return hosting
            }
            current = tree[code]?.parent
        }
        return nil
    }
}

/// How a calling node stands to the node it calls.
public enum PeerRelation: String, Sendable {
    case parent
    case child
    case stranger
}

/// Why a topology is not usable.
public enum TopologyError: Error, CustomStringConvertible, Sendable {
    case tree(String)
    case node(String, String)
    case unhosted(String)

    public var description: String {
        switch self {
        case .tree(let reason): "topology: \(reason)"
        case .node(let name, let reason): "topology: node '\(name)' \(reason)"
        case .unhosted(let unit): "topology: unit '\(unit)' is hosted by no node"
        }
    }
}

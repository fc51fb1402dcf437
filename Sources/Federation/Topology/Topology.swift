import Hierarchy

/// A deployment description: which units exist, which nodes run, which units each node hosts
/// and where it listens. Every node of a federation loads the same description.
public struct Topology: Codable, Sendable {
    public var name: String
    public var units: [Unit]
    public var nodes: [NodeDescription]

    public init(name: String, units: [Unit], nodes: [NodeDescription]) {
        self.name = name
        self.units = units
        self.nodes = nodes
    }
}

/// One node of the topology.
public struct NodeDescription: Codable, Sendable, Hashable {
    /// Short name, used for folders and logs (e.g. "centre", "p01").
    public var name: String
    /// The unit the node belongs to; its certificate names this unit.
    public var unit: String
    /// Units whose users and data live on this node: its own unit, and communes without a node.
    public var hosts: [String]
    /// Listen address for people (HTTPS), "host:port".
    public var web: String
    /// Listen address for other nodes (mutual-TLS HTTP/2), "host:port".
    public var federation: String
    /// DNS names for the certificate besides the listen hosts.
    public var dnsNames: [String]

    public init(name: String, unit: String, hosts: [String], web: String, federation: String, dnsNames: [String] = []) {
        self.name = name
        self.unit = unit
        self.hosts = hosts
        self.web = web
        self.federation = federation
        self.dnsNames = dnsNames
    }

    enum CodingKeys: String, CodingKey {
        case name, unit, hosts, web, federation
        case dnsNames = "dns_names"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        unit = try container.decode(String.self, forKey: .unit)
        hosts = try container.decodeIfPresent([String].self, forKey: .hosts) ?? []
        web = try container.decode(String.self, forKey: .web)
        federation = try container.decode(String.self, forKey: .federation)
        dnsNames = try container.decodeIfPresent([String].self, forKey: .dnsNames) ?? []
    }
}

/// A listen address split into host and port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "host:port" or "[v6]:port".
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// True when the host is an IP literal rather than a name.
    public var isIPAddress: Bool {
        host.contains(":")
            || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }
}

import Federation
import Hierarchy
import Registry

/// A deployment shaped like the country, built from the national registry: the centre, the
/// first `provinces` provinces (by official code) and `communes` of their communes, every unit
/// with its own node (communes listen nowhere: they only dial their province). The default,
/// 34 and 3,321, is the whole registry: Vietnam since July 2025, with its real codes and names.
///
/// Smaller sizes (smoke tests, the ingest and memory benchmarks) share the communes out evenly,
/// each province taking its real communes in order and never more than it has; only a size
/// beyond the registry adds invented communes (`<province>-B0001`, "Xã thử nghiệm 1"), after
/// the real ones.
public struct NationalTopology: Sendable {
    public let provinces: Int
    public let communes: Int
    /// Communes per province, in the registry's order.
    private let shares: [Int]

    public init(provinces: Int = 34, communes: Int = 3_321) {
        precondition(provinces >= 1 && communes >= provinces, "at least one province and one commune per province")
        let registry = Self.registry
        precondition(
            provinces <= registry.provinces.count,
            "the registry has \(registry.provinces.count) provinces, not \(provinces)"
        )
        self.provinces = provinces
        self.communes = communes
        let capacities = registry.provinces.prefix(provinces).map(\.communes.count)
        var shares = Array(repeating: 0, count: provinces)
        var left = communes
        // Round by round, one more commune to every province that has one left: an even share,
        // capped by each province's real communes (the whole registry gives every one of them).
        while left > 0, shares.indices.contains(where: { shares[$0] < capacities[$0] }) {
            for index in shares.indices where left > 0 && shares[index] < capacities[index] {
                shares[index] += 1
                left -= 1
            }
        }
        for index in 0..<left { shares[index % provinces] += 1 }
        self.shares = shares
    }

    public static let centre = NationalRegistry.centreCode

    /// The registry, read once; the benchmarks cannot run without it.
    static var registry: NationalRegistry {
        do { return try NationalRegistry.vietnam } catch { preconditionFailure("\(error)") }
    }

    /// The unit code of the `index`-th province (1-based, by official code).
    public static func provinceCode(_ index: Int) -> String { registry.provinces[index - 1].unitCode }

    /// The unit code of the `index`-th commune (1-based) of the `province`-th province: its real
    /// communes first, by official code, then invented ones.
    public static func communeCode(province: Int, _ index: Int) -> String {
        let real = registry.provinces[province - 1].communes
        return index <= real.count
            ? real[index - 1].unitCode : "\(provinceCode(province))-B\(pad(index - real.count, 4))"
    }

    /// How many communes province `index` (1-based) has in this topology.
    public func communes(ofProvince index: Int) -> Int { shares[index - 1] }

    /// The deployment, with every listener on a loopback port chosen when it starts (port 0).
    /// `ports` gives fixed ports to named nodes instead (for nodes run as separate processes).
    public func deployment(ports: [String: (web: Int, federation: Int)] = [:]) throws -> Deployment {
        let registry = Self.registry
        var units = [Unit(code: Self.centre, name: NationalRegistry.centreName, level: .central, parent: nil)]
        var nodes = [node(name: "centre", unit: Self.centre, ports: ports)]
        for (offset, province) in registry.provinces.prefix(provinces).enumerated() {
            let code = province.unitCode
            units.append(Unit(code: code, name: province.name, level: .province, parent: Self.centre))
            nodes.append(node(name: code.lowercased(), unit: code, ports: ports))
            for index in 1...shares[offset] {
                let communeCode = Self.communeCode(province: offset + 1, index)
                let name =
                    index <= province.communes.count
                    ? province.communes[index - 1].name : "Xã thử nghiệm \(index - province.communes.count)"
                units.append(Unit(code: communeCode, name: name, level: .commune, parent: code))
                nodes.append(node(name: communeCode.lowercased(), unit: communeCode, ports: ports))
            }
        }
        return try Deployment(Topology(name: "national-\(provinces)x\(communes)", units: units, nodes: nodes))
    }

    private func node(name: String, unit: String, ports: [String: (web: Int, federation: Int)]) -> NodeDescription {
        let port = ports[name] ?? (0, 0)
        return NodeDescription(
            name: name,
            unit: unit,
            hosts: [unit],
            web: "127.0.0.1:\(port.web)",
            federation: "127.0.0.1:\(port.federation)"
        )
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

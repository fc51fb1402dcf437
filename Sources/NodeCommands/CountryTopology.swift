import Federation
import Hierarchy
import Registry

/// The whole country as a demo federation (`reportnet demo --country`): the centre, the 34
/// provinces and the 3,321 communes of the national registry, with their real codes and names.
/// Only a few units run a node of their own — enough to show every level syncing on two cores:
/// the centre, four provinces and one commune in each of two of them. Every other unit is hosted
/// by its parent's node (the provinces without a node by the centre's, the communes without one
/// by their province's node), as a commune without a node is in production.
enum CountryTopology {
    /// A unit with a node of its own: its official code(s) and the node's name.
    struct OwnNode {
        let province: String
        let commune: String?
        let name: String
    }

    /// The units with a node, parents before children. The ports follow in this order from
    /// 8451 (web) and 9451 (federation), after the centre's 8450 and 9450: the plain demo's
    /// 8441–8446 and 9441–9446 stay free.
    static let ownNodes = [
        OwnNode(province: "01", commune: nil, name: "ha-noi"),
        OwnNode(province: "24", commune: nil, name: "bac-ninh"),
        OwnNode(province: "24", commune: "09187", name: "kinh-bac"),
        OwnNode(province: "15", commune: nil, name: "lao-cai"),
        OwnNode(province: "15", commune: "03006", name: "sa-pa"),
        OwnNode(province: "79", commune: nil, name: "ho-chi-minh"),
    ]

    static let centrePorts = (web: 8450, federation: 9450)

    /// The deployment: every unit of `registry`, hosted as described above.
    static func deployment(_ registry: NationalRegistry) throws -> Deployment {
        var nodeOfUnit: [String: String] = [:]
        for own in ownNodes {
            let province = NationalRegistry.provinceCode(official: own.province)
            nodeOfUnit[own.commune.map { NationalRegistry.communeCode(province: province, official: $0) } ?? province] =
                own.name
        }
        var hosts: [String: [String]] = ["centre": [NationalRegistry.centreCode]]
        for province in registry.provinces {
            let provinceNode = nodeOfUnit[province.unitCode] ?? "centre"
            hosts[provinceNode, default: []].append(province.unitCode)
            for commune in province.communes {
                hosts[nodeOfUnit[commune.unitCode] ?? provinceNode, default: []].append(commune.unitCode)
            }
        }
        var nodes = [
            NodeDescription(
                name: "centre",
                unit: NationalRegistry.centreCode,
                hosts: hosts["centre"] ?? [],
                web: "127.0.0.1:\(centrePorts.web)",
                federation: "127.0.0.1:\(centrePorts.federation)"
            )
        ]
        for (offset, own) in ownNodes.enumerated() {
            let unit = nodeOfUnit.first { $0.value == own.name }!.key
            nodes.append(
                NodeDescription(
                    name: own.name,
                    unit: unit,
                    // Its own unit first, then the units it hosts below it.
                    hosts: [unit] + (hosts[own.name] ?? []).filter { $0 != unit },
                    web: "127.0.0.1:\(centrePorts.web + 1 + offset)",
                    federation: "127.0.0.1:\(centrePorts.federation + 1 + offset)"
                )
            )
        }
        return try Deployment(Topology(name: "vietnam", units: registry.units, nodes: nodes))
    }
}

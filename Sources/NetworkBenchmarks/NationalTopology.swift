import Federation
import Hierarchy

/// A generated deployment shaped like the country: one centre, `provinces` provinces and
/// `communes` communes spread evenly over them, every unit with its own node (communes listen
/// nowhere: they only dial their province). 34 and 3,321 is Vietnam since July 2025.
public struct NationalTopology: Sendable {
    public let provinces: Int
    public let communes: Int

    public init(provinces: Int = 34, communes: Int = 3_321) {
        precondition(provinces >= 1 && communes >= provinces, "at least one province and one commune per province")
        self.provinces = provinces
        self.communes = communes
    }

    public static let centre = "TW"

    public static func provinceCode(_ index: Int) -> String { "P\(pad(index, 2))" }
    public static func communeCode(province: Int, _ index: Int) -> String { "P\(pad(province, 2))-X\(pad(index, 3))" }

    /// How many communes province `index` (1-based) has: an even share, the first ones one more.
    public func communes(ofProvince index: Int) -> Int {
        communes / provinces + (index <= communes % provinces ? 1 : 0)
    }

    /// The deployment, with every listener on a loopback port chosen when it starts (port 0).
    /// `ports` gives fixed ports to named nodes instead (for nodes run as separate processes).
    public func deployment(ports: [String: (web: Int, federation: Int)] = [:]) throws -> Deployment {
        var units = [Unit(code: Self.centre, name: "Văn phòng Trung ương", level: .central, parent: nil)]
        var nodes = [node(name: "centre", unit: Self.centre, ports: ports)]
        for province in 1...provinces {
            let code = Self.provinceCode(province)
            units.append(Unit(code: code, name: "Tỉnh \(province)", level: .province, parent: Self.centre))
            nodes.append(node(name: code.lowercased(), unit: code, ports: ports))
            for commune in 1...communes(ofProvince: province) {
                let communeCode = Self.communeCode(province: province, commune)
                units.append(
                    Unit(code: communeCode, name: "Xã \(commune) tỉnh \(province)", level: .commune, parent: code)
                )
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

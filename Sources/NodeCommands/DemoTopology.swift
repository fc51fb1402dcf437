import Federation
import Node

/// The demo topology, embedded so that `reportnet demo` runs from any folder.
/// A test keeps it identical to `topology/demo.yaml`.
enum DemoTopology {
    static let yaml = #"""
        # Demo federation: the centre, two provinces with their own nodes, and four communes.
        # Province 1 (Bắc Ninh) has two communes with their own nodes and one (Tiên Du) without:
        # Tiên Du's users work in the province's node, which hosts it.
        # Province 2 (Lào Cai) has one commune with a node.
        #
        # units: every administrative unit, with a stable code, name, level and parent.
        # nodes: every running node, the units it hosts (its own first) and its listen addresses
        #        (web: for people, HTTPS; federation: for other nodes, mutual-TLS HTTP/2).
        name: demo
        units:
          - { code: TW,     name: "Văn phòng Trung ương",  level: central }
          - { code: BNI,    name: "Tỉnh Bắc Ninh",         level: province, parent: TW }
          - { code: BNI-KB, name: "Phường Kinh Bắc",       level: commune,  parent: BNI }
          - { code: BNI-YP, name: "Xã Yên Phong",          level: commune,  parent: BNI }
          - { code: BNI-TD, name: "Xã Tiên Du",            level: commune,  parent: BNI }
          - { code: LCA,    name: "Tỉnh Lào Cai",          level: province, parent: TW }
          - { code: LCA-SP, name: "Phường Sa Pa",          level: commune,  parent: LCA }
        nodes:
          - { name: centre,    unit: TW,     hosts: [TW],             web: "127.0.0.1:8441", federation: "127.0.0.1:9441" }
          - { name: bac-ninh,  unit: BNI,    hosts: [BNI, BNI-TD],    web: "127.0.0.1:8442", federation: "127.0.0.1:9442" }
          - { name: kinh-bac,  unit: BNI-KB, hosts: [BNI-KB],         web: "127.0.0.1:8443", federation: "127.0.0.1:9443" }
          - { name: yen-phong, unit: BNI-YP, hosts: [BNI-YP],         web: "127.0.0.1:8444", federation: "127.0.0.1:9444" }
          - { name: lao-cai,   unit: LCA,    hosts: [LCA],            web: "127.0.0.1:8445", federation: "127.0.0.1:9445" }
          - { name: sa-pa,     unit: LCA-SP, hosts: [LCA-SP],         web: "127.0.0.1:8446", federation: "127.0.0.1:9446" }

        """#
}

extension TopologyFile {
    /// The demo topology (`reportnet demo`, and the tests' federations).
    static var demo: Deployment {
        get throws { try parse(DemoTopology.yaml, source: "embedded demo topology") }
    }
}

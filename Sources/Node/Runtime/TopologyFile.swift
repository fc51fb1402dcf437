import Federation
import Foundation
import Yams

/// Reads deployment descriptions written in YAML (JSON is YAML too).
public enum TopologyFile {
    public static func load(path: String) throws -> Deployment {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError("cannot read topology file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws -> Deployment {
        let topology: Topology
        do { topology = try decode(text) } catch {
            throw ConfigurationError("\(source) is not a valid topology: \(error)")
        }
        do { return try Deployment(topology) } catch {
            throw ConfigurationError("\(source): \(error.description)")
        }
    }

    /// A JSON file (as the benchmarks and national installs write the tree of 3,356 units) is read
    /// with `JSONDecoder`: Yams builds a node tree of the whole file first, 4.5 MiB more at the peak
    /// of a commune's start for the national tree (docs/memory.md). Anything else, or JSON that
    /// `JSONDecoder` refuses, is read as YAML, whose errors name the line.
    static func decode(_ text: String) throws -> Topology {
        if text.first(where: { !$0.isWhitespace }) == "{",
            let topology = try? JSONDecoder().decode(Topology.self, from: Data(text.utf8))
        {
            return topology
        }
        return try YAMLDecoder().decode(Topology.self, from: text)
    }
}

/// The tree a node starts from: the units, the nodes and which node hosts which unit.
///
/// A topology file seeds it (the first national install, the demo); the node's database keeps the
/// seed, so a node whose configuration names no topology (one made by `reportnet enrol`) starts
/// from what its database holds. Units added, renamed and joined since are kept in `unit_changes`
/// and applied on top (`LiveDeployment`), so the tree is data that flows through the federation,
/// not a file every node must share.
package enum SeedTopology {
    /// Where the tree came from at this start.
    package enum Source: Equatable, Sendable {
        /// The database's seed (no file named, or the file says the same).
        case database
        /// The file's, kept in the database from now on (a first start, or an edited file).
        case file(String)
    }

    /// The tree to start from: `file`'s when one is named (kept as the seed when it differs from
    /// the database's), the database's otherwise.
    package static func resolve(file: String?, database: NodeDatabase) throws -> (Deployment, Source) {
        if let file {
            let deployment = try TopologyFile.load(path: file)
            return (deployment, try keep(deployment, in: database) ? .file(file) : .database)
        }
        guard let deployment = try kept(in: database) else {
            throw ConfigurationError(
                "\(database.path) holds no tree yet and the configuration names no topology: "
                    + "name a topology file ('topology') for the node's first start, or make the node with `reportnet enrol`"
            )
        }
        return (deployment, .database)
    }

    /// Keeps `deployment` as the database's seed; true when it was not the seed already.
    @discardableResult
    package static func keep(_ deployment: Deployment, in database: NodeDatabase) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(deployment.topology), as: UTF8.self)
        return try database.pool.write { db in
            guard try NodeMetaStore.seedTopology(db) != json else { return false }
            try NodeMetaStore.keepSeedTopology(json, db)
            return true
        }
    }

    /// The seed the database keeps, if any.
    package static func kept(in database: NodeDatabase) throws -> Deployment? {
        guard let json = try database.pool.read({ try NodeMetaStore.seedTopology($0) }) else { return nil }
        let topology = try JSONDecoder().decode(Topology.self, from: Data(json.utf8))
        do { return try Deployment(topology) } catch {
            throw ConfigurationError("the tree kept in \(database.path) is not usable: \(error.description)")
        }
    }
}

/// Makes the federation's certificates for a topology, following the tree: the root CA (held by
/// the centre) certifies the centre's and each province's node, and an intermediate CA for each
/// province node; a province's intermediate certifies the nodes below it (communes), and only
/// those (every node checks the subtree rule against the tree as it is).
public enum NodeCertificates {
    /// Where a node's files live under a certificate folder (the certificate file holds the chain).
    public static func paths(in folder: String, node: String) -> (certificate: String, key: String) {
        ("\(folder)/\(node).pem", "\(folder)/\(node).key.pem")
    }

    public static func caPaths(in folder: String) -> (certificate: String, key: String) {
        ("\(folder)/ca.pem", "\(folder)/ca.key.pem")
    }

    /// A province node's intermediate CA.
    public static func intermediatePaths(in folder: String, node: String) -> (certificate: String, key: String) {
        ("\(folder)/\(node).ca.pem", "\(folder)/\(node).ca.key.pem")
    }

    /// The names a node's certificate carries: its unit's `<unit>.unit.reportnet` (the one peers
    /// verify), its listen host names and `localhost`; IP addresses, with 127.0.0.1 for people on this machine.
    public static func names(for node: NodeDescription) -> (dnsNames: [String], ipAddresses: [String]) {
        let addresses = [node.web, node.federation].compactMap(ListenAddress.init)
        var ips = Set(addresses.filter(\.isIPAddress).map(\.host))
        var names = Set(addresses.filter { !$0.isIPAddress }.map(\.host)).union(node.dnsNames)
        names.insert(NodeIdentity(unitCode: node.unit).dnsName)
        names.insert("localhost")
        ips.remove("0.0.0.0")
        ips.insert("127.0.0.1")
        return (names.map { $0.lowercased() }.sorted(), ips.sorted())
    }

    /// Nodes that get an intermediate CA: every node but the centre's whose unit has a level
    /// below it (a province), whether or not nodes run below it yet, so that communes can join
    /// later without the root key.
    static func holdsIntermediate(_ node: NodeDescription, in deployment: Deployment) -> Bool {
        deployment.parent(of: node) != nil && deployment.tree[node.unit]?.level.below != nil
    }

    /// The CA `node` issues its children's certificates with, from the folder: the root at the
    /// centre, the intermediate at a province; nil when the folder holds none for it.
    public static func issuer(
        for node: NodeDescription,
        in deployment: Deployment,
        folder: String
    ) throws -> CertificateAuthority? {
        let files =
            deployment.parent(of: node) == nil ? caPaths(in: folder) : intermediatePaths(in: folder, node: node.name)
        guard FileManager.default.fileExists(atPath: files.certificate),
            FileManager.default.fileExists(atPath: files.key)
        else { return nil }
        return try CertificateAuthority(
            certificatePEM: try String(contentsOfFile: files.certificate, encoding: .utf8),
            privateKeyPEM: try String(contentsOfFile: files.key, encoding: .utf8)
        )
    }

    /// Issues what is missing: the root if absent (else reuses it), each province's intermediate,
    /// and each node's certificate (from its parent's CA: the root for the centre and the
    /// provinces, the province's intermediate below). `reissue` replaces node certificates.
    @discardableResult
    public static func issue(for deployment: Deployment, into folder: String, reissue: Bool = false) throws -> [String]
    {
        let ca = caPaths(in: folder)
        let root: CertificateAuthority
        if FileManager.default.fileExists(atPath: ca.certificate), FileManager.default.fileExists(atPath: ca.key) {
            root = try CertificateAuthority(
                certificatePEM: try String(contentsOfFile: ca.certificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: ca.key, encoding: .utf8)
            )
        } else {
            root = try CertificateAuthority.makeRoot(commonName: "ReportNet \(deployment.name) root CA")
            try CredentialFiles.write(
                certificatePEM: root.certificatePEM,
                privateKeyPEM: root.privateKeyPEM,
                certificatePath: ca.certificate,
                keyPath: ca.key
            )
        }
        var written: [String] = []
        var intermediates: [String: CertificateAuthority] = [:]
        for node in deployment.nodes where holdsIntermediate(node, in: deployment) {
            if let existing = try issuer(for: node, in: deployment, folder: folder) {
                intermediates[node.name] = existing
                continue
            }
            // No name constraints: the subtree grows after this CA is issued (docs/pki.md).
            let intermediate = try root.issueIntermediate(
                unitCode: node.unit,
                nodeName: node.name,
                permittedDNSNames: []
            )
            let files = intermediatePaths(in: folder, node: node.name)
            try CredentialFiles.write(
                certificatePEM: intermediate.certificatePEM,
                privateKeyPEM: intermediate.privateKeyPEM,
                certificatePath: files.certificate,
                keyPath: files.key
            )
            intermediates[node.name] = intermediate
            written.append(files.certificate)
        }
        for node in deployment.nodes {
            let files = paths(in: folder, node: node.name)
            if !reissue && FileManager.default.fileExists(atPath: files.certificate)
                && FileManager.default.fileExists(atPath: files.key)
            {
                continue
            }
            let authority = deployment.parent(of: node).flatMap { intermediates[$0.name] } ?? root
            let (dnsNames, ipAddresses) = names(for: node)
            let credential = try authority.issueNodeCertificate(
                NodeCertificateRequest(
                    unitCode: node.unit,
                    nodeName: node.name,
                    dnsNames: dnsNames,
                    ipAddresses: ipAddresses
                )
            )
            try CredentialFiles.write(
                certificatePEM: credential.certificatePEM,
                privateKeyPEM: credential.privateKeyPEM,
                certificatePath: files.certificate,
                keyPath: files.key
            )
            written.append(files.certificate)
        }
        return written
    }
}

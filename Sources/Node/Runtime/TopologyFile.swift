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
        do { topology = try YAMLDecoder().decode(Topology.self, from: text) } catch {
            throw ConfigurationError("\(source) is not a valid topology: \(error)")
        }
        do { return try Deployment(topology) } catch {
            throw ConfigurationError("\(source): \(error.description)")
        }
    }

    static var demo: Deployment {
        get throws { try parse(DemoTopology.yaml, source: "embedded demo topology") }
    }
}

/// Makes the private root CA and one certificate per node of a topology.
public enum NodeCertificates {
    /// Where a node's files live under a certificate folder.
    public static func paths(in folder: String, node: String) -> (certificate: String, key: String) {
        ("\(folder)/\(node).pem", "\(folder)/\(node).key.pem")
    }

    public static func caPaths(in folder: String) -> (certificate: String, key: String) {
        ("\(folder)/ca.pem", "\(folder)/ca.key.pem")
    }

    /// Issues what is missing: the CA if absent (else reuses it), and each node's certificate.
    @discardableResult
    public static func issue(for deployment: Deployment, into folder: String, reissue: Bool = false) throws -> [String] {
        let ca = caPaths(in: folder)
        let authority: CertificateAuthority
        if FileManager.default.fileExists(atPath: ca.certificate), FileManager.default.fileExists(atPath: ca.key) {
            authority = try CertificateAuthority(certificatePEM: try String(contentsOfFile: ca.certificate, encoding: .utf8),
                                                 privateKeyPEM: try String(contentsOfFile: ca.key, encoding: .utf8))
        } else {
            authority = try CertificateAuthority.makeRoot(commonName: "ReportNet \(deployment.name) root CA")
            try CredentialFiles.write(certificatePEM: authority.certificatePEM, privateKeyPEM: authority.privateKeyPEM, certificatePath: ca.certificate, keyPath: ca.key)
        }
        var written: [String] = []
        for node in deployment.nodes {
            let files = paths(in: folder, node: node.name)
            if !reissue && FileManager.default.fileExists(atPath: files.certificate) && FileManager.default.fileExists(atPath: files.key) { continue }
            let addresses = [node.web, node.federation].compactMap(ListenAddress.init)
            var ips = Set(addresses.filter(\.isIPAddress).map(\.host))
            var names = Set(addresses.filter { !$0.isIPAddress }.map(\.host)).union(node.dnsNames)
            // The unit's name is the one peers verify; localhost and 127.0.0.1 serve people on this machine.
            names.insert(NodeIdentity(unitCode: node.unit).dnsName)
            names.insert("localhost")
            if ips.contains("0.0.0.0") { ips.remove("0.0.0.0") }
            ips.insert("127.0.0.1")
            let credential = try authority.issueNodeCertificate(NodeCertificateRequest(unitCode: node.unit, nodeName: node.name, dnsNames: names.sorted(), ipAddresses: ips.sorted()))
            try CredentialFiles.write(certificatePEM: credential.certificatePEM, privateKeyPEM: credential.privateKeyPEM, certificatePath: files.certificate, keyPath: files.key)
            written.append(files.certificate)
        }
        return written
    }
}

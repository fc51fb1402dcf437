import AsyncHTTPClient
import Federation
import Foundation
import Hierarchy
import NIOCore
import NIOFoundationCompat
import NIOSSL
import X509

/// The new node's side of enrolment: makes its key here, sends only the CSR with the one-time
/// token to its parent's web listener (trusting only the federation's root), checks what comes
/// back, and writes the key (0600) and the certificate chain.
public enum NodeEnrolment {
    /// Enrols a node the topology already names (its files are written where given).
    /// - Parameters:
    ///   - parentURL: the parent's web listener, `https://host:port`.
    ///   - unit: the unit this node will be (the token decides; a mismatch is refused here).
    /// - Returns: the issued chain, PEM.
    @discardableResult
    public static func enrol(
        parentURL: String,
        token: String,
        unit: String,
        nodeName: String,
        trustRootPEM: String,
        certificatePath: String,
        keyPath: String,
        dnsNames: [String] = [],
        ipAddresses: [String] = [],
        intermediatePaths: (certificate: String, key: String)? = nil
    ) async throws -> String {
        let exchange = try await Exchange.run(
            parentURL: parentURL,
            trustRootPEM: trustRootPEM,
            unit: unit,
            asksForCA: intermediatePaths != nil
        ) { request, caRequest in
            EnrolmentRequest(
                token: token,
                csr: request.csrPEM,
                dnsNames: dnsNames,
                ipAddresses: ipAddresses,
                caCsr: caRequest?.csrPEM
            )
        }
        guard exchange.answer.unit == unit else {
            throw EnrolmentFailed("the token is for unit \(exchange.answer.unit), not \(unit)")
        }
        if let intermediatePaths {
            guard let pem = exchange.intermediatePEM, let caKey = exchange.caRequest?.privateKeyPEM else {
                throw EnrolmentFailed("the parent did not certify this node's intermediate CA")
            }
            try CredentialFiles.write(
                certificatePEM: pem,
                privateKeyPEM: caKey,
                certificatePath: intermediatePaths.certificate,
                keyPath: intermediatePaths.key
            )
        }
        try CredentialFiles.write(
            certificatePEM: exchange.answer.certificate,
            privateKeyPEM: exchange.request.privateKeyPEM,
            certificatePath: certificatePath,
            keyPath: keyPath
        )
        return exchange.answer.certificate
    }

    /// What `join` wrote.
    public struct Joined: Sendable {
        public let unit: String
        public let node: String
        public let configuration: String
        public let parentURL: String
        /// The unit's accounts and reports come from the parent when the node first runs.
        public let handover: Bool
    }

    /// `reportnet enrol --dir`: a node joins for the unit its token names. It fetches the root
    /// from the parent and trusts it only if the token pins it, enrols (a province also gets its
    /// issuing CA), and writes a ready folder: key (0600), certificate chain, trust root, the
    /// node's database holding the tree as the parent knows it (the seed of its own, see
    /// `SeedTopology`), and `node.yaml`, which names only this node, its files, its listen
    /// addresses and its parent.
    public static func join(
        parentURL: String,
        token: String,
        directory: String,
        web: String,
        federation: String,
        nodeName: String? = nil,
        dnsNames: [String] = [],
        ipAddresses: [String] = []
    ) async throws -> Joined {
        let pinned = PinnedToken(token)
        guard let pin = pinned.rootDigest else {
            throw EnrolmentFailed(
                "the token pins no trust root (expected SECRET.SHA256): ask the parent's admin for a new token"
            )
        }
        let files = FileManager.default
        if files.fileExists(atPath: directory), !((try? files.contentsOfDirectory(atPath: directory)) ?? []).isEmpty {
            throw EnrolmentFailed("\(directory) is not empty: enrol into a new folder")
        }
        for (name, address) in [("--web", web), ("--federation", federation)] where ListenAddress(address) == nil {
            throw EnrolmentFailed("\(name) '\(address)' must be host:port")
        }
        guard let parent = URL(string: parentURL), parent.scheme == "https", let parentHost = parent.host else {
            throw EnrolmentFailed("--parent '\(parentURL)' must be https://host:port")
        }
        // The folder must take the files before the token is spent: once the parent answers, the
        // node exists for every ancestor, and its key lives only here.
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.path
        do {
            try files.createDirectory(
                atPath: folder,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try Data("probe".utf8).write(to: URL(fileURLWithPath: "\(folder)/.probe"))
            try files.removeItem(atPath: "\(folder)/.probe")
        } catch {
            throw EnrolmentFailed("cannot write into \(folder): \(error.localizedDescription)")
        }
        let rootPEM = try await fetchRoot(parentURL: parentURL)
        guard try PinnedToken.digest(ofRootPEM: rootPEM) == pin else {
            throw EnrolmentFailed(
                "the parent's trust root does not have the SHA-256 the token pins: refusing it (check --parent, or ask for a new token)"
            )
        }
        let exchange = try await Exchange.run(
            parentURL: parentURL,
            trustRootPEM: rootPEM,
            unit: nil,
            asksForCA: true
        ) { request, caRequest in
            EnrolmentRequest(
                token: token,
                csr: request.csrPEM,
                dnsNames: dnsNames,
                ipAddresses: ipAddresses,
                caCsr: caRequest?.csrPEM,
                nodeName: nodeName,
                web: web,
                federation: federation
            )
        }
        let answer = exchange.answer
        guard let node = answer.node, let topology = answer.topology, let port = answer.parentFederationPort else {
            throw EnrolmentFailed(
                "the parent's answer lacks the node, the tree or its federation port (an older parent?)"
            )
        }
        let seed: Deployment
        do { seed = try Deployment(topology) } catch {
            throw EnrolmentFailed("the tree the parent sent is not usable: \(error.description)")
        }
        guard seed.node(named: node.name)?.unit == answer.unit else {
            throw EnrolmentFailed("the parent's tree does not hold node \(node.name) for unit \(answer.unit)")
        }
        try CredentialFiles.write(
            certificatePEM: answer.certificate,
            privateKeyPEM: exchange.request.privateKeyPEM,
            certificatePath: "\(folder)/certificate.pem",
            keyPath: "\(folder)/key.pem"
        )
        try CredentialFiles.writeCertificate(pem: rootPEM, path: "\(folder)/trust-root.pem")
        let hostPart = parentHost.contains(":") ? "[\(parentHost)]" : parentHost
        var lines = [
            "# Written by `reportnet enrol`: this node, its files, where it listens and its parent.",
            "# Its tree is kept in node.sqlite: the parent's at enrolment; later changes arrive through the feed.",
            "node: \(node.name)",
            "database: node.sqlite",
            "certificate: certificate.pem",
            "key: key.pem",
            "trust_root: trust-root.pem",
            "web: \"\(web)\"",
            "federation: \"\(federation)\"",
            "parent_url: \"https://\(hostPart):\(port)\"",
        ]
        if let pem = exchange.intermediatePEM, let caKey = exchange.caRequest?.privateKeyPEM {
            try CredentialFiles.write(
                certificatePEM: pem,
                privateKeyPEM: caKey,
                certificatePath: "\(folder)/issuer.pem",
                keyPath: "\(folder)/issuer.key.pem"
            )
            lines += ["issuer_certificate: issuer.pem", "issuer_key: issuer.key.pem"]
        }
        let database = try NodeDatabase.open(path: "\(folder)/node.sqlite")
        try SeedTopology.keep(seed, in: database)
        // The unit's life at the parent (accounts, reports, ...) comes over when the node first runs.
        if let handover = answer.handover {
            try UnitHandovers.expect(
                handover,
                unit: answer.unit,
                from: answer.parentNode ?? "parent",
                in: database,
                at: SystemClock().now()
            )
        }
        try database.pool.close()
        // Written last: a folder with node.yaml is complete.
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: "\(folder)/node.yaml",
            atomically: true,
            encoding: .utf8
        )
        return Joined(
            unit: answer.unit,
            node: node.name,
            configuration: "\(folder)/node.yaml",
            parentURL: "https://\(hostPart):\(port)",
            handover: answer.handover != nil
        )
    }

    /// The parent's root certificate, fetched without verifying the parent (nothing is trusted
    /// yet); the caller checks it against the token's pin before using it.
    static func fetchRoot(parentURL: String) async throws -> String {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.minimumTLSVersion = .tlsv12
        let body = try await call(parentURL: parentURL, path: "/api/v1/trust-root", tls: tls, request: nil)
        struct Root: Decodable { let trustRoot: String }
        guard let root = try? JSONDecoder().decode(Root.self, from: body.data), body.status == 200 else {
            throw EnrolmentFailed(
                "the parent did not give its trust root (HTTP \(body.status)): is --parent its web address?"
            )
        }
        return root.trustRoot
    }

    /// One HTTPS call to the parent's web listener; its status and body.
    static func call(
        parentURL: String,
        path: String,
        tls: TLSConfiguration,
        request: (any Encodable)?
    ) async throws -> (status: UInt, data: Data) {
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: .init(tlsConfiguration: tls)
        )
        do {
            var call = HTTPClientRequest(url: parentURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)
            if let request {
                call.method = .POST
                call.headers.add(name: "Content-Type", value: "application/json")
                call.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(request)))
            }
            let response = try await http.execute(call, timeout: .seconds(30))
            let data = Data(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
            try await http.shutdown()
            return (response.status.code, data)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// One enrolment call: keys made here, the request sent, the answer checked against the key
    /// and the root (and the intermediate, when one came back) before anything is written.
    struct Exchange {
        let request: KeyRequest
        let caRequest: KeyRequest?
        let answer: EnrolmentAnswer
        let intermediatePEM: String?

        static func run(
            parentURL: String,
            trustRootPEM: String,
            unit: String?,
            asksForCA: Bool,
            body: (KeyRequest, KeyRequest?) -> EnrolmentRequest
        ) async throws -> Exchange {
            // The certificate names the token's unit, whatever the CSR says.
            let subject = unit ?? "joining"
            let request = try KeyRequest.make(unitCode: subject, nodeName: subject)
            let caRequest = asksForCA ? try KeyRequest.make(unitCode: subject, nodeName: subject + " CA") : nil
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootPEM.utf8)))
            tls.minimumTLSVersion = .tlsv12
            let reply = try await call(
                parentURL: parentURL,
                path: "/api/v1/enrol",
                tls: tls,
                request: body(request, caRequest)
            )
            guard reply.status == 201 else {
                let message =
                    (try? JSONSerialization.jsonObject(with: reply.data) as? [String: Any])?["message"] as? String
                throw EnrolmentFailed(
                    "enrolment refused (HTTP \(reply.status)): \(message ?? String(decoding: reply.data, as: UTF8.self))"
                )
            }
            let answer = try JSONDecoder().decode(EnrolmentAnswer.self, from: reply.data)
            let chain = try parseCertificateChain(pem: answer.certificate)
            let key = try Certificate.PrivateKey(pemEncoded: request.privateKeyPEM)
            guard chain[0].publicKey == key.publicKey else {
                throw EnrolmentFailed("the parent returned a certificate for another key")
            }
            let root = try Certificate(pemEncoded: trustRootPEM)
            let identity = try await ChainTrust(root: root, tree: nil, isRevoked: { _ in false }).verify(
                leaf: chain[0],
                intermediates: Array(chain.dropFirst())
            )
            guard identity.unitCode == answer.unit else {
                throw EnrolmentFailed("the certificate names unit \(identity.unitCode), not \(answer.unit)")
            }
            var intermediatePEM: String?
            if let pem = answer.intermediate, let caRequest {
                guard let intermediate = try? Certificate(pemEncoded: pem),
                    intermediate.publicKey
                        == (try Certificate.PrivateKey(pemEncoded: caRequest.privateKeyPEM)).publicKey,
                    CertificateAuthority.unit(ofCA: intermediate.subject) == answer.unit
                else {
                    throw EnrolmentFailed("the parent did not certify this node's intermediate CA")
                }
                // Loads as a CA (checks it is one and the key matches) before anything is written.
                _ = try CertificateAuthority(certificatePEM: pem, privateKeyPEM: caRequest.privateKeyPEM)
                intermediatePEM = pem
            }
            return Exchange(request: request, caRequest: caRequest, answer: answer, intermediatePEM: intermediatePEM)
        }
    }
}

/// Enrolment did not give this node a certificate, with the reason.
public struct EnrolmentFailed: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

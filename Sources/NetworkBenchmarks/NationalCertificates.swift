import Federation
import Foundation
import Node

/// The national simulation's certificates as files, so that the worker processes use the ones the
/// main process issued (one root CA for the whole run) instead of making their own: `<node>.pem`,
/// `<node>.key.pem` per node and the root's certificate `ca.pem` (its key is not written).
public enum NationalCertificates {
    /// Issues every node's certificate from `authority` into `folder`, `parallel` at a time.
    public static func write(
        for deployment: Deployment,
        from authority: CertificateAuthority,
        into folder: String,
        parallel: Int = 16
    ) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try CredentialFiles.writeCertificate(
            pem: authority.certificatePEM,
            path: NodeCertificates.caPaths(in: folder).certificate
        )
        let nodes = deployment.nodes
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                if index >= parallel { try await group.next() }
                group.addTask {
                    let credentials = try InProcessFederation.credentials(for: node, from: authority)
                    let files = NodeCertificates.paths(in: folder, node: node.name)
                    try CredentialFiles.write(
                        certificatePEM: credentials.certificatePEM,
                        privateKeyPEM: credentials.privateKeyPEM,
                        certificatePath: files.certificate,
                        keyPath: files.key
                    )
                }
            }
            try await group.waitForAll()
        }
    }

    /// The credentials `write` left for `node`.
    public static func read(for node: NodeDescription, in folder: String) throws -> NodeCredentials {
        let files = NodeCertificates.paths(in: folder, node: node.name)
        return try NodeCredentials.load(
            certificate: files.certificate,
            key: files.key,
            trustRoot: NodeCertificates.caPaths(in: folder).certificate
        )
    }
}

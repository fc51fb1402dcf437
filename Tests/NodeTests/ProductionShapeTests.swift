import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue J.5 with real processes: a node run as in production — its web listener on a certificate
/// from another CA (a public one) while the federation keeps the private PKI, behind a reverse
/// proxy it trusts for `X-Forwarded-For`, logging JSON lines for journald.
@Suite(.serialized) struct ProductionShapeTests {
    @Test func webCertificateForwardedClientsAndJSONLogs() async throws {
        let nodes = try await NodeProcesses(nodes: ["centre", "bac-ninh"], units: ["TW", "BNI"])
        defer { nodes.remove() }
        // The agency's public CA issues the web listener's certificate.
        let publicCA = try CertificateAuthority.makeRoot(commonName: "Agency Public CA")
        let web = try publicCA.issueNodeCertificate(
            NodeCertificateRequest(unitCode: "TW", nodeName: "web", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        )
        let files = (
            ca: nodes.directory + "/public/ca.pem", certificate: nodes.directory + "/public/web.pem",
            key: nodes.directory + "/public/web.key.pem"
        )
        try CredentialFiles.writeCertificate(pem: publicCA.certificatePEM, path: files.ca)
        try CredentialFiles.write(
            certificatePEM: web.certificatePEM,
            privateKeyPEM: web.privateKeyPEM,
            certificatePath: files.certificate,
            keyPath: files.key
        )
        let configuration = nodes.configuration("centre")
        let extra = [
            "log_format: json", "trusted_proxies: [127.0.0.1]",
            "web_certificate: \(files.certificate)", "web_key: \(files.key)",
        ]
        try (try String(contentsOfFile: configuration, encoding: .utf8) + "\n" + extra.joined(separator: "\n") + "\n")
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        try await nodes.start("centre", webCA: files.ca)
        try await nodes.start("bac-ninh")

        // Browsers trust the public CA; the private root does not vouch for the web listener.
        let centreWeb = nodes.webURL("centre")
        #expect(try await APIClient(baseURL: centreWeb, caPath: files.ca).call(.GET, "/healthz").status == 200)
        await #expect(throws: (any Error).self) {
            try await APIClient(baseURL: centreWeb, caPath: nodes.caPath).call(.GET, "/healthz")
        }
        // The federation listener still presents the node's certificate and requires a node's.
        let province = NodeCertificates.paths(in: nodes.directory + "/certs", node: "bac-ninh")
        let federation = try await FederationFlowTests.curl([
            "--cert", province.certificate, "--key", province.key, "--cacert", nodes.caPath,
            "https://127.0.0.1:\(nodes.ports["centre"]!.federation)/healthz",
        ])
        #expect(federation.output.hasPrefix("2 200"), "\(federation.output)")

        // Behind the trusted proxy, the audit trail names the forwarded client; elsewhere the
        // header is anyone's word and is ignored.
        let forwarded = ["X-Forwarded-For": "198.51.100.23, 203.0.113.7"]
        let failed = try await APIClient(baseURL: centreWeb, caPath: files.ca, headers: forwarded).call(
            .POST,
            "/api/v1/session",
            body: ["username": "khong.co", "password": "sai-mat-khau"]
        )
        #expect(failed.status == 401, "\(failed.text)")
        let ignored = try await APIClient(baseURL: nodes.webURL("bac-ninh"), caPath: nodes.caPath, headers: forwarded)
            .call(.POST, "/api/v1/session", body: ["username": "khong.co", "password": "sai-mat-khau"])
        #expect(ignored.status == 401)
        let sql = "SELECT COUNT(*) FROM audit WHERE action = 'login.failed' AND source = ?"
        #expect(try nodes.count("centre", sql, ["203.0.113.7"]) == 1, "the client the proxy forwarded")
        #expect(try nodes.count("bac-ninh", sql, ["127.0.0.1"]) == 1, "the socket's address")
        #expect(try nodes.count("bac-ninh", sql, ["203.0.113.7"]) == 0)

        // Every line the node logged is one JSON object a collector can take.
        await nodes.stop("centre")
        let log = try String(contentsOfFile: nodes.directory + "/centre.log", encoding: .utf8)
        let lines = log.split(separator: "\n").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"node starting""#) })
    }
}

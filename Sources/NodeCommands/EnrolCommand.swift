import ArgumentParser
import Federation
import Foundation
import Node

/// `reportnet enrol`: a new node makes its key, and gets its certificate from its parent with the
/// one-time token the parent's admin gave (`POST /api/v1/enrolment-tokens` there).
struct EnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract:
            "Enrol a new node with its parent: make the key here (mode 0600), send only a CSR with the one-time token."
    )

    @Option(help: "The parent's web URL, e.g. https://bac-ninh.example:8442.")
    var parent: String

    @Option(help: "The one-time enrolment token from the parent's admin.")
    var token: String

    @Option(help: "This node's unit code (as in the topology).")
    var unit: String

    @Option(help: "This node's name (as in the topology).")
    var node: String

    @Option(help: "The federation's root certificate (given with the topology).")
    var trustRoot: String

    @Option(help: "Where to write the certificate chain.")
    var certificate: String

    @Option(help: "Where to write the private key (mode 0600).")
    var key: String

    @Option(help: "Extra DNS name this node is reached by (repeatable).")
    var dns: [String] = []

    @Option(help: "IP address this node is reached by (repeatable).")
    var ip: [String] = []

    @Option(
        help:
            "A province enrolling with the centre: where to write its intermediate CA certificate (its key is made here too)."
    )
    var caCertificate: String?

    @Option(help: "Where to write the intermediate CA's key (mode 0600).")
    var caKey: String?

    func run() async throws {
        let root = try String(contentsOfFile: trustRoot, encoding: .utf8)
        guard (caCertificate == nil) == (caKey == nil) else {
            throw ValidationError("--ca-certificate and --ca-key go together")
        }
        let intermediate = caCertificate.flatMap { certificate in caKey.map { (certificate: certificate, key: $0) } }
        try await NodeEnrolment.enrol(
            parentURL: parent,
            token: token,
            unit: unit,
            nodeName: node,
            trustRootPEM: root,
            certificatePath: certificate,
            keyPath: key,
            dnsNames: dns,
            ipAddresses: ip,
            intermediatePaths: intermediate
        )
        print("Đã cấp chứng thư / certificate issued: \(certificate) (key: \(key))")
        if let intermediate {
            print(
                "Khóa cấp chứng thư trung gian / intermediate CA: \(intermediate.certificate) (key: \(intermediate.key))"
            )
        }
    }
}

import ArgumentParser
import Federation
import Foundation
import Node

/// `reportnet enrol`: a new node joins its parent with the one-time token the parent's admin gave
/// (`POST /api/v1/enrolment-tokens`, or the units page there). Its key is made here and never
/// sent; the token pins the federation's root. It writes a folder `reportnet serve --dir` runs.
struct EnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract:
            "Join the federation: make this node's key here, enrol with the parent's one-time token, write a ready folder.",
        discussion: """
            reportnet enrol --parent https://bac-ninh.example:8443 --token TOKEN --dir /var/lib/reportnet
            reportnet serve --dir /var/lib/reportnet
            """
    )

    @Option(help: "The parent's web address, e.g. https://bac-ninh.example:8443.")
    var parent: String

    @Option(help: "The one-time enrolment token from the parent's admin (SECRET.SHA256 of the root).")
    var token: String

    @Option(help: "The new folder to write the node's key, certificates, tree and node.yaml into.")
    var dir: String

    @Option(help: "Where this node's web listener listens, host:port.")
    var web: String = NodePKI.defaultWeb

    @Option(help: "Where this node's federation listener listens, host:port.")
    var federation: String = NodePKI.defaultFederation

    @Option(help: "This node's name (default: its unit's code in lower case).")
    var name: String?

    @Option(help: "Extra DNS name this node is reached by (repeatable).")
    var dns: [String] = []

    @Option(help: "IP address this node is reached by (repeatable).")
    var ip: [String] = []

    func run() async throws {
        let joined: NodeEnrolment.Joined
        do {
            joined = try await NodeEnrolment.join(
                parentURL: parent,
                token: token,
                directory: dir,
                web: web,
                federation: federation,
                nodeName: name,
                dnsNames: dns,
                ipAddresses: ip
            )
        } catch let error as EnrolmentFailed {
            throw ValidationError("Không đăng ký được nút / enrolment failed: \(error.description)")
        }
        print(
            "Nút “\(joined.node)” của đơn vị \(joined.unit) đã đăng ký / node \(joined.node) of unit \(joined.unit) enrolled."
        )
        print("Cấu hình / configuration: \(joined.configuration) (parent \(joined.parentURL))")
        print("Chạy nút / run it: reportnet serve --dir \(dir)")
        if joined.handover {
            print(
                "Tài khoản, báo cáo và lịch sử của đơn vị sẽ được chuyển từ nút cấp trên khi nút chạy lần đầu / the unit's accounts, reports and history come over from the parent when the node first runs."
            )
            return
        }
        print(
            "Tài khoản quản trị đầu tiên / first admin: reportnet bootstrap-admin --config \(joined.configuration) --username ADMIN"
        )
    }
}

import Auth
import Federation
import Foundation
import HTTPTypes
import Hierarchy
import Hummingbird
import NIOCore
import Node
import Reporting

/// The JSON API for people (and their programs), served on the web listener.
struct WebAPI {
    let local: LocalNode

    func addRoutes(to router: Router<NodeRequestContext>) {
        router.get("/healthz") { _, _ in await local.health(listener: "web") }
        MetricsRoutes(local: local).addRoutes(to: router)
        let api = router.group("/api/v1").add(middleware: SessionAuthentication(local: local))
        SessionRoutes(local: local).addRoutes(to: api)
        AccountRoutes(local: local).addRoutes(to: api)
        FormRoutes(local: local).addRoutes(to: api)
        IndicatorRoutes(local: local).addRoutes(to: api)
        ReportRoutes(local: local).addRoutes(to: api)
        PKIRoutes(local: local).addRoutes(to: api)
        FiguresRoutes(local: local).addRoutes(to: api)
        ScoringRoutes(local: local).addRoutes(to: api)
        CongressRoutes(local: local).addRoutes(to: api)
        TaskRoutes(local: local).addRoutes(to: api)
        AlertRoutes(local: local).addRoutes(to: api)
        ParkedRoutes(local: local).addRoutes(to: api)
        UnitRoutes(local: local).addRoutes(to: api)
        api.get("/todo") { _, context -> ToDoList in try await local.toDo.list(for: try context.actor()) }
        NodeRoutes(local: local).addRoutes(to: api)
        api.get("/sync") { _, context -> SyncStatus in
            // The node's links concern every unit it hosts: only the admin of the node's own unit sees them.
            let actor = try context.actor()
            guard actor.holds(.manageUsers), actor.unit == local.unit else { throw DomainError(.notAllowed) }
            return try await local.syncLinks.status()
        }
    }
}

extension ToDoList: ResponseEncodable {}

/// A list answer; an object at the top so that fields can be added later.
struct Items<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
}

/// What `/healthz` says on either listener.
struct Health: ResponseEncodable, Sendable {
    /// `ok`, or `degraded` with `reasons` (the answer stays 200: the node is up and serving).
    let status: String
    let reasons: [HealthProblem]
    let listener: String
    let node: String
    let unit: String
    let unitName: String
    let level: Level
    let protocolVersion: Int
    let accepted: ClosedRange<Int>
}

extension LocalNode {
    func health(listener: String) async -> Health {
        let problems = await nodesAtAGlance.healthProblems()
        return Health(
            status: problems.isEmpty ? "ok" : "degraded",
            reasons: problems,
            listener: listener,
            node: node.name,
            unit: unit,
            unitName: tree[unit]?.name ?? unit,
            level: tree[unit]?.level ?? .commune,
            protocolVersion: ProtocolVersion.current,
            accepted: ProtocolVersion.accepted
        )
    }
}

extension SyncStatus: ResponseEncodable {}
extension NodesOverview: ResponseEncodable {}
extension SilenceSetting: ResponseEncodable {}
extension AccountView: ResponseEncodable {}
extension CreatedAccount: ResponseEncodable {}
extension AssignmentView: ResponseEncodable {}
extension FormView: ResponseEncodable {}
extension IndicatorView: ResponseEncodable {}
extension Evidence: ResponseEncodable {}
extension RollupView: ResponseEncodable {}
extension ReportView: ResponseEncodable {}
extension OversightView: ResponseEncodable {}

extension Form: ResponseEncodable {}

extension Hierarchy.Unit: ResponseEncodable {}

extension Download {
    var response: Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentDisposition: Self.disposition(fileName),
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// `attachment` with the name twice (RFC 6266/8187): ASCII for old clients, UTF-8 percent-encoded
    /// (ASCII unreserved characters only) for the rest, so "Báo cáo.xlsx" arrives intact.
    static func disposition(_ fileName: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        )
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "download"
        let fallback = String(
            fileName.unicodeScalars.map {
                $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_"
            }
        )
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}

extension HTTPField.Name {
    /// The SHA-256 of a served evidence file, so a downloader can check what it received.
    static let contentSHA256 = Self("X-Content-SHA256")!
}

import Auth
import Federation
import Foundation
import GRDB
import HTTPTypes
import Hierarchy
import Hummingbird
import NIOCore
import Reporting

/// The JSON API for people (and their programs), served on the web listener.
struct WebAPI {
    let local: LocalNode

    func addRoutes(to router: Router<NodeRequestContext>) {
        router.get("/healthz") { _, _ in local.health(listener: "web") }
        MetricsRoutes(local: local).addRoutes(to: router)
        let api = router.group("/api/v1").add(middleware: SessionAuthentication(local: local))
        SessionRoutes(local: local).addRoutes(to: api)
        AccountRoutes(local: local).addRoutes(to: api)
        FormRoutes(local: local).addRoutes(to: api)
        ReportRoutes(local: local).addRoutes(to: api)
        PKIRoutes(local: local).addRoutes(to: api)
        FiguresRoutes(local: local).addRoutes(to: api)
        ScoringRoutes(local: local).addRoutes(to: api)
        CongressRoutes(local: local).addRoutes(to: api)
        TaskRoutes(local: local).addRoutes(to: api)
        AlertRoutes(local: local).addRoutes(to: api)
        UnitRoutes(local: local).addRoutes(to: api)
        api.get("/todo") { _, context -> ToDoList in try await local.toDo(for: try context.actor()) }
        api.get("/sync") { _, context -> SyncStatus in
            // The node's links concern every unit it hosts: only the admin of the node's own unit sees them.
            let actor = try context.actor()
            guard actor.holds(.manageUsers), actor.unit == local.unit else { throw APIError.forbidden() }
            return try await local.syncStatus()
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
    let status: String
    let listener: String
    let node: String
    let unit: String
    let unitName: String
    let level: Level
    let protocolVersion: Int
    let accepted: ClosedRange<Int>
}

/// The state of this node's links: what waits to go up, what was parked, when peers were last seen.
struct SyncStatus: ResponseEncodable, Sendable {
    struct Parked: Codable, Sendable {
        let message: String
        let kind: String
        let unit: String
        let reason: String
    }

    /// A message received from a peer and set aside, with why.
    struct Refused: Codable, Sendable {
        let origin: String
        let message: String
        let kind: String
        let reason: String
        let receivedAt: Date
    }

    struct Peer: Codable, Sendable {
        let unit: String
        let relation: String
        let cursor: Int64
        let lastContact: Date?
        let lastError: String?
    }

    let node: String
    let parent: String?
    let outboxPending: Int
    let parked: [Parked]
    /// The latest messages this node received and parked (newest first, at most 100).
    let parkedReceived: [Refused]
    let peers: [Peer]
}

extension LocalNode {
    func health(listener: String) -> Health {
        Health(
            status: "ok",
            listener: listener,
            node: node.name,
            unit: unit,
            unitName: tree[unit]?.name ?? unit,
            level: tree[unit]?.level ?? .commune,
            protocolVersion: ProtocolVersion.current,
            accepted: ProtocolVersion.accepted
        )
    }

    func syncStatus() async throws -> SyncStatus {
        try await database.pool.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
            let parked = try Row.fetchAll(
                db,
                sql: "SELECT message_id, kind, unit, reason FROM outbox WHERE state = 'parked' ORDER BY seq"
            ).map {
                SyncStatus.Parked(
                    message: $0["message_id"],
                    kind: $0["kind"],
                    unit: $0["unit"],
                    reason: $0["reason"] ?? ""
                )
            }
            let refused = try Row.fetchAll(
                db,
                sql:
                    "SELECT origin, message_id, kind, detail, received_at FROM inbox WHERE status = 'parked' ORDER BY received_at DESC LIMIT 100"
            ).map {
                SyncStatus.Refused(
                    origin: $0["origin"],
                    message: $0["message_id"],
                    kind: $0["kind"],
                    reason: $0["detail"],
                    receivedAt: $0["received_at"]
                )
            }
            let peers = try PeerRecord.order(Column("unit")).fetchAll(db).map {
                SyncStatus.Peer(
                    unit: $0.unit,
                    relation: deployment.relation(of: $0.unit, to: node).rawValue,
                    cursor: $0.cursor,
                    lastContact: $0.lastContact,
                    lastError: $0.lastError
                )
            }
            return SyncStatus(
                node: node.name,
                parent: parent?.name,
                outboxPending: pending,
                parked: parked,
                parkedReceived: refused,
                peers: peers
            )
        }
    }
}

extension AccountView: ResponseEncodable {}
extension CreatedAccount: ResponseEncodable {}
extension AssignmentView: ResponseEncodable {}
extension FormView: ResponseEncodable {}
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

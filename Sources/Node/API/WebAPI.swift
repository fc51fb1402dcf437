import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import HTTPTypes
import Hummingbird
import NIOCore
import Reporting

/// The JSON API for people (and their programs), served on the web listener.
struct WebAPI {
    let local: LocalNode

    func addRoutes(to router: Router<NodeRequestContext>) {
        router.get("/healthz") { _, _ in local.health(listener: "web") }
        let api = router.group("/api/v1").add(middleware: SessionAuthentication(local: local))
        SessionRoutes(local: local).addRoutes(to: api)
        AccountRoutes(local: local).addRoutes(to: api)
        api.get("/units") { _, context -> Items<Hierarchy.Unit> in
            let actor = try context.actor()
            return Items(items: local.tree.subtree(of: actor.unit))
        }
        api.get("/forms") { _, context -> Items<FormView> in
            Items(items: try await local.forms(visibleTo: try context.actor()))
        }
        api.post("/forms") { request, context -> EditedResponse<Form> in
            let actor = try context.actor()
            guard actor.holds(.manageForms) else { throw APIError.forbidden() }
            let form: Form
            if request.headers[.contentType]?.contains("yaml") == true {
                // A form file as authored (YAML); JSON bodies take the usual path.
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: 1_048_576) } catch is NIOTooManyBytesError {
                    throw APIError(status: .contentTooLarge, code: "too_large", message: "Tệp biểu mẫu quá lớn (tối đa 1 MB)", messageEN: "Form files are limited to 1 MB")
                }
                do { form = try FormFile.parse(String(buffer: body), source: "the uploaded form") } catch let error as ConfigurationError {
                    throw APIError.invalid("Tệp biểu mẫu không hợp lệ: \(error.description)", "Invalid form file: \(error.description)")
                }
            } else {
                form = try await request.decodeJSON(as: Form.self, context: context)
            }
            return EditedResponse(status: .created, response: try await local.defineForm(form, by: actor))
        }
        api.get("/forms/{code}") { request, context -> Response in
            let actor = try context.actor()
            let code = try context.parameters.require("code")
            let owner = request.uri.queryParameters["owner"].map(String.init) ?? actor.unit
            guard owner == actor.unit || local.tree.isBelow(actor.unit, owner),
                  let form = try await local.database.pool.read({ try local.form(owner: owner, code: code, $0) }) else {
                throw APIError.notFound("biểu mẫu", "Form")
            }
            switch request.uri.queryParameters["format"] {
            case nil, "json":
                return try FormView(owner: owner, form: form).response(from: request, context: context)
            case "yaml":
                return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: try FormFile.export(form, json: false))))
            default:
                throw APIError.badRequest("Định dạng phải là json hoặc yaml", "format must be json or yaml")
            }
        }
        api.get("/assignments") { _, context -> Items<AssignmentView> in
            Items(items: try await local.assignments(visibleTo: try context.actor()))
        }
        api.post("/assignments") { request, context -> EditedResponse<AssignmentView> in
            let actor = try context.actor()
            let assignment = try await request.decodeJSON(as: NewAssignment.self, context: context)
            return EditedResponse(status: .created, response: try await local.assign(assignment, by: actor))
        }
        api.get("/assignments/{id}/oversight") { request, context -> OversightView in
            let actor = try context.actor()
            return try await local.oversight(assignment: try context.parameters.require("id"), unit: request.uri.queryParameters["unit"].map(String.init), for: actor)
        }
        api.get("/reports") { request, context -> Items<ReportView> in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            var filter = ReportFilter()
            filter.assignment = query["assignment"].map(String.init)
            filter.owner = query["owner"].map(String.init)
            filter.form = query["form"].map(String.init)
            filter.unit = query["unit"].map(String.init)
            if let text = query["period"] {
                guard let period = Period(String(text)) else { throw APIError.badRequest("Kỳ báo cáo “\(text)” không hợp lệ", "Invalid period") }
                filter.period = period.description
            }
            if let text = query["state"] {
                guard let state = ReportState(rawValue: String(text)) else { throw APIError.badRequest("Trạng thái “\(text)” không hợp lệ", "Unknown state") }
                filter.state = state
            }
            return Items(items: try await local.reports(visibleTo: actor, filter: filter))
        }
        api.post("/reports") { request, context -> EditedResponse<ReportView> in
            let actor = try context.actor()
            let new = try await request.decodeJSON(as: NewReport.self, context: context)
            return EditedResponse(status: .created, response: try await local.createReport(new, by: actor))
        }
        api.get("/reports/{id}") { _, context -> ReportView in
            try await local.report(try context.parameters.require("id"), for: try context.actor())
        }
        api.put("/reports/{id}") { request, context -> ReportView in
            let actor = try context.actor()
            let update = try await request.decodeJSON(as: ReportUpdate.self, context: context)
            return try await local.updateReport(try context.parameters.require("id"), update, by: actor)
        }
        api.post("/reports/{id}/submit") { request, context -> ReportView in
            let actor = try context.actor()
            let transition = try await request.decodeJSON(as: ReportTransition.self, context: context)
            return try await local.submitReport(try context.parameters.require("id"), transition, by: actor)
        }
        api.post("/reports/{id}/approve") { request, context -> ReportView in
            let actor = try context.actor()
            let transition = try await request.decodeJSON(as: ReportTransition.self, context: context)
            return try await local.approveReport(try context.parameters.require("id"), transition, by: actor)
        }
        api.post("/reports/{id}/return") { request, context -> ReportView in
            let actor = try context.actor()
            let transition = try await request.decodeJSON(as: ReportTransition.self, context: context)
            return try await local.returnReport(try context.parameters.require("id"), transition, by: actor)
        }
        api.post("/reports/{id}/evidence") { request, context -> EditedResponse<Evidence> in
            let actor = try context.actor()
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                throw APIError.badRequest("Thiếu tên tệp (tham số name)", "The file name (query parameter name) is required")
            }
            let evidence = try await local.attachEvidence(to: try context.parameters.require("id"), fileName: name, body: request.body, by: actor)
            return EditedResponse(status: .created, response: evidence)
        }
        api.get("/reports/{id}/evidence/{evidence}") { _, context -> Response in
            let actor = try context.actor()
            let file = try await local.evidenceFile(try context.parameters.require("evidence"), of: try context.parameters.require("id"), for: actor)
            let body = try await FileIO().loadFile(path: file.path, context: context)
            return Response(status: .ok, headers: [
                .contentType: file.evidence.contentType,
                .contentLength: String(file.evidence.size),
                .contentDisposition: Download.disposition(file.evidence.fileName),
                .contentSHA256: file.evidence.sha256,
                .xContentTypeOptions: "nosniff",
            ], body: body)
        }
        api.delete("/reports/{id}/evidence/{evidence}") { _, context -> Response in
            try await local.removeEvidence(try context.parameters.require("evidence"), of: try context.parameters.require("id"), by: try context.actor())
            return Response(status: .noContent)
        }
        api.get("/reports/{id}/rollup") { _, context -> RollupView in
            try await local.rollup(of: try context.parameters.require("id"), for: try context.actor())
        }
        api.get("/reports/{id}/export") { request, context -> Response in
            let actor = try context.actor()
            let format = try ExportFormat(query: request.uri.queryParameters["format"])
            return try await local.exportReport(try context.parameters.require("id"), format: format, for: actor).response
        }
        api.get("/assignments/{id}/summary") { request, context -> Response in
            let actor = try context.actor()
            let query = request.uri.queryParameters
            let format = try ExportFormat(query: query["format"])
            return try await local.exportSummary(assignment: try context.parameters.require("id"), unit: query["unit"].map(String.init), format: format, for: actor).response
        }
        api.delete("/reports/{id}") { _, context -> Response in
            try await local.deleteReport(try context.parameters.require("id"), by: try context.actor())
            return Response(status: .noContent)
        }
        api.get("/sync") { _, context -> SyncStatus in
            // The node's links concern every unit it hosts: only the admin of the node's own unit sees them.
            let actor = try context.actor()
            guard actor.holds(.manageUsers), actor.unit == local.unit else { throw APIError.forbidden() }
            return try await local.syncStatus()
        }
    }
}

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
        Health(status: "ok", listener: listener, node: node.name, unit: unit, unitName: tree[unit]?.name ?? unit,
               level: tree[unit]?.level ?? .commune, protocolVersion: ProtocolVersion.current, accepted: ProtocolVersion.accepted)
    }

    func syncStatus() async throws -> SyncStatus {
        try await database.pool.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
            let parked = try Row.fetchAll(db, sql: "SELECT message_id, kind, unit, reason FROM outbox WHERE state = 'parked' ORDER BY seq").map {
                SyncStatus.Parked(message: $0["message_id"], kind: $0["kind"], unit: $0["unit"], reason: $0["reason"] ?? "")
            }
            let refused = try Row.fetchAll(db, sql: "SELECT origin, message_id, kind, detail, received_at FROM inbox WHERE status = 'parked' ORDER BY received_at DESC LIMIT 100").map {
                SyncStatus.Refused(origin: $0["origin"], message: $0["message_id"], kind: $0["kind"], reason: $0["detail"], receivedAt: $0["received_at"])
            }
            let peers = try PeerRecord.order(Column("unit")).fetchAll(db).map {
                SyncStatus.Peer(unit: $0.unit, relation: deployment.relation(of: $0.unit, to: node).rawValue, cursor: $0.cursor, lastContact: $0.lastContact, lastError: $0.lastError)
            }
            return SyncStatus(node: node.name, parent: parent?.name, outboxPending: pending, parked: parked, parkedReceived: refused, peers: peers)
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
        Response(status: .ok, headers: [.contentType: contentType, .contentDisposition: Self.disposition(fileName), .xContentTypeOptions: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `attachment` with the name twice (RFC 6266/8187): ASCII for old clients, UTF-8 percent-encoded
    /// (ASCII unreserved characters only) for the rest, so "Báo cáo.xlsx" arrives intact.
    static func disposition(_ fileName: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "download"
        let fallback = String(fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
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

import Auth
import Foundation
import Hierarchy
import Hummingbird
import NIOCore
import Node
import Scoring

/// Decision 4587 figures, monthly scores and ranking, their publication, and the public ranking.
///
/// Who may set figures: the approvers and the admin of the unit that scores (the scored unit's
/// direct parent — the centre for provinces), for every figure; they import them (CSV or JSON)
/// or enter them per unit. A unit's own approvers and admin report its self-reported figures
/// (C1, C2, D1, D2) on its own node; they travel up to the scorer, where a scorer's figure wins. Everyone with `reports.view` in the scoring unit sees the working.
/// The public sees only what was published: ranks, totals, classes and component points.
struct ScoringRoutes {
    let local: LocalNode
    let limiter = PublicRateLimit(perMinute: 120)

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.get("/indicators") { request, context -> Items<IndicatorValueView> in
            Items(
                items: try await local.scores.indicatorValues(month: try Self.month(request), for: try context.actor())
            )
        }
        api.put("/indicators/{unit}/{month}") { request, context -> ImportResult in
            let actor = try context.actor()
            let unit = try context.parameters.require("unit")
            guard let month = ScoreMonth(try context.parameters.require("month")) else {
                throw EdgeRefusal(.monthInvalid)
            }
            let entry = try await request.decodeJSON(as: IndicatorEntry.self, context: context)
            var rows: [IndicatorRow] = []
            for (name, value) in entry.values.sorted(by: { $0.key < $1.key }) {
                guard let indicator = Indicator(rawValue: name) else {
                    throw EdgeRefusal(.unknownIndicator(name), details: ["values.\(name)": "unknown"])
                }
                rows.append(IndicatorRow(unit: unit, month: month, indicator: indicator, value: value))
            }
            // A unit reports its own figures; the unit above sets any figure of the units it scores.
            if unit == actor.unit { return try await local.selfReportedFigures.report(rows, by: actor) }
            return try await local.scores.setIndicators(rows, source: "entry", by: actor)
        }
        api.post("/indicators/import") { request, context -> ImportResult in
            let actor = try context.actor()
            let type = request.headers[.contentType]?.lowercased() ?? ""
            if type.contains("json") {
                return try await local.scores.setIndicators(
                    try await request.decodeJSON(as: IndicatorImport.self, context: context).rows,
                    source: "import",
                    by: actor
                )
            }
            guard type.hasPrefix("text/csv") else {
                throw EdgeRefusal(.csvOrJSONRequired)
            }
            let body = try await request.body.collect(upTo: 8 * 1024 * 1024)
            switch IndicatorCSV.parse(String(buffer: body)) {
            case .success(let rows): return try await local.scores.setIndicators(rows, source: "import", by: actor)
            case .failure(let problems):
                throw EdgeRefusal(
                    .csvFaulty(lines: problems.lines.count),
                    details: Dictionary(
                        problems.lines.map { ("line \($0.line)", $0.message) },
                        uniquingKeysWith: { first, _ in first }
                    )
                )
            }
        }
        api.get("/scores") { request, context -> ScoreTable in
            try await local.scores.scoreTable(month: try Self.month(request), for: try context.actor())
        }
        api.get("/scores/export") { request, context -> Response in
            let actor = try context.actor()
            let format = try ExportFormat(query: request.uri.queryParameters["format"])
            return try await local.scores.exportScores(month: try Self.month(request), format: format, for: actor)
                .response
        }
        api.post("/scores/{month}/publish") { _, context -> EditedResponse<PublicRanking> in
            let actor = try context.actor()
            guard let month = ScoreMonth(try context.parameters.require("month")) else {
                throw EdgeRefusal(.monthInvalid)
            }
            return EditedResponse(
                status: .created,
                response: try await local.scores.publishScores(month: month, by: actor)
            )
        }
        // No login: the published ranking only, stored ready to serve, and rate-limited per address.
        api.get("/public/ranking") { request, context -> Response in
            guard await limiter.admit(context.clientAddress) else {
                throw EdgeRefusal(.rateLimited)
            }
            var month: ScoreMonth?
            if let text = request.uri.queryParameters["month"] {
                guard let parsed = ScoreMonth(String(text)) else {
                    throw EdgeRefusal(.monthTextInvalid(String(text)))
                }
                month = parsed
            }
            let body = try await local.scores.publishedRanking(month: month)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=60"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
    }

    static func month(_ request: Request) throws -> ScoreMonth {
        guard let text = request.uri.queryParameters["month"] else {
            throw EdgeRefusal(.monthRequired)
        }
        guard let month = ScoreMonth(String(text)) else {
            throw EdgeRefusal(.monthTextInvalid(String(text)))
        }
        return month
    }
}

/// Caps unauthenticated calls per client address within each minute, so the public endpoint
/// stays cheap whoever calls it.
actor PublicRateLimit {
    private let perMinute: Int
    private var minute = 0
    private var counts: [String: Int] = [:]
    /// Minutes are counted on the monotonic clock: a limit needs elapsed time, not the date.
    private let origin = ContinuousClock.now

    init(perMinute: Int) { self.perMinute = perMinute }

    func admit(_ address: String, at instant: ContinuousClock.Instant = .now) -> Bool {
        let current = Int(origin.duration(to: instant).components.seconds / 60) + 1
        if current != minute {
            minute = current
            counts.removeAll(keepingCapacity: true)
        }
        counts[address, default: 0] += 1
        return counts[address]! <= perMinute
    }
}

extension IndicatorValueView: ResponseEncodable {}
extension ImportResult: ResponseEncodable {}
extension ScoreTable: ResponseEncodable {}
extension PublicRanking: ResponseEncodable {}

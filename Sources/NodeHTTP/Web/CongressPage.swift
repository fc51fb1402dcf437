import Auth
import Foundation
import Hierarchy
import Hummingbird
import Node

/// "Lịch đại hội": the visitor's unit's own congress date (set or moved by its leader), and for
/// upper levels the dates of the units below, filtered by level, held / not yet held, date range
/// and area, with export links. The API's use cases decide who may see and set what.
struct CongressPage {
    let kit: PageKit
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/congress"

    /// What the leader typed, and where a refusal belongs.
    struct Typed {
        var date: String?
        var note: String?
        var error: (field: String, message: String)?
    }

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/congress") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                return try await page(
                    visitor,
                    query: CongressRoutes.query(request),
                    typed: Typed(),
                    saved: request.uri.queryParameters["saved"] != nil
                )
            }
        }
        pages.post("/congress") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context)
                var typed = Typed(date: form["date"] ?? "", note: form["note"] ?? "")
                do {
                    // Typed dd/mm/yyyy (or yyyy-mm-dd); anything else goes as typed, refused by the API.
                    let day = CalendarDate(typed: typed.date ?? "")?.description
                    _ = try await local.congresses.schedule(
                        CongressUpdate(date: day ?? typed.date ?? "", note: typed.note),
                        by: visitor.actor
                    )
                    throw PageRedirect(location: "\(Self.path)?saved=1")
                } catch let error as Refused where error.status == .unprocessableContent {
                    let field = error.details.keys.sorted().first ?? "date"
                    typed.error = (
                        field,
                        field == "date"
                            ? visitor.pick(
                                "Ngày đại hội “\(typed.date ?? "")” không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 20/05/2026",
                                "Invalid date: type it as dd/mm/yyyy, e.g. 20/05/2026"
                            ) : visitor.pick(error.message, error.messageEN)
                    )
                    return try await page(visitor, query: [:], typed: typed, saved: false, status: error.status)
                }
            }
        }
    }

    func page(
        _ visitor: PageVisitor,
        query: [String: String],
        typed: Typed,
        saved: Bool,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = visitor.actor
        let unit = actor.unit
        // Empty filter fields (a GET form sends them all) mean "any".
        var query = query.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty && $0.key != "saved" }
        // Filter days typed dd/mm/yyyy are read as the API's yyyy-mm-dd.
        for key in ["from", "to"] { query[key] = query[key].map { CalendarDate(typed: $0)?.description ?? $0 } }
        func label(_ key: String) -> String? { query[key].map { CalendarDate($0)?.vietnameseLabel ?? $0 } }
        var page = CongressSchedulePage(
            unitName: kit.unitName(unit),
            maySet: actor.holds(.approveReports),
            saved: saved,
            filter: CongressSchedulePage.Filter(fromText: label("from"), toText: label("to"))
        )
        let own = try await local.congresses.overview(
            CongressFilter(area: unit, level: local.tree[unit]?.level),
            for: actor
        ).rows.first
        if let own {
            page.own = CongressSchedulePage.Own(
                date: own.date.map { $0.vietnameseLabel } ?? "",
                hasDate: own.date != nil,
                status: visitor.pick(own.status.vietnameseName, own.status.englishName),
                note: own.note ?? ""
            )
        }
        page.typedDate = typed.date ?? own?.date?.vietnameseLabel ?? ""
        page.typedNote = typed.note ?? own?.note ?? ""
        if let error = typed.error {
            if error.field == "note" { page.errorNote = error.message } else { page.errorDate = error.message }
        }

        // Upper levels list the units below; an area asked for is checked (and refused) as in the API.
        if !local.tree.children(of: unit).isEmpty || query["area"] != nil {
            page.upper = true
            let areas = local.tree.subtree(of: unit).filter { !local.tree.children(of: $0.code).isEmpty }
            let levels = Level.allCases.filter { level in
                local.tree.subtree(of: unit).contains { $0.level == level && $0.code != unit }
            }
            page.areas = areas.map {
                CongressSchedulePage.Option(code: $0.code, name: $0.name, selected: $0.code == (query["area"] ?? unit))
            }
            page.levels = levels.map {
                CongressSchedulePage.Option(
                    value: $0.rawValue,
                    name: visitor.pick($0.vietnameseName, "\($0)"),
                    selected: $0.rawValue == query["level"]
                )
            }
            page.statuses = [
                ("held", visitor.pick("Đã tổ chức", "Held")),
                ("not_held", visitor.pick("Chưa tổ chức", "Not yet held")),
            ].map {
                CongressSchedulePage.Option(value: $0.0, name: $0.1, selected: $0.0 == query["status"])
            }
            do {
                let filter = try CongressFilter(query: query, defaultArea: unit)
                let schedule = try await local.congresses.overview(filter, for: actor)
                // Below the visitor's unit only: its own date is shown above.
                let rows = schedule.rows.filter { $0.unit != unit }
                page.rows = rows.map { row in
                    CongressSchedulePage.Row(
                        name: row.name,
                        code: row.unit,
                        level: visitor.pick(row.level.vietnameseName, "\(row.level)"),
                        parent: row.parent.map(kit.unitName) ?? "",
                        date: row.date.map { $0.vietnameseLabel } ?? "—",
                        status: visitor.pick(row.status.vietnameseName, row.status.englishName),
                        statusKey: row.status.rawValue,
                        note: row.note ?? ""
                    )
                }
                page.hasRows = !rows.isEmpty
                page.counts = CongressStatus.allCases.map { status in
                    CongressSchedulePage.Count(
                        name: visitor.pick(status.vietnameseName, status.englishName),
                        count: NumberFormat(visitor.language).text(rows.filter { $0.status == status }.count)
                    )
                }
                let search = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(ScoringPage.query($0.value))" }.joined(
                    separator: "&"
                )
                page.xlsx = "/api/v1/congress/export?\(search.isEmpty ? "" : search + "&")format=xlsx"
                page.csv = "/api/v1/congress/export?\(search.isEmpty ? "" : search + "&")format=csv"
            } catch let error as Refused where error.status == .badRequest {
                page.filterError = visitor.pick(error.message, error.messageEN)
                return kit.page(
                    page,
                    title: visitor.pick("Lịch đại hội", "Congress schedule"),
                    visitor: visitor,
                    language: visitor.language,
                    current: Self.path,
                    status: .badRequest
                )
            }
        }
        return kit.page(
            page,
            title: visitor.pick("Lịch đại hội", "Congress schedule"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

/// "Lịch đại hội": the unit's own congress date with the form that sets it and, for upper
/// levels, the schedule of the units below with the API's filters, counts and exports.
struct CongressSchedulePage: PageModel {
    static let template = "congress"

    /// The filter days as typed back, in words.
    struct Filter: Sendable {
        let fromText: String?
        let toText: String?
    }

    /// The unit's own congress.
    struct Own: Sendable {
        let date: String
        let hasDate: Bool
        let status: String
        let note: String
    }

    /// A choice of a filter (area, level or status).
    struct Option: Sendable {
        var code: String?
        var value: String?
        let name: String
        let selected: Bool
    }

    /// A unit below and its congress.
    struct Row: Sendable {
        let name: String
        let code: String
        let level: String
        let parent: String
        let date: String
        let status: String
        let statusKey: String
        let note: String
    }

    /// How many units are in one state.
    struct Count: Sendable {
        let name: String
        let count: String
    }

    let unitName: String
    let maySet: Bool
    let saved: Bool
    let filter: Filter
    var own: Own?
    var typedDate = ""
    var typedNote = ""
    var errorDate: String?
    var errorNote: String?
    var upper: Bool?
    var areas: [Option]?
    var levels: [Option]?
    var statuses: [Option]?
    var rows: [Row]?
    var hasRows: Bool?
    var counts: [Count]?
    var xlsx: String?
    var csv: String?
    var filterError: String?
}

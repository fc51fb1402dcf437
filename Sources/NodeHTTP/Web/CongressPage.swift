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
                let form = try await PageForm.read(request, context: context)
                let visitor = try kit.visitor(request, context, form: form)
                var typed = Typed(date: form["date"] ?? "", note: form["note"] ?? "")
                do {
                    // Typed dd/mm/yyyy (or yyyy-mm-dd); anything else goes as typed, refused by the API.
                    let day = CalendarDate(typed: typed.date ?? "")?.description
                    _ = try await local.scheduleCongress(
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
        var shown = query
        for key in ["from", "to"] { shown["\(key)_text"] = query[key].map { CalendarDate($0)?.vietnameseLabel ?? $0 } }
        var values: [String: Any] = [
            "unit_name": kit.unitName(unit), "may_set": actor.holds(.approveReports), "saved": saved, "filter": shown,
        ]
        let own = try await local.congressSchedule(
            CongressFilter(area: unit, level: local.tree[unit]?.level),
            for: actor
        ).rows.first
        if let own {
            values["own"] = [
                "date": own.date.map { $0.vietnameseLabel } ?? "", "has_date": own.date != nil,
                "status": visitor.pick(own.status.vietnameseName, own.status.englishName),
                "note": own.note ?? "",
            ]
        }
        values["typed_date"] = typed.date ?? own?.date?.vietnameseLabel ?? ""
        values["typed_note"] = typed.note ?? own?.note ?? ""
        if let error = typed.error { values["error_\(error.field == "note" ? "note" : "date")"] = error.message }

        // Upper levels list the units below; an area asked for is checked (and refused) as in the API.
        if !local.tree.children(of: unit).isEmpty || query["area"] != nil {
            values["upper"] = true
            let areas = local.tree.subtree(of: unit).filter { !local.tree.children(of: $0.code).isEmpty }
            let levels = Level.allCases.filter { level in
                local.tree.subtree(of: unit).contains { $0.level == level && $0.code != unit }
            }
            values["areas"] = areas.map {
                ["code": $0.code, "name": $0.name, "selected": $0.code == (query["area"] ?? unit)]
            }
            values["levels"] = levels.map {
                [
                    "value": $0.rawValue, "name": visitor.pick($0.vietnameseName, "\($0)"),
                    "selected": $0.rawValue == query["level"],
                ]
            }
            values["statuses"] = [
                ("held", visitor.pick("Đã tổ chức", "Held")),
                ("not_held", visitor.pick("Chưa tổ chức", "Not yet held")),
            ].map {
                ["value": $0.0, "name": $0.1, "selected": $0.0 == query["status"]]
            }
            do {
                let filter = try CongressFilter(query: query, defaultArea: unit)
                let schedule = try await local.congressSchedule(filter, for: actor)
                // Below the visitor's unit only: its own date is shown above.
                let rows = schedule.rows.filter { $0.unit != unit }
                values["rows"] = rows.map { row -> [String: Any] in
                    [
                        "name": row.name, "code": row.unit,
                        "level": visitor.pick(row.level.vietnameseName, "\(row.level)"),
                        "parent": row.parent.map(kit.unitName) ?? "",
                        "date": row.date.map { $0.vietnameseLabel } ?? "—",
                        "status": visitor.pick(row.status.vietnameseName, row.status.englishName),
                        "status_key": row.status.rawValue,
                        "note": row.note ?? "",
                    ]
                }
                values["has_rows"] = !rows.isEmpty
                values["counts"] = CongressStatus.allCases.map { status in
                    [
                        "name": visitor.pick(status.vietnameseName, status.englishName),
                        "count": NumberFormat(visitor.language).text(rows.filter { $0.status == status }.count),
                    ]
                }
                let search = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(ScoringPage.query($0.value))" }.joined(
                    separator: "&"
                )
                values["xlsx"] = "/api/v1/congress/export?\(search.isEmpty ? "" : search + "&")format=xlsx"
                values["csv"] = "/api/v1/congress/export?\(search.isEmpty ? "" : search + "&")format=csv"
            } catch let error as Refused where error.status == .badRequest {
                values["filter_error"] = visitor.pick(error.message, error.messageEN)
                return kit.page(
                    "congress",
                    values,
                    title: visitor.pick("Lịch đại hội", "Congress schedule"),
                    visitor: visitor,
                    language: visitor.language,
                    current: Self.path,
                    status: .badRequest
                )
            }
        }
        return kit.page(
            "congress",
            values,
            title: visitor.pick("Lịch đại hội", "Congress schedule"),
            visitor: visitor,
            language: visitor.language,
            current: Self.path,
            status: status
        )
    }
}

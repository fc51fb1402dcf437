import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Spreadsheet

/// What a unit's leader sends to pick or move its congress date.
package struct CongressUpdate: Codable, Sendable {
    var date: String
    var note: String?

    package init(date: String, note: String? = nil) {
        self.date = date
        self.note = note
    }
}

/// The congress (đại hội) dates of the units: picked or moved by a unit's leaders, numbered by
/// the unit's node and relayed up toward the centre, kept where newer, and read as a schedule of
/// an area (on screen or as a spreadsheet). Its own service so that the congress calendar needs
/// only the shared context. (`CongressSchedule`, in `Hierarchy`, is the schedule it shows.)
package struct Congresses: NodeService {
    let context: NodeContext

    /// Picks or moves the actor's unit's congress date. The unit's node numbers the change (one
    /// more than the last) and sends it up toward the centre in the same transaction.
    package func schedule(_ update: CongressUpdate, by actor: Actor) async throws -> CongressSchedule.Row {
        guard actor.holds(.approveReports) else {
            throw DomainError(.congressOnlyLeaders)
        }
        guard let date = CalendarDate(update.date) else {
            throw DomainError(.congressDateInvalid(update.date), details: ["date": "invalid"])
        }
        let note = update.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (note?.count ?? 0) <= 500 else {
            throw DomainError(.congressNoteTooLong, details: ["note": "too_long"])
        }
        let unit = actor.unit
        let row = try await database.pool.write { db -> CongressSchedule.Row in
            let held = try self.date(of: unit, db)
            let new = CongressDate(
                unit: unit,
                date: date,
                sequence: (held?.sequence ?? 0) + 1,
                note: note?.isEmpty == true ? nil : note
            )
            let notice = CongressNotice(date: new, decidedBy: actor.username, decidedAt: clock.now())
            try keep(notice, db)
            try audit.record(
                db,
                actor,
                action: "congress.schedule",
                target: unit,
                detail: "\(held.map { "\($0.date)" } ?? "∅") → \(date) (#\(new.sequence))"
            )
            try enqueueUp(db, kind: .congressScheduled, unit: unit, body: notice)
            return CongressSchedule(
                tree: tree,
                dates: [unit: new],
                filter: CongressFilter(area: unit, level: tree[unit]?.level),
                today: clock.today()
            ).rows[0]
        }
        outboxSignal.notify()
        return row
    }

    func date(of unit: String, _ db: Database) throws -> CongressDate? {
        guard
            let row = try CongressStore.date(of: unit, db),
            let date = CalendarDate(row["date"] as String)
        else { return nil }
        return CongressDate(unit: unit, date: date, sequence: row["sequence"], note: row["note"])
    }

    private func keep(_ notice: CongressNotice, _ db: Database) throws {
        try CongressStore.keep(
            unit: notice.date.unit,
            date: notice.date.date.description,
            sequence: notice.date.sequence,
            note: notice.date.note,
            decidedBy: notice.decidedBy,
            decidedAt: notice.decidedAt,
            receivedAt: clock.now(),
            db
        )
    }

    /// A congress date from below: kept and relayed up only when it is newer (by the unit's own
    /// sequence) than the one held, so replays, reordering and late arrivals change nothing.
    func receive(_ notice: CongressNotice, from message: Envelope, _ db: Database) throws -> Inbox.Effect {
        let unit = notice.date.unit
        guard unit == message.unit else {
            throw Refusal("the congress date is for unit \(unit), the message says \(message.unit)")
        }
        guard tree.contains(unit) else { throw Refusal("unit \(unit) is unknown") }
        guard let sender = deployment.node(forUnit: message.origin), deployment.node(sender, speaksFor: unit) else {
            throw Refusal("node \(message.origin) may not speak for unit \(unit)")
        }
        let held = try self.date(of: unit, db)
        guard notice.date.supersedes(held) else {
            return Inbox.Effect(
                detail:
                    "congress date #\(notice.date.sequence) of \(unit) is not newer than #\(held?.sequence ?? 0) held"
            )
        }
        try keep(notice, db)
        try enqueueUp(db, kind: .congressScheduled, unit: unit, body: notice)
        return Inbox.Effect(
            detail: "congress date #\(notice.date.sequence) of \(unit) kept\(parent == nil ? "" : " and relayed up")",
            outbox: parent != nil
        )
    }

    /// The schedule of an area (the actor's unit or one below it).
    package func overview(_ filter: CongressFilter, for actor: Actor) async throws -> CongressSchedule {
        guard actor.holds(.viewReports) else { throw DomainError(.notAllowed) }
        guard tree.isInSubtree(filter.area, of: actor.unit) else {
            throw DomainError(.outsideYourSubtree)
        }
        let codes = tree.subtree(of: filter.area).map(\.code)
        return try await database.pool.read { db in
            var dates: [String: CongressDate] = [:]
            for row in try CongressStore.dates(of: codes, db) {
                let unit: String = row["unit"]
                guard let date = CalendarDate(row["date"] as String) else { continue }
                dates[unit] = CongressDate(unit: unit, date: date, sequence: row["sequence"], note: row["note"])
            }
            return CongressSchedule(tree: tree, dates: dates, filter: filter, today: clock.today())
        }
    }

    /// The schedule as a spreadsheet (audited as an export).
    package func export(
        _ filter: CongressFilter,
        format: ExportFormat,
        for actor: Actor
    ) async throws -> Download {
        let schedule = try await overview(filter, for: actor)
        try await database.pool.write { db in
            try audit.record(db, actor, action: "congress.export", target: filter.area, detail: format.rawValue)
        }
        var rows: [[Cell]] = [
            [
                .text(
                    "Lịch đại hội — \(tree[filter.area]?.name ?? filter.area) (đến ngày \(schedule.today.vietnameseLabel))"
                )
            ],
            [
                .text("Đơn vị"), .text("Mã"), .text("Cấp"), .text("Đơn vị cấp trên"), .text("Ngày đại hội"),
                .text("Tình trạng"), .text("Ghi chú"),
            ],
        ]
        for row in schedule.rows {
            rows.append([
                .text(row.name), .text(row.unit), .text(row.level.vietnameseName),
                .text(row.parent.flatMap { tree[$0]?.name } ?? ""),
                row.date.map { Cell.text($0.vietnameseLabel) } ?? Cell.empty, .text(row.status.vietnameseName),
                row.note.map(Cell.text) ?? .empty,
            ])
        }
        let sheet = Sheet(name: "Lịch đại hội", rows: rows, headerRows: 2, columnWidths: [30, 12, 18, 28, 14, 24, 40])
        return try format.download(Workbook(sheets: [sheet]), named: "lich-dai-hoi-\(filter.area)")
    }
}

extension CongressFilter {
    /// Reads `area`, `level`, `status` (held / not_held), `from` and `to` from a query, with a
    /// clear refusal for a bad value.
    package init(query: [String: String], defaultArea: String) throws {
        self.init(area: query["area"] ?? defaultArea)
        if let text = query["level"] {
            guard let level = Level(rawValue: text) else {
                throw DomainError(.congressLevelUnknown(text))
            }
            self.level = level
        }
        if let text = query["status"] {
            guard let held = Held(rawValue: text) else {
                throw DomainError(.congressStatusUnknown(text))
            }
            self.held = held
        }
        for key in ["from", "to"] {
            guard let text = query[key] else { continue }
            guard let date = CalendarDate(text) else {
                throw DomainError(.filterDateInvalid(key: key, text: text))
            }
            if key == "from" { from = date } else { to = date }
        }
        if let from, let to, from > to {
            throw DomainError(.dateRangeReversed)
        }
    }
}

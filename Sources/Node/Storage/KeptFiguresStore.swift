import Foundation
import GRDB
import Hierarchy
import Reporting

/// What one expected unit's report adds to its assignment's kept figures (table `figure_units`):
/// where the unit was placed when expected, how far its report got, and the approved answers
/// counted (the `answers` column as the report held it), so that the same can be taken out again.
struct UnitContribution: Sendable, Hashable {
    let unit: ExpectedUnit
    let progress: ProgressFigures
    /// The report's answers column while it is approved; nil otherwise.
    let answers: String?
}

/// What an assignment's figures are counted by: its form and period, and its deadline.
struct FiguresAssignment: Sendable {
    let id: String
    let assignedBy: String
    let formCode: String
    let formVersion: Int
    let period: String
    let deadline: String

    init(id: String, assignedBy: String, formCode: String, formVersion: Int, period: String, deadline: String) {
        self.id = id
        self.assignedBy = assignedBy
        self.formCode = formCode
        self.formVersion = formVersion
        self.period = period
        self.deadline = deadline
    }

    init(_ record: AssignmentRecord) {
        self.init(
            id: record.id,
            assignedBy: record.assignedBy,
            formCode: record.formCode,
            formVersion: record.formVersion,
            period: record.period,
            deadline: record.deadline
        )
    }
}

/// The tables of the kept figures (migration `v20-kept-figures`): each expected unit's
/// contribution, and per assignment, group (an ancestor and its child on the way down) and level
/// the progress counts, per group and question part the answer counts and sums, and the values
/// by unit of the parts combined by minimum, maximum or last. Every function runs in the
/// caller's transaction; the statements of the write path are prepared once per connection.
enum KeptFiguresStore {
    static let v20 = """
        -- What each expected unit's report adds to its assignment's figures, kept to be taken out again.
        CREATE TABLE figure_units (
            assignment_id TEXT NOT NULL,
            unit TEXT NOT NULL,
            level TEXT NOT NULL,
            ancestors TEXT NOT NULL,
            submitted INTEGER NOT NULL,
            approved INTEGER NOT NULL,
            on_time INTEGER NOT NULL,
            answers TEXT,
            PRIMARY KEY (assignment_id, unit)
        ) STRICT, WITHOUT ROWID;

        -- Progress of the expected units counted under an ancestor (anchor), per child and level.
        CREATE TABLE figure_progress (
            assignment_id TEXT NOT NULL,
            anchor TEXT NOT NULL,
            child TEXT NOT NULL,
            level TEXT NOT NULL,
            expected INTEGER NOT NULL,
            submitted INTEGER NOT NULL,
            approved INTEGER NOT NULL,
            on_time INTEGER NOT NULL,
            PRIMARY KEY (assignment_id, anchor, child, level)
        ) STRICT, WITHOUT ROWID;

        -- Approved answers under an ancestor, per child and question part ('' the answers,
        -- 'o:<option>' a choice's option, 'c:<row> <column>' a table cell): counts and sums.
        CREATE TABLE figure_answers (
            assignment_id TEXT NOT NULL,
            anchor TEXT NOT NULL,
            child TEXT NOT NULL,
            question TEXT NOT NULL,
            part TEXT NOT NULL,
            count INTEGER NOT NULL,
            finite INTEGER NOT NULL,
            total REAL NOT NULL,
            PRIMARY KEY (assignment_id, anchor, child, question, part)
        ) STRICT, WITHOUT ROWID;

        -- Each unit's value of the parts combined by minimum, maximum or last.
        CREATE TABLE figure_values (
            assignment_id TEXT NOT NULL,
            anchor TEXT NOT NULL,
            child TEXT NOT NULL,
            question TEXT NOT NULL,
            part TEXT NOT NULL,
            unit TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (assignment_id, anchor, child, question, part, unit)
        ) STRICT, WITHOUT ROWID;
        """

    // MARK: Whether the figures were filled from the reports held

    static func isFilled(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'figures_kept'") != nil
    }

    static func markFilled(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO node_meta (key, value) VALUES ('figures_kept', '1')")
    }

    // MARK: What a contribution is computed from

    /// The assignment's form, period and deadline (read on every report received: a prepared
    /// statement and six columns, not a whole record).
    static func assignment(_ id: String, _ db: Database) throws -> FiguresAssignment? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT assigned_by, form_code, form_version, period, deadline FROM assignments WHERE id = ?"
            ),
            arguments: [id]
        ).map {
            FiguresAssignment(
                id: id,
                assignedBy: $0[0],
                formCode: $0[1],
                formVersion: $0[2],
                period: $0[3],
                deadline: $0[4]
            )
        }
    }

    /// The unit's placement when the assignment was made for it: (level, ancestors JSON), either
    /// nil when stored before placements were kept; nil when the assignment was not made for it.
    static func placement(of unit: String, in assignmentID: String, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT level, ancestors FROM assignment_units WHERE assignment_id = ? AND unit = ?"
            ),
            arguments: [assignmentID, unit]
        )
    }

    /// The unit's latest amendment in the assignment (change, level, ancestors JSON), if any.
    static func lastAmendment(of unit: String, in assignmentID: String, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT change, level, ancestors FROM assignment_amendments
                    WHERE assignment_id = ? AND unit = ? ORDER BY seq DESC LIMIT 1
                    """
            ),
            arguments: [assignmentID, unit]
        )
    }

    /// The state, answers column and approval time of the unit's report for the assignment (found
    /// by its unit, form and period, the key reports are unique by).
    static func report(
        of unit: String,
        in assignment: FiguresAssignment,
        _ db: Database
    ) throws -> (state: ReportState?, answers: String, approvedAt: Date?)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT state, answers, approved_at FROM reports
                        WHERE unit = ? AND form_owner = ? AND form_code = ? AND period = ? AND assignment_id = ?
                        """
                ),
                arguments: [unit, assignment.assignedBy, assignment.formCode, assignment.period, assignment.id]
            )
        else { return nil }
        return (ReportState(rawValue: row[0]), row[1], row[2])
    }

    // MARK: Contributions

    static func contribution(of unit: String, in assignmentID: String, _ db: Database) throws -> UnitContribution? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT unit, level, ancestors, submitted, approved, on_time, answers FROM figure_units
                        WHERE assignment_id = ? AND unit = ?
                        """
                ),
                arguments: [assignmentID, unit]
            )
        else { return nil }
        return contribution(row)
    }

    static func contributions(of assignmentID: String, _ db: Database) throws -> [UnitContribution] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT unit, level, ancestors, submitted, approved, on_time, answers FROM figure_units
                WHERE assignment_id = ?
                """,
            arguments: [assignmentID]
        ).compactMap(contribution)
    }

    private static func contribution(_ row: Row) -> UnitContribution? {
        guard let level = Level(rawValue: row[1]), let ancestors = ExpectedUnit.ancestors(fromJSON: row[2]) else {
            return nil
        }
        return UnitContribution(
            unit: ExpectedUnit(code: row[0], level: level, ancestors: ancestors),
            progress: ProgressFigures(expected: 1, submitted: row[3], approved: row[4], approvedOnTime: row[5]),
            answers: row[6]
        )
    }

    static func keep(_ contribution: UnitContribution, in assignmentID: String, _ db: Database) throws {
        let progress = contribution.progress
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO figure_units
                    (assignment_id, unit, level, ancestors, submitted, approved, on_time, answers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            assignmentID, contribution.unit.code, contribution.unit.level.rawValue, contribution.unit.ancestorsJSON,
            progress.submitted, progress.approved, progress.approvedOnTime, contribution.answers,
        ])
    }

    static func forget(_ unit: String, in assignmentID: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM figure_units WHERE assignment_id = ? AND unit = ?")
            .execute(arguments: [assignmentID, unit])
    }

    // MARK: Group figures, moved by a contribution

    /// Adds `figures` (or takes them out, `sign` -1) to the group's row for the level.
    static func move(
        _ figures: ProgressFigures,
        sign: Int,
        _ group: FigureGroup,
        level: Level,
        in assignmentID: String,
        _ db: Database
    ) throws {
        let key: StatementArguments = [assignmentID, group.anchor, group.child, level.rawValue]
        try db.cachedStatement(
            sql: """
                INSERT INTO figure_progress
                    (assignment_id, anchor, child, level, expected, submitted, approved, on_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET expected = expected + excluded.expected,
                    submitted = submitted + excluded.submitted, approved = approved + excluded.approved,
                    on_time = on_time + excluded.on_time
                """
        ).execute(
            arguments: key
                + [
                    sign * figures.expected, sign * figures.submitted, sign * figures.approved,
                    sign * figures.approvedOnTime,
                ]
        )
        if sign < 0 {
            try db.cachedStatement(
                sql: """
                    DELETE FROM figure_progress
                    WHERE assignment_id = ? AND anchor = ? AND child = ? AND level = ? AND expected = 0
                    """
            ).execute(arguments: key)
        }
    }

    /// Adds one report's tally (or takes it out, `sign` -1) to the group's answers.
    static func move(
        _ tally: AnswerTally,
        sign: Int,
        _ group: FigureGroup,
        in assignmentID: String,
        _ db: Database
    )
        throws
    {
        // Every measure in one statement (prepared once per number of measures).
        if !tally.measures.isEmpty {
            var arguments = StatementArguments()
            for (key, measure) in tally.measures {
                arguments += [
                    assignmentID, group.anchor, group.child, key.question, key.part.stored, sign * measure.count,
                    sign * measure.finite, Double(sign) * measure.total,
                ]
            }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: tally.measures.count)
            try db.cachedStatement(
                sql: """
                    INSERT INTO figure_answers (assignment_id, anchor, child, question, part, count, finite, total)
                    VALUES \(rows.joined(separator: ", "))
                    ON CONFLICT DO UPDATE SET count = count + excluded.count, finite = finite + excluded.finite,
                        total = total + excluded.total
                    """
            ).execute(arguments: arguments)
        }
        if sign < 0 {
            try db.cachedStatement(
                sql: "DELETE FROM figure_answers WHERE assignment_id = ? AND anchor = ? AND child = ? AND count = 0"
            ).execute(arguments: [assignmentID, group.anchor, group.child])
        }
        guard !tally.values.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO figure_values (assignment_id, anchor, child, question, part, unit, value)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        )
        let delete = try db.cachedStatement(
            sql: """
                DELETE FROM figure_values
                WHERE assignment_id = ? AND anchor = ? AND child = ? AND question = ? AND part = ? AND unit = ?
                """
        )
        for (key, byUnit) in tally.values {
            for (unit, value) in byUnit {
                let row: StatementArguments = [
                    assignmentID, group.anchor, group.child, key.question, key.part.stored, unit,
                ]
                if sign > 0 { try insert.execute(arguments: row + [value]) } else { try delete.execute(arguments: row) }
            }
        }
    }

    // MARK: Reading a group's figures

    /// The progress rows under `anchor`: each child's counts per level.
    static func progress(
        under anchor: String,
        in assignmentID: String,
        _ db: Database
    ) throws -> [(child: String, level: Level, figures: ProgressFigures)] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT child, level, expected, submitted, approved, on_time FROM figure_progress
                    WHERE assignment_id = ? AND anchor = ?
                    """
            ),
            arguments: [assignmentID, anchor]
        ).compactMap { row in
            guard let level = Level(rawValue: row[1]) else { return nil }
            return (
                row[0], level,
                ProgressFigures(expected: row[2], submitted: row[3], approved: row[4], approvedOnTime: row[5])
            )
        }
    }

    /// The answer counts and sums under `anchor`, per child, with only the minimum, maximum and last
    /// of each part's values (all a total needs), read when `values` (the form combines some part
    /// by one of them).
    static func answers(
        under anchor: String,
        in assignmentID: String,
        values: Bool,
        _ db: Database
    ) throws -> [String: AnswerTally] {
        var tallies: [String: AnswerTally] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT child, question, part, count, finite, total FROM figure_answers
                    WHERE assignment_id = ? AND anchor = ?
                    """
            ),
            arguments: [assignmentID, anchor]
        )
        while let row = try rows.next() {
            guard let part = AnswerTally.Part(stored: row[2]) else { continue }
            let key = AnswerTally.Key(question: row[1], part: part)
            tallies[row[0], default: AnswerTally()].measures[key] = AnswerTally.Measure(
                count: row[3],
                finite: row[4],
                total: row[5]
            )
        }
        guard values else { return tallies }
        let selections = [
            "SELECT child, question, part, unit, MIN(value) FROM figure_values WHERE assignment_id = ? AND anchor = ? GROUP BY child, question, part",
            "SELECT child, question, part, unit, MAX(value) FROM figure_values WHERE assignment_id = ? AND anchor = ? GROUP BY child, question, part",
            "SELECT child, question, part, MAX(unit), value FROM figure_values WHERE assignment_id = ? AND anchor = ? GROUP BY child, question, part",
        ]
        for sql in selections {
            let extremes = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: [assignmentID, anchor])
            while let row = try extremes.next() {
                guard let part = AnswerTally.Part(stored: row[2]) else { continue }
                let key = AnswerTally.Key(question: row[1], part: part)
                tallies[row[0], default: AnswerTally()].values[key, default: [:]][row[3]] = row[4]
            }
        }
        return tallies
    }

    /// Every group's progress rows of the assignment (for the check).
    static func allProgress(of assignmentID: String, _ db: Database) throws -> [FigureGroup: [Level: ProgressFigures]] {
        var groups: [FigureGroup: [Level: ProgressFigures]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT anchor, child, level, expected, submitted, approved, on_time FROM figure_progress
                WHERE assignment_id = ?
                """,
            arguments: [assignmentID]
        ) {
            guard let level = Level(rawValue: row[2]) else { continue }
            groups[FigureGroup(anchor: row[0], child: row[1]), default: [:]][level] = ProgressFigures(
                expected: row[3],
                submitted: row[4],
                approved: row[5],
                approvedOnTime: row[6]
            )
        }
        return groups
    }

    /// Every group's answers of the assignment, values by unit (for the check).
    static func allAnswers(of assignmentID: String, _ db: Database) throws -> [FigureGroup: AnswerTally] {
        var groups: [FigureGroup: AnswerTally] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT anchor, child, question, part, count, finite, total FROM figure_answers
                WHERE assignment_id = ?
                """,
            arguments: [assignmentID]
        ) {
            guard let part = AnswerTally.Part(stored: row[3]) else { continue }
            groups[FigureGroup(anchor: row[0], child: row[1]), default: AnswerTally()]
                .measures[AnswerTally.Key(question: row[2], part: part)] = AnswerTally.Measure(
                    count: row[4],
                    finite: row[5],
                    total: row[6]
                )
        }
        for row in try Row.fetchAll(
            db,
            sql: "SELECT anchor, child, question, part, unit, value FROM figure_values WHERE assignment_id = ?",
            arguments: [assignmentID]
        ) {
            guard let part = AnswerTally.Part(stored: row[3]) else { continue }
            groups[FigureGroup(anchor: row[0], child: row[1]), default: AnswerTally()]
                .values[AnswerTally.Key(question: row[2], part: part), default: [:]][row[4]] = row[5]
        }
        return groups
    }

    // MARK: Filling from scratch

    /// Every assignment held.
    static func assignments(_ db: Database) throws -> [AssignmentRecord] {
        try AssignmentRecord.fetchAll(db)
    }

    /// Every kept row of the assignment dropped (before it is filled again from the reports).
    static func clear(_ assignmentID: String, _ db: Database) throws {
        for table in ["figure_units", "figure_progress", "figure_answers", "figure_values"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE assignment_id = ?", arguments: [assignmentID])
        }
    }

    /// Kept figures of assignments no longer held.
    static func clearOrphans(_ db: Database) throws {
        for table in ["figure_units", "figure_progress", "figure_answers", "figure_values"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE assignment_id NOT IN (SELECT id FROM assignments)")
        }
    }

    /// The assignment ids that hold kept rows (to find figures of an assignment no longer held).
    static func keptAssignments(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql:
                "SELECT DISTINCT assignment_id FROM figure_units UNION SELECT DISTINCT assignment_id FROM figure_progress"
        )
    }
}

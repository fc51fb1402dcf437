import Foundation
import Hierarchy

/// The layout of a table question (seed 004's congress reports): indicator rows, each with
/// optional sub-rows, × numeric columns, optionally under a shared header ("Trong đó").
public struct TableLayout: Codable, Sendable, Hashable {
    public let rows: [TableRow]
    public let columns: [TableColumn]
    /// Rules between the table's cells, per column or per row (see `ValidationRule`).
    public let rules: [ValidationRule]

    public init(rows: [TableRow], columns: [TableColumn], rules: [ValidationRule] = []) {
        self.rows = rows
        self.columns = columns
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey { case rows, columns, rules }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rows = try container.decode([TableRow].self, forKey: .rows)
        columns = try container.decode([TableColumn].self, forKey: .columns)
        rules = try container.decodeIfPresent([ValidationRule].self, forKey: .rules) ?? []
    }

    /// A table without rules encodes as it did before rules existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        if !rules.isEmpty { try container.encode(rules, forKey: .rules) }
    }

    /// Every row, parents before their sub-rows, with its depth (0 for top rows).
    public var flatRows: [(row: TableRow, depth: Int)] {
        func walk(_ rows: [TableRow], _ depth: Int) -> [(row: TableRow, depth: Int)] {
            rows.flatMap { [($0, depth)] + walk($0.rows, depth + 1) }
        }
        return walk(rows, 0)
    }

    public func column(_ id: String) -> TableColumn? { columns.first { $0.id == id } }

    func problems(question: String) -> [String] {
        var problems: [String] = []
        if rows.isEmpty { problems.append("table question '\(question)' has no rows") }
        if columns.isEmpty { problems.append("table question '\(question)' has no columns") }
        let rowIDs = flatRows.map(\.row.id)
        if Set(rowIDs).count != rowIDs.count { problems.append("table question '\(question)' repeats a row id") }
        if Set(columns.map(\.id)).count != columns.count {
            problems.append("table question '\(question)' repeats a column id")
        }
        for id in rowIDs + columns.map(\.id) where !Unit.isValidIdentifier(id) {
            problems.append("table question '\(question)': id '\(id)' must be letters, digits, '-', '_' or '.'")
        }
        for column in columns where !column.kind.isNumeric {
            problems.append(
                "table question '\(question)': column '\(column.id)' must be integer, decimal or percentage"
            )
        }
        return problems
    }

    /// Checks cells (row id → column id → value); a problem in Vietnamese, or nil.
    func check(_ cells: [String: [String: Double]]) -> String? {
        let rowIDs = Set(flatRows.map(\.row.id))
        for (row, values) in cells.sorted(by: { $0.key < $1.key }) {
            guard rowIDs.contains(row) else { return "dòng “\(row)” không có trong bảng" }
            for (columnID, value) in values.sorted(by: { $0.key < $1.key }) {
                guard let column = column(columnID) else { return "cột “\(columnID)” không có trong bảng" }
                if let problem = NumericRule(kind: column.kind, minimum: column.minimum, maximum: column.maximum).check(
                    value
                ) {
                    return "ô \(row) × \(column.label): \(problem)"
                }
            }
        }
        return nil
    }
}

/// An indicator row, possibly with sub-rows ("Trong đó: …").
public struct TableRow: Codable, Sendable, Hashable {
    public let id: String
    public let label: String
    public let rows: [TableRow]
    /// A total computed in every column from other rows (e.g. `sum(first..last)` of its
    /// sub-rows), shown but not typed.
    public let computed: String?

    public init(id: String, label: String, rows: [TableRow] = [], computed: String? = nil) {
        self.id = id
        self.label = label
        self.rows = rows
        self.computed = computed
    }

    enum CodingKeys: String, CodingKey { case id, label, rows, computed }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        label = try container.decode(String.self, forKey: .label)
        rows = try container.decodeIfPresent([TableRow].self, forKey: .rows) ?? []
        computed = try container.decodeIfPresent(String.self, forKey: .computed)
    }
}

/// A numeric breakdown column; its cells aggregate by its own rule.
public struct TableColumn: Codable, Sendable, Hashable {
    public let id: String
    public let label: String
    /// A header shared by adjacent columns (e.g. "Trong đó").
    public let group: String?
    public let kind: QuestionKind
    public let minimum: Double?
    public let maximum: Double?
    public let aggregation: Aggregation
    /// A total computed in every row from other columns (e.g. `sum(first..last)`), shown but
    /// not typed.
    public let computed: String?

    public init(
        id: String,
        label: String,
        group: String? = nil,
        kind: QuestionKind = .integer,
        minimum: Double? = nil,
        maximum: Double? = nil,
        aggregation: Aggregation? = nil,
        computed: String? = nil
    ) {
        self.computed = computed
        self.id = id
        self.label = label
        self.group = group
        self.kind = kind
        self.minimum = minimum
        self.maximum = maximum
        self.aggregation = aggregation ?? kind.defaultAggregation
    }

    enum CodingKeys: String, CodingKey { case id, label, group, kind, minimum, maximum, aggregation, computed }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            label: try container.decode(String.self, forKey: .label),
            group: try container.decodeIfPresent(String.self, forKey: .group),
            kind: try container.decodeIfPresent(QuestionKind.self, forKey: .kind) ?? .integer,
            minimum: try container.decodeIfPresent(Double.self, forKey: .minimum),
            maximum: try container.decodeIfPresent(Double.self, forKey: .maximum),
            aggregation: try container.decodeIfPresent(Aggregation.self, forKey: .aggregation),
            computed: try container.decodeIfPresent(String.self, forKey: .computed)
        )
    }
}

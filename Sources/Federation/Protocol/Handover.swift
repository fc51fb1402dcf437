import Foundation

/// A unit's life as the node that hosted it hands it to the unit's own new node: its accounts
/// (same passwords and second factors), its reports in every state with their history,
/// corrections and evidence records, the forms and assignments they answer, its tasks and its
/// congress date — the rows as the parent stores them, so that nothing is re-derived on the way.
/// The new node fetches it over mutual TLS (`GET /federation/v1/handover`), fetches the evidence
/// files it names, imports it in one transaction and says so (`POST .../handover/{id}/done`).
public struct HandoverPackage: Codable, Sendable {
    /// Unique forever; the enrolment answer names it, so the new node knows what to wait for.
    public let id: String
    /// The unit whose node takes over.
    public let unit: String
    /// The units that move: the joining unit and those of its subtree the parent hosted.
    public let units: [String]
    /// The tables in the order they are written (what is referred to comes first).
    public let tables: [HandoverTable]
    /// The evidence files the rows name (reports' and tasks').
    public let evidence: [HandoverFile]
    /// Handing back: how far the retiring node has read its parent's feed. The parent takes the
    /// package only when nothing it sent down since is unread (it would be undone otherwise).
    public let feedCursor: Int64?

    public init(
        id: String,
        unit: String,
        units: [String],
        tables: [HandoverTable],
        evidence: [HandoverFile],
        feedCursor: Int64? = nil
    ) {
        self.id = id
        self.unit = unit
        self.units = units
        self.tables = tables
        self.evidence = evidence
        self.feedCursor = feedCursor
    }

    /// Rows of all tables.
    public var rowCount: Int { tables.reduce(0) { $0 + $1.rows.count } }
}

/// The rows of one table, each a column → value map.
public struct HandoverTable: Codable, Sendable {
    public let name: String
    public let rows: [[String: StoredValue]]

    public init(name: String, rows: [[String: StoredValue]]) {
        self.name = name
        self.rows = rows
    }
}

/// An evidence file a handover names: its content hash and size.
public struct HandoverFile: Codable, Sendable, Hashable {
    public let sha256: String
    public let size: Int64

    public init(sha256: String, size: Int64) {
        self.sha256 = sha256
        self.size = size
    }
}

/// One stored value exactly as SQLite keeps it (a number keeps whether it is an integer, a blob
/// its bytes): `{"i": 3}`, `{"r": 1.5}`, `{"t": "..."}`, `{"b": "base64"}`, or `null`.
public enum StoredValue: Codable, Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    private enum CodingKeys: String, CodingKey {
        case i, r, t, b
    }

    public init(from decoder: any Decoder) throws {
        if try decoder.singleValueContainer().decodeNil() {
            self = .null
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(Int64.self, forKey: .i) {
            self = .integer(value)
        } else if let value = try container.decodeIfPresent(Double.self, forKey: .r) {
            self = .real(value)
        } else if let value = try container.decodeIfPresent(String.self, forKey: .t) {
            self = .text(value)
        } else if let value = try container.decodeIfPresent(Data.self, forKey: .b) {
            self = .blob(value)
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a stored value is null or one of i, r, t, b")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .null = self {
            var container = encoder.singleValueContainer()
            try container.encodeNil()
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .null: break
        case .integer(let value): try container.encode(value, forKey: .i)
        case .real(let value): try container.encode(value, forKey: .r)
        case .text(let value): try container.encode(value, forKey: .t)
        case .blob(let value): try container.encode(value, forKey: .b)
        }
    }
}

/// The new node's word that it holds a handover (`POST /federation/v1/handover/{id}/done`), and
/// the parent's answer: from then on the parent keeps only what it keeps of any node below.
public struct HandoverDone: Codable, Sendable {
    public let id: String
    /// Rows the new node imported.
    public let rows: Int
    public let state: String

    public init(id: String, rows: Int, state: String) {
        self.id = id
        self.rows = rows
        self.state = state
    }
}

/// A parent's decision to retire the node of one of its child units: the node hands its units'
/// life back (the same `HandoverPackage`, the other way) and its parent's node hosts them again.
public struct NodeRetirement: Codable, Sendable {
    /// The handover that carries the life back.
    public let handover: String
    /// The retired node's unit.
    public let unit: String
    public let decidedBy: String
    public let decidedAt: Date

    public init(handover: String, unit: String, decidedBy: String, decidedAt: Date) {
        self.handover = handover
        self.unit = unit
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// A unit moved to another parent, as the node that decided it tells a child node: the one that
/// hosted the unit hands its life up (`unit.leaving`), the one that hosts it now takes it over
/// (`unit.arriving`). Each hop has its own handover id.
public struct UnitMoveHandover: Codable, Sendable {
    public let handover: String
    /// The moved unit.
    public let unit: String
    /// The units whose life moves: the moved unit and those of its subtree the node hosted.
    public let units: [String]
    public let decidedBy: String
    public let decidedAt: Date
    /// Leaving: the move itself, which the node that hosted the unit applies at once (it stops
    /// serving the unit); the deciding node applies it when the unit's life has come up, so that
    /// what the old host sent before still arrives under the tree it was sent in.
    public let change: UnitChange?

    public init(
        handover: String,
        unit: String,
        units: [String],
        decidedBy: String,
        decidedAt: Date,
        change: UnitChange? = nil
    ) {
        self.handover = handover
        self.unit = unit
        self.units = units
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.change = change
    }
}

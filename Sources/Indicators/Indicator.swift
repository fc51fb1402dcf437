import Hierarchy

/// A text in Vietnamese and in English.
public struct BilingualText: Codable, Sendable, Hashable {
    public let vi: String
    public let en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }
}

/// The three governance layers of Letter 3158's indicator set.
public enum IndicatorLayer: String, Codable, Sendable, Hashable, CaseIterable {
    /// Chỉ đạo, điều hành của Trung ương.
    case centralSteering = "central_steering"
    /// Quản lý của bộ, ngành, địa phương.
    case management
    /// Giám sát chuyên sâu theo lĩnh vực.
    case sectorMonitoring = "sector_monitoring"

    public var vietnameseName: String {
        switch self {
        case .centralSteering: "Chỉ đạo, điều hành (Trung ương)"
        case .management: "Quản lý (bộ, ngành, địa phương)"
        case .sectorMonitoring: "Giám sát chuyên sâu theo lĩnh vực"
        }
    }
}

/// Whether a larger value is better (a rate of digitised records) or worse (days of delay).
public enum IndicatorDirection: String, Codable, Sendable, Hashable, CaseIterable {
    case higherIsBetter = "higher_is_better"
    case lowerIsBetter = "lower_is_better"
}

/// Where an indicator's values come from.
public enum ValueSource: Sendable, Hashable {
    /// Typed by the unit's data-entry users.
    case entered
    /// Delivered by another information system (named) through the API.
    case delivered(system: String)
    /// Computed by a formula over approved answers and other indicators.
    case computed(IndicatorFormula)

    public var formula: IndicatorFormula? {
        if case .computed(let formula) = self { return formula }
        return nil
    }
}

extension ValueSource: Codable {
    private enum CodingKeys: String, CodingKey { case kind, system, formula }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "entered": self = .entered
        case "delivered": self = .delivered(system: try container.decode(String.self, forKey: .system))
        case "computed": self = .computed(try container.decode(IndicatorFormula.self, forKey: .formula))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: container,
                debugDescription: "unknown value source '\(other)' (entered, delivered or computed)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .entered: try container.encode("entered", forKey: .kind)
        case .delivered(let system):
            try container.encode("delivered", forKey: .kind)
            try container.encode(system, forKey: .system)
        case .computed(let formula):
            try container.encode("computed", forKey: .kind)
            try container.encode(formula, forKey: .formula)
        }
    }
}

/// A formula as DHIS2 indicators have it: (numerator ÷ denominator) × factor. The texts are kept
/// as written; `IndicatorChecker` parses and checks them when the indicator is defined.
public struct IndicatorFormula: Codable, Sendable, Hashable {
    public let numerator: String
    /// nil: the numerator alone (a count, a sum).
    public let denominator: String?
    /// 100 for a percentage, 1000 for a rate per thousand, 1 otherwise.
    public let factor: Double

    public init(numerator: String, denominator: String? = nil, factor: Double = 1) {
        self.numerator = numerator
        self.denominator = denominator
        self.factor = factor
    }

    enum CodingKeys: String, CodingKey { case numerator, denominator, factor }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        numerator = try container.decode(String.self, forKey: .numerator)
        denominator = try container.decodeIfPresent(String.self, forKey: .denominator)
        factor = try container.decodeIfPresent(Double.self, forKey: .factor) ?? 1
    }
}

/// How an indicator's values combine up the tree, over the units of a subtree that have one.
public enum IndicatorAggregation: String, Codable, Sendable, Hashable, CaseIterable {
    /// Totals (a count of records, of transactions).
    case sum
    /// The average of the units' values (each unit weighs the same).
    case average
    /// Σ numerators ÷ Σ denominators × factor: the ratio of the whole subtree, each unit weighing
    /// by its denominator (DHIS2's aggregation of an indicator). Only for formulas with a denominator.
    case weighted
    case min
    case max
    /// Not combined: shown per unit only.
    case none

    public var vietnameseName: String {
        switch self {
        case .sum: "cộng tổng"
        case .average: "trung bình cộng của các đơn vị"
        case .weighted: "tính lại từ tổng tử số và tổng mẫu số"
        case .min: "giá trị nhỏ nhất"
        case .max: "giá trị lớn nhất"
        case .none: "không tổng hợp"
        }
    }
}

/// A target (chỉ tiêu) for one period.
public struct IndicatorTarget: Codable, Sendable, Hashable {
    public let period: Period
    public let value: Double

    public init(period: Period, value: Double) {
        self.period = period
        self.value = value
    }
}

/// One version of an indicator (chỉ số) of Letter 3158's set, fully specified. A changed
/// definition is a new version in force from a later period: periods before keep the version
/// they were computed with (`IndicatorCatalogue`).
public struct IndicatorDefinition: Codable, Sendable, Hashable {
    public let code: String
    public let version: Int
    /// The first period this version applies to.
    public let effectiveFrom: Period
    public let name: BilingualText
    /// Khái niệm.
    public let concept: String
    /// Phương pháp tính, in words.
    public let calculationMethod: String
    /// Nguồn số liệu.
    public let dataSource: String
    /// Cơ quan chủ trì.
    public let leadAgency: String
    /// Cơ quan thực hiện.
    public let implementingAgency: String
    /// Trách nhiệm cập nhật.
    public let updatedBy: String
    /// Đơn vị tính ("%", "hồ sơ", "giao dịch").
    public let unitOfMeasure: String
    public let layer: IndicatorLayer
    /// Lĩnh vực.
    public let sector: String
    public let direction: IndicatorDirection
    public let frequency: Frequency
    public let source: ValueSource
    public let aggregation: IndicatorAggregation
    public let targets: [IndicatorTarget]

    public init(
        code: String,
        version: Int = 1,
        effectiveFrom: Period,
        name: BilingualText,
        concept: String,
        calculationMethod: String,
        dataSource: String,
        leadAgency: String,
        implementingAgency: String,
        updatedBy: String,
        unitOfMeasure: String,
        layer: IndicatorLayer,
        sector: String,
        direction: IndicatorDirection = .higherIsBetter,
        frequency: Frequency,
        source: ValueSource,
        aggregation: IndicatorAggregation,
        targets: [IndicatorTarget] = []
    ) {
        self.code = code
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.name = name
        self.concept = concept
        self.calculationMethod = calculationMethod
        self.dataSource = dataSource
        self.leadAgency = leadAgency
        self.implementingAgency = implementingAgency
        self.updatedBy = updatedBy
        self.unitOfMeasure = unitOfMeasure
        self.layer = layer
        self.sector = sector
        self.direction = direction
        self.frequency = frequency
        self.source = source
        self.aggregation = aggregation
        self.targets = targets
    }

    enum CodingKeys: String, CodingKey {
        case code, version, effectiveFrom, name, concept, calculationMethod, dataSource, leadAgency
        case implementingAgency, updatedBy, unitOfMeasure, layer, sector, direction, frequency, source
        case aggregation, targets
    }

    /// `version` (1), `direction` (higher is better) and `targets` (none) may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code),
            version: try container.decodeIfPresent(Int.self, forKey: .version) ?? 1,
            effectiveFrom: try container.decode(Period.self, forKey: .effectiveFrom),
            name: try container.decode(BilingualText.self, forKey: .name),
            concept: try container.decode(String.self, forKey: .concept),
            calculationMethod: try container.decode(String.self, forKey: .calculationMethod),
            dataSource: try container.decode(String.self, forKey: .dataSource),
            leadAgency: try container.decode(String.self, forKey: .leadAgency),
            implementingAgency: try container.decode(String.self, forKey: .implementingAgency),
            updatedBy: try container.decode(String.self, forKey: .updatedBy),
            unitOfMeasure: try container.decode(String.self, forKey: .unitOfMeasure),
            layer: try container.decode(IndicatorLayer.self, forKey: .layer),
            sector: try container.decode(String.self, forKey: .sector),
            direction: try container.decodeIfPresent(IndicatorDirection.self, forKey: .direction) ?? .higherIsBetter,
            frequency: try container.decode(Frequency.self, forKey: .frequency),
            source: try container.decode(ValueSource.self, forKey: .source),
            aggregation: try container.decode(IndicatorAggregation.self, forKey: .aggregation),
            targets: try container.decodeIfPresent([IndicatorTarget].self, forKey: .targets) ?? []
        )
    }

    public func target(for period: Period) -> Double? { targets.first { $0.period == period }?.value }

    /// Codes an indicator may not take: the pages of indicators live at `/app/indicators/entry`
    /// and `/app/indicators/assignments`, beside each indicator's `/app/indicators/{code}`.
    public static let reservedCodes: Set<String> = ["entry", "assignments"]

    /// Problems with the attributes (not the formula: see `IndicatorChecker`), in Vietnamese then English.
    public func attributeProblems() -> [String] {
        var problems: [String] = []
        if !FormulaParser.isIdentifier(code) {
            problems.append(
                "Mã chỉ số “\(code)” chỉ gồm chữ, số, '-', '_' (tối đa 64) / indicator code must be letters, digits, '-', '_'"
            )
        }
        if Self.reservedCodes.contains(code) {
            problems.append(
                "Mã chỉ số “\(code)” trùng tên một trang của hệ thống, hãy chọn mã khác / '\(code)' names a page; choose another code"
            )
        }
        if version < 1 { problems.append("Phiên bản phải từ 1 / version must be 1 or more") }
        let required: [(String, String, String)] = [
            (name.vi, "tên tiếng Việt", "Vietnamese name"), (name.en, "tên tiếng Anh", "English name"),
            (concept, "khái niệm", "concept"), (calculationMethod, "phương pháp tính", "calculation method"),
            (dataSource, "nguồn số liệu", "data source"), (leadAgency, "cơ quan chủ trì", "lead agency"),
            (implementingAgency, "cơ quan thực hiện", "implementing agency"),
            (updatedBy, "trách nhiệm cập nhật", "who updates it"), (unitOfMeasure, "đơn vị tính", "unit of measure"),
            (sector, "lĩnh vực", "sector"),
        ]
        for (value, vi, en) in required {
            if value.allSatisfy(\.isWhitespace) { problems.append("Thiếu \(vi) / \(en) is missing") }
            if value.count > 4000 { problems.append("Mục \(vi) quá dài (tối đa 4000 ký tự) / \(en) is too long") }
        }
        if targets.count > 400 { problems.append("Quá nhiều chỉ tiêu (tối đa 400) / too many targets (at most 400)") }
        if case .delivered(let system) = source, system.allSatisfy(\.isWhitespace) {
            problems.append("Thiếu tên hệ thống cung cấp số liệu / the delivering system is not named")
        }
        if let formula = source.formula {
            if !formula.factor.isFinite || formula.factor == 0 {
                problems.append("Hệ số phải là số khác 0 / the factor must be a non-zero number")
            }
            if aggregation == .weighted && formula.denominator == nil {
                problems.append(
                    "Tổng hợp theo trọng số cần có mẫu số / weighted aggregation needs a formula with a denominator"
                )
            }
        } else if aggregation == .weighted {
            problems.append(
                "Tổng hợp theo trọng số chỉ dùng cho chỉ số tính bằng công thức có mẫu số / "
                    + "weighted aggregation is only for indicators computed by a formula with a denominator"
            )
        }
        let periods = targets.map(\.period)
        if Set(periods).count != periods.count {
            problems.append("Chỉ tiêu trùng kỳ / a period has two targets")
        }
        for target in targets where target.period.frequency != frequency || !target.value.isFinite {
            problems.append(
                "Chỉ tiêu kỳ \(target.period) không hợp lệ (phải đúng tần suất, là số) / "
                    + "target for \(target.period) must be a number for a period of the indicator's frequency"
            )
        }
        return problems
    }
}

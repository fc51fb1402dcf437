import Hierarchy
import Reporting

@testable import Indicators

/// A form, a tree and data shared by the indicator tests.
enum Fixtures {
    static let form = Form(
        code: "so-hoa",
        title: "Số hoá hồ sơ",
        frequency: .monthly,
        groups: [
            CriteriaGroup(
                id: "g1",
                title: "Số liệu",
                questions: [
                    Question(id: "xa_so_hoa", text: "Số xã đã số hoá", kind: .integer),
                    Question(id: "tong_xa", text: "Tổng số xã", kind: .integer),
                    Question(id: "ho_so", text: "Số hồ sơ đã số hoá", kind: .integer),
                    Question(id: "ghi_chu", text: "Ghi chú", kind: .paragraph),
                    Question(id: "muc_do", text: "Mức độ", kind: .singleChoice, options: ["cao", "thấp"]),
                    Question(
                        id: "bang",
                        text: "Cán bộ",
                        kind: .table,
                        table: TableLayout(
                            rows: [TableRow(id: "tong", label: "Tổng số", rows: [TableRow(id: "cntt", label: "CNTT")])],
                            columns: [
                                TableColumn(id: "so_luong", label: "Số lượng"), TableColumn(id: "nu", label: "Nữ"),
                            ]
                        )
                    ),
                ]
            )
        ]
    )

    static let tree: UnitTree = {
        let units = [
            Unit(code: "TW", name: "Trung ương", level: .central, parent: nil),
            Unit(code: "P1", name: "Tỉnh 1", level: .province, parent: "TW"),
            Unit(code: "P2", name: "Tỉnh 2", level: .province, parent: "TW"),
            Unit(code: "P1-A", name: "Xã A", level: .commune, parent: "P1"),
            Unit(code: "P1-B", name: "Xã B", level: .commune, parent: "P1"),
            Unit(code: "P1-C", name: "Xã C", level: .commune, parent: "P1"),
            Unit(code: "P2-A", name: "Xã D", level: .commune, parent: "P2"),
        ]
        return try! UnitTree(units: units)
    }()

    static func definition(
        _ code: String,
        name: String? = nil,
        version: Int = 1,
        from period: Period = .month(2026, 1),
        source: ValueSource,
        aggregation: IndicatorAggregation = .sum,
        targets: [IndicatorTarget] = []
    ) -> IndicatorDefinition {
        IndicatorDefinition(
            code: code,
            version: version,
            effectiveFrom: period,
            name: BilingualText(vi: name ?? "Chỉ số \(code)", en: "Indicator \(code)"),
            concept: "Khái niệm",
            calculationMethod: "Theo công thức",
            dataSource: "Biểu mẫu so-hoa",
            leadAgency: "Bộ KH&CN",
            implementingAgency: "UBND tỉnh",
            updatedBy: "Văn phòng UBND",
            unitOfMeasure: "%",
            layer: .management,
            sector: "Chuyển đổi số",
            direction: .higherIsBetter,
            frequency: .monthly,
            source: source,
            aggregation: aggregation,
            targets: targets
        )
    }

    static func computed(_ numerator: String, _ denominator: String? = nil, factor: Double = 1) -> ValueSource {
        .computed(IndicatorFormula(numerator: numerator, denominator: denominator, factor: factor))
    }

    /// The rate of digitised communes, in percent, weighted up the tree.
    static let rate = definition(
        "TY_LE_SO_HOA",
        name: "Tỷ lệ xã đã số hoá",
        source: computed("#{so-hoa.xa_so_hoa}", "#{so-hoa.tong_xa}", factor: 100),
        aggregation: .weighted
    )

    static func catalogue(_ definitions: [IndicatorDefinition] = [rate]) -> IndicatorCatalogue {
        var catalogue = IndicatorCatalogue(forms: [form])
        for definition in definitions {
            do { try catalogue.add(definition) } catch { fatalError("\(error)") }
        }
        return catalogue
    }
}

/// Answers and values in memory, per unit.
struct TestData: IndicatorData {
    var answers: [String: [String: Answer]] = [:]
    var values: [String: [String: Double]] = [:]

    func answer(form: String, question: String, unit: String) -> Answer? { answers[unit]?["\(form).\(question)"] }
    func value(indicator: String, unit: String) -> Double? { values[unit]?[indicator] }

    /// Numeric answers to the `so-hoa` form, per unit: question id → value.
    static func numbers(_ byUnit: [String: [String: Double]]) -> TestData {
        TestData(
            answers: byUnit.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ("so-hoa.\($0)", .number($1)) }) }
        )
    }
}

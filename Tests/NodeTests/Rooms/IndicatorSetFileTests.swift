import Auth
import Foundation
import Indicators
import Testing

@testable import Node

/// The first indicator set shipped in `indicators/` (issue M.6): it reads, each definition is
/// complete, and the centre accepts every formula against the NQ57 survey it reads.
@Suite struct IndicatorSetFileTests {
    static let root = SampleFormsTests.root

    @Test func theShippedSetIsAcceptedByTheCentre() async throws {
        let definitions = try IndicatorFile.load(
            path: Self.root.appendingPathComponent("indicators/nq57-chi-so.yaml").path
        )
        #expect(definitions.count == 8)
        #expect(Set(definitions.map(\.layer)) == Set(IndicatorLayer.allCases), "the three layers of Letter 3158")
        #expect(definitions.contains { if case .delivered = $0.source { true } else { false } })

        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let admin = Actor(username: "tw.quantri", unit: "TW", role: .admin)
        let form = try FormFile.load(path: Self.root.appendingPathComponent("forms/nq57-khao-sat-xa.yaml").path)
        _ = try await centre.forms.define(form, by: admin)
        for definition in definitions {
            let view = try await centre.indicatorDefinitions.define(definition, by: admin)
            if definition.source.formula != nil {
                #expect(view.explanation != nil, "\(definition.code) is explained in words")
            }
        }
        #expect(try await centre.indicatorDefinitions.visible(to: admin).count == 8)
    }

    @Test func aFileWithAProblemNamesEveryOne() {
        let text = """
            - code: "bad code"
              effectiveFrom: 2026-06
              name: {vi: "", en: "x"}
              concept: c
              calculationMethod: m
              dataSource: d
              leadAgency: l
              implementingAgency: i
              updatedBy: u
              unitOfMeasure: "%"
              layer: management
              sector: s
              frequency: monthly
              source: {kind: entered}
              aggregation: weighted
            """
        let error = #expect(throws: ConfigurationError.self) { try IndicatorFile.parse(text, source: "x.yaml") }
        let description = error?.description ?? ""
        #expect(description.contains("Mã chỉ số"), "\(description)")
        #expect(description.contains("Thiếu tên tiếng Việt"), "\(description)")
        #expect(description.contains("trọng số"), "\(description)")
    }
}

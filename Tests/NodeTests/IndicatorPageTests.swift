import Auth
import Foundation
import Indicators
import Testing

@testable import Node
@testable import NodeHTTP

/// The indicator page (issue M.5) over a real demo federation without a browser: Bắc Ninh's
/// leader reads the indicator in words, the values of its communes for a period with their
/// targets, distances and ranks in Vietnamese numbers, the trend of the last 12 months and the
/// two exports; a commune's leader is refused the province, and the export answers as the page.
@Suite(.serialized) struct IndicatorPageTests {
    @Test func aProvinceSeesValuesAndRanksAndACommuneIsRefusedTheProvince() async throws {
        try await TestFederation.run { f in
            let province = f.local("bac-ninh")
            _ = try await province.indicatorDefinitions.define(
                IndicatorFigureRulesTests.definition(
                    "SO_HOA",
                    direction: .higherIsBetter,
                    targets: [.init(period: .month(2026, 10), value: 50), .init(period: .month(2026, 11), value: 60.5)]
                ),
                by: Actor(username: "bni.admin", unit: "BNI", role: .admin)
            )
            try await IndicatorFigureRulesTests.hold(
                province,
                [
                    "SO_HOA|BNI-KB|2026-11": 1234.5, "SO_HOA|BNI-YP|2026-11": 1234.5, "SO_HOA|BNI-TD|2026-11": 40,
                    "SO_HOA|BNI-KB|2026-10": 50,
                ]
            )

            let leader = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh")
            let page = try await leader.get("/app/indicators/SO_HOA?period=2026-11")
            #expect(page.status == 200, "\(page.text)")
            let text = page.text
            #expect(text.contains("<html lang=\"vi\">") && text.contains("Chỉ số SO_HOA"))
            // The definition in words.
            #expect(text.contains("Càng cao càng tốt") && text.contains("Hằng tháng") && text.contains("cộng tổng"))
            // The period in Vietnamese, the values and distances in Vietnamese numbers, ranks that tie.
            #expect(text.contains("Tháng 11/2026") && text.contains("60,5"))
            let kinhBac = try #require(Self.row("BNI-KB", in: text))
            #expect(kinhBac.contains("<td class=\"rank\">1</td>") && kinhBac.contains("1.234,5"))
            #expect(kinhBac.contains("+1.174") && kinhBac.contains("Đạt"), "\(kinhBac)")
            let yenPhong = try #require(Self.row("BNI-YP", in: text))
            #expect(yenPhong.contains("<td class=\"rank\">1</td>"))
            let tienDu = try #require(Self.row("BNI-TD", in: text))
            #expect(
                tienDu.contains("<td class=\"rank\">3</td>") && tienDu.contains("-20,5") && tienDu.contains("Không đạt")
            )
            #expect(tienDu.contains("-33,9 %"), "\(tienDu)")
            // The province's own row (combined, not ranked) and the trend of the last 12 months.
            #expect(text.contains("Toàn đơn vị") && text.contains("2.509"))
            let trend = try #require(text.range(of: "id=\"indicator-trend\"")).upperBound
            let trendRows = text[trend...].components(separatedBy: "<tr>").count - 2
            #expect(trendRows == 12, "\(trendRows)")
            #expect(text[trend...].contains("Tháng 12/2025") && text[trend...].contains("Tháng 10/2026"))
            #expect(
                text.contains("<meter min=\"0\" max=\"2509.0\" value=\"50.0\" aria-label=\"Tháng 10/2026\">50</meter>")
            )
            // Before the indicator's first period (January 2026) it is not in force.
            #expect(text[trend...].contains("Chỉ số chưa áp dụng") && !text[trend...].contains("Không tính được"))
            // The exports, linked and answering.
            let csvLink =
                "/api/v1/indicator-definitions/SO_HOA/values/export?period=2026-11&amp;unit=BNI&amp;format=csv"
            #expect(text.contains(csvLink) && text.contains("format=xlsx"))
            let csv = try await leader.get(csvLink.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(csv.status == 200 && csv.text.contains("Mã đơn vị"))
            #expect(WebPageTests.unlabelledInputs(text).isEmpty, "\(WebPageTests.unlabelledInputs(text))")
            // A commune to drill into is not linked (no units below).
            #expect(!kinhBac.contains("<a href"))

            // A commune's leader sees its commune, not the province.
            let commune = try await WebPageTests.browser(f, "bni-td.approver", at: "bac-ninh")
            let own = try await commune.get("/app/indicators/SO_HOA?period=2026-11")
            #expect(own.status == 200 && own.text.contains("Xã Tiên Du") && own.text.contains("40"))
            let refused = try await commune.get("/app/indicators/SO_HOA?period=2026-11&unit=BNI")
            #expect(refused.status == 403, "\(refused.status)")
            #expect(!refused.text.contains("1.234,5"))
            // A period not of the indicator's frequency, and an unknown indicator.
            #expect(try await leader.get("/app/indicators/SO_HOA?period=2026-Q4").status == 422)
            #expect(try await leader.get("/app/indicators/KHONG_CO").status == 404)
        }
    }

    /// The table row of one unit in the values table.
    static func row(_ unit: String, in text: String) -> String? {
        guard let start = text.range(of: "<tr data-unit=\"\(unit)\"") else { return nil }
        guard let end = text[start.upperBound...].range(of: "</tr>") else { return nil }
        return String(text[start.lowerBound..<end.upperBound])
    }
}

import Auth
import Foundation
import Indicators
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue M on screen: the indicator set, entering the values a unit owes and assigning indicators
/// to the units below, in Vietnamese. Bắc Ninh's node hosts the province and the commune Tiên Du,
/// so its admin assigns and Tiên Du's data entry enters on the same node. The pinned day is
/// 20 November 2026: an assignment from May owes May to November, May past its deadline.
@Suite(.serialized) struct IndicatorPagesTests {
    static let provinceAdmin = Actor(username: "bni.admin", unit: "BNI", role: .admin)

    /// Records kept (entered by the unit), transactions delivered by another system, and their
    /// ratio (a formula), defined by the province.
    static func defineSet(_ f: TestFederation) async throws {
        let province = f.local("bac-ninh")
        _ = try await province.indicatorDefinitions.define(
            SuppliedValueRulesTests.definition("HO_SO", source: .entered),
            by: Self.provinceAdmin
        )
        _ = try await province.indicatorDefinitions.define(
            SuppliedValueRulesTests.definition("GIAO_DICH", source: .delivered(system: "Nền tảng chia sẻ dữ liệu")),
            by: Self.provinceAdmin
        )
        _ = try await province.indicatorDefinitions.define(
            SuppliedValueRulesTests.definition(
                "TY_LE_GD",
                source: .computed(IndicatorFormula(numerator: "I{GIAO_DICH}", denominator: "I{HO_SO}", factor: 100)),
                aggregation: .weighted
            ),
            by: Self.provinceAdmin
        )
    }

    static func held(_ f: TestFederation, _ unit: String, _ period: String) async throws -> SuppliedValueStore.Value? {
        try await f.local("bac-ninh").database.pool.read { db in
            try SuppliedValueStore.held(code: "HO_SO", unit: unit, period: period, db)
        }
    }

    @Test func theSetIsShownByLayerWithItsFormulaInWords() async throws {
        try await TestFederation.run { f in
            try await Self.defineSet(f)
            let entry = try await WebPageTests.browser(f, "bni-td.entry", at: "bac-ninh")
            let page = try await entry.get("/app/indicators")
            #expect(page.status == 200 && page.text.contains("<h1>Bộ chỉ số</h1>"), "\(page.text)")
            #expect(page.text.contains("href=\"/app/indicators\""), "the menu leads to the page")
            #expect(
                page.text.contains("Quản lý (bộ, ngành, địa phương)")
                    && page.text.contains("id=\"indicators-management\"")
            )
            #expect(page.text.contains("<a href=\"/app/indicators/HO_SO\">HO_SO</a>"))
            #expect(
                page.text.contains("Đơn vị nhập")
                    && page.text.contains("Hệ thống khác cung cấp: Nền tảng chia sẻ dữ liệu")
            )
            #expect(
                page.text.contains("Chỉ số TY_LE_GD = (Chỉ số GIAO_DICH ÷ Chỉ số HO_SO) × 100"),
                "the formula in words"
            )
            #expect(
                page.text.contains("hồ sơ") && page.text.contains("Dịch vụ công") && page.text.contains("Bộ Nội vụ")
            )
            #expect(page.text.contains("Càng cao càng tốt") && page.text.contains("Hằng tháng"))
            #expect(!page.text.contains("href=\"/app/indicators/assignments\""), "data entry does not assign")
        }
    }

    @Test func aProvinceAssignsACommuneWhichEntersItsValuesAndTheProvinceWithdraws() async throws {
        try await TestFederation.run { f in
            try await Self.defineSet(f)
            let admin = try await WebPageTests.browser(f, "bni.admin", at: "bac-ninh")
            let empty = try await admin.get("/app/indicators/assignments")
            #expect(empty.status == 200 && empty.text.contains("Giao chỉ số cho cấp dưới"), "\(empty.text)")
            #expect(!empty.text.contains("value=\"TY_LE_GD\""), "a computed indicator needs nobody to update it")

            // A period that is not one: refused next to its field, what was typed kept.
            let wrong = try await admin.post(
                "/app/indicators/assignments",
                [("indicator", "HO_SO"), ("from", "2026-13"), ("units", "BNI-TD")]
            )
            #expect(wrong.status == 422 && wrong.text.contains("ia-from-error"), "\(wrong.text)")
            #expect(wrong.text.contains("value=\"2026-13\"") && wrong.text.contains("Kỳ “2026-13” không hợp lệ"))
            // A unit that is not below: refused next to the units.
            let outside = try await admin.post(
                "/app/indicators/assignments",
                [("indicator", "HO_SO"), ("from", "2026-05"), ("units", "LCA-SP")]
            )
            #expect(outside.status == 403 && outside.text.contains("ia-units-error"), "\(outside.text)")
            #expect(outside.text.contains("Chỉ giao chỉ số cho đơn vị cấp dưới của mình"))

            let assigned = try await admin.post(
                "/app/indicators/assignments",
                [("indicator", "HO_SO"), ("from", "2026-05"), ("units", "BNI-TD"), ("updated_by", "unit")]
            )
            #expect(assigned.status == 303, "\(assigned.text)")
            let province = f.local("bac-ninh")
            let made = try #require(
                try await province.indicatorAssignments.visible(to: Self.provinceAdmin).first {
                    $0.indicator == "HO_SO"
                }
            )
            #expect(made.units == ["BNI-TD"] && made.from == "2026-05" && made.updatedBy == "unit")
            let listed = try await admin.get("/app/indicators/assignments?done=assigned")
            #expect(listed.text.contains("Đã giao chỉ số") && listed.text.contains("Tháng 5/2026"), "\(listed.text)")
            #expect(listed.text.contains("/app/indicators/assignments/\(made.id)/withdraw"))

            // Tiên Du's data entry: May to November owed, May overdue, and the to-do leads here.
            let entry = try await WebPageTests.browser(f, "bni-td.entry", at: "bac-ninh")
            let home = try await entry.get("/app")
            #expect(home.text.contains("href=\"/app/indicators/entry#e.HO_SO.BNI-TD.2026-05\""), "\(home.text)")
            let owed = try await entry.get("/app/indicators/entry")
            #expect(owed.status == 200, "\(owed.text)")
            #expect(
                owed.text.contains("name=\"v|HO_SO|BNI-TD|2026-05\"")
                    && owed.text.contains("name=\"v|HO_SO|BNI-TD|2026-11\"")
            )
            #expect(owed.text.contains("Tháng 5/2026") && owed.text.contains("Quá hạn"))

            // One right, one typed the English way: the first is saved (late), the other stays
            // in its field with why.
            let mixed = try await entry.post(
                "/app/indicators/entry",
                [("v|HO_SO|BNI-TD|2026-05", "1.234,5"), ("v|HO_SO|BNI-TD|2026-06", "1.5")]
            )
            #expect(mixed.status == 422, "\(mixed.text)")
            #expect(mixed.text.contains("id=\"e.HO_SO.BNI-TD.2026-06-error\"") && mixed.text.contains("value=\"1.5\""))
            #expect(mixed.text.contains("dấu chấm chỉ dùng để tách hàng nghìn"))
            #expect(mixed.text.contains("Đã lưu 1 giá trị") && mixed.text.contains("nộp muộn"))
            #expect(!mixed.text.contains("name=\"v|HO_SO|BNI-TD|2026-05\""), "May is no longer owed")
            let may = try #require(try await Self.held(f, "BNI-TD", "2026-05"))
            #expect(may.value == 1234.5 && may.late && may.suppliedBy == "bni-td.entry")
            #expect(try await Self.held(f, "BNI-TD", "2026-06") == nil, "nothing kept of what is not a number")

            let corrected = try await entry.post("/app/indicators/entry", [("v|HO_SO|BNI-TD|2026-06", "12")])
            #expect(corrected.status == 303 && corrected.headers["location"] == "/app/indicators/entry?saved=1&late=1")
            #expect(try await Self.held(f, "BNI-TD", "2026-06")?.value == 12)
            let audited = try await province.auditReading.trail(visibleTo: Self.provinceAdmin, account: nil).entries
                .filter { $0.action == "indicator.value.enter" }
            #expect(audited.count == 2)

            // Not for another unit: Tiên Du's data entry does not enter the province's values.
            let parent = try await entry.post("/app/indicators/entry", [("v|HO_SO|BNI|2026-11", "3")])
            #expect(parent.status == 403, "\(parent.text)")
            #expect(try await Self.held(f, "BNI", "2026-11") == nil)

            // Withdrawn: nothing more is owed.
            let withdrawn = try await admin.post("/app/indicators/assignments/\(made.id)/withdraw", [])
            #expect(
                withdrawn.status == 303 && withdrawn.headers["location"] == "/app/indicators/assignments?done=withdrawn"
            )
            let after = try await entry.get("/app/indicators/entry")
            #expect(after.text.contains("Không có chỉ số nào cần nhập số liệu."), "\(after.text)")
            #expect(
                try await province.indicatorAssignments.visible(to: Self.provinceAdmin).first { $0.id == made.id }?
                    .withdrawnAt != nil
            )
        }
    }

    @Test func whoMayNotAssignOrEnterIsRefused() async throws {
        try await TestFederation.run { f in
            try await Self.defineSet(f)
            // Data entry neither sees the assignment page nor assigns.
            let clerk = try await WebPageTests.browser(f, "bni.entry", at: "bac-ninh")
            #expect(try await clerk.get("/app/indicators/assignments").status == 403)
            let refused = try await clerk.post(
                "/app/indicators/assignments",
                [("indicator", "HO_SO"), ("from", "2026-05"), ("units", "BNI-TD")]
            )
            #expect(refused.status == 403)
            #expect(try await f.local("bac-ninh").indicatorAssignments.visible(to: Self.provinceAdmin).isEmpty)

            // A leader of another province cannot enter Tiên Du's values.
            let other = try await WebPageTests.browser(f, "lca.approver", at: "lao-cai")
            let foreign = try await other.post("/app/indicators/entry", [("v|HO_SO|BNI-TD|2026-11", "5")])
            #expect(foreign.status == 403 && foreign.text.contains("entry-errors"), "\(foreign.text)")
            #expect(try await Self.held(f, "BNI-TD", "2026-11") == nil)
            let stored = try await f.local("lao-cai").database.pool.read { db in
                try SuppliedValueStore.held(code: "HO_SO", unit: "BNI-TD", period: "2026-11", db)
            }
            #expect(stored == nil)
            // A forged post without the page's token changes nothing either.
            let entry = try await WebPageTests.browser(f, "bni-td.entry", at: "bac-ninh")
            let forged = try await entry.post(
                "/app/indicators/entry",
                [("v|HO_SO|BNI-TD|2026-11", "5")],
                csrf: "khong-dung"
            )
            #expect(forged.status == 403)
            #expect(try await Self.held(f, "BNI-TD", "2026-11") == nil)
        }
    }
}

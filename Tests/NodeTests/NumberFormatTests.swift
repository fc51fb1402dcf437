import Foundation
import Testing

@testable import Node
@testable import NodeHTTP

/// Issue L: numbers the Vietnamese way in the pages ("1.234,5"), the English way in English
/// ("1,234.5"); nothing ambiguous is guessed, and what is shown reads back as what is stored.
@Suite struct NumberFormatTests {
    let vi = NumberFormat(.vi)
    let en = NumberFormat(.en)

    @Test func readsVietnamese() {
        #expect(vi.read("1234") == .success(1234))
        #expect(vi.read("1.234") == .success(1234), "a point groups thousands")
        #expect(vi.read("1.234,5") == .success(1234.5))
        #expect(vi.read("85,5") == .success(85.5))
        #expect(vi.read("0,25") == .success(0.25))
        #expect(vi.read("1,234") == .success(1.234), "a comma is the decimal mark")
        #expect(vi.read("12.345.678,901") == .success(12_345_678.901))
        #expect(vi.read("-1.234,5") == .success(-1234.5))
        #expect(vi.read("−7") == .success(-7), "a typographic minus")
        #expect(vi.read("+3") == .success(3))
        #expect(vi.read("  1.234,5 ") == .success(1234.5), "surrounding spaces")
        #expect(vi.read("1 234,5") == .success(1234.5), "spaces group thousands too")
        #expect(vi.read("1\u{00A0}234") == .success(1234))
        #expect(vi.read("0") == .success(0))
        #expect(vi.read("-0") == .success(0))
    }

    @Test func readsEnglish() {
        #expect(en.read("1234") == .success(1234))
        #expect(en.read("1,234") == .success(1234))
        #expect(en.read("1,234.5") == .success(1234.5))
        #expect(en.read("1.5") == .success(1.5))
        #expect(en.read("1.234") == .success(1.234))
        #expect(en.read("-12,345,678.901") == .success(-12_345_678.901))
    }

    @Test func refusesWhatIsAmbiguous() {
        // A point not followed by groups of exactly three digits is a decimal point in disguise: not guessed.
        for typed in ["1.5", "12.34", "1.2345", "1234.567", "0.5", ".5", "1.234.5", "1,234.5"] {
            #expect(vi.read(typed) == .failure(.decimalMark), "\(typed)")
        }
        for typed in ["1,5", "12,34", "1234,567", "1.234,5"] {
            #expect(en.read(typed) == .failure(.decimalMark), "\(typed)")
        }
        #expect(vi.message(.decimalMark).contains("Dùng dấu phẩy cho phần thập phân, ví dụ 1,5"))
        #expect(en.message(.decimalMark).contains("Use a point for decimals, e.g. 1.5"))
    }

    @Test func refusesWhatIsNotANumber() {
        for typed in [
            "", " ", "mười hai", "12a", "1,2,3", "1e5", "0x10", "1,", ",5", "-", "+", "1 5", "1..234", "--1", "１２",
            "inf", "nan", "1,5%",
        ] {
            #expect(vi.read(typed) != .success(0) && (try? vi.read(typed).get()) == nil, "\(typed)")
        }
        #expect(vi.read("mười hai") == .failure(.notANumber))
        #expect(vi.read("1,2,3") == .failure(.notANumber))
        #expect(en.read("1.2.3") == .failure(.notANumber))
        #expect(vi.message(.notANumber) == "phải là một số" && en.message(.notANumber) == "must be a number")
    }

    @Test func veryLargeAndVerySmall() {
        #expect(vi.read("1.000.000.000.000.000.000") == .success(1e18))
        #expect(vi.text(1e18) == "1.000.000.000.000.000.000")
        #expect(en.text(1e18) == "1,000,000,000,000,000,000")
        #expect(vi.text(1.2345e20) == "123.450.000.000.000.000.000")
        #expect(vi.read(String(repeating: "9", count: 400)) == .failure(.notANumber), "beyond a Double")
        #expect(vi.text(0.00001) == "0,00001")
        #expect(vi.text(-0.0001) == "-0,0001")
        #expect(vi.text(123_456_789_012_345.5) == "123.456.789.012.345,5")
    }

    @Test func showsBothLanguages() {
        #expect(vi.text(1234.5) == "1.234,5")
        #expect(en.text(1234.5) == "1,234.5")
        #expect(vi.text(85.5) == "85,5" && en.text(85.5) == "85.5")
        #expect(vi.text(12.0) == "12" && vi.text(999.0) == "999" && vi.text(1000.0) == "1.000")
        #expect(vi.text(-1234567.0) == "-1.234.567")
        #expect(vi.text(-0.0) == "0")
        #expect(vi.text(0.1 + 0.2) == "0,30000000000000004", "exact, not rounded")
        #expect(
            vi.text(12345) == "12.345" && en.text(12345) == "12,345" && vi.text(-1000) == "-1.000" && vi.text(0) == "0"
        )
        #expect(vi.text(200.0 / 3, fractionDigits: 1) == "66,7" && en.text(200.0 / 3, fractionDigits: 1) == "66.7")
        #expect(vi.text(50.0, fractionDigits: 1) == "50" && vi.text(13.3333, fractionDigits: 2) == "13,33")
    }

    @Test func whatIsShownReadsBack() {
        for value in [0, 1, -1, 0.5, 1234.5, 1e15, 1e18, 123_456.789, 0.1 + 0.2, -98_765.4321, 3.14159e-7, 7e22] {
            #expect(vi.read(vi.text(value)) == .success(value), "\(value) as \(vi.text(value))")
            #expect(en.read(en.text(value)) == .success(value), "\(value) as \(en.text(value))")
        }
    }

    @Test func wholeNumbers() {
        #expect(vi.readWhole("1.000") == .success(1000))
        #expect(vi.readWhole("60") == .success(60))
        #expect(vi.readWhole("2,5") == .failure(.notANumber))
        #expect(vi.readWhole("2.5") == .failure(.decimalMark))
        #expect(en.readWhole("1,000") == .success(1000))
    }

    /// The alert rule form reads its factor and days the page language's way.
    @Test func alertRuleNumbers() throws {
        let rule = try AlertPages.rule(["kind": "abnormal_value", "factor": "2,5", "days": "1.000"], vi)
        #expect(rule.factor == 2.5 && rule.days == 1000)
        #expect(try AlertPages.rule(["kind": "abnormal_value", "factor": "2.5"], en).factor == 2.5)
        do {
            _ = try AlertPages.rule(["kind": "abnormal_value", "factor": "2.5"], vi)
            Issue.record("“2.5” is not guessed in Vietnamese")
        } catch let error as EdgeRefusal {
            #expect(
                error.details == ["factor": "invalid"] && error.message.contains("Dùng dấu phẩy cho phần thập phân")
            )
        }
        #expect(throws: EdgeRefusal.self) { try AlertPages.rule(["kind": "due_soon", "days": "2,5"], vi) }
    }

    /// The pages that show numbers use the rules: progress percentages and file sizes.
    @Test func pagesShowTheLanguagesWay() {
        #expect(ProgressCharts.format(200.0 / 3, vi) == "66,7" && ProgressCharts.format(200.0 / 3, en) == "66.7")
        #expect(ProgressCharts.format(100, vi) == "100")
        #expect(ReportPages.size(1536, .vi) == "1,5 KB" && ReportPages.size(1536, .en) == "1.5 KB")
        #expect(ReportPages.size(1234, .vi) == "1,2 KB" && ReportPages.size(999, .vi) == "999 B")
    }

    /// The admin's pages: the usage report's counts and the nodes page's lags and sizes.
    @Test func adminPagesGroupThousands() throws {
        let json = Data(
            #"{"role":"data_entry","name":"x","accounts":1234,"activeUsers":12,"logins":12345,"failedLogins":0,"actions":1234567}"#
                .utf8
        )
        let group = try JSONDecoder().decode(UsageReport.Group.self, from: json)
        let vietnamese = UsagePage.Group(group, .vi)
        #expect(vietnamese.accounts == "1.234" && vietnamese.logins == "12.345" && vietnamese.actions == "1.234.567")
        #expect(vietnamese.active == "12" && vietnamese.failed == "0")
        #expect(UsagePage.Group(group, .en).logins == "12,345")
        let html = PageRenderer.shared.render(
            UsagePage(
                period: "2026",
                groups: [vietnamese],
                unit: "Tỉnh Bắc Ninh",
                periods: [],
                from: "01/01/2026",
                to: "31/12/2026",
                xlsx: "/api/v1/usage?period=2026&format=xlsx"
            ),
            csrf: "c",
            language: .vi
        )
        #expect(html.contains("<td>12.345</td>") && html.contains("<td>1.234.567</td>") && !html.contains("12345"))
        #expect(NodesPage.lag(1234, nil, .vi) == "1.234 tin" && NodesPage.lag(1234, nil, .en) == "1,234 messages")
        #expect(NodesPage.lag(3, 300, .vi) == "3 tin, 5 phút")
        #expect(
            NodesPage.size(1_294_467_072, .vi) == "1.234,5 MiB" && NodesPage.size(1_294_467_072, .en) == "1,234.5 MiB"
        )
        #expect(NodesPage.size(1_536_000, .vi) == "1,5 MiB" && NodesPage.size(2048, .vi) == "2 KiB")
    }
}

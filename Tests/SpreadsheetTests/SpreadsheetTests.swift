import Foundation
import TestSupport
import Testing

@testable import Spreadsheet

// MARK: - XLSX pieces

@Test func columnLetters() {
    let expected = [1: "A", 2: "B", 26: "Z", 27: "AA", 52: "AZ", 53: "BA", 702: "ZZ", 703: "AAA", 16_384: "XFD"]
    for (number, letters) in expected {
        #expect(XLSXWriter.columnName(number) == letters, "column \(number)")
    }
}

@Test func xmlEscaping() {
    #expect(
        XLSXWriter.escape(#"<script>alert("x")</script> & 'y'"#)
            == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;"
    )
    #expect(XLSXWriter.escape("Đã phê duyệt") == "Đã phê duyệt")
    #expect(XLSXWriter.escape("a\tb\r\nc") == "a&#9;b&#13;&#10;c")
    #expect(XLSXWriter.escape("nul\u{0}bell\u{7}esc\u{1B}\u{FFFE}end") == "nulbellescend")
    #expect(XLSXWriter.escape("emoji 🇻🇳 ok") == "emoji 🇻🇳 ok")
    #expect(XLSXWriter.excelLiteral("a_x0041_b _x12_ _X0041_") == "a_x005F_x0041_b _x12_ _X0041_")
}

@Test func sheetNamesAreSanitisedAndUnique() {
    let names = XLSXWriter.sheetNames([
        "Báo cáo: Tổng hợp [Quý I/2025] *chi tiết* xã Tiên Du",
        "Tổng hợp", "tổng hợp", "", "History", "'quoted'", "a?b\\c\u{7}",
        String(repeating: "x", count: 40), String(repeating: "x", count: 40),
    ])
    #expect(
        names == [
            "Báo cáo_ Tổng hợp _Quý I_2025_",
            "Tổng hợp", "tổng hợp (2)", "Sheet4", "Sheet5", "quoted", "a_b_c",
            String(repeating: "x", count: 31), String(repeating: "x", count: 27) + " (2)",
        ]
    )
    #expect(names.allSatisfy { $0.utf16.count <= 31 })
}

@Test func numbersHaveFullPrecisionWithoutExponentOrTrailingZero() {
    let cases: [(Double, String)] = [
        (12, "12"), (62.5, "62.5"), (0.1, "0.1"), (1e12, "1000000000000"), (-3, "-3"), (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"), (1234567.891, "1234567.891"), (1e15, "1000000000000000"),
        (1.5e16, "15000000000000000"), (0.00001, "0.00001"), (-2.5e-6, "-0.0000025"),
        (1e21, "1e+21"), (1e-7, "1e-07"),
    ]
    for (value, text) in cases {
        #expect(value.spreadsheetText == text)
        #expect(Double(text) == value)
    }
    #expect(Double.nan.spreadsheetText == nil)
    #expect(Double.infinity.spreadsheetText == nil)
}

@Test func invalidMergesAreRejected() {
    let overlapping = Sheet(
        name: "S",
        merges: [
            CellRange(rows: 0...1, columns: 0...1), CellRange(rows: 1...2, columns: 1...3),
        ]
    )
    #expect(throws: SpreadsheetError.self) { try XLSXWriter.data(Workbook(sheets: [overlapping])) }
    let single = Sheet(name: "S", merges: [CellRange(rows: 2...2, columns: 3...3)])
    #expect(throws: SpreadsheetError.invalidMerge(sheet: "S", CellRange(rows: 2...2, columns: 3...3))) {
        try XLSXWriter.data(Workbook(sheets: [single]))
    }
    let wide = Sheet(name: "Wide", rows: [Array(repeating: .empty, count: 16_385)])
    #expect(throws: SpreadsheetError.tooLarge(sheet: "Wide")) { try XLSXWriter.data(Workbook(sheets: [wide])) }
}

// MARK: - XLSX read back by openpyxl

/// A two-level header as in the source forms: "Trong đó" spans "Bí thư" and "Phó bí thư".
let reportSheet = Sheet(
    name: "Báo cáo: Tổng hợp [Quý I/2025] *chi tiết* xã Tiên Du",
    rows: [
        [.text("Đơn vị"), .text("Tổng số đảng viên"), .text("Trong đó"), .empty],
        [.empty, .empty, .text("Bí thư"), .text("Phó bí thư")],
        [.text("Xã Tiên Du"), .number(12), .number(62.5), .number(0.1)],
        [.text("Đã phê duyệt"), .number(1e12), .number(-3), .empty],
        [
            .text(#"<script>alert("x")</script> & 'quotes'"#), .empty, .text("Dòng 1\r\nDòng 2\tcột"),
            .text("bell\u{7}"),
        ],
        [.text("  thụt lề  "), .number(.nan), .text("=SUM(A1)"), .text("_x0041_")],
    ],
    headerRows: 2,
    columnWidths: [30, 0, 12],
    merges: [
        CellRange(rows: 0...1, columns: 0...0), CellRange(rows: 0...1, columns: 1...1),
        CellRange(rows: 0...0, columns: 2...3),
    ]
)

let summarySheet = Sheet(
    name: "Tổng hợp",
    rows: [
        [.text("Chỉ tiêu"), .text("Giá trị")],
        [.text("Tổng số đảng viên"), .number(0.1 + 0.2)],
        [.text("Tỷ lệ"), .number(1234567.891)],
    ]
)

@Test func xlsxReadsBackInOpenpyxl() async throws {
    let url = try temporaryXLSX(Workbook(sheets: [reportSheet, summarySheet]))
    defer { try? FileManager.default.removeItem(at: url) }
    guard let book = try await readBack(url) else { return }

    #expect(book.badEntry == nil)
    #expect(book.warnings.isEmpty)
    #expect(
        Set(book.parts) == [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
        ]
    )
    #expect(book.sheets.map(\.name) == ["Báo cáo_ Tổng hợp _Quý I_2025_", "Tổng hợp"])
    guard book.sheets.count == 2 else { return }

    let report = book.sheets[0]
    #expect(
        report.rows == [
            [["s", "Đơn vị"], ["s", "Tổng số đảng viên"], ["s", "Trong đó"], ["e", ""]],
            [["e", ""], ["e", ""], ["s", "Bí thư"], ["s", "Phó bí thư"]],
            [["s", "Xã Tiên Du"], ["n", "12"], ["n", "62.5"], ["n", "0.1"]],
            [["s", "Đã phê duyệt"], ["n", "1000000000000"], ["n", "-3"], ["e", ""]],
            [
                ["s", #"<script>alert("x")</script> & 'quotes'"#], ["e", ""], ["s", "Dòng 1\r\nDòng 2\tcột"],
                ["s", "bell"],
            ],
            // openpyxl, unlike Excel and LibreOffice, does not decode "_x005F_" back to "_".
            [["s", "  thụt lề  "], ["e", ""], ["s", "=SUM(A1)"], ["s", "_x005F_x0041_"]],
        ]
    )
    #expect(report.types[2] == ["str", "int", "float", "float"])
    #expect(report.bold == ["A1", "B1", "C1", "C2", "D2"])
    #expect(report.merges == ["A1:A2", "B1:B2", "C1:D1"])
    #expect(report.widths == ["A": 30, "C": 12])

    let summary = book.sheets[1]
    #expect(
        summary.rows == [
            [["s", "Chỉ tiêu"], ["s", "Giá trị"]],
            [["s", "Tổng số đảng viên"], ["n", "0.30000000000000004"]],
            [["s", "Tỷ lệ"], ["n", "1234567.891"]],
        ]
    )
    #expect(summary.bold.isEmpty && summary.merges.isEmpty && summary.widths.isEmpty)
}

@Test func largeAndEmptyWorkbooksReadBack() async throws {
    let rows = (1...5_000).map { [Cell.text("Xã số \($0)"), .number(Double($0) / 8)] }
    let url = try temporaryXLSX(Workbook(sheets: [Sheet(name: "Lớn", rows: rows)]))
    defer { try? FileManager.default.removeItem(at: url) }
    guard let book = try await readBack(url) else { return }
    #expect(book.badEntry == nil)
    #expect(book.sheets.first?.rows.count == 5_000)
    #expect(book.sheets.first?.rows.last == [["s", "Xã số 5000"], ["n", "625"]])
    #expect(book.sheets.first?.rows[2] == [["s", "Xã số 3"], ["n", "0.375"]])

    let emptyURL = try temporaryXLSX(Workbook())
    defer { try? FileManager.default.removeItem(at: emptyURL) }
    guard let empty = try await readBack(emptyURL) else { return }
    #expect(empty.badEntry == nil)
    #expect(empty.sheets.map(\.name) == ["Sheet1"])
}

func temporaryXLSX(_ workbook: Workbook) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("spreadsheet-\(UUID().uuidString).xlsx")
    try XLSXWriter.write(workbook, to: url)
    return url
}

/// What openpyxl and Python's zipfile make of an .xlsx file.
struct ReadBack: Decodable {
    struct SheetContents: Decodable {
        var name: String
        /// Each cell as [kind, value]: ["s", text], ["n", Python repr], ["e", ""] for none.
        var rows: [[[String]]]
        var types: [[String]]
        var bold: [String]
        var merges: [String]
        var widths: [String: Double]
    }
    var badEntry: String?
    var parts: [String]
    var warnings: [String]
    var sheets: [SheetContents]
}

let readBackScript = #"""
    import json, sys, warnings, zipfile, xml.dom.minidom
    try:
        import openpyxl
    except ImportError:
        sys.exit(3)
    path = sys.argv[1]
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
        parts = archive.namelist()
        for part in parts:
            xml.dom.minidom.parseString(archive.read(part))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = openpyxl.load_workbook(path)
    def cell(value):
        if value is None:
            return ["e", ""]
        if isinstance(value, str):
            return ["s", value]
        return ["n", repr(value)]
    sheets = [{
        "name": sheet.title,
        "rows": [[cell(v) for v in row] for row in sheet.iter_rows(values_only=True)],
        "types": [[type(v).__name__ for v in row] for row in sheet.iter_rows(values_only=True)],
        "bold": [c.coordinate for row in sheet.iter_rows() for c in row if c.font.b],
        "merges": sorted(str(r) for r in sheet.merged_cells.ranges),
        "widths": {k: d.width for k, d in sheet.column_dimensions.items() if d.customWidth},
    } for sheet in book.worksheets]
    print(json.dumps({"badEntry": bad, "parts": parts, "warnings": [str(w.message) for w in caught], "sheets": sheets}))
    """#

/// Runs the read-back script; records a failure and returns nil if python3 or openpyxl is missing.
func readBack(_ url: URL) async throws -> ReadBack? {
    let result = try await Command.run("python3", ["-c", readBackScript, url.path], environment: Python.environment)
    switch result.status {
    case 0:
        return try JSONDecoder().decode(ReadBack.self, from: Data(result.output.utf8))
    case 3:
        Issue.record("Python's openpyxl is missing; the .xlsx read-back test needs it: run `pip install openpyxl`")
    case 127:
        Issue.record(
            "python3 is not on PATH; the .xlsx read-back test needs python3 with openpyxl (`pip install openpyxl`)"
        )
    default:
        Issue.record("reading the .xlsx back failed (exit \(result.status)):\n\(result.errors)")
    }
    return nil
}

// MARK: - CSV

@Test func csvQuotesPerRFC4180WithCRLF() {
    let sheet = Sheet(
        name: "S",
        rows: [
            [.text("Đơn vị"), .text("Ghi chú")],
            [.text("Xã Tiên Du"), .text("a, b"), .text(#"nói "không""#)],
            [.text("hai\ndòng"), .text("cr\rlf"), .empty],
            [],
        ]
    )
    #expect(
        CSVWriter.string(sheet) == "Đơn vị,Ghi chú,\r\n"
            + "Xã Tiên Du,\"a, b\",\"nói \"\"không\"\"\"\r\n"
            + "\"hai\ndòng\",\"cr\rlf\",\r\n"
            + ",,\r\n"
    )
    #expect(CSVWriter.string(Sheet(name: "Empty")) == "")
}

@Test func csvDataStartsWithBOM() {
    let sheet = Sheet(name: "S", rows: [[.text("Tổng số đảng viên"), .number(12)]])
    let data = CSVWriter.data(sheet)
    #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
    #expect(String(decoding: data.dropFirst(3), as: UTF8.self) == "Tổng số đảng viên,12\r\n")
}

@Test func csvGuardsAgainstFormulaInjection() {
    let texts = [
        "=SUM(A1:A2)", "+1", "-1", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"a\")", "a=b", "Đã phê duyệt",
    ]
    let fields = texts.map { CSVWriter.field(.text($0)) }
    #expect(
        fields == [
            "'=SUM(A1:A2)", "'+1", "'-1", "'@cmd", "'\tx", "\"'\rx\"", #""'=HYPERLINK(""http://x"",""a"")""#, "a=b",
            "Đã phê duyệt",
        ]
    )
    #expect(CSVWriter.field(.number(-3)) == "-3")
}

@Test func csvNumbers() {
    let sheet = Sheet(
        name: "S",
        rows: [
            [.number(12), .number(62.5), .number(0.1), .number(1e12), .number(-3), .number(.nan), .empty]
        ]
    )
    #expect(CSVWriter.string(sheet) == "12,62.5,0.1,1000000000000,-3,,\r\n")
}

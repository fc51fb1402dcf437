import Foundation
import ZIPFoundation

/// Writes a workbook as a minimal .xlsx (SpreadsheetML in a ZIP) that Excel, LibreOffice and openpyxl open.
public enum XLSXWriter {
    /// The .xlsx file's bytes.
    public static func data(_ workbook: Workbook) throws -> Data {
        let sheets = workbook.sheets.isEmpty ? [Sheet(name: "Sheet1")] : workbook.sheets  // Excel needs one sheet.
        var parts = [
            ("[Content_Types].xml", contentTypes(sheetCount: sheets.count)),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbookXML(names: sheetNames(sheets.map(\.name)))),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(sheetCount: sheets.count)),
            ("xl/styles.xml", styles),
        ]
        for (index, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", try worksheet(sheet)))
        }
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, xml) in parts {
            let bytes = Data(xml.utf8)
            try archive.addEntry(
                with: path,
                type: .file,
                uncompressedSize: Int64(bytes.count),
                compressionMethod: .deflate
            ) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }

    /// Writes the .xlsx file to `url`, replacing any file there.
    public static func write(_ workbook: Workbook, to url: URL) throws {
        try data(workbook).write(to: url, options: .atomic)
    }

    // MARK: - Parts

    static let xmlHeader = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let contentTypePrefix = "application/vnd.openxmlformats-officedocument.spreadsheetml"

    static func contentTypes(sheetCount: Int) -> String {
        let sheets = (1...sheetCount).map {
            #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="\#(contentTypePrefix).worksheet+xml"/>"#
        }
        return xmlHeader + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="\#(contentTypePrefix).sheet.main+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" ContentType="\#(contentTypePrefix).styles+xml"/>"#
            + sheets.joined() + "</Types>"
    }

    static let rootRelationships =
        xmlHeader
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="\#(relationshipTypes)/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    static func workbookXML(names: [String]) -> String {
        let sheets = names.enumerated().map { index, name in
            #"<sheet name="\#(escape(name))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
        }
        return xmlHeader + #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipTypes)">"#
            + "<bookViews><workbookView/></bookViews><sheets>" + sheets.joined() + "</sheets></workbook>"
    }

    static func workbookRelationships(sheetCount: Int) -> String {
        let sheets = (1...sheetCount).map {
            #"<Relationship Id="rId\#($0)" Type="\#(relationshipTypes)/worksheet" Target="worksheets/sheet\#($0).xml"/>"#
        }
        return xmlHeader + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + sheets.joined()
            + #"<Relationship Id="rId\#(sheetCount + 1)" Type="\#(relationshipTypes)/styles" Target="styles.xml"/>"#
            + "</Relationships>"
    }

    /// Style 0 is the default font; style 1, for header rows, is bold, centred and wrapped.
    /// Times New Roman is the font of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP).
    static let styles =
        xmlHeader + #"<styleSheet xmlns="\#(mainNamespace)">"#
        + #"<fonts count="2"><font><sz val="12"/><name val="Times New Roman"/><family val="1"/></font>"#
        + #"<font><b/><sz val="12"/><name val="Times New Roman"/><family val="1"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill>"#
        + #"<fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">"#
        + #"<alignment horizontal="center" vertical="center" wrapText="1"/></xf></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"

    static let maxRows = 1_048_576, maxColumns = 16_384, maxTextLength = 32_767

    static func worksheet(_ sheet: Sheet) throws -> String {
        guard sheet.rows.count <= maxRows, sheet.rows.allSatisfy({ $0.count <= maxColumns }) else {
            throw SpreadsheetError.tooLarge(sheet: sheet.name)
        }
        try validateMerges(sheet)
        var xml = xmlHeader + #"<worksheet xmlns="\#(mainNamespace)">"#
        let widths = sheet.columnWidths.prefix(maxColumns).enumerated().compactMap { index, width in
            width > 0 ? #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"# : nil
        }
        if !widths.isEmpty { xml += "<cols>" + widths.joined() + "</cols>" }
        xml += "<sheetData>"
        for (rowIndex, row) in sheet.rows.enumerated() {
            let style = rowIndex < sheet.headerRows ? #" s="1""# : ""
            var cells = ""
            for (columnIndex, cell) in row.enumerated() {
                let reference = columnName(columnIndex + 1) + String(rowIndex + 1)
                switch cell {
                case .text(let text):
                    let value = escape(excelLiteral(truncated(text, toUTF16: maxTextLength)))
                    cells +=
                        #"<c r="\#(reference)"\#(style) t="inlineStr"><is><t xml:space="preserve">\#(value)</t></is></c>"#
                case .number(let number):
                    guard let value = number.spreadsheetText else { continue }  // NaN and infinities: left empty.
                    cells += #"<c r="\#(reference)"\#(style)><v>\#(value)</v></c>"#
                case .empty:
                    continue
                }
            }
            if !cells.isEmpty { xml += #"<row r="\#(rowIndex + 1)">"# + cells + "</row>" }
        }
        xml += "</sheetData>"
        if !sheet.merges.isEmpty {
            xml += #"<mergeCells count="\#(sheet.merges.count)">"#
            for merge in sheet.merges {
                let first = columnName(merge.columns.lowerBound + 1) + String(merge.rows.lowerBound + 1)
                let last = columnName(merge.columns.upperBound + 1) + String(merge.rows.upperBound + 1)
                xml += #"<mergeCell ref="\#(first):\#(last)"/>"#
            }
            xml += "</mergeCells>"
        }
        return xml + "</worksheet>"
    }

    static func validateMerges(_ sheet: Sheet) throws {
        for (index, merge) in sheet.merges.enumerated() {
            guard merge.rows.lowerBound >= 0, merge.columns.lowerBound >= 0,
                merge.rows.upperBound < maxRows, merge.columns.upperBound < maxColumns,
                merge.rows.count > 1 || merge.columns.count > 1
            else { throw SpreadsheetError.invalidMerge(sheet: sheet.name, merge) }
            for other in sheet.merges[..<index]
            where other.rows.overlaps(merge.rows) && other.columns.overlaps(merge.columns) {
                throw SpreadsheetError.overlappingMerges(sheet: sheet.name, other, merge)
            }
        }
    }

    // MARK: - Text

    /// The column's letters, counting from 1: 1 → A, 26 → Z, 27 → AA, 703 → AAA.
    static func columnName(_ number: Int) -> String {
        var remaining = number
        var name = ""
        while remaining > 0 {
            remaining -= 1
            name.insert(Character(Unicode.Scalar(UInt8(65 + remaining % 26))), at: name.startIndex)
            remaining /= 26
        }
        return name
    }

    /// Text made safe for XML 1.0 content and attributes: markup escaped, CR/LF/tab as character
    /// references (so parsers keep them), and characters XML cannot hold dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default: if isXMLCharacter(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Whether XML 1.0 allows the character (tab, LF and CR aside, which callers handle).
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
    }

    /// Excel reads "_x0041_" in cell text as an escaped "A"; writing the underscore as "_x005F_" keeps it literal.
    static func excelLiteral(_ text: String) -> String {
        text.replacing(/_(?=x[0-9A-Fa-f]{4}_)/, with: "_x005F_")
    }

    /// Excel's sheet names: no []:*?/\ or control characters, no apostrophe at either end, at most 31
    /// characters, unique regardless of case, and never the reserved "History".
    static func sheetNames(_ names: [String]) -> [String] {
        let forbidden = Set("[]:*?/\\".unicodeScalars)
        var used = Set<String>()
        return names.enumerated().map { index, raw in
            var scalars = String.UnicodeScalarView()
            for scalar in raw.unicodeScalars where isXMLCharacter(scalar) {
                scalars.append(forbidden.contains(scalar) ? "_" : scalar)
            }
            let trim = CharacterSet(charactersIn: "' ")
            var base = truncated(String(scalars), toUTF16: 31).trimmingCharacters(in: trim)
            if base.isEmpty || base.lowercased() == "history" { base = "Sheet\(index + 1)" }
            var name = base
            var copy = 1
            while used.contains(name.lowercased()) {
                copy += 1
                let suffix = " (\(copy))"
                name = truncated(base, toUTF16: 31 - suffix.utf16.count).trimmingCharacters(in: trim) + suffix
            }
            used.insert(name.lowercased())
            return name
        }
    }

    /// The longest prefix of whole characters that fits in `limit` UTF-16 units, the unit Excel counts.
    static func truncated(_ text: String, toUTF16 limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var result = ""
        var length = 0
        for character in text {
            length += character.utf16.count
            if length > limit { break }
            result.append(character)
        }
        return result
    }
}

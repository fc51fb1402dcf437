/// A workbook to export: named sheets of rows of cells.
public struct Workbook: Sendable {
    public var sheets: [Sheet]

    public init(sheets: [Sheet] = []) {
        self.sheets = sheets
    }
}

/// One sheet: rows of cells, the first rows usually headers.
public struct Sheet: Sendable {
    public var name: String
    public var rows: [[Cell]]
    /// How many leading rows are headers, written bold and centred in .xlsx.
    public var headerRows: Int
    /// Column widths in characters, by column index; missing or non-positive means the default width.
    public var columnWidths: [Double]
    /// Merged areas in .xlsx, such as a "Trong đó" heading over its sub-columns; CSV ignores them.
    public var merges: [CellRange]

    public init(
        name: String,
        rows: [[Cell]] = [],
        headerRows: Int = 0,
        columnWidths: [Double] = [],
        merges: [CellRange] = []
    ) {
        self.name = name
        self.rows = rows
        self.headerRows = headerRows
        self.columnWidths = columnWidths
        self.merges = merges
    }
}

/// One cell: text, a number, or nothing.
public enum Cell: Sendable, Hashable {
    case text(String)
    case number(Double)
    case empty
}

/// A rectangle of cells to merge, by zero-based indices into `Sheet.rows` and each row; the top-left cell holds the value.
public struct CellRange: Sendable, Hashable {
    public var rows: ClosedRange<Int>
    public var columns: ClosedRange<Int>

    public init(rows: ClosedRange<Int>, columns: ClosedRange<Int>) {
        self.rows = rows
        self.columns = columns
    }
}

/// Why a workbook cannot be written as .xlsx.
public enum SpreadsheetError: Error, Equatable {
    /// More rows or columns than Excel allows (1,048,576 × 16,384).
    case tooLarge(sheet: String)
    /// A merge with a negative index, or one covering a single cell.
    case invalidMerge(sheet: String, CellRange)
    /// Two merges share a cell, which Excel reports as a corrupt file.
    case overlappingMerges(sheet: String, CellRange, CellRange)
}

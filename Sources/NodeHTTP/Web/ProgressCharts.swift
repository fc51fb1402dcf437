import Foundation
import Hierarchy
import Node

/// SVG drawn by the server for the dashboard: a tile grid of child units coloured by the share
/// approved (each tile a link to drill down; the grid is a group, not an image, since it holds links), and bars of submitted / approved % per child.
/// Colours come with the number written on the tile, so colour is never the only cue.
enum ProgressCharts {
    /// From light red (nothing in) through amber to green (everything in); text stays dark for contrast.
    static func colour(_ percent: Double) -> String {
        switch percent {
        case ..<25: "#f8c4c4"
        case ..<50: "#fbd9a6"
        case ..<75: "#fdf0a6"
        case ..<100: "#cfe8a9"
        default: "#9fd89a"
        }
    }

    /// The children as tiles: placed like the country when they are provinces
    /// (`ProvinceTiles`), else in rows of four.
    static func tiles(
        _ children: [ChildFigures],
        link: (String) -> String,
        label: String,
        unassigned: String,
        numbers: NumberFormat
    ) -> String {
        let places = children.map { ProvinceTiles.place(unit: $0.unit, name: $0.name) }
        let onMap = !children.isEmpty && places.allSatisfy { $0 != nil }
        let columns = 4
        let (width, height, gap) = onMap ? (150, 62, 6) : (180, 70, 8)
        // On the map only the rows and columns that hold a child are drawn.
        let mapped = places.compactMap { $0 }
        let top = mapped.map(\.row).min() ?? 0
        let left = mapped.map(\.column).min() ?? 0
        let cells: [(column: Int, row: Int)] = children.indices.map { index in
            if onMap, let place = places[index] { return (place.column - left, place.row - top) }
            return (index % columns, index / columns)
        }
        let spanX = (cells.map(\.column).max() ?? 0) + 1
        let spanY = (cells.map(\.row).max() ?? 0) + 1
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tiles\(onMap ? " map" : "")\"\(onMap ? " width=\"\(spanX * (width + gap))\"" : "") viewBox=\"0 0 \(spanX * (width + gap)) \(spanY * (height + gap))\" role=\"group\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        for (index, child) in children.enumerated() {
            let x = cells[index].column * (width + gap)
            let y = cells[index].row * (height + gap)
            // Approved, not submitted: a commune still waiting for its own leader is not green.
            let percent = child.figures.approvedPercent
            // A unit with nothing assigned is grey and says so, rather than looking late.
            let assigned = child.figures.expected > 0
            let shown = onMap ? shortProvinceName(child.name) : child.name
            let fits = onMap ? 17 : 22
            let name = shown.count > fits ? String(shown.prefix(fits - 1)) + "…" : shown
            svg +=
                "<a href=\"\(HTML.escape(link(child.unit)))\" aria-label=\"\(HTML.escape(child.name)): \(assigned ? format(percent, numbers) + " %" : HTML.escape(unassigned))\"><rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" rx=\"6\" fill=\"\(assigned ? colour(percent) : "#e4e4e4")\" stroke=\"#555\"/>"
            svg +=
                "<text x=\"\(x + 8)\" y=\"\(y + 24)\" font-size=\"\(onMap ? 14 : 15)\" fill=\"#111\">\(HTML.escape(name))</text>"
            svg +=
                "<text x=\"\(x + 8)\" y=\"\(y + 48)\" font-size=\"\(onMap ? (assigned ? 16 : 13) : 18)\" font-weight=\"bold\" fill=\"#111\">\(assigned ? format(percent, numbers) + " %" : HTML.escape(unassigned))</text></a>"
        }
        return svg + "</svg>"
    }

    /// "Bắc Ninh" for "Tỉnh Bắc Ninh", "TP. Huế" for "Thành phố Huế": the map's tiles are small.
    static func shortProvinceName(_ name: String) -> String {
        if name.hasPrefix("Tỉnh ") { return String(name.dropFirst("Tỉnh ".count)) }
        if name.hasPrefix("Thành phố ") { return "TP. " + name.dropFirst("Thành phố ".count) }
        return name
    }

    static func bars(
        _ children: [ChildFigures],
        submitted: String,
        approved: String,
        label: String,
        numbers: NumberFormat
    ) -> String {
        let rowHeight = 34
        let labelWidth = 200
        let barWidth = 300
        let height = max(1, children.count) * rowHeight + 30
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" viewBox=\"0 0 \(labelWidth + barWidth + 70) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        svg +=
            "<rect x=\"\(labelWidth)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#2b6cb0\"/><text x=\"\(labelWidth + 16)\" y=\"15\" font-size=\"13\" fill=\"#111\">\(HTML.escape(submitted))</text>"
        svg +=
            "<rect x=\"\(labelWidth + 150)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#276749\"/><text x=\"\(labelWidth + 166)\" y=\"15\" font-size=\"13\" fill=\"#111\">\(HTML.escape(approved))</text>"
        for (index, child) in children.enumerated() {
            let y = 26 + index * rowHeight
            let s = Int(child.figures.submittedPercent / 100 * Double(barWidth))
            let a = Int(child.figures.approvedPercent / 100 * Double(barWidth))
            svg += "<text x=\"0\" y=\"\(y + 20)\" font-size=\"13\" fill=\"#111\">\(HTML.escape(child.name))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(barWidth)\" height=\"24\" fill=\"#eee\"/>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(s)\" height=\"11\" fill=\"#2b6cb0\"/>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 17)\" width=\"\(a)\" height=\"11\" fill=\"#276749\"/>"
            svg +=
                "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 20)\" font-size=\"13\" fill=\"#111\">\(format(child.figures.submittedPercent, numbers))/\(format(child.figures.approvedPercent, numbers))</text>"
        }
        return svg + "</svg>"
    }

    /// Submitted and approved % across periods as two lines over a 0–100 % scale, each point
    /// labelled with its value (the table under the chart lists the same numbers).
    static func trend(
        _ points: [(period: String, submitted: Double, approved: Double)],
        submitted: String,
        approved: String,
        label: String,
        numbers: NumberFormat
    ) -> String {
        let (left, top, plotHeight, step) = (44, 30, 200, 110)
        let width = left + max(1, points.count - 1) * step + 60
        let height = top + plotHeight + 40
        func y(_ percent: Double) -> Int {
            top + plotHeight - Int(min(max(percent, 0), 100) / 100 * Double(plotHeight))
        }
        func x(_ index: Int) -> Int { left + 20 + index * step }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        svg +=
            "<rect x=\"\(left)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#2b6cb0\"/><text x=\"\(left + 16)\" y=\"15\" font-size=\"13\" fill=\"#111\">\(HTML.escape(submitted))</text>"
        svg +=
            "<rect x=\"\(left + 150)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#276749\"/><text x=\"\(left + 166)\" y=\"15\" font-size=\"13\" fill=\"#111\">\(HTML.escape(approved))</text>"
        for mark in stride(from: 0, through: 100, by: 25) {
            svg +=
                "<line x1=\"\(left)\" y1=\"\(y(Double(mark)))\" x2=\"\(width - 10)\" y2=\"\(y(Double(mark)))\" stroke=\"#ddd\"/><text x=\"0\" y=\"\(y(Double(mark)) + 4)\" font-size=\"12\" fill=\"#333\">\(mark) %</text>"
        }
        for (values, colour, above) in [
            (points.map(\.submitted), "#2b6cb0", true), (points.map(\.approved), "#276749", false),
        ] {
            let path = values.enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
            for (index, value) in values.enumerated() {
                svg += "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"4\" fill=\"\(colour)\"/>"
                svg +=
                    "<text x=\"\(x(index) + 6)\" y=\"\(y(value) + (above ? -6 : 16))\" font-size=\"12\" fill=\"#111\">\(format(value, numbers))</text>"
            }
        }
        for (index, point) in points.enumerated() {
            svg +=
                "<text x=\"\(x(index))\" y=\"\(top + plotHeight + 24)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#111\">\(HTML.escape(point.period))</text>"
        }
        return svg + "</svg>"
    }

    /// One numeric answer across periods: a line over a scale from 0 to its largest value (from
    /// its smallest when that is below 0), a point and its value per period; a period without a
    /// value breaks the line.
    static func series(
        _ points: [(period: String, value: Double?)],
        label: String,
        numbers: NumberFormat
    ) -> String {
        let (left, top, plotHeight, step) = (20, 16, 140, 110)
        let width = left + max(1, points.count - 1) * step + 80
        let height = top + plotHeight + 40
        let values = points.compactMap(\.value)
        let high = max(values.max() ?? 1, 0)
        let low = min(values.min() ?? 0, 0)
        let span = high - low == 0 ? 1 : high - low
        // Answers are finite, but their difference may not be (±1e308): never trap on a drawing.
        func y(_ value: Double) -> Int {
            let share = (value - low) / span
            return top + plotHeight - (share.isFinite ? Int(min(max(share, 0), 1) * Double(plotHeight)) : 0)
        }
        func x(_ index: Int) -> Int { left + 20 + index * step }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend series\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        svg +=
            "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 10)\" y2=\"\(y(0))\" stroke=\"#bbb\"/>"
        var run: [String] = []
        func flush() {
            if run.count > 1 {
                svg +=
                    "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"#6b46c1\" stroke-width=\"2.5\"/>"
            }
            run = []
        }
        for (index, point) in points.enumerated() {
            guard let value = point.value else {
                flush()
                continue
            }
            run.append("\(x(index)),\(y(value))")
        }
        flush()
        for (index, point) in points.enumerated() {
            if let value = point.value {
                svg += "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"4\" fill=\"#6b46c1\"/>"
                svg +=
                    "<text x=\"\(x(index) + 6)\" y=\"\(y(value) - 6)\" font-size=\"12\" fill=\"#111\">\(numbers.text(value))</text>"
            }
            svg +=
                "<text x=\"\(x(index))\" y=\"\(top + plotHeight + 24)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#111\">\(HTML.escape(point.period))</text>"
        }
        return svg + "</svg>"
    }

    /// A percentage with at most one decimal, the page language's way: "66,7" in Vietnamese.
    static func format(_ percent: Double, _ numbers: NumberFormat) -> String {
        numbers.text(percent, fractionDigits: 1)
    }
}

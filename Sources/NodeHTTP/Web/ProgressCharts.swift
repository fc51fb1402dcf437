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

    static func tiles(
        _ children: [ChildFigures],
        link: (String) -> String,
        label: String,
        unassigned: String,
        numbers: NumberFormat
    ) -> String {
        let columns = 4
        let width = 180
        let height = 70
        let gap = 8
        let rows = max(1, (children.count + columns - 1) / columns)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tiles\" viewBox=\"0 0 \(columns * (width + gap)) \(rows * (height + gap))\" role=\"group\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        for (index, child) in children.enumerated() {
            let x = (index % columns) * (width + gap)
            let y = (index / columns) * (height + gap)
            // Approved, not submitted: a commune still waiting for its own leader is not green.
            let percent = child.figures.approvedPercent
            // A unit with nothing assigned is grey and says so, rather than looking late.
            let assigned = child.figures.expected > 0
            let name = child.name.count > 22 ? String(child.name.prefix(21)) + "…" : child.name
            svg +=
                "<a href=\"\(HTML.escape(link(child.unit)))\"><rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" rx=\"6\" fill=\"\(assigned ? colour(percent) : "#e4e4e4")\" stroke=\"#555\"/>"
            svg += "<text x=\"\(x + 10)\" y=\"\(y + 26)\" font-size=\"15\" fill=\"#111\">\(HTML.escape(name))</text>"
            svg +=
                "<text x=\"\(x + 10)\" y=\"\(y + 52)\" font-size=\"18\" font-weight=\"bold\" fill=\"#111\">\(assigned ? format(percent, numbers) + " %" : HTML.escape(unassigned))</text></a>"
        }
        return svg + "</svg>"
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

    /// A percentage with at most one decimal, the page language's way: "66,7" in Vietnamese.
    static func format(_ percent: Double, _ numbers: NumberFormat) -> String {
        numbers.text(percent, fractionDigits: 1)
    }
}

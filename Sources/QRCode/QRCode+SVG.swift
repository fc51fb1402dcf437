extension QRCode {
    /// A compact, accessible SVG of the symbol: a white background and one black `<path>` in which
    /// each horizontal run of dark modules is a rectangle, in a viewBox measured in modules.
    ///
    /// - Parameters:
    ///   - moduleSize: rendered pixels per module for `width`/`height` (the drawing itself scales freely); at least 1.
    ///   - quietZone: light margin in modules on every side; scanners expect 4. At least 0.
    ///   - label: the accessible name (`aria-label`, and a `<title>`), e.g. "QR code for authenticator app enrolment".
    public func svg(moduleSize: Int = 6, quietZone: Int = 4, label: String = "QR code") -> String {
        let moduleSize = max(1, moduleSize)
        let quietZone = max(0, quietZone)
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        let name = QRCode.escapeXML(label)
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                var end = column + 1
                while end < size, isDark(row: row, column: end) { end += 1 }
                let run = end - column
                path += "M\(column + quietZone),\(row + quietZone)h\(run)v1h-\(run)z"
                column = end
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(extent) \(extent)\""
            + " width=\"\(pixels)\" height=\"\(pixels)\" role=\"img\" aria-label=\"\(name)\""
            + " shape-rendering=\"crispEdges\"><title>\(name)</title>"
            + "<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// Escapes text for use in XML character data and double- or single-quoted attributes.
    static func escapeXML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default:
                // Control characters other than tab/LF/CR are not allowed in XML 1.0: drop them.
                if scalar.value < 0x20, scalar != "\t", scalar != "\n", scalar != "\r" { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// A mutable module grid used while building a symbol.
struct ModuleGrid {
    let size: Int
    var dark: [Bool]
    /// Modules that belong to function patterns or format/version information (never masked or filled with data).
    var isFunction: [Bool]

    init(size: Int) {
        self.size = size
        dark = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    subscript(row: Int, column: Int) -> Bool {
        get { dark[row * size + column] }
        set { dark[row * size + column] = newValue }
    }

    mutating func setFunction(row: Int, column: Int, dark value: Bool) {
        dark[row * size + column] = value
        isFunction[row * size + column] = true
    }
}

extension QRCode {
    /// The 15-bit format information: 2 bits EC level, 3 bits mask, BCH(15,5) remainder, XOR 0x5412.
    static func formatBits(correction: Correction, mask: Int) -> Int {
        precondition((0...7).contains(mask))
        let data = correction.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 {
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// The 18-bit version information (versions ≥ 7): 6 bits version, BCH(18,6) remainder.
    static func versionBits(version: Int) -> Int {
        precondition((7...40).contains(version))
        var remainder = version
        for _ in 0..<12 {
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        }
        return version << 12 | remainder
    }

    /// Whether data mask `mask` inverts the module at (`row`, `column`) (ISO/IEC 18004 Table 10).
    static func maskInverts(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case 7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        default: preconditionFailure("mask must be 0...7")
        }
    }

    /// Draws function patterns, places `codewords`, then tries all eight masks (or only `forcedMask`)
    /// and keeps the one with the lowest penalty.
    static func build(version: Int, correction: Correction, codewords: [UInt8], forcedMask: Int? = nil) -> QRCode {
        var grid = functionPatterns(version: version)
        placeCodewords(codewords, in: &grid)
        var best: (mask: Int, penalty: Int, modules: [Bool]) = (0, Int.max, [])
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = grid
            applyMask(mask, to: &candidate)
            drawFormatBits(formatBits(correction: correction, mask: mask), in: &candidate)
            let score = penalty(candidate)
            if score < best.penalty {
                best = (mask, score, candidate.dark)
            }
        }
        return QRCode(version: version, correction: correction, mask: best.mask, modules: best.modules)
    }

    /// Builds a grid with every function pattern drawn and the format area reserved.
    static func functionPatterns(version: Int) -> ModuleGrid {
        let size = size(forVersion: version)
        var grid = ModuleGrid(size: size)

        // Timing patterns (row 6 and column 6), alternating and starting dark.
        for i in 0..<size {
            grid.setFunction(row: 6, column: i, dark: i % 2 == 0)
            grid.setFunction(row: i, column: 6, dark: i % 2 == 0)
        }

        // Finder patterns with their light separators: 9×9 around each centre, clipped at the edge.
        for (centreRow, centreColumn) in [(3, 3), (3, size - 4), (size - 4, 3)] {
            for dr in -4...4 {
                for dc in -4...4 {
                    let r = centreRow + dr
                    let c = centreColumn + dc
                    guard r >= 0, r < size, c >= 0, c < size else { continue }
                    let ring = max(abs(dr), abs(dc))
                    grid.setFunction(row: r, column: c, dark: ring != 2 && ring != 4)
                }
            }
        }

        // Alignment patterns at every pair of standard positions except those overlapping finders.
        let positions = QRTables.alignmentPositions[version]
        let last = positions.count - 1
        for (a, row) in positions.enumerated() {
            for (b, column) in positions.enumerated() {
                if (a == 0 && b == 0) || (a == 0 && b == last) || (a == last && b == 0) { continue }
                for dr in -2...2 {
                    for dc in -2...2 {
                        grid.setFunction(row: row + dr, column: column + dc, dark: max(abs(dr), abs(dc)) != 1)
                    }
                }
            }
        }

        // Reserve the format areas (drawn per mask later) and set the dark module.
        drawFormatBits(0, in: &grid)

        // Version information: 6×3 blocks near the top-right and bottom-left finders.
        if version >= 7 {
            let bits = versionBits(version: version)
            for i in 0..<18 {
                let bit = (bits >> i) & 1 == 1
                let near = i / 3
                let far = size - 11 + i % 3
                grid.setFunction(row: near, column: far, dark: bit)  // top-right, 6 rows × 3 columns
                grid.setFunction(row: far, column: near, dark: bit)  // bottom-left, 3 rows × 6 columns
            }
        }
        return grid
    }

    /// Writes both copies of the 15-bit format information (bit 14 is the most significant), and the dark module.
    static func drawFormatBits(_ bits: Int, in grid: inout ModuleGrid) {
        let size = grid.size
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        // Copy 1, around the top-left finder: bits 0–7 down column 8 (skipping the timing row 6),
        // bits 8–14 leftwards along row 8 (skipping the timing column 6).
        for i in 0...5 { grid.setFunction(row: i, column: 8, dark: bit(i)) }
        grid.setFunction(row: 7, column: 8, dark: bit(6))
        grid.setFunction(row: 8, column: 8, dark: bit(7))
        grid.setFunction(row: 8, column: 7, dark: bit(8))
        for i in 9..<15 { grid.setFunction(row: 8, column: 14 - i, dark: bit(i)) }
        // Copy 2: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8 at the bottom.
        for i in 0..<8 { grid.setFunction(row: 8, column: size - 1 - i, dark: bit(i)) }
        for i in 8..<15 { grid.setFunction(row: size - 15 + i, column: 8, dark: bit(i)) }
        // The dark module, always dark.
        grid.setFunction(row: size - 8, column: 8, dark: true)
    }

    /// Places codeword bits in the two-column zigzag from the bottom-right, skipping function modules
    /// and the vertical timing column. Modules left over are remainder bits (light before masking).
    static func placeCodewords(_ codewords: [UInt8], in grid: inout ModuleGrid) {
        let size = grid.size
        let totalBits = codewords.count * 8
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }  // column 6 is the vertical timing pattern
            let upward = ((size - 1 - right) / 2) % 2 == 0
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !grid.isFunction[row * size + column] {
                    if index < totalBits {
                        grid[row, column] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                        index += 1
                    }
                }
            }
            right -= 2
        }
        precondition(index == totalBits, "codewords do not match the symbol's data capacity")
    }

    static func applyMask(_ mask: Int, to grid: inout ModuleGrid) {
        let size = grid.size
        for row in 0..<size {
            for column in 0..<size where !grid.isFunction[row * size + column] {
                if maskInverts(mask, row: row, column: column) {
                    grid.dark[row * size + column].toggle()
                }
            }
        }
    }

    /// The ISO/IEC 18004 §7.8.3 penalty score: N1 runs, N2 2×2 blocks, N3 finder-like patterns, N4 balance.
    static func penalty(_ grid: ModuleGrid) -> Int {
        let size = grid.size
        let dark = grid.dark
        var score = 0

        // N1 (runs of ≥ 5 same-coloured modules) and N3 (1:1:3:1:1 dark-light pattern with 4 light modules
        // on one side), along rows and columns. Outside the symbol counts as light (quiet zone).
        var line = [Bool](repeating: false, count: size + 8)
        for horizontal in [true, false] {
            for a in 0..<size {
                for b in 0..<size {
                    line[b + 4] = horizontal ? dark[a * size + b] : dark[b * size + a]
                }
                score += runPenalty(line[4..<4 + size])
                score += finderLikePenalty(line)
            }
        }

        // N2: each 2×2 block of one colour.
        for row in 0..<size - 1 {
            for column in 0..<size - 1 {
                let c = dark[row * size + column]
                if c == dark[row * size + column + 1], c == dark[(row + 1) * size + column],
                    c == dark[(row + 1) * size + column + 1]
                {
                    score += 3
                }
            }
        }

        // N4: 10 points for each full 5% step the dark proportion deviates from 50%.
        let total = size * size
        let darkCount = dark.reduce(0) { $0 + ($1 ? 1 : 0) }
        score += abs(darkCount * 20 - total * 10) / total * 10
        return score
    }

    /// N1: 3 + (length − 5) for every run of 5 or more same-coloured modules.
    static func runPenalty(_ line: ArraySlice<Bool>) -> Int {
        var score = 0
        var previous: Bool?
        var run = 0
        for module in line {
            if module == previous {
                run += 1
            } else {
                if run >= 5 { score += run - 2 }
                previous = module
                run = 1
            }
        }
        if run >= 5 { score += run - 2 }
        return score
    }

    /// N3: 40 for each dark:light:dark:light:dark = 1:1:3:1:1 pattern preceded or followed by 4 light modules.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        // `line` has 4 light modules of quiet zone on each side of the symbol's modules.
        let pattern: [Bool] = [true, false, true, true, true, false, true]
        var score = 0
        guard line.count >= 11 else { return 0 }
        for start in 0...line.count - 7 {
            var matches = true
            for k in 0..<7 where line[start + k] != pattern[k] {
                matches = false
                break
            }
            guard matches else { continue }
            if start >= 4, !line[start - 4..<start].contains(true) { score += 40 }
            if start + 11 <= line.count, !line[start + 7..<start + 11].contains(true) { score += 40 }
        }
        return score
    }
}

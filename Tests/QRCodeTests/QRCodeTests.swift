import Testing

@testable import QRCode

// MARK: - GF(256) and Reed–Solomon

@Suite("GF(256)")
struct GaloisFieldTests {
    /// Shift-and-add multiplication modulo 0x11D, independent of the log/exp tables.
    static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        var x = Int(a)
        var y = Int(b)
        while y != 0 {
            if y & 1 != 0 { product ^= x }
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
            y >>= 1
        }
        return UInt8(product)
    }

    @Test func alphaIsPrimitive() {
        // α = 2 generates all 255 non-zero elements before returning to 1.
        let powers = (0..<255).map { GF256.exp[$0] }
        #expect(Set(powers).count == 255)
        #expect(!powers.contains(0))
        #expect(GF256.power(255) == 1)
        #expect(GF256.power(8) == 29)  // α⁸ = α⁴ + α³ + α² + 1
        #expect(GF256.power(9) == 58)
        #expect(GF256.power(14) == 19)
        #expect(GF256.log[1] == 0 && GF256.log[2] == 1 && GF256.log[29] == 8)
    }

    @Test func multiplicationMatchesShiftAndAdd() {
        for a in 0...255 {
            for b in 0...255 {
                let product = GF256.multiply(UInt8(a), UInt8(b))
                if product != Self.slowMultiply(UInt8(a), UInt8(b)) {
                    Issue.record("\(a) × \(b): got \(product)")
                    return
                }
            }
        }
        #expect(GF256.multiply(0x80, 2) == 0x1D)
        #expect(GF256.multiply(0, 0xFF) == 0)
    }

    @Test func inverses() {
        for a in 1...255 {
            #expect(GF256.multiply(UInt8(a), GF256.inverse(UInt8(a))) == 1)
        }
    }

    @Test func fieldLaws() {
        let samples: [UInt8] = [0, 1, 2, 3, 0x1D, 0x53, 0x80, 0xCA, 0xFF]
        for a in samples {
            for b in samples {
                #expect(GF256.multiply(a, b) == GF256.multiply(b, a))
                for c in samples {
                    // Distributivity over XOR (the field's addition).
                    #expect(GF256.multiply(a, b ^ c) == GF256.multiply(a, b) ^ GF256.multiply(a, c))
                }
            }
        }
    }
}

@Suite("Reed–Solomon")
struct ReedSolomonTests {
    /// Generator coefficients as powers of α (highest power first), from the published generator tables.
    @Test(arguments: [
        (7, [0, 87, 229, 146, 149, 238, 102, 21]),
        (10, [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45]),
    ])
    func generatorPolynomial(degree: Int, alphaExponents: [Int]) {
        let generator = ReedSolomon.generator(degree: degree)
        #expect(generator.map { GF256.log[Int($0)] } == alphaExponents)
    }

    @Test func generatorRootsAreConsecutivePowersOfAlpha() {
        let generator = ReedSolomon.generator(degree: 30)
        for i in 0..<30 {
            // Horner evaluation at αⁱ must vanish.
            var value: UInt8 = 0
            for coefficient in generator { value = GF256.multiply(value, GF256.power(i)) ^ coefficient }
            #expect(value == 0, "α^\(i) is not a root")
        }
    }

    /// ISO/IEC 18004 Annex I example: "01234567", version 1-M.
    @Test func isoExample() {
        let data: [UInt8] = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        let ec = ReedSolomon.remainder(of: data, generator: ReedSolomon.generator(degree: 10))
        #expect(ec == [165, 36, 212, 193, 237, 54, 199, 135, 44, 85])
    }

    /// Thonky's tutorial example "HELLO WORLD" (alphanumeric data codewords), versions 1-M and 1-Q.
    @Test func helloWorldExamples() {
        let medium: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(
            ReedSolomon.remainder(of: medium, generator: ReedSolomon.generator(degree: 10))
                == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]
        )
        let quartile: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236]
        #expect(
            ReedSolomon.remainder(of: quartile, generator: ReedSolomon.generator(degree: 13))
                == [168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16]
        )
    }

    @Test func codewordIsMultipleOfGenerator() {
        // data·xⁿ + remainder must vanish at every root of the generator.
        let data: [UInt8] = Array("otpauth://totp/ReportNet".utf8)
        let generator = ReedSolomon.generator(degree: 18)
        let codeword = data + ReedSolomon.remainder(of: data, generator: generator)
        for i in 0..<18 {
            var value: UInt8 = 0
            for c in codeword { value = GF256.multiply(value, GF256.power(i)) ^ c }
            #expect(value == 0)
        }
    }
}

// MARK: - Tables

@Suite("Standard tables")
struct TableTests {
    @Test func totalCodewords() {
        let known = [1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 10: 346, 14: 581, 20: 1085, 40: 3706]
        for (version, total) in known {
            #expect(QRTables.totalCodewordCount(version: version) == total, "version \(version)")
        }
        // Remainder bits (Table 1): 0, 7, 0, 3, 4, 3, 0 by version range.
        for version in 1...40 {
            let remainder = QRTables.dataModuleCount(version: version) % 8
            let expected =
                switch version {
                case 1: 0
                case 2...6: 7
                case 7...13: 0
                case 14...20: 3
                case 21...27: 4
                case 28...34: 3
                default: 0
                }
            #expect(remainder == expected, "version \(version)")
        }
    }

    @Test func blockStructureExamples() {
        typealias B = QRTables.BlockStructure
        #expect(
            QRTables.blockStructure(version: 1, correction: .low)
                == B(
                    ecCodewordsPerBlock: 7,
                    group1Blocks: 1,
                    group1DataCodewords: 19,
                    group2Blocks: 0,
                    group2DataCodewords: 0
                )
        )
        #expect(
            QRTables.blockStructure(version: 1, correction: .high)
                == B(
                    ecCodewordsPerBlock: 17,
                    group1Blocks: 1,
                    group1DataCodewords: 9,
                    group2Blocks: 0,
                    group2DataCodewords: 0
                )
        )
        #expect(
            QRTables.blockStructure(version: 5, correction: .quartile)
                == B(
                    ecCodewordsPerBlock: 18,
                    group1Blocks: 2,
                    group1DataCodewords: 15,
                    group2Blocks: 2,
                    group2DataCodewords: 16
                )
        )
        #expect(
            QRTables.blockStructure(version: 10, correction: .medium)
                == B(
                    ecCodewordsPerBlock: 26,
                    group1Blocks: 4,
                    group1DataCodewords: 43,
                    group2Blocks: 1,
                    group2DataCodewords: 44
                )
        )
        #expect(
            QRTables.blockStructure(version: 40, correction: .high)
                == B(
                    ecCodewordsPerBlock: 30,
                    group1Blocks: 20,
                    group1DataCodewords: 15,
                    group2Blocks: 61,
                    group2DataCodewords: 16
                )
        )
        for version in 1...40 {
            for correction in Correction.allCases {
                let s = QRTables.blockStructure(version: version, correction: correction)
                #expect(s.totalCodewords == QRTables.totalCodewordCount(version: version))
                #expect(s.group1Blocks >= 1)
            }
        }
    }

    @Test func byteCapacities() {
        let known: [Int: [Int]] = [  // L, M, Q, H
            1: [17, 14, 11, 7], 2: [32, 26, 20, 14], 7: [154, 122, 86, 64],
            10: [271, 213, 151, 119], 20: [858, 666, 482, 382], 40: [2953, 2331, 1663, 1273],
        ]
        for (version, capacities) in known {
            #expect(
                Correction.allCases.map { QRCode.byteCapacity(version: version, correction: $0) } == capacities,
                "version \(version)"
            )
        }
    }

    @Test func alignmentPositions() {
        #expect(QRTables.alignmentPositions[1] == [])
        #expect(QRTables.alignmentPositions[2] == [6, 18])
        #expect(QRTables.alignmentPositions[7] == [6, 22, 38])
        #expect(QRTables.alignmentPositions[32] == [6, 34, 60, 86, 112, 138])
        #expect(QRTables.alignmentPositions[40] == [6, 30, 58, 86, 114, 142, 170])
        for version in 2...40 {
            let positions = QRTables.alignmentPositions[version]
            #expect(positions.count == version / 7 + 2)
            #expect(positions.last == 4 * version + 17 - 7, "last centre is 7 from the edge")
        }
    }
}

// MARK: - Format and version information

@Suite("Format and version information")
struct InformationTests {
    /// ISO/IEC 18004 Table C.1: format information bit sequences after masking with 0x5412.
    @Test func formatInformationTable() {
        let table: [Correction: [String]] = [
            .low: [
                "111011111000100", "111001011110011", "111110110101010", "111100010011101",
                "110011000101111", "110001100011000", "110110001000001", "110100101110110",
            ],
            .medium: [
                "101010000010010", "101000100100101", "101111001111100", "101101101001011",
                "100010111111001", "100000011001110", "100111110010111", "100101010100000",
            ],
            .quartile: [
                "011010101011111", "011000001101000", "011111100110001", "011101000000110",
                "010010010110100", "010000110000011", "010111011011010", "010101111101101",
            ],
            .high: [
                "001011010001001", "001001110111110", "001110011100111", "001100111010000",
                "000011101100010", "000001001010101", "000110100001100", "000100000111011",
            ],
        ]
        for (correction, rows) in table {
            for (mask, bits) in rows.enumerated() {
                #expect(
                    QRCode.formatBits(correction: correction, mask: mask) == Int(bits, radix: 2),
                    "\(correction) mask \(mask)"
                )
            }
        }
        #expect(QRCode.formatBits(correction: .medium, mask: 0) == 0b1010100_00010010)
    }

    @Test func versionInformation() {
        #expect(QRCode.versionBits(version: 7) == 0b00_01111100_10010100)
        #expect(QRCode.versionBits(version: 8) == 0b00_10000101_10111100)
        #expect(QRCode.versionBits(version: 21) == 0b01_01010110_10000011)
        #expect(QRCode.versionBits(version: 40) == 0b10_10001100_01101001)
    }

    @Test("format information is drawn in both copies", arguments: Correction.allCases)
    func formatInSymbol(correction: Correction) throws {
        let symbol = try QRCode.encode("HELLO", correction: correction)
        let n = symbol.size
        var copy1 = 0
        var copy2 = 0
        // Copy 1: bit 14 at (8,0) … along row 8, then up column 8 to bit 0 at (0,8).
        let copy1Positions = [
            (8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8),
            (5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8),
        ]
        for (r, c) in copy1Positions { copy1 = copy1 << 1 | (symbol.isDark(row: r, column: c) ? 1 : 0) }
        // Copy 2: bit 14 at (n-1,8) up to bit 8 at (n-7,8), then bit 7 at (8,n-8) to bit 0 at (8,n-1).
        for r in stride(from: n - 1, through: n - 7, by: -1) {
            copy2 = copy2 << 1 | (symbol.isDark(row: r, column: 8) ? 1 : 0)
        }
        for c in n - 8...n - 1 { copy2 = copy2 << 1 | (symbol.isDark(row: 8, column: c) ? 1 : 0) }
        let expected = QRCode.formatBits(correction: correction, mask: symbol.mask)
        #expect(copy1 == expected)
        #expect(copy2 == expected)
        #expect(symbol.isDark(row: n - 8, column: 8), "dark module")
    }

    @Test func versionInformationInSymbol() throws {
        let symbol = try QRCode.encode(Sample.ascii(length: 150), correction: .low)
        #expect(symbol.version == 7)
        let n = symbol.size
        var topRight = 0
        var bottomLeft = 0
        // Bit 17 (most significant) is at the far corner of each block.
        for i in stride(from: 17, through: 0, by: -1) {
            topRight = topRight << 1 | (symbol.isDark(row: i / 3, column: n - 11 + i % 3) ? 1 : 0)
            bottomLeft = bottomLeft << 1 | (symbol.isDark(row: n - 11 + i % 3, column: i / 3) ? 1 : 0)
        }
        #expect(topRight == 0b00_01111100_10010100)
        #expect(bottomLeft == 0b00_01111100_10010100)
    }
}

// MARK: - Data encoding

@Suite("Data codewords")
struct DataEncodingTests {
    @Test func helloByteMode() {
        // 0100 | 00000101 | 'H' 'E' 'L' 'L' 'O' | 0000, then 0xEC/0x11 to 16 codewords (1-M).
        let data = QRCode.dataCodewords(bytes: Array("HELLO".utf8), version: 1, correction: .medium)
        #expect(
            data == [0x40, 0x54, 0x84, 0x54, 0xC4, 0xC4, 0xF0, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC]
        )
    }

    @Test func sixteenBitCountFromVersion10() {
        let data = QRCode.dataCodewords(bytes: [0x41], version: 10, correction: .high)
        #expect(Array(data.prefix(5)) == [0x40, 0x00, 0x14, 0x10, 0xEC])
        #expect(data.count == QRTables.dataCodewordCount(version: 10, correction: .high))
        #expect(QRCode.characterCountBits(version: 9) == 8)
        #expect(QRCode.characterCountBits(version: 10) == 16)
        #expect(QRCode.characterCountBits(version: 27) == 16)
    }

    @Test func terminatorTruncatedAtCapacity() {
        // 14 bytes at 1-M: 4 + 8 + 112 = 124 bits, terminator fills the last 4 of 128; no pad codewords.
        let bytes = Array("ABCDEFGHIJKLMN".utf8)
        let data = QRCode.dataCodewords(bytes: bytes, version: 1, correction: .medium)
        #expect(data.count == 16)
        #expect(data.last == 0xE0)  // low nibble of 'N' (0x4E) followed by the 4-bit terminator
        #expect(!data.contains(0xEC))
    }

    @Test func interleaving() {
        // 5-Q: blocks of 15, 15, 16, 16 data codewords; data are read column-wise across blocks.
        let data = (0..<62).map { UInt8($0) }
        let all = QRCode.interleavedCodewords(data: data, version: 5, correction: .quartile)
        #expect(all.count == 134)
        #expect(Array(all.prefix(8)) == [0, 15, 30, 46, 1, 16, 31, 47])
        #expect(Array(all[56..<62]) == [14, 29, 44, 60, 45, 61])  // the last column only has the long blocks
        // Then EC codewords, first of each block in block order.
        let firstEC = (0..<4).map { block -> UInt8 in
            let start = [0, 15, 30, 46][block]
            let length = block < 2 ? 15 : 16
            return ReedSolomon.remainder(
                of: Array(data[start..<start + length]),
                generator: ReedSolomon.generator(degree: 18)
            )[0]
        }
        #expect(Array(all[62..<66]) == firstEC)
    }

    @Test func smallestVersionIsChosen() throws {
        #expect(try QRCode.encode(Sample.ascii(length: 14), correction: .medium).version == 1)
        #expect(try QRCode.encode(Sample.ascii(length: 15), correction: .medium).version == 2)
        #expect(try QRCode.encode("", correction: .medium).version == 1)
        // Non-ASCII text is measured in UTF-8 bytes: 5 × 3 bytes = 15 > 14.
        #expect(try QRCode.encode("ệệệệệ", correction: .medium).version == 2)
    }

    @Test func tooLongThrows() throws {
        for correction in Correction.allCases {
            let capacity = QRCode.byteCapacity(version: 40, correction: correction)
            #expect(try QRCode.encode(Sample.ascii(length: capacity), correction: correction).version == 40)
            #expect(throws: QRCodeError.tooLong) {
                try QRCode.encode(Sample.ascii(length: capacity + 1), correction: correction)
            }
        }
        #expect(throws: QRCodeError.tooLong) { try QRCode.encode(bytes: Array(repeating: 0, count: 10_000)) }
    }
}

// MARK: - Matrix

@Suite("Symbol layout")
struct LayoutTests {
    @Test func finderTimingAndDarkModule() throws {
        let symbol = try QRCode.encode("HELLO", correction: .quartile)
        #expect(symbol.size == 21)
        let n = symbol.size
        let finderRows = ["1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"]
        for (top, left) in [(0, 0), (0, n - 7), (n - 7, 0)] {
            for (r, pattern) in finderRows.enumerated() {
                let row = String((0..<7).map { symbol.isDark(row: top + r, column: left + $0) ? "1" : "0" })
                #expect(row == pattern)
            }
        }
        // Separators are light.
        for i in 0..<8 {
            #expect(!symbol.isDark(row: 7, column: i) && !symbol.isDark(row: i, column: 7))
            #expect(!symbol.isDark(row: 7, column: n - 1 - i) && !symbol.isDark(row: n - 8, column: i))
        }
        // Timing patterns alternate, dark on even indices.
        for i in 8..<n - 8 {
            #expect(symbol.isDark(row: 6, column: i) == (i % 2 == 0))
            #expect(symbol.isDark(row: i, column: 6) == (i % 2 == 0))
        }
        #expect(symbol.isDark(row: n - 8, column: 8))
    }

    @Test func alignmentPatterns() throws {
        let symbol = try QRCode.encode(Sample.ascii(length: 150), correction: .low)  // version 7
        #expect(symbol.version == 7)
        let pattern = ["11111", "10001", "10101", "10001", "11111"]
        for row in [6, 22, 38] {
            for column in [6, 22, 38]
            where !(row == 6 && column == 6) && !(row == 6 && column == 38)
                && !(row == 38 && column == 6)
            {
                for dr in -2...2 {
                    let line = String((-2...2).map { symbol.isDark(row: row + dr, column: column + $0) ? "1" : "0" })
                    #expect(line == pattern[dr + 2], "alignment at (\(row), \(column))")
                }
            }
        }
    }

    @Test func functionModuleCountMatchesCapacity() {
        for version in 1...40 {
            let grid = QRCode.functionPatterns(version: version)
            let free = grid.isFunction.filter { !$0 }.count
            #expect(free == QRTables.dataModuleCount(version: version), "version \(version)")
        }
    }

    @Test func outOfRangeIsLight() throws {
        let symbol = try QRCode.encode("x")
        #expect(!symbol.isDark(row: -1, column: 0))
        #expect(!symbol.isDark(row: 0, column: symbol.size))
        #expect(!symbol.isDark(row: symbol.size, column: symbol.size))
        #expect(symbol.isDark(row: 0, column: 0))
    }

    @Test func deterministic() throws {
        let uri = Sample.all[3].text
        #expect(try QRCode.encode(uri) == QRCode.encode(uri))
    }
}

@Suite("Masking and penalties")
struct MaskTests {
    @Test func maskPatterns() {
        // Spot values from ISO/IEC 18004 Table 10 (i = row, j = column).
        #expect(QRCode.maskInverts(0, row: 0, column: 0) && !QRCode.maskInverts(0, row: 0, column: 1))
        #expect(QRCode.maskInverts(1, row: 2, column: 5) && !QRCode.maskInverts(1, row: 3, column: 0))
        #expect(QRCode.maskInverts(2, row: 1, column: 3) && !QRCode.maskInverts(2, row: 0, column: 1))
        #expect(QRCode.maskInverts(3, row: 1, column: 2) && !QRCode.maskInverts(3, row: 1, column: 1))
        #expect(QRCode.maskInverts(4, row: 1, column: 2) && !QRCode.maskInverts(4, row: 2, column: 0))
        #expect(QRCode.maskInverts(5, row: 0, column: 7) && !QRCode.maskInverts(5, row: 1, column: 1))
        #expect(QRCode.maskInverts(6, row: 1, column: 1) && !QRCode.maskInverts(6, row: 1, column: 5))
        #expect(QRCode.maskInverts(7, row: 0, column: 0) && !QRCode.maskInverts(7, row: 1, column: 1))
    }

    @Test func runPenalty() {
        #expect(QRCode.runPenalty(ArraySlice([true, true, true, true])) == 0)
        #expect(QRCode.runPenalty(ArraySlice([true, true, true, true, true])) == 3)
        #expect(QRCode.runPenalty(ArraySlice([false, false, false, false, false, false, false, true])) == 5)
        #expect(
            QRCode.runPenalty(ArraySlice(Array(repeating: true, count: 5) + Array(repeating: false, count: 6))) == 7
        )
    }

    @Test func finderLikePenalty() {
        func line(_ s: String) -> [Bool] { s.map { $0 == "1" } }
        #expect(QRCode.finderLikePenalty(line("00001011101")) == 40)
        #expect(QRCode.finderLikePenalty(line("10111010000")) == 40)
        #expect(QRCode.finderLikePenalty(line("000010111010000")) == 80)
        #expect(QRCode.finderLikePenalty(line("00011011101")) == 0)
        #expect(QRCode.finderLikePenalty(line("0001011101001")) == 0)
    }

    @Test func chosenMaskHasLowestPenalty() throws {
        for text in ["HELLO", Sample.all[3].text, Sample.ascii(length: 300)] {
            let bytes = Array(text.utf8)
            let chosen = try QRCode.encode(bytes: bytes, correction: .medium, forcedMask: nil)
            let penalties = try (0..<8).map { mask -> Int in
                let symbol = try QRCode.encode(bytes: bytes, correction: .medium, forcedMask: mask)
                var grid = ModuleGrid(size: symbol.size)
                grid.dark = symbol.modules
                return QRCode.penalty(grid)
            }
            #expect(penalties[chosen.mask] == penalties.min())
            #expect(penalties.firstIndex(of: penalties.min()!) == chosen.mask, "ties go to the lowest mask number")
        }
    }
}

// MARK: - SVG

/// Rebuilds the module grid from the SVG produced by `QRCode.svg`, to check what is drawn.
struct SVGGrid {
    var extent: Int
    var rows: [String]

    struct ParseError: Error {}

    init(svg: String) throws {
        guard let viewBox = svg.firstMatch(of: /viewBox="0 0 (\d+) (\d+)"/),
            let width = Int(viewBox.1), Int(viewBox.2) == width,
            let d = svg.firstMatch(of: /<path fill="#000" d="([^"]*)"\/>/)
        else { throw ParseError() }
        extent = width
        var grid = Array(repeating: Array(repeating: false, count: width), count: width)
        var consumed = 0
        for match in String(d.1).matches(of: /M(\d+),(\d+)h(\d+)v1h-(\d+)z/) {
            guard let x = Int(match.1), let y = Int(match.2), let run = Int(match.3), Int(match.4) == run
            else { throw ParseError() }
            for c in x..<x + run { grid[y][c] = true }
            consumed += match.0.count
        }
        guard consumed == d.1.count else { throw ParseError() }
        rows = grid.map { String($0.map { $0 ? "1" : "0" }) }
    }
}

@Suite("SVG")
struct SVGTests {
    @Test func drawsExactlyTheDarkModules() throws {
        let symbol = try QRCode.encode(Sample.all[3].text)
        let svg = symbol.svg(moduleSize: 5, quietZone: 4)
        let grid = try SVGGrid(svg: svg)
        #expect(grid.extent == symbol.size + 8)
        for row in 0..<grid.extent {
            let expected = String(
                (0..<grid.extent).map {
                    symbol.isDark(row: row - 4, column: $0 - 4) ? "1" : "0"
                }
            )
            #expect(grid.rows[row] == expected, "row \(row)")
        }
    }

    @Test func markup() throws {
        let symbol = try QRCode.encode("HELLO")
        let svg = symbol.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\""))
        #expect(svg.contains("width=\"174\" height=\"174\""))  // (21 + 2×4) × 6
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-label=\"QR code\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("<rect width=\"29\" height=\"29\" fill=\"#fff\"/>"))
        #expect(svg.ranges(of: "<path").count == 1, "exactly one path")
        #expect(svg.hasSuffix("</svg>"))
        #expect(!svg.contains("\n"))
    }

    @Test func labelIsEscaped() throws {
        let svg = try QRCode.encode("x").svg(label: "Scan <me> & \"enrol\" 'now'\u{1}")
        #expect(svg.contains("aria-label=\"Scan &lt;me&gt; &amp; &quot;enrol&quot; &apos;now&apos;\""))
        #expect(svg.contains("<title>Scan &lt;me&gt; &amp; &quot;enrol&quot; &apos;now&apos;</title>"))
    }

    @Test func sizesAreClamped() throws {
        let svg = try QRCode.encode("x").svg(moduleSize: 0, quietZone: -3)
        #expect(svg.contains("viewBox=\"0 0 21 21\""))
        #expect(svg.contains("width=\"21\" height=\"21\""))
    }
}

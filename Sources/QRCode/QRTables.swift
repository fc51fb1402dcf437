/// The standard per-version tables of ISO/IEC 18004 (Table 9 block structure, Annex E alignment positions).
enum QRTables {
    /// How one version/level splits its codewords into Reed–Solomon blocks.
    struct BlockStructure: Equatable {
        /// EC codewords in every block.
        var ecCodewordsPerBlock: Int
        /// Group 1: `group1Blocks` blocks of `group1DataCodewords` data codewords each.
        var group1Blocks: Int
        var group1DataCodewords: Int
        /// Group 2: `group2Blocks` blocks of `group1DataCodewords + 1` data codewords each (may be none).
        var group2Blocks: Int
        var group2DataCodewords: Int

        var blockCount: Int { group1Blocks + group2Blocks }
        var dataCodewords: Int { group1Blocks * group1DataCodewords + group2Blocks * group2DataCodewords }
        var totalCodewords: Int { dataCodewords + blockCount * ecCodewordsPerBlock }
        /// Data codewords per block, in block order (group 1 first).
        var dataCodewordsPerBlock: [Int] {
            Array(repeating: group1DataCodewords, count: group1Blocks)
                + Array(repeating: group2DataCodewords, count: group2Blocks)
        }
    }

    /// EC codewords per block, indexed `[level][version]` with levels L, M, Q, H (index 0 unused).
    static let ecCodewordsPerBlock: [[Int]] = [
        // 0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17  18  19  20
        //    21  22  23  24  25  26  27  28  29  30  31  32  33  34  35  36  37  38  39  40
        [
            0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
            28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],  // L
        [
            0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
            26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],  // M
        [
            0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
            28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],  // Q
        [
            0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
            30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],  // H
    ]

    /// Number of RS blocks (group 1 + group 2), indexed `[level][version]` (index 0 unused).
    static let blockCount: [[Int]] = [
        // 0  1  2  3  4  5  6  7  8  9 10  11  12  13  14  15  16  17  18  19  20
        //   21  22  23  24  25  26  27  28  29  30  31  32  33  34  35  36  37  38  39  40
        [
            0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
            8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],  // L
        [
            0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
            17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],  // M
        [
            0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
            23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],  // Q
        [
            0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
            25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],  // H
    ]

    /// Alignment pattern centre coordinates (rows and columns alike) per version (ISO/IEC 18004 Annex E).
    static let alignmentPositions: [[Int]] = [
        [],  // (no version 0)
        [],  // 1
        [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],  // 2–6
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],  // 7–10
        [6, 30, 54], [6, 32, 58], [6, 34, 62],  // 11–13
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78],  // 14–17
        [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90],  // 18–20
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102],  // 21–23
        [6, 28, 54, 80, 106], [6, 32, 58, 84, 110], [6, 30, 58, 86, 114],  // 24–26
        [6, 34, 62, 90, 118],  // 27
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130],  // 28–30
        [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142],  // 31–33
        [6, 34, 62, 90, 118, 146],  // 34
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154],  // 35–36
        [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],  // 37–38
        [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],  // 39–40
    ]

    /// Modules available for codewords (data + EC + remainder bits): everything that is not a
    /// finder, separator, timing, alignment, format or version pattern, or the dark module.
    static func dataModuleCount(version: Int) -> Int {
        let size = version * 4 + 17
        var count = size * size
        count -= 3 * 64  // finders with separators (8×8 each)
        count -= 2 * (size - 16)  // timing patterns between the separators
        count -= 2 * 15 + 1  // two copies of format information, dark module
        let positions = alignmentPositions[version].count
        if positions > 0 {
            let alignments = positions * positions - 3
            count -= alignments * 25
            // Alignment patterns on row/column 6 overlap the timing patterns by 5 modules each.
            count += 2 * (positions - 2) * 5
        }
        if version >= 7 { count -= 2 * 18 }  // two copies of version information
        return count
    }

    /// Total codewords of a version (Table 1); leftover modules are remainder bits.
    static func totalCodewordCount(version: Int) -> Int { dataModuleCount(version: version) / 8 }

    static func blockStructure(version: Int, correction: Correction) -> BlockStructure {
        precondition((1...40).contains(version), "QR version must be 1...40")
        let level = correction.tableIndex
        let blocks = blockCount[level][version]
        let ecPerBlock = ecCodewordsPerBlock[level][version]
        let data = totalCodewordCount(version: version) - blocks * ecPerBlock
        let group2 = data % blocks
        let shortLength = data / blocks
        return BlockStructure(
            ecCodewordsPerBlock: ecPerBlock,
            group1Blocks: blocks - group2,
            group1DataCodewords: shortLength,
            group2Blocks: group2,
            group2DataCodewords: group2 == 0 ? 0 : shortLength + 1
        )
    }

    static func dataCodewordCount(version: Int, correction: Correction) -> Int {
        blockStructure(version: version, correction: correction).dataCodewords
    }
}

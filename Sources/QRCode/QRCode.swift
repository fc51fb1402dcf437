// QR Code Model 2 encoder (ISO/IEC 18004:2015), byte mode, versions 1–40.
//
// Layout of this module:
//   QRCode.swift        – public API: `QRCode`, `Correction`, `QRCodeError`, encoding pipeline.
//   QRCode+Matrix.swift – symbol construction: function patterns, data placement, masks, penalties.
//   QRCode+SVG.swift    – SVG rendering.
//   GaloisField.swift   – GF(256) arithmetic and Reed–Solomon error-correction codewords.
//   QRTables.swift      – the standard per-version tables (block structure, alignment positions).

/// A QR Code Model 2 symbol, so MFA enrolment can show an `otpauth://` URI that a phone authenticator scans.
///
/// The matrix is `size × size` modules, `size = 4 × version + 17`. Row 0 / column 0 is the top-left
/// corner. Coordinates outside the symbol read as light (they are the quiet zone).
public struct QRCode: Sendable, Hashable {
    /// Width and height of the symbol in modules (21 for version 1 … 177 for version 40), without quiet zone.
    public let size: Int
    /// The symbol version, 1 through 40.
    public let version: Int
    /// The error-correction level the symbol was encoded with.
    public let correction: Correction
    /// The data mask pattern (0–7) that was chosen by the penalty rules.
    public let mask: Int
    /// Row-major module colours; `true` is dark.
    let modules: [Bool]

    init(version: Int, correction: Correction, mask: Int, modules: [Bool]) {
        self.version = version
        self.size = QRCode.size(forVersion: version)
        self.correction = correction
        self.mask = mask
        self.modules = modules
    }

    /// Whether the module at (`row`, `column`) is dark. Out-of-range coordinates are light (quiet zone).
    public func isDark(row: Int, column: Int) -> Bool {
        guard row >= 0, row < size, column >= 0, column < size else { return false }
        return modules[row * size + column]
    }

    /// Encodes `text` as UTF-8 in byte mode, in the smallest version (1–40) that holds it at `correction`.
    ///
    /// - Throws: `QRCodeError.tooLong` if the UTF-8 bytes exceed the capacity of version 40 at that level.
    public static func encode(_ text: String, correction: Correction = .medium) throws -> QRCode {
        try encode(bytes: Array(text.utf8), correction: correction)
    }

    /// Encodes raw `bytes` in byte mode, in the smallest version (1–40) that holds them at `correction`.
    ///
    /// - Throws: `QRCodeError.tooLong` if `bytes` exceed the capacity of version 40 at that level.
    public static func encode(bytes: [UInt8], correction: Correction = .medium) throws -> QRCode {
        try encode(bytes: bytes, correction: correction, forcedMask: nil)
    }

    /// As `encode(bytes:correction:)`, optionally with a fixed mask instead of the lowest-penalty one (for tests).
    static func encode(bytes: [UInt8], correction: Correction, forcedMask: Int?) throws -> QRCode {
        guard let version = smallestVersion(forByteCount: bytes.count, correction: correction) else {
            throw QRCodeError.tooLong
        }
        let data = dataCodewords(bytes: bytes, version: version, correction: correction)
        let codewords = interleavedCodewords(data: data, version: version, correction: correction)
        return build(version: version, correction: correction, codewords: codewords, forcedMask: forcedMask)
    }

    /// The most bytes that byte mode can hold in `version` at `correction`.
    public static func byteCapacity(version: Int, correction: Correction) -> Int {
        precondition((1...40).contains(version), "QR version must be 1...40")
        let availableBits = QRTables.dataCodewordCount(version: version, correction: correction) * 8
        let headerBits = 4 + characterCountBits(version: version)
        return min((availableBits - headerBits) / 8, (1 << characterCountBits(version: version)) - 1)
    }

    // MARK: - Encoding pipeline (internal for tests)

    static func size(forVersion version: Int) -> Int { version * 4 + 17 }

    /// Byte-mode character-count indicator length: 8 bits for versions 1–9, 16 bits for 10–40.
    static func characterCountBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    static func smallestVersion(forByteCount count: Int, correction: Correction) -> Int? {
        (1...40).first { byteCapacity(version: $0, correction: correction) >= count }
    }

    /// Mode indicator, character count, data, terminator, bit padding and 0xEC/0x11 pad codewords.
    static func dataCodewords(bytes: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let capacity = QRTables.dataCodewordCount(version: version, correction: correction)
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)  // byte mode
        bits.append(bytes.count, count: characterCountBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        precondition(bits.count <= capacity * 8, "data does not fit the chosen version")
        bits.append(0, count: min(4, capacity * 8 - bits.count))  // terminator
        bits.append(0, count: (8 - bits.count % 8) % 8)  // to a codeword boundary
        var result = bits.bytes
        var pad: UInt8 = 0xEC
        while result.count < capacity {
            result.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return result
    }

    /// Splits data codewords into the version's blocks, appends Reed–Solomon EC codewords to each,
    /// and interleaves them: data column by column across blocks, then EC column by column.
    static func interleavedCodewords(data: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let structure = QRTables.blockStructure(version: version, correction: correction)
        precondition(data.count == structure.dataCodewords)
        let generator = ReedSolomon.generator(degree: structure.ecCodewordsPerBlock)
        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var offset = 0
        for length in structure.dataCodewordsPerBlock {
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(of: block, generator: generator))
        }
        var result: [UInt8] = []
        result.reserveCapacity(structure.totalCodewords)
        let longest = structure.dataCodewordsPerBlock.max() ?? 0
        for i in 0..<longest {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<structure.ecCodewordsPerBlock {
            for block in ecBlocks { result.append(block[i]) }
        }
        precondition(result.count == structure.totalCodewords)
        return result
    }
}

/// Error-correction level of a QR code, so callers can trade capacity for damage tolerance.
public enum Correction: Sendable, Hashable, CaseIterable {
    /// Recovers about 7% of codewords.
    case low
    /// Recovers about 15% of codewords.
    case medium
    /// Recovers about 25% of codewords.
    case quartile
    /// Recovers about 30% of codewords.
    case high

    /// The two-bit indicator used in the format information (L=01, M=00, Q=11, H=10).
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// Index into the standard tables, which are ordered L, M, Q, H.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}

/// Why a QR code could not be made, so callers can react (e.g. shorten the label) instead of crashing.
public enum QRCodeError: Error, Sendable, Hashable {
    /// The data exceeds the capacity of a version 40 symbol at the requested correction level.
    case tooLong
}

/// An append-only big-endian bit sequence.
struct BitBuffer {
    private(set) var bits: [Bool] = []

    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        precondition(count >= 0 && count <= 31 && value >> count == 0, "value does not fit in \(count) bits")
        for i in stride(from: count - 1, through: 0, by: -1) {
            bits.append((value >> i) & 1 == 1)
        }
    }

    /// The bits packed into bytes, most significant bit first; a partial last byte is zero-filled.
    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, bit) in bits.enumerated() where bit {
            result[i >> 3] |= 0x80 >> UInt8(i & 7)
        }
        return result
    }
}

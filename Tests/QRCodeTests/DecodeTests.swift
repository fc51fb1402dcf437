import Testing

@testable import QRCode

/// A named input for the round-trip tests.
struct Sample: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var testDescription: String { "\(name) (\(text.utf8.count) bytes)" }

    /// Deterministic printable ASCII (URI-ish characters) of exactly `length` bytes.
    static func ascii(length: Int, seed: UInt64 = 0x5EED) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -._~:/?#[]@!$&'()*+,;=%")
        var state = seed
        return String(
            (0..<length).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(state >> 33) % alphabet.count]
            }
        )
    }

    static let all: [Sample] = [
        Sample(name: "HELLO", text: "HELLO"),
        Sample(name: "one character", text: "x"),
        Sample(name: "Vietnamese UTF-8", text: "Mạng báo cáo Nghị quyết 57"),
        Sample(
            name: "otpauth URI",
            text: "otpauth://totp/ReportNet:bni.admin?secret=JBSWY3DPEHPK3PXP&issuer=ReportNet"
        ),
        Sample(name: "17 bytes", text: ascii(length: 17, seed: 17)),
        Sample(name: "100 bytes", text: ascii(length: 100, seed: 100)),
        Sample(name: "250 bytes", text: ascii(length: 250, seed: 250)),
        Sample(name: "600 bytes", text: ascii(length: 600, seed: 600)),
    ]
}

@Suite("Round trip through an independent decoder (zxing-cpp)")
struct DecodeTests {
    @Test("decodes to exactly the input at every correction level", arguments: Sample.all)
    func roundTrip(sample: Sample) async throws {
        let symbols = try Correction.allCases.map { try QRCode.encode(sample.text, correction: $0) }
        guard let decoded = await ZXingDecoder.decodeOrRecord(symbols) else { return }
        for (symbol, results) in zip(symbols, decoded) {
            let context = Comment(
                rawValue: "\(symbol.correction.letter), version \(symbol.version), mask \(symbol.mask)"
            )
            try #require(results.count == 1, context)
            let result = results[0]
            #expect(result.text == sample.text, context)
            #expect(result.bytes == Array(sample.text.utf8).hex, context)
            #expect(result.ecLevel == symbol.correction.letter, context)
            #expect(result.version == String(symbol.version), context)
            #expect(result.mask == symbol.mask, context)
        }
    }

    @Test("the otpauth URI uses a small symbol")
    func otpauthVersion() throws {
        let uri = Sample.all[3].text
        #expect(uri.utf8.count == 75)
        #expect(try QRCode.encode(uri, correction: .medium).version == 5)  // 37×37 modules
        #expect(try QRCode.encode(uri, correction: .high).version == 8)
    }

    /// Fills every version to its exact byte capacity: checks the block tables, alignment positions,
    /// version information and character-count lengths of all 40 versions against the decoder.
    @Test("every version at full capacity decodes", arguments: Correction.allCases)
    func fullCapacity(correction: Correction) async throws {
        var texts: [String] = []
        var symbols: [QRCode] = []
        for version in 1...40 {
            let capacity = QRCode.byteCapacity(version: version, correction: correction)
            let text = Sample.ascii(length: capacity, seed: UInt64(version * 4 + correction.tableIndex))
            let symbol = try QRCode.encode(text, correction: correction)
            #expect(symbol.version == version, "capacity \(capacity) should fit version \(version)")
            #expect(symbol.size == 4 * version + 17)
            texts.append(text)
            symbols.append(symbol)
            let oneMore = Sample.ascii(length: capacity + 1)
            if version < 40 {
                #expect(try QRCode.encode(oneMore, correction: correction).version == version + 1)
            } else {
                #expect(throws: QRCodeError.tooLong) { try QRCode.encode(oneMore, correction: correction) }
            }
        }
        guard let decoded = await ZXingDecoder.decodeOrRecord(symbols) else { return }
        for (index, results) in decoded.enumerated() {
            let version = index + 1
            try #require(results.count == 1, "version \(version)-\(correction.letter) was not decoded")
            #expect(results[0].text == texts[index], "version \(version)-\(correction.letter)")
            #expect(results[0].version == String(version))
            #expect(results[0].ecLevel == correction.letter)
        }
    }

    @Test("each of the eight masks decodes", arguments: [1, 7, 14, 27])
    func everyMask(version: Int) async throws {
        let text = Sample.ascii(length: QRCode.byteCapacity(version: version, correction: .quartile), seed: 8)
        let symbols = try (0..<8).map {
            try QRCode.encode(bytes: Array(text.utf8), correction: .quartile, forcedMask: $0)
        }
        #expect(symbols.allSatisfy { $0.version == version })
        guard let decoded = await ZXingDecoder.decodeOrRecord(symbols) else { return }
        for (mask, results) in decoded.enumerated() {
            try #require(results.count == 1, "mask \(mask) was not decoded")
            #expect(results[0].text == text, "mask \(mask)")
            #expect(results[0].mask == mask)
        }
    }

    @Test("error correction repairs a damaged symbol")
    func damaged() async throws {
        let uri = Sample.all[3].text
        let symbol = try QRCode.encode(uri, correction: .high)
        let functions = QRCode.functionPatterns(version: symbol.version)
        // Invert a 5×5 patch of data modules right of centre (about 4–8 codewords).
        let rows = symbol.size / 2 - 2...symbol.size / 2 + 2
        let columns = symbol.size - 14...symbol.size - 10
        var flipped = 0
        let matrix = (0..<symbol.size).map { row in
            String(
                (0..<symbol.size).map { column -> Character in
                    var dark = symbol.isDark(row: row, column: column)
                    if rows.contains(row), columns.contains(column), !functions.isFunction[row * symbol.size + column] {
                        dark.toggle()
                        flipped += 1
                    }
                    return dark ? "1" : "0"
                }
            )
        }
        #expect(flipped >= 20)
        guard let decoded = await ZXingDecoder.decodeOrRecord(matrices: [matrix]) else { return }
        try #require(decoded[0].count == 1, "damaged symbol was not decoded")
        #expect(decoded[0][0].text == uri)
    }

    @Test("the SVG drawing decodes")
    func svgDecodes() async throws {
        let uri = Sample.all[3].text
        let symbol = try QRCode.encode(uri)
        let grid = try SVGGrid(svg: symbol.svg(quietZone: 4))
        // The SVG already contains the quiet zone, so the helper adds none.
        guard let decoded = await ZXingDecoder.decodeOrRecord(matrices: [grid.rows], quietZone: 0, scale: 6) else {
            return
        }
        #expect(decoded.first?.first?.text == uri)
    }
}

import Foundation
import TestSupport
import Testing

@testable import QRCode

/// Decodes symbols with an independent reader (zxing-cpp via Python), so the encoder is checked
/// against a real scanner rather than against itself.
///
/// Each symbol is rendered by the Python helper as a grayscale image (4-module quiet zone, 4 px per
/// module) through numpy → PIL and read with `zxingcpp.read_barcodes`.
enum ZXingDecoder {
    static let installHint = "pip install zxing-cpp pillow numpy"

    struct Decoded: Decodable, Equatable {
        var text: String
        /// Raw payload bytes, hex.
        var bytes: String
        var ecLevel: String
        var version: String
        var mask: Int?
    }

    enum Failure: Error, CustomStringConvertible {
        case missingDependencies(String)
        case helperFailed(Int32, String)

        var description: String {
            switch self {
            case .missingDependencies(let detail):
                "The zxing-cpp decoder is not available to python3 (\(detail)). Install it with: \(ZXingDecoder.installHint)"
            case .helperFailed(let status, let stderr):
                "The Python decoder helper exited with status \(status): \(stderr)"
            }
        }
    }

    private static let script = #"""
        import json, sys
        try:
            import numpy as np
            from PIL import Image
            import zxingcpp
        except ImportError as error:
            sys.stderr.write("%s" % error)
            sys.exit(3)

        with open(sys.argv[1]) as source:
            cases = json.load(source)
        results = []
        for case in cases:
            quiet, scale = case["quiet"], case["scale"]
            dark = np.array([[c == "1" for c in row] for row in case["rows"]], dtype=bool)
            pixels = np.where(dark, 0, 255).astype(np.uint8)
            pixels = np.pad(pixels, quiet, mode="constant", constant_values=255)
            pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
            image = Image.fromarray(pixels)  # 2-D uint8 -> 8-bit grayscale ("L")
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            results.append([{
                "text": b.text,
                "bytes": bytes(b.bytes).hex(),
                "ecLevel": str(b.ec_level),
                "version": str(b.extra.get("Version", "")) if isinstance(b.extra, dict) else "",
                "mask": b.extra.get("DataMask") if isinstance(b.extra, dict) else None,
            } for b in found])
        with open(sys.argv[2], "w") as sink:
            json.dump(results, sink)
        """#

    /// Decodes every symbol; element `i` of the result lists what the reader found in `symbols[i]`.
    static func decode(_ symbols: [QRCode], quietZone: Int = 4, scale: Int = 4) async throws -> [[Decoded]] {
        try await decode(
            matrices: symbols.map { symbol in
                (0..<symbol.size).map { row in
                    String((0..<symbol.size).map { symbol.isDark(row: row, column: $0) ? "1" : "0" })
                }
            },
            quietZone: quietZone,
            scale: scale
        )
    }

    /// Decodes row-major module strings ("1" = dark) of square matrices.
    static func decode(matrices: [[String]], quietZone: Int = 4, scale: Int = 4) async throws -> [[Decoded]] {
        let directory = try ScratchDirectory(prefix: "qrcode-tests")
        defer { directory.remove() }

        let scriptURL = directory.path("decode.py")
        let inputURL = directory.path("symbols.json")
        let outputURL = directory.path("decoded.json")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let cases = matrices.map { ["rows": $0, "quiet": quietZone, "scale": scale] as [String: Any] }
        try JSONSerialization.data(withJSONObject: cases).write(to: inputURL)

        let result: Command.Output
        do {
            result = try await Command.run(
                "python3",
                [scriptURL.path, inputURL.path, outputURL.path],
                environment: Python.environment
            )
        } catch {
            throw Failure.missingDependencies("could not run python3: \(error)")
        }
        let stderr = result.errors
        switch result.status {
        case 0: break
        case 3: throw Failure.missingDependencies(stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        case 127: throw Failure.missingDependencies("python3 not found")
        default: throw Failure.helperFailed(result.status, stderr)
        }
        return try JSONDecoder().decode([[Decoded]].self, from: Data(contentsOf: outputURL))
    }

    /// Decodes `symbols`, or records the failure (naming the install command) and returns nil.
    static func decodeOrRecord(
        _ symbols: [QRCode],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [[Decoded]]? {
        await record(sourceLocation: sourceLocation) { try await decode(symbols) }
    }

    /// Decodes module matrices, or records the failure (naming the install command) and returns nil.
    static func decodeOrRecord(
        matrices: [[String]],
        quietZone: Int = 4,
        scale: Int = 4,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [[Decoded]]? {
        await record(sourceLocation: sourceLocation) {
            try await decode(matrices: matrices, quietZone: quietZone, scale: scale)
        }
    }

    private static func record(
        sourceLocation: SourceLocation,
        _ body: () async throws -> [[Decoded]]
    ) async -> [[Decoded]]? {
        do {
            return try await body()
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
            return nil
        }
    }
}

extension Correction {
    /// The one-letter name a decoder reports.
    var letter: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }
}

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

import Foundation
import ZIPFoundation

/// gzip (RFC 1952) and zlib (RFC 1950, HTTP's "deflate") around ZIPFoundation's raw DEFLATE (the
/// system zlib on Linux), so that the node compresses its HTTP responses with the library that
/// already writes its Excel files.
public enum HTTPCompression {
    /// The gzip form of `data`.
    public static func gzip(_ data: Data) throws -> Data {
        var out = Data([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03])
        let crc = try deflate(data) { out.append($0) }
        append(crc, to: &out, bigEndian: false)
        append(UInt32(truncatingIfNeeded: data.count), to: &out, bigEndian: false)
        return out
    }

    /// The zlib form of `data` (Content-Encoding: deflate).
    public static func zlib(_ data: Data) throws -> Data {
        var out = Data([0x78, 0x9c])
        _ = try deflate(data) { out.append($0) }
        append(adler32(data), to: &out, bigEndian: true)
        return out
    }

    /// Raw DEFLATE of `data` in pieces; the CRC-32 of the input.
    static func deflate(_ data: Data, _ consume: (Data) -> Void) throws -> UInt32 {
        let data = Data(data)  // indices from 0
        return try Data.compress(
            size: Int64(data.count),
            bufferSize: 64 * 1024,
            provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) },
            consumer: { consume($0) }
        )
    }

    static func adler32(_ data: Data) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = data.startIndex
        while index < data.endIndex {
            // 5552 bytes at most between reductions keep the sums within 32 bits (as zlib does).
            let end = data.index(index, offsetBy: min(5552, data.endIndex - index))
            for byte in data[index..<end] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
            index = end
        }
        return b << 16 | a
    }

    private static func append(_ value: UInt32, to data: inout Data, bigEndian: Bool) {
        let bytes = [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
        data.append(contentsOf: bigEndian ? bytes.reversed() : bytes)
    }
}

import Foundation
import Hierarchy

/// JSON as `JSONEncoder.federation` writes it (keys sorted, `/` escaped, dates ISO 8601 to the
/// second, data in base64), for the few small bodies a node writes at every message it receives:
/// the envelopes of its feed and outbox and the receipts they carry. Foundation's encoder cost
/// more than the rows themselves in a province's write transaction. Only text that needs no
/// escape beyond `/` is written here: `nil` tells the caller to use the encoder
/// (`FederationJSONTextTests` compares the bytes with the encoder's).
public struct FederationJSONText {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var plain = true

    public init() { bytes.reserveCapacity(512) }

    /// Members must be added in the order of their keys (as `.sortedKeys` orders them).
    public mutating func add(_ key: StaticString, _ value: String) {
        member(key)
        quoted(value)
    }

    /// An optional member is left out when nil, as the synthesised `Codable` does.
    public mutating func add(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        add(key, value)
    }

    public mutating func add(_ key: StaticString, _ value: Int) {
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func add(_ key: StaticString, _ value: Data) {
        member(key)
        quoted(value.base64EncodedString())
    }

    public mutating func add(_ key: StaticString, _ value: Date) {
        guard let text = Self.iso8601(value) else {
            plain = false
            return
        }
        member(key)
        quoted(text)
    }

    /// The object's bytes, or nil when some text needed an escape this writer does not make.
    public mutating func finish() -> Data? {
        guard plain else { return nil }
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    private mutating func member(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "/"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0..<0x20: plain = false
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// "yyyy-MM-ddTHH:mm:ssZ" in UTC, the second floored, as the `.iso8601` strategy writes it;
    /// nil outside the years 1970–9999.
    static func iso8601(_ date: Date) -> String? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, seconds >= 0, seconds < 253_402_300_800 else { return nil }
        return UTCMoment(millisecondsSince1970: Int64(seconds) * 1000)
            .text(separator: UInt8(ascii: "T"), milliseconds: false, suffix: UInt8(ascii: "Z"))
    }
}

extension Envelope {
    /// The envelope as `JSONEncoder.federation` encodes it, written directly when it can be.
    public func federationJSON() throws -> Data {
        try plainJSON() ?? JSONEncoder.federation.encode(self)
    }

    /// Written directly; nil when some text needs the encoder.
    func plainJSON() -> Data? {
        var text = FederationJSONText()
        text.add("body", body)
        text.add("id", id)
        text.add("kind", kind.rawValue)
        text.add("origin", origin)
        text.add("protocolVersion", protocolVersion)
        text.add("unit", unit)
        return text.finish()
    }
}

/// A body that writes its own federation JSON (`FederationJSONText`), the bytes
/// `JSONEncoder.federation` would write, for bodies written at every message received.
public protocol FederationJSONBody: Encodable {
    func federationJSON() throws -> Data
}

import Foundation
import Reporting
import Testing

@testable import Federation

/// Envelopes written directly (`FederationJSONText`) are the bytes `JSONEncoder.federation`
/// writes, over bodies whose base64 holds `/` and `+`, text with and without escapes (the encoder
/// is then asked), non-ASCII unit names, and dates with fractions of a second.
@Suite struct FederationJSONTextTests {
    @Test func envelopesAreTheEncodersBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let texts = [
            "BNI", "BNI-KB", "Bắc Ninh", "a/b", "quote\"d", "back\\slash", "tab\there", "line\nbreak", "",
            "report.approved",
            "\u{1}", "\u{7f}", "emoji 🇻🇳",
        ]
        for round in 0..<2_000 {
            let body = Data((0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255) })
            let envelope = Envelope(
                protocolVersion: Int.random(in: -3...300, using: &generator),
                id: round % 3 == 0 ? texts.randomElement(using: &generator)! : RandomUUID.string(),
                origin: texts.randomElement(using: &generator)!,
                kind: MessageKind(rawValue: texts.randomElement(using: &generator)!),
                unit: texts.randomElement(using: &generator)!,
                body: body
            )
            #expect(try envelope.federationJSON() == JSONEncoder.federation.encode(envelope))
        }
    }

    /// Plain text is written directly (not handed to the encoder), with every stored property of
    /// the envelope: a property added later must be added to `plainJSON` too.
    @Test func plainEnvelopesAreWrittenDirectlyWithEveryProperty() throws {
        let envelope = Envelope(origin: "BNI", kind: .reportApproved, unit: "BNI-KB", body: Data("{}".utf8))
        let direct = try #require(envelope.plainJSON())
        #expect(direct == (try JSONEncoder.federation.encode(envelope)))
        let keys = try #require(try JSONSerialization.jsonObject(with: direct) as? [String: Any]).keys
        #expect(Set(keys) == Set(Mirror(reflecting: envelope).children.compactMap(\.label)))
    }

    @Test func datesAreWrittenAsTheEncoderWritesThem() throws {
        struct Dated: Encodable { let at: Date }
        var generator = SystemRandomNumberGenerator()
        let edges: [Double] = [0, 0.999, 59.5, 86_399.999_9, 951_782_400, 4_107_542_399.75, 253_402_300_799.9]
        let spread = (0..<20_000).map { _ in Double.random(in: 0..<4_200_000_000, using: &generator) }
        for seconds in edges + spread {
            let date = Date(timeIntervalSince1970: seconds)
            var text = FederationJSONText()
            text.add("at", date)
            #expect(text.finish() == (try JSONEncoder.federation.encode(Dated(at: date))), "\(seconds)")
        }
        var before1970 = FederationJSONText()
        before1970.add("at", Date(timeIntervalSince1970: -1))
        #expect(before1970.finish() == nil)
    }

    @Test func randomUUIDsAreVersion4UUIDsText() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let text = RandomUUID.string()
            let uuid = UUID(uuidString: text)
            #expect(uuid?.uuidString == text)
            let bytes = uuid?.uuid
            #expect(bytes.map { $0.6 >> 4 } == 4)
            #expect(bytes.map { $0.8 >> 6 } == 2)
            seen.insert(text)
        }
        #expect(seen.count == 10_000)
    }
}

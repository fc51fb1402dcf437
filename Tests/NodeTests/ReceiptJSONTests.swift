import Federation
import Foundation
import Reporting
import Testing

@testable import Node

/// A receipt written directly to the feed (`Receipt.federationJSON`) is the bytes
/// `JSONEncoder.federation` writes for it, with and without a reason or a subject, with reasons
/// that need escapes (the encoder is then asked) and Vietnamese text.
@Suite struct ReceiptJSONTests {
    @Test func receiptsAreTheEncodersBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let reasons: [String?] = [
            nil, "unit BNI-KB is not assigned a-1", "answers do not fit the form: q1, q2", "đơn vị \"BNI\" \\ x",
            "path a/b", "line\nbreak",
        ]
        let fates: [Receipt.Fate] = [.sent, .kept, .relayed, .parked, .setAside]
        for _ in 0..<2_000 {
            let id = RandomUUID.string()
            let receipt = Receipt(
                trace: "report.approved:\(id):\(Int.random(in: 1...9, using: &generator))",
                kind: Bool.random(using: &generator) ? .reportApproved : .reportReturned,
                unit: ["BNI-KB", "Bắc Ninh", "LCA-SP"].randomElement(using: &generator)!,
                subject: Bool.random(using: &generator) ? MessageTrace.subject(report: id) : nil,
                node: ["BNI", "TW"].randomElement(using: &generator)!,
                fate: fates.randomElement(using: &generator)!,
                reason: reasons.randomElement(using: &generator)!,
                at: Date(timeIntervalSince1970: Double.random(in: 1_500_000_000..<2_000_000_000, using: &generator))
            )
            #expect(try receipt.federationJSON() == JSONEncoder.federation.encode(receipt))
            if receipt.reason.map({ !$0.contains("\"") && !$0.contains("\\") && !$0.contains("\n") }) ?? true {
                #expect(receipt.plainJSON() != nil)
            }
            #expect(
                try JSONDecoder.federation.decode(Receipt.self, from: receipt.federationJSON()).trace == receipt.trace
            )
        }
    }

    /// Every stored property of a receipt is written directly when it has a value: a property
    /// added later must be added to `plainJSON` too.
    @Test func everyPropertyIsWritten() throws {
        let receipt = Receipt(
            trace: "report.approved:r-1:1",
            kind: .reportApproved,
            unit: "BNI-KB",
            subject: MessageTrace.subject(report: "r-1"),
            node: "BNI",
            fate: .parked,
            reason: "signer not known yet",
            at: Date(timeIntervalSince1970: 1_800_000_000)
        )
        let direct = try #require(receipt.plainJSON())
        let keys = try #require(try JSONSerialization.jsonObject(with: direct) as? [String: Any]).keys
        #expect(Set(keys) == Set(Mirror(reflecting: receipt).children.compactMap(\.label)))
    }
}

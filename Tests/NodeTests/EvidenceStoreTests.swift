import Foundation
import Hierarchy
import NIOCore
import Testing

@testable import Node
@testable import NodeHTTP

/// The evidence store keeps only complete, verified content, and sweeps what nothing names.
@Suite struct EvidenceStoreTests {
    func chunks(_ data: Data) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var offset = 0
            while offset < data.count {
                continuation.yield(ByteBuffer(bytes: data[offset..<min(offset + 1000, data.count)]))
                offset += 1000
            }
            continuation.finish()
        }
    }

    func files(in root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
            !$0.hasSuffix("incoming") && $0.count > 3
        }
    }

    @Test func keepsVerifiedContentOnly() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Not today's date: ages are the node's clock's, whatever the machine's says.
        let clock = AnchoredClock(startingAt: Date(timeIntervalSince1970: 1_900_000_000))
        let store = EvidenceStore(root: root, clock: clock)
        let content = Data((0..<5000).map { UInt8($0 % 251) })
        let stored = try await store.store(chunks(content), limit: 10_000)
        #expect(store.contains(stored.sha256, size: 5000))
        #expect(!store.contains(stored.sha256, size: 4999), "a truncated copy is not held")
        #expect(FileManager.default.contents(atPath: store.path(stored.sha256)) == content)
        let mode =
            try FileManager.default.attributesOfItem(atPath: store.path(stored.sha256))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600, "evidence at rest is the node's alone")

        let other = String(repeating: "0", count: 64)
        await #expect(throws: EvidenceRefused.self) {
            _ = try await store.store(chunks(Data("x".utf8)), limit: 10, expected: other)
        }
        await #expect(throws: EvidenceRefused.self) { _ = try await store.store(chunks(content), limit: 4000) }
        #expect(files(in: root).count == 1, "refused uploads leave nothing: \(files(in: root))")

        // The store judges age by its own clock, not by when the kernel wrote the file.
        #expect(store.sweep(keeping: []) == 0, "fresh content is not swept")
        clock.advance(by: 2 * 86_400)
        #expect(store.sweep(keeping: [stored.sha256]) == 0)
        #expect(store.sweep(keeping: []) == 1)
        #expect(!store.contains(stored.sha256, size: 5000))

        // Content held for days and received again (a step refused, then sent again) counts as
        // new: the sweep gives it a day again before the step that names it commits.
        let again = try await store.store(chunks(content), limit: 10_000)
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: store.path(again.sha256))
        _ = try await store.store(chunks(content), limit: 10_000)
        let touched = try FileManager.default.attributesOfItem(atPath: store.path(again.sha256))[.modificationDate]
        #expect((touched as? Date).map { abs($0.timeIntervalSince(clock.now())) < 60 } == true)
    }

    @Test func sweepsUploadsAbandonedADayAgoByTheNodesClock() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let clock = AnchoredClock(startingAt: Date(timeIntervalSince1970: 1_900_000_000))
        let store = EvidenceStore(root: root, clock: clock)
        try FileManager.default.createDirectory(atPath: "\(root)/incoming", withIntermediateDirectories: true)
        let started = Int(clock.now().timeIntervalSince1970)
        for name in ["\(started)-fresh", "\(started - 86_500)-abandoned", "older-version-without-start"] {
            #expect(FileManager.default.createFile(atPath: "\(root)/incoming/\(name)", contents: Data("x".utf8)))
        }
        #expect(store.sweep(keeping: []) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/incoming") == ["\(started)-fresh"])
        clock.advance(by: 3_601)
        #expect(store.sweep(keeping: []) == 0, "an upload may take over an hour on a poor link")
        clock.advance(by: 86_400)
        #expect(store.sweep(keeping: []) == 1)
    }

    @Test func downloadNamesSurviveEveryClient() {
        let header = Download.disposition("Báo cáo \"tháng\".xlsx")
        #expect(
            header
                == "attachment; filename=\"B_o c_o _th_ng_.xlsx\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22th%C3%A1ng%22.xlsx"
        )
    }

    @Test func formFilesCannotExplode() {
        // "Billion laughs": each level multiplies the one before by ten.
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...6 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]"
            )
        }
        let bomb =
            lines.joined(separator: "\n")
            + "\ncode: F\ntitle: t\nfrequency: monthly\ngroups: [{id: g, title: t, questions: [{id: q, text: t, kind: integer}]}]\n"
        #expect(throws: ConfigurationError.self) { try FormFile.parse(bomb, source: "bomb") }
    }
}

import Foundation
import Testing

@testable import Node
@testable import NodeHTTP

/// The pages' templates, stylesheet and script are resource files of the `Node` module, read
/// once; a node refuses to start without one of them.
@Suite struct WebPageResourceTests {
    @Test func everyTemplateFileIsNamedAndLoads() throws {
        let loaded = try PageResources.load(from: PageResources.bundle)
        for name in PageResources.templateNames {
            #expect(loaded.library.getTemplate(named: name) != nil, "\(name)")
        }
        let folder = try #require(PageResources.bundle.url(forResource: "Templates", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(files) == Set(PageResources.templateNames.map { "\($0).mustache" }))
        #expect(loaded.css.contains(":root{"))
        #expect(loaded.javascript.contains("'use strict'"))
    }

    @Test func aMissingResourceIsRefusedByName() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("reportnet-res-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let bundle = try #require(Bundle(url: empty))
        #expect(throws: ConfigurationError.self) { try PageResources.load(from: bundle) }
        do {
            _ = try PageResources.load(from: bundle)
        } catch {
            #expect("\(error)".contains("Templates/layout.mustache is missing"))
        }
    }
}

import Foundation
import Mustache
import Node

/// The pages' Mustache templates (`Templates/NAME.mustache`, each registered under its file's
/// name, which is also its name as a partial) and the one stylesheet and script (`Assets/`):
/// resources of this module, read once. A node with a web listener reads them as it starts
/// (`check()`) and refuses to start when one is missing or a template does not parse: a node must
/// not run with a page it cannot render.
///
/// `{{x}}` escapes HTML; `{{{x}}}` is used only for markup the server drew itself (the layout's
/// body, SVG charts, the QR code). `{{#t}}Việt|English{{/t}}` picks the page's language.
enum PageResources {
    /// Every template a page renders or includes as a partial.
    static let templateNames = [
        "layout", "error", "login", "login_mfa", "password", "mfa", "profile",
        "entry", "report_edit", "report_detail", "report_list", "report_head", "question_input", "question_view",
        "rule_checks", "evidence_input",
        "dashboard", "todo", "users", "usage", "audit",
        "scores", "public_ranking", "congress",
        "tasks", "task", "alerts",
        "units", "unit_node",
        "user_edit", "parked", "nodes", "forms",
        "indicators", "indicator_entry", "indicator_assignments", "indicator",
    ]

    struct Loaded: Sendable {
        let library: MustacheLibrary
        let css: String
        let javascript: String
    }

    /// The module's resources (`ReportNet_NodeHTTP.resources`, next to the executable).
    static var bundle: Bundle { Bundle.module }

    static let loaded = Result { try load(from: bundle) }

    /// Reads the resources now (once), or says which one is missing or broken.
    static func check() throws { _ = try loaded.get() }

    /// The resources, once `check()` passed.
    static var current: Loaded {
        switch loaded {
        case .success(let loaded): return loaded
        case .failure(let error): preconditionFailure("\(error)")
        }
    }

    static func load(from bundle: Bundle) throws -> Loaded {
        var library = MustacheLibrary()
        for name in templateNames {
            let text = try read(bundle, "Templates", name, "mustache")
            do {
                try library.register(text, named: name)
            } catch {
                throw ConfigurationError("page template Templates/\(name).mustache does not parse: \(error)")
            }
        }
        return Loaded(
            library: library,
            css: try read(bundle, "Assets", "site", "css"),
            javascript: try read(bundle, "Assets", "site", "js")
        )
    }

    private static func read(_ bundle: Bundle, _ folder: String, _ name: String, _ type: String) throws -> String {
        guard let url = bundle.url(forResource: name, withExtension: type, subdirectory: folder),
            let data = try? Data(contentsOf: url)
        else {
            throw ConfigurationError(
                "page resource \(folder)/\(name).\(type) is missing from \(bundle.bundleURL.path)"
                    + " (it must stay next to the executable)"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }
}

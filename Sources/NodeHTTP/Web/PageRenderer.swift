import Foundation
import Hummingbird
import Mustache
import Node

/// The language of a page: Vietnamese by default, English when the person chose it (a cookie).
enum Language: String, Sendable {
    case vi, en

    static let cookie = "rn_lang"

    init(_ request: Request) {
        self = request.cookies[Self.cookie].flatMap { Language(rawValue: $0.value) } ?? .vi
    }

    /// Picks one of the two words.
    func pick(_ vietnamese: String, _ english: String) -> String { self == .vi ? vietnamese : english }
}

/// Renders the pages' Mustache templates (resource files, see `PageResources`) inside the shared
/// layout. `{{x}}` escapes HTML, so anything a person typed shows as text; `{{#t}}Việt|English{{/t}}`
/// picks the word for the page's language.
struct PageRenderer: Sendable {
    static let shared = PageRenderer(library: PageResources.current.library)

    let library: MustacheLibrary

    /// One page model rendered into its template with the words of `language`; `csrf` is the
    /// session's token for the page's forms.
    func render<Model: PageModel>(_ model: Model, csrf: String = "", language: Language) -> String {
        let root = PageRoot(model: TemplateValues(model: model), language: language, csrf: csrf)
        return library.render(root, withTemplate: Model.template) ?? ""
    }

    /// One template rendered with the words of `language`.
    func render(_ template: String, _ values: [String: Any], language: Language) -> String {
        var values = Self.withoutEmptyText(values)
        values["t"] = MustacheLambda { (text: String) -> Any? in
            let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            return String(language == .en && parts.count == 2 ? parts[1] : parts[0])
        }
        values["lang"] = language.rawValue
        return library.render(values, withTemplate: template) ?? ""
    }

    /// Drops empty strings from the values (at any depth), so that `{{#x}}…{{/x}}` hides and
    /// `{{^x}}…{{/x}}` shows for an empty text, as Mustache readers expect; swift-mustache
    /// would take any string as true.
    static func withoutEmptyText(_ values: [String: Any]) -> [String: Any] {
        var kept: [String: Any] = [:]
        kept.reserveCapacity(values.count)
        for (key, value) in values {
            switch value {
            case let text as String where text.isEmpty: continue
            case let nested as [String: Any]: kept[key] = withoutEmptyText(nested)
            case let rows as [[String: Any]]: kept[key] = rows.map(withoutEmptyText)
            default: kept[key] = value
            }
        }
        return kept
    }
}

/// Escapes text for HTML built in Swift (the SVG charts); templates escape by themselves.
enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// Dates as Vietnamese offices write them (dd/MM/yyyy), in Vietnam's time.
enum PageDate {
    private static let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    static func day(_ date: Date) -> String { format(date, "dd/MM/yyyy") }
    static func minute(_ date: Date) -> String { format(date, "dd/MM/yyyy HH:mm") }

    /// A stored ISO day ("2026-06-25") as dd/MM/yyyy; anything else as it is.
    static func isoDay(_ text: String) -> String {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3 else { return text }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}

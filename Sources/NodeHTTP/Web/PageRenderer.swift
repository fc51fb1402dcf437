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

/// Renders the pages' Mustache templates (resource files, see `PageResources`) from typed page
/// models (`PageModel`), inside the shared layout. `{{x}}` escapes HTML, so anything a person typed
/// shows as text; `{{#t}}Việt|English{{/t}}` picks the word for the page's language.
struct PageRenderer: Sendable {
    static let shared = PageRenderer(library: PageResources.current.library)

    let library: MustacheLibrary

    /// One page model rendered into its template with the words of `language`; `csrf` is the
    /// session's token for the page's forms.
    func render<Model: PageModel>(_ model: Model, csrf: String = "", language: Language) -> String {
        let root = PageRoot(model: TemplateValues(model: model), language: language, csrf: csrf)
        return library.render(root, withTemplate: Model.template) ?? ""
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

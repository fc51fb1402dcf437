import Mustache

/// The typed values of one page: each template has one struct (with nested row structs) that
/// holds exactly what it reads, built from the core's views, so that a page's data is checked by
/// the compiler instead of being a `[String: Any]` with keys anyone may misspell.
///
/// A template reads a property by its name in snake case: `{{unit_name}}` reads `unitName`.
/// Optional properties that are `nil` and empty strings count as absent, as Mustache readers
/// expect (`{{#x}}…{{/x}}` hides, `{{^x}}…{{/x}}` shows, and the name is looked up in the enclosing
/// sections); arrays are lists, `Bool`s are conditions, and nested structs are sections.
protocol PageModel: Sendable {
    /// The template the model fills (`Templates/NAME.mustache`).
    static var template: String { get }
}

/// A model as the template reads it: swift-mustache asks a `MustacheParent` for each name, and
/// this one answers from the model's stored properties (see `PageModel` for the rules).
struct TemplateValues: MustacheParent {
    let model: Any

    func child(named name: String) -> Any? {
        let property = Self.propertyName(name)
        let children = Mirror(reflecting: model).children
        for child in children where child.label == property {
            return Self.value(child.value)
        }
        // Values shared by several pages, read as the page's own.
        for child in children {
            if let shared = child.value as? InlineValues, let value = TemplateValues(model: shared).child(named: name) {
                return value
            }
        }
        return nil
    }

    /// `unit_name` → `unitName`.
    static func propertyName(_ name: String) -> String {
        guard name.contains("_") else { return name }
        let parts = name.split(separator: "_", omittingEmptySubsequences: false)
        return parts.dropFirst().reduce(String(parts[0])) { $0 + $1.prefix(1).uppercased() + $1.dropFirst() }
    }

    /// A property's value as the template reads it: absent when `nil` or an empty text; lists and
    /// structs inside a model are read the same way.
    static func value(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.flatMap { Self.value($0.value) }
        }
        switch value {
        case let text as String: return text.isEmpty ? nil : text
        case is Bool, is Int, is Int64, is Double, is MustacheLambda: return value
        case let texts as [String]: return texts
        case let list as [Any]: return list.map { Self.value($0) ?? "" }
        default: return mirror.displayStyle == .struct ? TemplateValues(model: value) : value
        }
    }
}

/// A part of a page model whose values its template reads as the page's own (`{{error_role}}`,
/// not `{{errors.error_role}}`), for values several pages share.
protocol InlineValues: Sendable {}

/// What every page's template reads besides its model: the words of the page's language
/// (`{{#t}}Việt|English{{/t}}`), `{{lang}}`, and the session's CSRF token for its forms.
struct PageRoot: MustacheParent {
    let model: TemplateValues
    let language: Language
    let csrf: String

    func child(named name: String) -> Any? {
        switch name {
        case "t":
            let language = language
            return MustacheLambda { (text: String) -> Any? in
                let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                return String(language == .en && parts.count == 2 ? parts[1] : parts[0])
            }
        case "lang": return language.rawValue
        case "csrf": return model.child(named: name) ?? (csrf.isEmpty ? nil : csrf)
        default: return model.child(named: name)
        }
    }
}

/// The shared layout around every page: title, menu, the visitor, the language switch.
struct LayoutPage: PageModel {
    static let template = "layout"

    /// The person logged in, shown at the top right with the logout form.
    struct User: Sendable {
        let username: String
        let name: String
        let unit: String
        let csrf: String
    }

    /// One menu entry, `current` for the page shown.
    struct MenuEntry: Sendable {
        let path: String
        let label: String
        let current: Bool
    }

    let title: String
    let body: String
    let current: String
    let otherLang: String
    let otherLangName: String
    let user: User?
    let menu: [MenuEntry]?
}

/// The page shown when something cannot be done, with the refusal's words and status.
struct ErrorPage: PageModel {
    static let template = "error"
    let message: String
    let status: Int
}

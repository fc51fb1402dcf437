import Auth
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Node

/// The web interface: server-rendered HTML pages under `/app`, for people in a browser. Pages
/// post classic HTML forms to handlers that call the same `LocalNode` use cases as the JSON API,
/// so every rule (permissions, scope, workflow, validation) is the API's.
struct WebPages {
    let local: LocalNode

    static let prefix = "/app"

    /// Whether a path given back by the browser is one of our pages (no open redirect).
    static func isOwnPage(_ path: String) -> Bool {
        let rest = path.dropFirst(prefix.count)
        return path.hasPrefix(prefix) && !path.contains("\\") && !path.contains("//")
            && (rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?"))
    }

    /// Whether a route is a page (people's HTML), not API: `/` and everything under `/app`.
    static func isPage(_ path: String) -> Bool { path == "/" || path == prefix || path.hasPrefix(prefix + "/") }

    func addRoutes(to router: Router<NodeRequestContext>) {
        router.get("/") { _, _ in Response.redirect(to: Self.prefix, type: .found) }
        let pages = router.group("/app").add(middleware: PageSessionLookup(local: local))
        let kit = PageKit(local: local)
        pages.get("/assets/site.css") { _, _ in PageAssets.response(PageAssets.css, type: "text/css; charset=utf-8") }
        pages.get("/assets/site.js") { _, _ in
            PageAssets.response(PageAssets.javascript, type: "text/javascript; charset=utf-8")
        }
        pages.get("/language") { request, _ in
            let to = Language(rawValue: request.uri.queryParameters["to"].map(String.init) ?? "") ?? .vi
            var back = request.uri.queryParameters["back"].map(String.init) ?? Self.prefix
            // Only back to a page of ours (no open redirect).
            if !Self.isOwnPage(back) { back = Self.prefix }
            var response = Response.redirect(to: back, type: .normal)
            response.headers[.setCookie] =
                "\(Language.cookie)=\(to.rawValue); Path=/; Max-Age=31536000; Secure; SameSite=Strict"
            return response
        }
        SessionPages(kit: kit).addRoutes(to: pages)
        DashboardPage(kit: kit).addRoutes(to: pages)
        ReportPages(kit: kit).addRoutes(to: pages)
        AdminPages(kit: kit).addRoutes(to: pages)
        UserPages(kit: kit).addRoutes(to: pages)
        AuditPage(kit: kit).addRoutes(to: pages)
        ScoringPage(kit: kit).addRoutes(to: pages)
        PublicRankingPage(kit: kit).addRoutes(to: pages)
        CongressPage(kit: kit).addRoutes(to: pages)
        TaskPages(kit: kit).addRoutes(to: pages)
        AlertPages(kit: kit).addRoutes(to: pages)
        UnitPages(kit: kit).addRoutes(to: pages)
        ParkedPage(kit: kit).addRoutes(to: pages)
        NodesPage(kit: kit).addRoutes(to: pages)
        FormPages(kit: kit).addRoutes(to: pages)
        IndicatorPages(kit: kit).addRoutes(to: pages)
        IndicatorPage(kit: kit).addRoutes(to: pages)
    }
}

/// The person looking at a page: a complete session, the acting account, the page's language.
struct PageVisitor {
    let session: ActiveSession
    let actor: Actor
    let language: Language

    /// The token every state-changing form carries back.
    var csrf: String { session.record.csrfToken ?? "" }

    func pick(_ vietnamese: String, _ english: String) -> String { language.pick(vietnamese, english) }
}

/// Sends the browser to another page (303 See Other after a post).
struct PageRedirect: Error {
    let location: String
}

/// What every page handler shares: finding the visitor, checking the form's CSRF token, drawing
/// the layout, and turning refusals into pages a person can read.
struct PageKit: Sendable {
    let local: LocalNode

    /// The visitor with a complete session; a post must carry the session's CSRF token (a bearer
    /// token, which a browser never sends by itself, needs none — as in the API).
    func visitor(
        _ request: Request,
        _ context: NodeRequestContext,
        form: PageForm? = nil,
        allowing: Set<String> = []
    ) throws -> PageVisitor {
        let (session, actor) = try context.pendingActor(allowing: allowing)
        try Self.checkCSRF(request, session, form)
        return PageVisitor(session: session, actor: actor, language: Language(request))
    }

    /// A post read once its sender is known: the session is checked before a byte of the body
    /// is read, and the CSRF token as soon as the fields before the first file are in, so a post
    /// without a session, or a forged one, is refused before its files (up to the evidence
    /// limit) are read.
    func post(
        _ request: Request,
        _ context: NodeRequestContext,
        evidence: EvidencePolicy? = nil,
        allowing: Set<String> = []
    ) async throws -> (form: PageForm, visitor: PageVisitor) {
        let (session, actor) = try context.pendingActor(allowing: allowing)
        let form = try await PageForm.read(request, context: context, evidence: evidence) { fields in
            try Self.checkCSRF(request, session, fields)
        }
        return (form, PageVisitor(session: session, actor: actor, language: Language(request)))
    }

    /// A post by a browser's cookie must carry the session's CSRF token (a bearer token, which
    /// a browser never sends by itself, needs none — as in the API).
    static func checkCSRF(_ request: Request, _ session: ActiveSession, _ form: PageForm?) throws {
        guard request.method.changesState, session.record.kind == .cookie else { return }
        guard let expected = session.record.csrfToken, let sent = form?["_csrf"],
            Secret.digest(sent) == Secret.digest(expected)
        else {
            throw EdgeRefusal(.csrfFailed)
        }
    }

    /// Runs a page handler, turning redirects and refusals into responses.
    func run(
        _ request: Request,
        _ context: NodeRequestContext,
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let redirect as PageRedirect {
            return Response.redirect(to: redirect.location, type: .normal)
        } catch let error as Refused {
            switch error.code {
            case "unauthenticated", "session_expired":
                // Back to this page after logging in again (a post: to the page it was sent from).
                let back = request.method == .get ? request.uri.description : Self.referrerPath(request)
                return Response.redirect(to: SessionPages.loginPath(next: back), type: .normal)
            // A login step left to do: that step, then back to this page (as above).
            case "mfa_required", "password_change_required", "mfa_enrolment_required":
                let back = request.method == .get ? request.uri.description : Self.referrerPath(request)
                let step =
                    ["mfa_required": "/login/mfa", "password_change_required": "/password"][error.code] ?? "/mfa"
                return Response.redirect(to: SessionPages.path("\(WebPages.prefix)\(step)", next: back), type: .normal)
            default: return errorPage(error, request: request, context: context)
            }
        }
    }

    /// The path of the page a post was sent from (the `Referer` of our own pages), if any.
    static func referrerPath(_ request: Request) -> String? {
        guard let referer = request.headers[.referer], let url = URL(string: referer) else { return nil }
        let query = url.query.map { "?\($0)" } ?? ""
        return url.path.isEmpty ? nil : url.path + query
    }

    func errorPage(_ error: Refused, request: Request, context: NodeRequestContext) -> Response {
        let language = Language(request)
        let body = PageRenderer.shared.render(
            ErrorPage(message: language.pick(error.message, error.messageEN), status: Int(error.status.code)),
            language: language
        )
        let visitor = try? self.visitor(request, context)
        return html(
            layout(
                title: language.pick("Không thực hiện được", "Not possible"),
                body: body,
                visitor: visitor,
                language: language,
                current: ""
            ),
            status: error.status
        )
    }

    /// A page model in the layout, for a visitor (or nobody, on the login pages).
    func page<Model: PageModel>(
        _ model: Model,
        title: String,
        visitor: PageVisitor?,
        language: Language,
        current: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let body = PageRenderer.shared.render(model, csrf: visitor?.csrf ?? "", language: language)
        return html(
            layout(title: title, body: body, visitor: visitor, language: language, current: current),
            status: status
        )
    }

    func layout(title: String, body: String, visitor: PageVisitor?, language: Language, current: String) -> String {
        let layout = LayoutPage(
            title: title,
            body: body,
            current: current.isEmpty ? WebPages.prefix : current,
            otherLang: language == .vi ? "en" : "vi",
            otherLangName: language == .vi ? "English" : "Tiếng Việt",
            user: visitor.map {
                LayoutPage.User(
                    username: $0.actor.username,
                    name: $0.session.account.fullName,
                    unit: local.tree[$0.actor.unit]?.name ?? $0.actor.unit,
                    csrf: $0.csrf
                )
            },
            menu: visitor.map { Navigation.menu(for: $0.actor, current: current, language: language) }
        )
        return PageRenderer.shared.render(layout, language: language)
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .referrerPolicy: "same-origin",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Where a person lands after logging in: the dashboard if they may see one, else data entry.
    static func home(for actor: Actor) -> String {
        actor.holds(.viewReports) ? WebPages.prefix : "\(WebPages.prefix)/entry"
    }

    func unitName(_ code: String) -> String { local.tree[code]?.name ?? code }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let referrerPolicy = Self("Referrer-Policy")!
}

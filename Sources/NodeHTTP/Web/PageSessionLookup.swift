import Hummingbird
import Node

/// Finds the session of a page request (the browser's cookie, or a bearer token for programs),
/// without the API's header CSRF check: pages post classic forms, and `WebPages.visitor` checks
/// the form's `_csrf` field instead.
struct PageSessionLookup: RouterMiddleware {
    let local: LocalNode

    func handle(
        _ request: Request,
        context: NodeRequestContext,
        next: (Request, NodeRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let token = request.bearerToken ?? request.sessionCookie {
            context.session = try await local.sessions.session(forToken: token)
            context.sessionExpired = context.session == nil
        }
        return try await next(request, context)
    }
}

import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Node

/// Logging in and out, the second factor, one's own password and MFA enrolment.
struct SessionRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.post("/session") { request, context -> Response in
            let login = try await request.decodeJSON(as: LoginRequest.self, context: context)
            let (grant, token) = try await local.sessions.login(
                identifier: login.username,
                password: login.password,
                browser: login.browser ?? false,
                source: context.clientAddress
            )
            var response = try grant.response(from: request, context: context)
            if login.browser == true {
                response.headers[.setCookie] = Self.cookie(token, maxAge: Int(Sessions.lifetime))
            }
            return response
        }
        api.post("/session/mfa") { request, context -> Response in
            let (session, _) = try context.anySessionActor()
            let step = try await request.decodeJSON(as: CodeRequest.self, context: context)
            let (grant, token) = try await local.sessions.complete(
                session,
                code: step.code,
                source: context.clientAddress
            )
            var response = try grant.response(from: request, context: context)
            // A new token once the second factor is given (no session fixation across the step).
            if session.record.kind == .cookie {
                response.headers[.setCookie] = Self.cookie(token, maxAge: Int(Sessions.lifetime))
            }
            return response
        }
        api.delete("/session") { request, context -> Response in
            guard let token = request.bearerToken ?? request.sessionCookie else { throw DomainError(.notLoggedIn) }
            let ended = try await local.sessions.logout(token: token, source: context.clientAddress)
            var response =
                ended
                ? Response(status: .noContent)
                : try EdgeRefusal(.noSuchSession)
                    .response(from: request, context: context)
            // A browser's cookie is cleared either way.
            if request.bearerToken == nil { response.headers[.setCookie] = Self.cookie("", maxAge: 0) }
            return response
        }
        api.post("/activate") { request, context -> AccountView in
            let activation = try await request.decodeJSON(as: ActivationRequest.self, context: context)
            return try await local.accounts.activate(
                username: activation.username,
                code: activation.code,
                password: activation.password
            )
        }
        api.get("/me") { _, context -> AccountView in
            let (session, _) = try context.anySessionActor()
            return AccountView(session.account, pending: session.pending)
        }
        api.post("/me/password") { request, context -> Response in
            let (session, actor) = try context.pendingActor(allowing: ["password_change", "mfa_enrolment"])
            let change = try await request.decodeJSON(as: PasswordChange.self, context: context)
            try await local.sessions.changePassword(session, current: change.current, new: change.new, by: actor)
            return Response(status: .noContent)
        }
        api.post("/me/mfa") { _, context -> MFAEnrolment in
            let (session, _) = try context.pendingActor(allowing: ["mfa_enrolment"])
            return try await local.sessions.beginMFA(session)
        }
        api.post("/me/mfa/confirm") { request, context -> RecoveryCodesView in
            let (session, _) = try context.pendingActor(allowing: ["mfa_enrolment"])
            let step = try await request.decodeJSON(as: CodeRequest.self, context: context)
            return try await local.sessions.confirmMFA(session, code: step.code)
        }
        api.delete("/me/sessions") { _, context -> Response in
            let actor = try context.actor()
            try await local.sessions.revokeOwn(by: actor)
            return Response(status: .noContent)
        }
    }

    /// The browser session cookie: sent only over HTTPS, never readable by scripts, never sent
    /// from another site.
    static func cookie(_ token: String, maxAge: Int) -> String {
        "\(Request.sessionCookie)=\(token); Path=/; Max-Age=\(maxAge); Secure; HttpOnly; SameSite=Strict"
    }
}

struct LoginRequest: Codable {
    /// A username or a 12-digit citizen ID.
    var username: String
    var password: String
    /// True for a browser: the session comes as a cookie, with a CSRF token in the answer.
    var browser: Bool?
}

struct CodeRequest: Codable {
    var code: String
}

struct PasswordChange: Codable {
    var current: String
    var new: String
}

struct ActivationRequest: Codable {
    var username: String
    var code: String
    var password: String
}

extension SessionGrant: ResponseEncodable {}
extension MFAEnrolment: ResponseEncodable {}
extension RecoveryCodesView: ResponseEncodable {}

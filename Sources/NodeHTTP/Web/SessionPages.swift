import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Node

/// Logging in (password, then the second factor), the first-login password change, MFA
/// enrolment with its QR code, the profile, logging out.
struct SessionPages {
    let kit: PageKit
    var local: LocalNode { kit.local }

    /// A pre-session token against login CSRF: set as a SameSite=Strict cookie with the login
    /// form and sent back in it (a cross-site post carries no such cookie).
    static let loginCookie = "rn_login"

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/login") { request, _ in loginPage(request, username: "", error: nil, status: .ok) }
        pages.post("/login") { request, context in
            let form = try await PageForm.read(request, context: context)
            let language = Language(request)
            guard let sent = form["_csrf"], let expected = request.cookies[Self.loginCookie]?.value, !sent.isEmpty,
                sent == expected
            else {
                return loginPage(
                    request,
                    username: form["username"] ?? "",
                    error: language.pick(
                        "Phiên làm việc của trang đã hết, hãy đăng nhập lại",
                        "The page expired; log in again"
                    ),
                    status: .forbidden,
                    next: form["next"]
                )
            }
            do {
                let (grant, token) = try await local.sessions.login(
                    identifier: form["username"] ?? "",
                    password: form["password"] ?? "",
                    browser: true,
                    source: context.clientAddress
                )
                let to = Self.next(grant.next, home: grant.account, back: Self.back(form["next"]))
                var response = Response.redirect(to: to, type: .normal)
                response.headers[.setCookie] = SessionRoutes.cookie(token, maxAge: Int(Sessions.lifetime))
                return response
            } catch let error as Refused {
                return loginPage(
                    request,
                    username: form["username"] ?? "",
                    error: language.pick(error.message, error.messageEN),
                    status: error.status,
                    next: form["next"]
                )
            }
        }
        pages.get("/login/mfa") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context, allowing: ["mfa_code"])
                return kit.page(
                    LoginMFAPage(
                        csrf: visitor.csrf,
                        error: nil,
                        next: Self.back(request.uri.queryParameters["next"].map(String.init))
                    ),
                    title: visitor.pick("Xác thực hai lớp", "Two-step verification"),
                    visitor: nil,
                    language: visitor.language
                )
            }
        }
        pages.post("/login/mfa") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context, allowing: ["mfa_code"])
                do {
                    let (grant, token) = try await local.sessions.complete(
                        visitor.session,
                        code: form["code"] ?? "",
                        source: context.clientAddress
                    )
                    var response = Response.redirect(
                        to: Self.next(grant.next, home: grant.account, back: Self.back(form["next"])),
                        type: .normal
                    )
                    response.headers[.setCookie] = SessionRoutes.cookie(token, maxAge: Int(Sessions.lifetime))
                    return response
                } catch let error as Refused where error.code == "mfa_failed" {
                    return kit.page(
                        LoginMFAPage(
                            csrf: visitor.csrf,
                            error: visitor.pick(error.message, error.messageEN),
                            next: Self.back(form["next"])
                        ),
                        title: visitor.pick("Xác thực hai lớp", "Two-step verification"),
                        visitor: nil,
                        language: visitor.language,
                        status: error.status
                    )
                }
            }
        }
        pages.post("/logout") { request, context in
            try await kit.run(request, context) {
                _ = try await kit.post(request, context, allowing: ["mfa_code", "password_change", "mfa_enrolment"])
                if let token = request.sessionCookie ?? request.bearerToken {
                    _ = try await local.sessions.logout(token: token, source: context.clientAddress)
                }
                var response = Response.redirect(to: "\(WebPages.prefix)/login", type: .normal)
                response.headers[.setCookie] = SessionRoutes.cookie("", maxAge: 0)
                return response
            }
        }
        pages.get("/password") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context, allowing: ["password_change", "mfa_enrolment"])
                return passwordPage(
                    visitor,
                    error: nil,
                    status: .ok,
                    next: Self.back(request.uri.queryParameters["next"].map(String.init))
                )
            }
        }
        pages.post("/password") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(
                    request,
                    context,
                    allowing: ["password_change", "mfa_enrolment"]
                )
                do {
                    try await local.sessions.changePassword(
                        visitor.session,
                        current: form["current"] ?? "",
                        new: form["new"] ?? "",
                        by: visitor.actor
                    )
                } catch let error as Refused where error.status == .unprocessableContent {
                    return passwordPage(
                        visitor,
                        error: visitor.pick(error.message, error.messageEN),
                        status: error.status,
                        next: Self.back(form["next"])
                    )
                }
                // On to enrolment when the account needs a second factor, then where the login began.
                let back = Self.back(form["next"])
                throw PageRedirect(
                    location: visitor.session.account.needsMFA && !visitor.session.account.mfaEnabled
                        ? Self.path("\(WebPages.prefix)/mfa", next: back) : back ?? PageKit.home(for: visitor.actor)
                )
            }
        }
        pages.get("/mfa") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context, allowing: ["mfa_enrolment"])
                return kit.page(
                    MFAPage(next: Self.back(request.uri.queryParameters["next"].map(String.init))),
                    title: visitor.pick("Xác thực hai lớp", "Two-step verification"),
                    visitor: visitor,
                    language: visitor.language
                )
            }
        }
        pages.post("/mfa") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context, allowing: ["mfa_enrolment"])
                let enrolment = try await local.sessions.beginMFA(visitor.session)
                return kit.page(
                    MFAPage(
                        enrolment: MFAPage.Enrolment(secret: enrolment.secret, qr: enrolment.qrCode),
                        next: Self.back(form["next"])
                    ),
                    title: visitor.pick("Xác thực hai lớp", "Two-step verification"),
                    visitor: visitor,
                    language: visitor.language
                )
            }
        }
        pages.post("/mfa/confirm") { request, context in
            try await kit.run(request, context) {
                let (form, visitor) = try await kit.post(request, context, allowing: ["mfa_enrolment"])
                do {
                    let codes = try await local.sessions.confirmMFA(visitor.session, code: form["code"] ?? "")
                    return kit.page(
                        MFAPage(
                            codes: MFAPage.Codes(list: codes.codes),
                            onward: Self.back(form["next"]) ?? PageKit.home(for: visitor.actor)
                        ),
                        title: visitor.pick("Xác thực hai lớp", "Two-step verification"),
                        visitor: visitor,
                        language: visitor.language
                    )
                } catch let error as Refused where error.status != .forbidden && error.status != .unauthorized {
                    return kit.page(
                        MFAPage(error: visitor.pick(error.message, error.messageEN), next: Self.back(form["next"])),
                        title: visitor.pick("Xác thực hai lớp", "Two-step verification"),
                        visitor: visitor,
                        language: visitor.language,
                        status: error.status
                    )
                }
            }
        }
        pages.get("/profile") { request, context in
            try await kit.run(request, context) {
                let visitor = try kit.visitor(request, context)
                let account = AccountView(visitor.session.account)
                return kit.page(
                    ProfilePage(
                        account: ProfilePage.Account(
                            username: account.username,
                            fullName: account.fullName,
                            citizenId: account.citizenId,
                            mfaEnabled: visitor.session.account.mfaEnabled
                        ),
                        unit: kit.unitName(account.unit),
                        role: visitor.pick(account.role.vietnameseName, account.role.englishName)
                    ),
                    title: visitor.pick("Thông tin tài khoản", "Account"),
                    visitor: visitor,
                    language: visitor.language,
                    current: "\(WebPages.prefix)/profile"
                )
            }
        }
    }

    /// Where a login goes on: its next step (which carries `back` on), else back, else home.
    static func next(_ pending: String?, home account: AccountView, back: String? = nil) -> String {
        switch pending {
        case "mfa_code": path("\(WebPages.prefix)/login/mfa", next: back)
        case "password_change": path("\(WebPages.prefix)/password", next: back)
        case "mfa_enrolment": path("\(WebPages.prefix)/mfa", next: back)
        default:
            back ?? (Set(account.permissions).contains(.viewReports) ? WebPages.prefix : "\(WebPages.prefix)/entry")
        }
    }

    /// The page to return to after logging in, when it is one of ours (and not the login itself).
    static func back(_ next: String?) -> String? {
        guard let next, WebPages.isOwnPage(next), !next.hasPrefix("\(WebPages.prefix)/login") else { return nil }
        return next
    }

    /// The login page (or its second step) that returns to `next` once logged in.
    static func loginPath(next: String?, step: String = "") -> String {
        path("\(WebPages.prefix)/login\(step)", next: next)
    }

    /// A page of the login's steps that returns to `next` (when it is one of ours) once done.
    static func path(_ path: String, next: String?) -> String {
        guard let next = back(next),
            let encoded = next.addingPercentEncoding(
                withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~/"))
            )
        else { return path }
        return "\(path)?next=\(encoded)"
    }

    func loginPage(
        _ request: Request,
        username: String,
        error: String?,
        status: HTTPResponse.Status,
        next: String? = nil
    ) -> Response {
        let language = Language(request)
        let token = Secret.token()
        return kit.page(
            LoginPage(
                username: username,
                loginCsrf: token,
                error: error,
                next: Self.back(next ?? request.uri.queryParameters["next"].map(String.init))
            ),
            title: language.pick("Đăng nhập", "Log in"),
            visitor: nil,
            language: language,
            status: status
        )
        .setting(
            cookie: "\(Self.loginCookie)=\(token); Path=/app/login; Max-Age=3600; Secure; HttpOnly; SameSite=Strict"
        )
    }

    func passwordPage(
        _ visitor: PageVisitor,
        error: String?,
        status: HTTPResponse.Status,
        next: String? = nil
    ) -> Response {
        kit.page(
            PasswordPage(required: visitor.session.pending == "password_change", error: error, next: next),
            title: visitor.pick("Đổi mật khẩu", "Change password"),
            visitor: visitor,
            language: visitor.language,
            current: "\(WebPages.prefix)/profile",
            status: status
        )
    }
}

extension Response {
    func setting(cookie: String) -> Response {
        var response = self
        response.headers.append(HTTPField(name: .setCookie, value: cookie))
        return response
    }
}

/// The login form: the name typed, the pre-session token against login CSRF, the refusal.
struct LoginPage: PageModel {
    static let template = "login"
    let username: String
    let loginCsrf: String
    let error: String?
    /// The page to return to once logged in.
    let next: String?
}

/// The second step of a login: the one-time code form.
struct LoginMFAPage: PageModel {
    static let template = "login_mfa"
    let csrf: String
    let error: String?
    /// The page to return to once logged in.
    let next: String?
}

/// Enrolling in two-step verification: start, the secret and its QR code, then the recovery codes.
struct MFAPage: PageModel {
    static let template = "mfa"

    /// The new secret, as text and as a QR code (SVG drawn by the server).
    struct Enrolment: Sendable {
        let secret: String
        let qr: String
    }

    /// The recovery codes, shown once.
    struct Codes: Sendable {
        let list: [String]
    }

    var enrolment: Enrolment?
    var codes: Codes?
    var error: String?
    /// The page the login began on, carried through enrolment.
    var next: String?
    /// Where "Tiếp tục" goes once the codes are shown: back to that page, else home.
    var onward: String?
}

/// The visitor's own account.
struct ProfilePage: PageModel {
    static let template = "profile"

    /// What the template reads of the account.
    struct Account: Sendable {
        let username: String
        let fullName: String
        let citizenId: String?
        let mfaEnabled: Bool
    }

    let account: Account
    let unit: String
    let role: String
}

/// Changing one's password (`required` on the first login).
struct PasswordPage: PageModel {
    static let template = "password"
    let required: Bool
    let error: String?
    /// The page the login began on, when this is one of its steps.
    var next: String?
}

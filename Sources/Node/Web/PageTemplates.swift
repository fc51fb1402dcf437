/// The pages' Mustache templates, compiled into the binary (no resource files to find at run
/// time). `{{x}}` escapes HTML; `{{{x}}}` is used only for markup the server drew itself (the
/// layout's body, SVG charts, the QR code). `{{#t}}Việt|English{{/t}}` picks the page's language.
enum PageTemplates {
    static var all: [String: String] {
        var all: [String: String] = [
            "layout": layout, "error": error, "login": login, "login_mfa": loginMFA, "password": password,
            "mfa": mfa, "profile": profile,
        ]
        all.merge(ReportTemplates.all) { first, _ in first }
        all.merge(AdminTemplates.all) { first, _ in first }
        all.merge(OversightTemplates.all) { first, _ in first }
        all.merge(TaskTemplates.all) { first, _ in first }
        all.merge(UnitTemplates.all) { first, _ in first }
        all.merge(UserTemplates.all) { first, _ in first }
        return all
    }

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ReportNet</title>
        <link rel="stylesheet" href="/app/assets/site.css">
        <link rel="icon" href="data:,">
        <script src="/app/assets/site.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">{{#t}}Bỏ qua đến nội dung chính|Skip to main content{{/t}}</a>
        <header class="top">
          <span class="brand">ReportNet</span>
          {{#user}}
          <nav aria-label="{{#t}}Điều hướng chính|Main navigation{{/t}}">
            <ul>{{#menu}}<li><a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/menu}}</ul>
          </nav>
          <div class="who">
            <a href="/app/profile">{{name}}</a> · <span>{{unit}}</span>
            <form method="post" action="/app/logout" class="inline">
              <input type="hidden" name="_csrf" value="{{csrf}}">
              <button type="submit" class="link">{{#t}}Đăng xuất|Log out{{/t}}</button>
            </form>
          </div>
          {{/user}}
          <a class="lang" href="/app/language?to={{other_lang}}&amp;back={{current}}" lang="{{other_lang}}">{{other_lang_name}}</a>
        </header>
        <main id="main">
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let error = """
        <h1>{{#t}}Không thực hiện được|Not possible{{/t}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/app">{{#t}}Về trang chủ|Back to the start page{{/t}}</a></p>
        """

    static let login = """
        <section class="narrow">
        <h1>{{#t}}Đăng nhập|Log in{{/t}}</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/app/login">
          <input type="hidden" name="_csrf" value="{{login_csrf}}">
          <p><label for="username">{{#t}}Tên đăng nhập hoặc số CCCD|Username or citizen ID{{/t}}</label>
          <input id="username" name="username" value="{{username}}" autocomplete="username" required autofocus></p>
          <p><label for="password">{{#t}}Mật khẩu|Password{{/t}}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required></p>
          <p><button type="submit" class="primary">{{#t}}Đăng nhập|Log in{{/t}}</button></p>
        </form>
        <p><a href="/app/public/ranking">{{#t}}Xem bảng xếp hạng chuyển đổi số công khai (không cần đăng nhập)|See the public digital transformation ranking (no login){{/t}}</a></p>
        </section>
        """

    static let loginMFA = """
        <section class="narrow">
        <h1>{{#t}}Xác thực hai lớp|Two-step verification{{/t}}</h1>
        <p>{{#t}}Nhập mã 6 số trong ứng dụng xác thực (hoặc một mã khôi phục).|Enter the 6-digit code from your authenticator app (or a recovery code).{{/t}}</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/app/login/mfa">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="code">{{#t}}Mã xác thực|Verification code{{/t}}</label>
          <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus></p>
          <p><button type="submit" class="primary">{{#t}}Xác nhận|Confirm{{/t}}</button></p>
        </form>
        </section>
        """

    static let password = """
        <section class="narrow">
        <h1>{{#t}}Đổi mật khẩu|Change password{{/t}}</h1>
        {{#required}}<p class="notice">{{#t}}Bạn cần đổi mật khẩu được cấp trước khi tiếp tục.|Change the password you were issued before going on.{{/t}}</p>{{/required}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/app/password">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="current">{{#t}}Mật khẩu hiện tại|Current password{{/t}}</label>
          <input id="current" name="current" type="password" autocomplete="current-password" required></p>
          <p><label for="new">{{#t}}Mật khẩu mới (ít nhất 12 ký tự)|New password (12 characters or more){{/t}}</label>
          <input id="new" name="new" type="password" autocomplete="new-password" required></p>
          <p><button type="submit" class="primary">{{#t}}Lưu lại|Save{{/t}}</button></p>
        </form>
        </section>
        """

    static let mfa = """
        <section class="narrow">
        <h1>{{#t}}Bật xác thực hai lớp|Turn on two-step verification{{/t}}</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#codes}}
          <p>{{#t}}Đã bật xác thực hai lớp. Hãy cất giữ các mã khôi phục sau (mỗi mã dùng một lần):|Two-step verification is on. Keep these recovery codes (each works once):{{/t}}</p>
          <ul class="codes">{{#list}}<li><code>{{.}}</code></li>{{/list}}</ul>
          <p><a class="button primary" href="/app">{{#t}}Tiếp tục|Continue{{/t}}</a></p>
        {{/codes}}
        {{^codes}}
        {{#enrolment}}
          <p>{{#t}}Quét mã QR bằng ứng dụng xác thực, hoặc nhập khoá:|Scan the QR code with an authenticator app, or type the key:{{/t}} <code>{{secret}}</code></p>
          <div class="qr">{{{qr}}}</div>
          <form method="post" action="/app/mfa/confirm">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <p><label for="code">{{#t}}Mã 6 số trong ứng dụng|The 6-digit code in the app{{/t}}</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required></p>
            <p><button type="submit" class="primary">{{#t}}Xác nhận|Confirm{{/t}}</button></p>
          </form>
        {{/enrolment}}
        {{^enrolment}}
          <p>{{#t}}Tài khoản quản trị và phê duyệt phải bật xác thực hai lớp.|Admin and approver accounts must use two-step verification.{{/t}}</p>
          <form method="post" action="/app/mfa">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <p><button type="submit" class="primary">{{#t}}Bắt đầu|Start{{/t}}</button></p>
          </form>
        {{/enrolment}}
        {{/codes}}
        </section>
        """

    static let profile = """
        <h1>{{#t}}Thông tin tài khoản|Account{{/t}}</h1>
        <dl class="facts">
          <dt>{{#t}}Tên đăng nhập|Username{{/t}}</dt><dd>{{account.username}}</dd>
          <dt>{{#t}}Họ và tên|Full name{{/t}}</dt><dd>{{account.fullName}}</dd>
          <dt>{{#t}}Số CCCD|Citizen ID{{/t}}</dt><dd>{{account.citizenId}}{{^account.citizenId}}—{{/account.citizenId}}</dd>
          <dt>{{#t}}Đơn vị|Unit{{/t}}</dt><dd>{{unit}}</dd>
          <dt>{{#t}}Vai trò|Role{{/t}}</dt><dd>{{role}}</dd>
          <dt>{{#t}}Xác thực hai lớp|Two-step verification{{/t}}</dt><dd>{{#account.mfaEnabled}}{{#t}}Đã bật|On{{/t}}{{/account.mfaEnabled}}{{^account.mfaEnabled}}{{#t}}Chưa bật|Off{{/t}} — <a href="/app/mfa">{{#t}}Bật|Turn on{{/t}}</a>{{/account.mfaEnabled}}</dd>
        </dl>
        <p><a class="button" href="/app/password">{{#t}}Đổi mật khẩu|Change password{{/t}}</a></p>
        """
}

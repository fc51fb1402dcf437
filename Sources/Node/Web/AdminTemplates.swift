/// Templates of the dashboard and administration pages (see `PageTemplates` for the conventions).
enum AdminTemplates {
    static let all: [String: String] = ["dashboard": dashboard, "users": users, "usage": usage, "audit": audit]

    static let audit = """
        <h1>{{#t}}Nhật ký hệ thống|Audit trail{{/t}}</h1>
        {{#whole}}<p class="success" role="status">{{#t}}Chuỗi nhật ký toàn vẹn (không bị sửa, không bị xoá).|The chain is whole (nothing changed or removed).{{/t}}</p>{{/whole}}
        {{#broken}}<p class="error" role="alert">{{#t}}Chuỗi nhật ký bị phá vỡ|The chain is broken{{/t}}: {{broken}}</p>{{/broken}}
        <form method="get" action="/app/audit" class="filters">
          <p><label for="a-actor">{{#t}}Tài khoản|Account{{/t}}</label><input id="a-actor" name="actor" value="{{account}}"></p>
          <p><button type="submit">{{#t}}Lọc|Filter{{/t}}</button></p>
        </form>
        <p class="meta">{{#t}}200 mục gần nhất của đơn vị và cấp dưới.|The latest 200 entries of your unit and below.{{/t}}</p>
        <table class="list" id="audit"><thead><tr><th scope="col">{{#t}}Thời gian|When{{/t}}</th><th scope="col">{{#t}}Tài khoản|Account{{/t}}</th><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Thao tác|Action{{/t}}</th><th scope="col">{{#t}}Đối tượng|Target{{/t}}</th><th scope="col">{{#t}}Chi tiết|Detail{{/t}}</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{unit}}</td><td>{{action}}</td><td>{{target}}</td><td>{{detail}}</td></tr>{{/entries}}</tbody></table>
        """

    static let dashboard = """
        <h1>{{#t}}Tổng quan|Dashboard{{/t}}: {{unit_name}}</h1>
        <nav aria-label="{{#t}}Cấp đơn vị|Unit path{{/t}}" class="trail">{{#trail}}<a href="/app?unit={{code}}{{#assignment}}&amp;assignment={{id}}{{/assignment}}">{{name}}</a> › {{/trail}}<span>{{unit_name}}</span></nav>
        {{#none}}<p class="notice">{{#t}}Chưa có đợt giao báo cáo nào.|Nothing has been assigned yet.{{/t}}</p>{{/none}}
        {{^none}}
        <form method="get" action="/app" class="filters">
          <input type="hidden" name="unit" value="{{unit}}">
          <p><label for="d-assignment">{{#t}}Biểu mẫu và kỳ báo cáo|Form and period{{/t}}</label>
          <select id="d-assignment" name="assignment">{{#assignments}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{title}} — {{period}}</option>{{/assignments}}</select></p>
          <p><button type="submit">{{#t}}Xem|Show{{/t}}</button></p>
        </form>
        {{#assignment}}
        <p class="meta">{{title}} · {{#t}}Kỳ|Period{{/t}} {{period}} · {{#t}}Hạn nộp|Deadline{{/t}} {{deadline}} · <a href="{{summary_href}}">{{#t}}Tải bảng tổng hợp (Excel)|Download the summary (Excel){{/t}}</a></p>
        {{/assignment}}
        {{#total}}
        <ul class="cards" id="totals">
          <li><span class="big">{{assigned}}</span> {{#t}}đơn vị được giao|units assigned{{/t}}</li>
          <li><span class="big" id="total-submitted">{{submitted_pct}} %</span> {{#t}}đã nộp|submitted{{/t}} ({{submitted}})</li>
          <li><span class="big" id="total-approved">{{approved_pct}} %</span> {{#t}}đã duyệt|approved{{/t}} ({{approved}})</li>
          <li><span class="big" id="total-on-time">{{on_time_pct}} %</span> {{#t}}duyệt đúng hạn|approved on time{{/t}} ({{on_time}})</li>
          <li><span class="big">{{overdue}}</span> {{#t}}chưa nộp, quá hạn|not in, overdue{{/t}}</li>
        </ul>
        {{/total}}
        <h2>{{#t}}Số báo cáo theo trạng thái|Reports by state{{/t}}</h2>
        <ul class="cards">{{#states}}<li><span class="big">{{count}}</span> <span class="state {{key}}">{{name}}</span></li>{{/states}}</ul>
        <h2>{{#t}}Tiến độ theo cấp|Progress per level{{/t}}</h2>
        <table class="list"><thead><tr><th scope="col">{{#t}}Cấp|Level{{/t}}</th><th scope="col">{{#t}}Được giao|Assigned{{/t}}</th><th scope="col">{{#t}}Đã nộp (%)|Submitted (%){{/t}}</th><th scope="col">{{#t}}Đã duyệt (%)|Approved (%){{/t}}</th><th scope="col">{{#t}}Duyệt đúng hạn (%)|Approved on time (%){{/t}}</th><th scope="col">{{#t}}Chưa nộp, quá hạn|Not in, overdue{{/t}}</th></tr></thead>
        <tbody>{{#levels}}<tr><td>{{level}}</td><td>{{assigned}}</td><td>{{submitted}} ({{submitted_pct}} %)</td><td>{{approved}} ({{approved_pct}} %)</td><td>{{on_time}} ({{on_time_pct}} %)</td><td>{{overdue}}</td></tr>{{/levels}}</tbody></table>
        {{#has_children}}
        <h2>{{#t}}Đơn vị cấp dưới|Units below{{/t}}</h2>
        <div class="tiles-wrap">{{{tiles}}}</div>
        <p class="legend">{{#t}}Màu ô theo tỷ lệ đã nộp: đỏ (dưới 25 %), cam, vàng, xanh nhạt, xanh (100 %); xám: không được giao. Bấm vào ô để xem chi tiết.|Tile colour by share submitted: red (below 25 %), orange, yellow, light green, green (100 %); grey: not assigned. Click a tile to drill down.{{/t}}</p>
        <table class="list" id="children"><thead><tr><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Được giao|Assigned{{/t}}</th><th scope="col">{{#t}}Đã nộp (%)|Submitted (%){{/t}}</th><th scope="col">{{#t}}Đã duyệt (%)|Approved (%){{/t}}</th><th scope="col">{{#t}}Duyệt đúng hạn (%)|Approved on time (%){{/t}}</th><th scope="col">{{#t}}Chưa nộp, quá hạn|Not in, overdue{{/t}}</th><th scope="col">{{#t}}Đồng bộ lần cuối|Last synced{{/t}}</th></tr></thead>
        <tbody>{{#children}}<tr><td><a href="{{href}}">{{name}}</a></td><td>{{assigned}}</td><td>{{submitted}} ({{submitted_pct}} %)</td><td>{{approved}} ({{approved_pct}} %)</td><td>{{on_time}} ({{on_time_pct}} %)</td><td>{{overdue}}</td><td>{{synced}}</td></tr>{{/children}}</tbody></table>
        <div class="chart">{{{bars}}}</div>
        {{/has_children}}
        {{/none}}
        """

    static let users = """
        <h1>{{#t}}Người dùng|Users{{/t}}</h1>
        {{#created}}<p class="success" role="status">{{#t}}Đã cấp tài khoản|Account issued{{/t}} <strong>{{username}}</strong>. {{#t}}Mã kích hoạt|Activation code{{/t}}: <code>{{code}}</code> ({{delivered}})</p>{{/created}}
        <form method="get" action="/app/users" class="filters">
          <p><label for="q">{{#t}}Tìm theo tên, tên đăng nhập hoặc CCCD|Search by name, username or citizen ID{{/t}}</label>
          <input id="q" name="q" value="{{search}}"></p>
          <p><button type="submit">{{#t}}Tìm kiếm|Search{{/t}}</button></p>
        </form>
        <table class="list" id="accounts"><thead><tr><th scope="col">{{#t}}Tên đăng nhập|Username{{/t}}</th><th scope="col">{{#t}}Họ và tên|Full name{{/t}}</th><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Vai trò|Role{{/t}}</th><th scope="col">{{#t}}Trạng thái|Status{{/t}}</th><th scope="col">{{#t}}Thao tác|Actions{{/t}}</th></tr></thead>
        <tbody>{{#accounts}}<tr><td>{{username}}</td><td>{{name}}</td><td>{{unit}}</td><td>{{role}}</td><td>{{status}}</td><td>{{^self}}
          <a href="/app/users/{{username}}">{{#t}}Sửa|Edit{{/t}}</a>
          {{#disabled}}<form method="post" action="/app/users/{{username}}/enable" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{#t}}Mở khoá|Enable{{/t}}</button></form>{{/disabled}}
          {{#can_disable}}<form method="post" action="/app/users/{{username}}/disable" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{#t}}Khoá|Disable{{/t}}</button></form>{{/can_disable}}
          <form method="post" action="/app/users/{{username}}/reset" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{#t}}Cấp lại|Reset{{/t}}</button></form>
        {{/self}}</td></tr>{{/accounts}}</tbody></table>
        <h2>{{#t}}Thêm người dùng|Add a user{{/t}}</h2>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/app/users" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="u-username">{{#t}}Tên đăng nhập|Username{{/t}} <abbr class="req">*</abbr></label><input id="u-username" name="username" value="{{typed.username}}" required>{{#error_username}}<span class="field-error">{{error_username}}</span>{{/error_username}}</p>
          <p><label for="u-name">{{#t}}Họ và tên|Full name{{/t}} <abbr class="req">*</abbr></label><input id="u-name" name="fullName" value="{{typed.fullName}}" required>{{#error_fullName}}<span class="field-error">{{error_fullName}}</span>{{/error_fullName}}</p>
          <p><label for="u-citizen">{{#t}}Số CCCD (12 số)|Citizen ID (12 digits){{/t}}</label><input id="u-citizen" name="citizenId" value="{{typed.citizenId}}" inputmode="numeric">{{#error_citizenId}}<span class="field-error">{{error_citizenId}}</span>{{/error_citizenId}}</p>
          <p><label for="u-unit">{{#t}}Đơn vị|Unit{{/t}}</label><select id="u-unit" name="unit">{{#units}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/units}}</select>{{#error_unit}}<span class="field-error">{{error_unit}}</span>{{/error_unit}}</p>
          <p><label for="u-role">{{#t}}Vai trò|Role{{/t}}</label><select id="u-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/roles}}</select>{{#error_role}}<span class="field-error">{{error_role}}</span>{{/error_role}}</p>
          <fieldset><legend>{{#t}}Quyền chức năng (để trống: theo vai trò)|Function permissions (none ticked: the role's){{/t}}</legend>
          {{#permissions}}<label class="choice" for="{{input_id}}"><input type="checkbox" id="{{input_id}}" name="permission" value="{{value}}"{{#checked}} checked{{/checked}}> {{name}}</label>{{/permissions}}
          {{#error_permissions}}<span class="field-error">{{error_permissions}}</span>{{/error_permissions}}
          </fieldset>
          <p><button type="submit" class="primary">{{#t}}Thêm mới|Add{{/t}}</button></p>
        </form>
        """

    static let usage = """
        <h1>{{#t}}Thống kê sử dụng|Usage report{{/t}}</h1>
        <form method="get" action="/app/usage" class="filters">
          <p><label for="period">{{#t}}Kỳ (năm, quý hoặc tháng: 2026, 2026-Q2, 2026-06)|Period (year, quarter or month){{/t}}</label><input id="period" name="period" value="{{period}}"></p>
          <p><button type="submit">{{#t}}Xem|Show{{/t}}</button></p>
        </form>
        <p class="meta">{{unit}} · {{from}} – {{to}} · <a href="{{xlsx}}">{{#t}}Tải Excel|Download Excel{{/t}}</a></p>
        <table class="list"><thead><tr><th scope="col">{{#t}}Nhóm người dùng|User group{{/t}}</th><th scope="col">{{#t}}Số tài khoản|Accounts{{/t}}</th><th scope="col">{{#t}}Có hoạt động|Active{{/t}}</th><th scope="col">{{#t}}Đăng nhập|Logins{{/t}}</th><th scope="col">{{#t}}Đăng nhập sai|Failed logins{{/t}}</th><th scope="col">{{#t}}Thao tác|Actions{{/t}}</th></tr></thead>
        <tbody>{{#groups}}<tr><td>{{name}}</td><td>{{accounts}}</td><td>{{active}}</td><td>{{logins}}</td><td>{{failed}}</td><td>{{actions}}</td></tr>{{/groups}}</tbody></table>
        """
}

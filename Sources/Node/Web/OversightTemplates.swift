/// Templates of the scoring, public ranking and congress schedule pages (see `PageTemplates` for
/// the conventions).
enum OversightTemplates {
    static let all: [String: String] = ["scores": scores, "public_ranking": publicRanking, "congress": congress]

    static let scores = """
        <h1>{{#t}}Chấm điểm chuyển đổi số|Digital transformation scores{{/t}}</h1>
        <p class="meta">{{#t}}Đơn vị chấm điểm|Scoring unit{{/t}}: {{scorer}} · {{#t}}Theo Quyết định 4587: chấm các đơn vị cấp dưới trực tiếp.|Decision 4587: the units directly below are scored.{{/t}}</p>
        <form method="get" action="/app/scores" class="filters">
          <p><label for="s-month">{{#t}}Tháng (năm-tháng, ví dụ 2026-11)|Month (year-month, e.g. 2026-11){{/t}}</label>
          <input id="s-month" name="month" value="{{month}}" pattern="[0-9]{4}-[0-9]{2}">{{#month_error}}<span class="field-error" role="alert">{{month_error}}</span>{{/month_error}}</p>
          <p><button type="submit">{{#t}}Xem|Show{{/t}}</button></p>
        </form>
        {{#saved}}<p class="success" role="status">{{#t}}Đã lưu số liệu|Figures saved{{/t}} ({{count}} {{#t}}số liệu thay đổi|changed{{/t}}).</p>{{/saved}}
        {{#just_published}}<p class="success" role="status">{{#t}}Đã công bố kết quả xếp hạng.|The ranking is published.{{/t}}</p>{{/just_published}}
        <p class="meta">{{#t}}Tháng|Month{{/t}} {{month_label}} ·
          {{#published_at}}{{#t}}Đã công bố lúc|Published at{{/t}} {{published_at}} (<a href="{{public_href}}">{{#t}}xem trang công khai|see the public page{{/t}}</a>){{/published_at}}{{^published_at}}{{#t}}Chưa công bố|Not published{{/t}}{{/published_at}} ·
          <a href="{{xlsx}}">{{#t}}Tải Excel|Download Excel{{/t}}</a> · <a href="{{csv}}">{{#t}}Tải CSV|Download CSV{{/t}}</a></p>
        {{#empty}}<p class="notice">{{#t}}Đơn vị không có đơn vị cấp dưới để chấm điểm.|Your unit has no units below it to score.{{/t}}</p>{{/empty}}
        {{^empty}}
        <table class="list" id="scores"><thead><tr><th scope="col">{{#t}}Hạng|Rank{{/t}}</th><th scope="col">{{#t}}So với tháng trước|Since last month{{/t}}</th><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Tổng điểm|Total{{/t}}</th><th scope="col">{{#t}}Xếp loại|Class{{/t}}</th><th scope="col">{{#t}}Cách tính|Working{{/t}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{rank}}</td><td>{{change}}</td><td>{{name}} ({{unit}})</td><td><strong>{{total}}</strong> <span class="meta">({{exact}})</span></td><td>{{grade_name}}</td>
        <td><details><summary>{{#t}}Điểm từng tiêu chí|Points per criterion{{/t}}</summary>
          <table class="list"><thead><tr><th scope="col">{{#t}}Tiêu chí|Criterion{{/t}}</th><th scope="col">{{#t}}Điểm|Points{{/t}}</th><th scope="col">{{#t}}Tối đa|Maximum{{/t}}</th><th scope="col">{{#t}}Số liệu và công thức|Figures and formula{{/t}}</th></tr></thead>
          <tbody>{{#components}}<tr><td>{{code}}</td><td>{{points}}</td><td>{{maximum}}</td><td>{{working}}</td></tr>{{/components}}</tbody></table>
          {{#has_missing}}<p class="notice">{{#t}}Chưa có số liệu (tính 0 điểm)|Figures not supplied (count as 0){{/t}}: {{#missing}}{{.}}; {{/missing}}</p>{{/has_missing}}
        </details></td></tr>{{/rows}}</tbody></table>
        {{/empty}}
        {{#may_enter}}
        <h2>{{#t}}Công bố kết quả|Publish the ranking{{/t}}</h2>
        <p>{{#t}}Trang công khai chỉ hiển thị hạng, tổng điểm, xếp loại và điểm từng tiêu chí; số liệu gốc và cách tính không được công bố. Thay đổi sau khi công bố chỉ hiện khi công bố lại.|The public page shows ranks, totals, classes and points per criterion only; raw figures and the working stay private. Later changes show only when published again.{{/t}}</p>
        <form method="post" action="{{publish_action}}" class="inline">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <button type="submit" class="primary">{{#t}}Công bố kết quả tháng|Publish the month's ranking{{/t}} {{month_label}}</button>
        </form>
        <h2>{{#t}}Nhập số liệu từ tệp|Import figures from a file{{/t}}</h2>
        <p class="meta">{{#t}}Tệp CSV, dòng đầu|CSV file, first line{{/t}} <code>unit,month,indicator,value</code>. {{#t}}Cả tệp được lưu hoặc không lưu dòng nào.|The whole file is saved, or nothing.{{/t}}</p>
        {{#import_error}}<div class="error" role="alert"><p>{{import_error}}</p><ul>{{#import_lines}}<li>{{.}}</li>{{/import_lines}}</ul></div>{{/import_error}}
        <form method="post" action="/app/scores/import" enctype="multipart/form-data" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input type="hidden" name="month" value="{{month}}">
          <p><label for="s-file">{{#t}}Tệp số liệu (CSV)|Figures file (CSV){{/t}}</label><input id="s-file" name="file" type="file" accept=".csv,text/csv" required></p>
          <p><button type="submit">{{#t}}Tải lên|Upload{{/t}}</button></p>
        </form>
        <h2>{{#t}}Cập nhật số liệu của một đơn vị|Enter one unit's figures{{/t}}</h2>
        <form method="get" action="/app/scores" class="filters">
          <input type="hidden" name="month" value="{{month}}">
          <p><label for="s-unit-pick">{{#t}}Đơn vị|Unit{{/t}}</label><select id="s-unit-pick" name="unit">{{#units}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/units}}</select></p>
          <p><button type="submit">{{#t}}Chọn|Choose{{/t}}</button></p>
        </form>
        {{#entry_error}}<p class="error" role="alert">{{entry_error}}</p>{{/entry_error}}
        <form method="post" action="/app/scores/entry" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input type="hidden" name="month" value="{{month}}">
          <p><label for="s-unit">{{#t}}Đơn vị được chấm|Unit scored{{/t}}</label><select id="s-unit" name="unit">{{#units}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/units}}</select></p>
          <p class="meta">{{#t}}Để trống: giữ nguyên số liệu đang có.|Left empty: the figure held stays.{{/t}}</p>
          {{#indicators}}<p><label for="{{input_id}}">{{component}} — {{name}}</label><input id="{{input_id}}" name="v:{{key}}" value="{{value}}" inputmode="decimal">{{#error}}<span class="field-error" role="alert">{{error}}</span>{{/error}}</p>{{/indicators}}
          <p><button type="submit" class="primary">{{#t}}Lưu số liệu|Save the figures{{/t}}</button></p>
        </form>
        {{/may_enter}}
        """

    static let publicRanking = """
        <h1>{{#t}}Bảng xếp hạng chuyển đổi số|Digital transformation ranking{{/t}}</h1>
        <p class="meta">{{#t}}Kết quả chấm điểm do|Scores published by{{/t}} {{unit_name}} {{#t}}công bố (Quyết định 4587). Trang công khai, không cần đăng nhập.|(Decision 4587). A public page, no login needed.{{/t}}</p>
        <form method="get" action="/app/public/ranking" class="filters">
          {{#has_months}}<p><label for="p-month">{{#t}}Tháng đã công bố|Published month{{/t}}</label>
          <select id="p-month" name="month">{{#months}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/months}}</select></p>
          <p><button type="submit">{{#t}}Xem|Show{{/t}}</button></p>{{/has_months}}
          {{#month_error}}<p class="field-error" role="alert">{{month_error}}</p>{{/month_error}}
        </form>
        {{#none}}<p class="notice" role="status">{{none}}</p>{{/none}}
        {{#ranking}}
        <h2>{{#t}}Xếp hạng tháng|Ranking for{{/t}} {{month_label}} — {{scorer}}</h2>
        <p class="meta">{{#t}}Công bố lúc|Published at{{/t}} {{published_at}}</p>
        <table class="list" id="ranking"><thead><tr><th scope="col">{{#t}}Hạng|Rank{{/t}}</th><th scope="col">{{#t}}So với tháng trước|Since last month{{/t}}</th><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Tổng điểm|Total{{/t}}</th><th scope="col">{{#t}}Xếp loại|Class{{/t}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{rank}}</td><td>{{change}}</td><td>{{name}}</td><td><strong>{{total}}</strong></td><td>{{grade_name}}</td></tr>{{/rows}}</tbody></table>
        <h2>{{#t}}Điểm theo từng chỉ số (KPI)|Points per indicator (KPI){{/t}}</h2>
        <table class="list" id="kpis"><thead><tr><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th>{{#columns}}<th scope="col"><abbr title="{{name}}">{{code}}</abbr></th>{{/columns}}</tr></thead>
        <tbody>{{#rows}}<tr><td>{{name}}</td>{{#points}}<td>{{.}}</td>{{/points}}</tr>{{/rows}}</tbody></table>
        <dl class="facts">{{#columns}}<dt>{{code}}</dt><dd>{{name}}</dd>{{/columns}}</dl>
        {{/ranking}}
        <p><a href="/app/login">{{#t}}Đăng nhập hệ thống|Log in{{/t}}</a></p>
        """

    static let congress = """
        <h1>{{#t}}Lịch đại hội|Congress schedule{{/t}}</h1>
        {{#saved}}<p class="success" role="status">{{#t}}Đã lưu ngày đại hội và gửi lên cấp trên.|The congress date is saved and sent up.{{/t}}</p>{{/saved}}
        <h2>{{#t}}Đại hội của đơn vị|Your unit's congress{{/t}}: {{unit_name}}</h2>
        {{#own}}<dl class="facts" id="own-congress">
          <dt>{{#t}}Ngày đại hội|Congress date{{/t}}</dt><dd>{{#has_date}}{{date}}{{/has_date}}{{^has_date}}{{#t}}Chưa đăng ký|Not set{{/t}}{{/has_date}}</dd>
          <dt>{{#t}}Tình trạng|Status{{/t}}</dt><dd>{{status}}</dd>
          {{#note}}<dt>{{#t}}Ghi chú|Note{{/t}}</dt><dd>{{note}}</dd>{{/note}}
        </dl>{{/own}}
        {{#may_set}}
        <form method="post" action="/app/congress" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="c-date">{{#t}}Ngày đại hội|Congress date{{/t}} <abbr class="req">*</abbr></label><input id="c-date" name="date" type="date" value="{{typed_date}}" required>{{#error_date}}<span class="field-error" role="alert">{{error_date}}</span>{{/error_date}}</p>
          <p><label for="c-note">{{#t}}Ghi chú (tối đa 500 ký tự)|Note (500 characters at most){{/t}}</label><textarea id="c-note" name="note" rows="2">{{typed_note}}</textarea>{{#error_note}}<span class="field-error" role="alert">{{error_note}}</span>{{/error_note}}</p>
          <p><button type="submit" class="primary">{{#t}}Lưu ngày đại hội|Save the date{{/t}}</button></p>
        </form>
        {{/may_set}}
        {{#upper}}
        <h2>{{#t}}Lịch đại hội của các đơn vị cấp dưới|Congress dates of the units below{{/t}}</h2>
        <form method="get" action="/app/congress" class="filters">
          <p><label for="c-area">{{#t}}Địa bàn|Area{{/t}}</label><select id="c-area" name="area">{{#areas}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/areas}}</select></p>
          <p><label for="c-level">{{#t}}Cấp|Level{{/t}}</label><select id="c-level" name="level"><option value="">{{#t}}Tất cả|All{{/t}}</option>{{#levels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/levels}}</select></p>
          <p><label for="c-status">{{#t}}Tình trạng|Status{{/t}}</label><select id="c-status" name="status"><option value="">{{#t}}Tất cả|All{{/t}}</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/statuses}}</select></p>
          <p><label for="c-from">{{#t}}Từ ngày|From{{/t}}</label><input id="c-from" name="from" type="date" value="{{filter.from}}"></p>
          <p><label for="c-to">{{#t}}Đến ngày|To{{/t}}</label><input id="c-to" name="to" type="date" value="{{filter.to}}"></p>
          <p><button type="submit">{{#t}}Lọc|Filter{{/t}}</button></p>
        </form>
        {{#filter_error}}<p class="error" role="alert">{{filter_error}}</p>{{/filter_error}}
        {{^filter_error}}
        <ul class="cards">{{#counts}}<li><span class="big">{{count}}</span> {{name}}</li>{{/counts}}</ul>
        <p class="meta"><a href="{{xlsx}}">{{#t}}Tải Excel|Download Excel{{/t}}</a> · <a href="{{csv}}">{{#t}}Tải CSV|Download CSV{{/t}}</a></p>
        {{#has_rows}}
        <table class="list" id="congress"><thead><tr><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Cấp|Level{{/t}}</th><th scope="col">{{#t}}Đơn vị cấp trên|Parent unit{{/t}}</th><th scope="col">{{#t}}Ngày đại hội|Congress date{{/t}}</th><th scope="col">{{#t}}Tình trạng|Status{{/t}}</th><th scope="col">{{#t}}Ghi chú|Note{{/t}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{name}} ({{code}})</td><td>{{level}}</td><td>{{parent}}</td><td>{{date}}</td><td><span class="state {{status_key}}">{{status}}</span></td><td>{{note}}</td></tr>{{/rows}}</tbody></table>
        {{/has_rows}}
        {{^has_rows}}<p class="notice">{{#t}}Không có đơn vị nào khớp bộ lọc.|No unit matches the filter.{{/t}}</p>{{/has_rows}}
        {{/filter_error}}
        {{/upper}}
        """
}

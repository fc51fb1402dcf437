/// Templates of the data-entry and report pages (see `PageTemplates` for the conventions).
enum ReportTemplates {
    static let all: [String: String] = [
        "entry": entry, "report_edit": edit, "report_detail": detail, "report_list": list,
        "question_input": questionInput,
        "question_view": questionView, "report_head": head,
    ]

    static let entry = """
        <h1>{{#t}}Cập nhật dữ liệu|Data entry{{/t}}</h1>
        <p>{{#t}}Các biểu mẫu được giao cho đơn vị của bạn.|Forms assigned to your unit.{{/t}}</p>
        {{#none}}<p class="notice">{{#t}}Chưa có biểu mẫu nào được giao.|No form is assigned yet.{{/t}}</p>{{/none}}
        {{^none}}
        <table class="list">
        <thead><tr><th scope="col">{{#t}}Biểu mẫu|Form{{/t}}</th><th scope="col">{{#t}}Kỳ báo cáo|Period{{/t}}</th><th scope="col">{{#t}}Hạn nộp|Deadline{{/t}}</th><th scope="col">{{#t}}Trạng thái|State{{/t}}</th><th scope="col">{{#t}}Thao tác|Actions{{/t}}</th></tr></thead>
        <tbody>
        {{#assignments}}
        <tr>
          <td>{{title}}</td><td>{{period}}</td><td>{{deadline}}</td>
          <td>{{#report}}<span class="state {{state_key}}">{{state}}</span>{{/report}}{{^report}}{{#t}}Chưa tạo|Not started{{/t}}{{/report}}</td>
          <td>
            {{#report}}
              {{#editable}}<a class="button" href="/app/reports/{{id}}/edit">{{#t}}Nhập dữ liệu|Enter data{{/t}}</a>{{/editable}}
              <a class="button" href="/app/reports/{{id}}">{{#t}}Xem|View{{/t}}</a>
            {{/report}}
            {{^report}}{{#can_open}}
              <form method="post" action="/app/entry/{{assignment}}" class="inline">
                <input type="hidden" name="_csrf" value="{{csrf}}">
                <button type="submit" class="primary">{{#t}}Nhập dữ liệu|Enter data{{/t}}</button>
              </form>
            {{/can_open}}{{/report}}
          </td>
        </tr>
        {{/assignments}}
        </tbody>
        </table>
        {{/none}}
        """

    static let head = """
        <p class="meta">{{#report}}{{unit_name}} · {{#t}}Kỳ|Period{{/t}} {{period}} · <span class="state {{state_key}}">{{state}}</span> · {{#t}}Cập nhật|Updated{{/t}} {{updated}}{{/report}}</p>
        """

    static let questionInput = """
        <div class="question{{#error}} invalid{{/error}}" id="q-{{id}}">
        {{#kind_single_choice}}
          <fieldset><legend>{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}</legend>
          {{#options}}<label class="choice" for="{{input_id}}"><input type="radio" id="{{input_id}}" name="{{field}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{value}}</label>{{/options}}
          </fieldset>
        {{/kind_single_choice}}
        {{#kind_multiple_choice}}
          <fieldset><legend>{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}</legend>
          {{#options}}<label class="choice" for="{{input_id}}"><input type="checkbox" id="{{input_id}}" name="{{field}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{value}}</label>{{/options}}
          </fieldset>
        {{/kind_multiple_choice}}
        {{#kind_paragraph}}
          <label for="{{input_id}}">{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}</label>
          <textarea id="{{input_id}}" name="{{field}}" rows="4">{{value}}</textarea>
        {{/kind_paragraph}}
        {{#kind_date}}
          <label for="{{input_id}}">{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}</label>
          <input type="date" id="{{input_id}}" name="{{field}}" value="{{value}}">
        {{/kind_date}}
        {{#is_number}}
          <label for="{{input_id}}">{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}{{#kind_percentage}} (%){{/kind_percentage}}</label>
          <input type="text" inputmode="decimal" id="{{input_id}}" name="{{field}}" value="{{value}}" class="number">
        {{/is_number}}
        {{#kind_table}}
          <p class="table-title">{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}</p>
          {{#table}}
          <div class="grid-wrap"><table class="grid">
          <thead>
          {{#has_groups}}<tr><td></td>{{#groups}}<th scope="colgroup" colspan="{{span}}">{{label}}</th>{{/groups}}</tr>{{/has_groups}}
          <tr><th scope="col">{{#t}}Chỉ tiêu|Indicator{{/t}}</th>{{#columns}}<th scope="col">{{label}}</th>{{/columns}}</tr>
          </thead>
          <tbody>
          {{#rows}}
          <tr class="depth-{{depth}}" data-row="{{row_key}}">
            <th scope="row">{{#parent_rows}}<button type="button" class="toggle" data-children="{{children_keys}}" aria-expanded="true">−</button>{{/parent_rows}}{{label}}</th>
            {{#cells}}<td><input type="text" inputmode="decimal" class="number" id="{{input_id}}" name="{{field}}" value="{{value}}" aria-label="{{label}}"></td>{{/cells}}
          </tr>
          {{/rows}}
          </tbody></table></div>
          {{/table}}
        {{/kind_table}}
        {{#error}}<p class="field-error" role="alert">{{error}}</p>{{/error}}
        {{#explanation}}<p class="explanation">{{explanation}}</p>{{/explanation}}
        </div>
        """

    static let questionView = """
        <div class="question" id="q-{{id}}">
          <p class="q-text">{{text}}{{#required}} <abbr class="req" title="{{#t}}bắt buộc|required{{/t}}">*</abbr>{{/required}}</p>
          {{^kind_table}}<p class="answer">{{display}}{{^display}}<span class="empty">{{#t}}(chưa trả lời)|(no answer){{/t}}</span>{{/display}}</p>{{/kind_table}}
          {{#kind_table}}{{#table}}
          <div class="grid-wrap"><table class="grid">
          <thead>
          {{#has_groups}}<tr><td></td>{{#groups}}<th scope="colgroup" colspan="{{span}}">{{label}}</th>{{/groups}}</tr>{{/has_groups}}
          <tr><th scope="col">{{#t}}Chỉ tiêu|Indicator{{/t}}</th>{{#columns}}<th scope="col">{{label}}</th>{{/columns}}</tr>
          </thead>
          <tbody>{{#rows}}<tr class="depth-{{depth}}"><th scope="row">{{label}}</th>{{#cells}}<td class="number">{{display}}</td>{{/cells}}</tr>{{/rows}}</tbody>
          </table></div>
          {{/table}}{{/kind_table}}
          {{#explanation}}<p class="explanation">{{explanation}}</p>{{/explanation}}
        </div>
        """

    static let edit = """
        <div class="form-page" id="form-page">
        <h1>{{form_title}}</h1>
        {{> report_head}}
        {{#correcting}}<p class="notice">{{#t}}Bạn đang sửa số liệu của báo cáo chờ phê duyệt; mỗi thay đổi được ghi lại.|You are correcting a submitted report; every change is recorded.{{/t}}</p>{{/correcting}}
        {{#saved}}<p class="success" role="status">{{#t}}Đã lưu lại.|Saved.{{/t}}</p>{{/saved}}
        {{#has_errors}}<p class="error" role="alert">{{#t}}Dữ liệu chưa hợp lệ, hãy xem các ô được đánh dấu.|Some answers are not valid; see the marked fields.{{/t}}</p>{{/has_errors}}
        {{#form_error}}<p class="error" role="alert">{{form_error}}</p>{{/form_error}}
        <p class="tools">
          <button type="button" class="js-only" id="toggle-explanations" data-show="{{#t}}Giải thích tiêu chí|Explain criteria{{/t}}" data-hide="{{#t}}Ẩn giải thích tiêu chí|Hide explanations{{/t}}">{{#t}}Ẩn giải thích tiêu chí|Hide explanations{{/t}}</button>
          <button type="button" class="js-only" id="toggle-fullscreen">{{#t}}Toàn màn hình|Full screen{{/t}}</button>
          <span class="legend"><abbr class="req">*</abbr> {{#t}}Câu hỏi bắt buộc|Required question{{/t}}</span>
        </p>
        <form method="post" action="/app/reports/{{report.id}}/edit" id="report-form" data-warn="{{#t}}Bạn có thay đổi chưa lưu.|You have unsaved changes.{{/t}}">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input type="hidden" name="version" value="{{version}}">
          {{#groups}}
          <details class="group"{{#open}} open{{/open}}>
            <summary>{{title}} <span class="count">({{count}})</span></summary>
            {{#questions}}{{> question_input}}{{/questions}}
          </details>
          {{/groups}}
          <p class="actions">
            <button type="submit" class="primary" id="save">{{#t}}Lưu lại|Save{{/t}}</button>
            <a class="button" href="/app/reports/{{report.id}}">{{#t}}Xem báo cáo và trình phê duyệt|View the report and submit{{/t}}</a>
          </p>
        </form>
        </div>
        """

    static let detail = """
        <h1>{{form_title}}</h1>
        {{> report_head}}
        {{#dialog_error}}<p class="error" role="alert">{{dialog_error}}</p>{{/dialog_error}}
        <p class="tools">
          {{#can_edit}}<a class="button" href="/app/reports/{{report.id}}/edit">{{#t}}Cập nhật dữ liệu|Edit data{{/t}}</a>{{/can_edit}}
          {{#can_correct}}<a class="button" href="/app/reports/{{report.id}}/edit">{{#t}}Sửa số liệu|Correct data{{/t}}</a>{{/can_correct}}
          <a class="button" href="/api/v1/reports/{{report.id}}/export?format=xlsx">{{#t}}Tải Excel|Download Excel{{/t}}</a>
        </p>
        {{#can_submit}}
        <details class="dialog" id="submit-dialog">
          <summary class="button primary">{{#t}}Trình phê duyệt|Submit for approval{{/t}}</summary>
          <form method="post" action="/app/reports/{{report.id}}/submit" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <p><label for="submit-message">{{#t}}Lời nhắn gửi lãnh đạo đơn vị (không bắt buộc)|Message to the unit leader (optional){{/t}}</label>
            <textarea id="submit-message" name="message" rows="3"></textarea></p>
            <p><label for="submit-evidence">{{#t}}Tệp minh chứng (không bắt buộc)|Evidence files (optional){{/t}}</label>
            <input type="file" id="submit-evidence" name="evidence" multiple></p>
            <p><button type="submit" class="primary" id="submit-confirm">{{#t}}Xác nhận|Confirm{{/t}}</button> <a class="button" href="/app/reports/{{report.id}}">{{#t}}Huỷ|Cancel{{/t}}</a></p>
          </form>
        </details>
        {{/can_submit}}
        {{#can_approve}}
        <details class="dialog" id="approve-dialog">
          <summary class="button primary">{{#t}}Duyệt báo cáo|Approve the report{{/t}}</summary>
          <form method="post" action="/app/reports/{{report.id}}/approve" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <p><label for="approve-message">{{#t}}Ý kiến phê duyệt (không bắt buộc)|Approval note (optional){{/t}}</label>
            <textarea id="approve-message" name="message" rows="3"></textarea></p>
            <p><label for="approve-evidence">{{#t}}Tệp đính kèm (không bắt buộc)|Attached files (optional){{/t}}</label>
            <input type="file" id="approve-evidence" name="evidence" multiple></p>
            <p><button type="submit" class="primary" id="approve-confirm">{{#t}}Xác nhận|Confirm{{/t}}</button> <a class="button" href="/app/reports/{{report.id}}">{{#t}}Huỷ|Cancel{{/t}}</a></p>
          </form>
        </details>
        {{/can_approve}}
        {{#can_return}}
        <details class="dialog" id="return-dialog">
          <summary class="button">{{#t}}Trả lại|Return{{/t}}</summary>
          <form method="post" action="/app/reports/{{report.id}}/return" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <p><label for="return-message">{{#t}}Lý do trả lại (bắt buộc)|Reason (required){{/t}}</label>
            <textarea id="return-message" name="message" rows="3" required></textarea></p>
            <p><label for="return-evidence">{{#t}}Tệp đính kèm (không bắt buộc)|Attached files (optional){{/t}}</label>
            <input type="file" id="return-evidence" name="evidence" multiple></p>
            <p><button type="submit" class="primary" id="return-confirm">{{#t}}Xác nhận|Confirm{{/t}}</button> <a class="button" href="/app/reports/{{report.id}}">{{#t}}Huỷ|Cancel{{/t}}</a></p>
          </form>
        </details>
        {{/can_return}}
        {{#groups}}
        <details class="group" open>
          <summary>{{title}}</summary>
          {{#questions}}{{> question_view}}{{/questions}}
        </details>
        {{/groups}}
        {{#has_evidence}}
        <h2>{{#t}}Minh chứng|Evidence{{/t}}</h2>
        <ul>{{#evidence}}<li><a href="{{href}}">{{name}}</a> ({{size}}, {{stage}})</li>{{/evidence}}</ul>
        {{/has_evidence}}
        {{#has_corrections}}
        <h2>{{#t}}Số liệu đã sửa|Corrections{{/t}}</h2>
        <table class="list"><thead><tr><th scope="col">{{#t}}Câu hỏi|Question{{/t}}</th><th scope="col">{{#t}}Cũ|Old{{/t}}</th><th scope="col">{{#t}}Mới|New{{/t}}</th><th scope="col">{{#t}}Người sửa|By{{/t}}</th><th scope="col">{{#t}}Thời gian|When{{/t}}</th></tr></thead>
        <tbody>{{#corrections}}<tr><td>{{question}}</td><td>{{old}}</td><td>{{new}}</td><td>{{actor}}</td><td>{{at}}</td></tr>{{/corrections}}</tbody></table>
        {{/has_corrections}}
        <h2>{{#t}}Lịch sử xử lý|History{{/t}}</h2>
        <table class="list" id="history"><thead><tr><th scope="col">{{#t}}Thời gian|When{{/t}}</th><th scope="col">{{#t}}Thao tác|Action{{/t}}</th><th scope="col">{{#t}}Người thực hiện|By{{/t}}</th><th scope="col">{{#t}}Trạng thái mới|New state{{/t}}</th><th scope="col">{{#t}}Nội dung|Message{{/t}}</th></tr></thead>
        <tbody>{{#history}}<tr><td>{{at}}</td><td>{{action}}</td><td>{{actor}} ({{unit}})</td><td>{{to}}</td><td>{{message}}</td></tr>{{/history}}</tbody></table>
        """

    static let list = """
        <h1>{{#t}}Báo cáo|Reports{{/t}}</h1>
        <form method="get" action="/app/reports" class="filters">
          <p><label for="f-form">{{#t}}Biểu mẫu|Form{{/t}}</label>
          <select id="f-form" name="form"><option value="">{{#t}}Tất cả|All{{/t}}</option>{{#forms}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{title}}</option>{{/forms}}</select></p>
          <p><label for="f-period">{{#t}}Kỳ báo cáo (vd. 2026-06)|Period (e.g. 2026-06){{/t}}</label>
          <input id="f-period" name="period" value="{{period}}"></p>
          <p><label for="f-state">{{#t}}Trạng thái|State{{/t}}</label>
          <select id="f-state" name="state"><option value="">{{#t}}Tất cả|All{{/t}}</option>{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/states}}</select></p>
          <p><label for="f-unit">{{#t}}Đơn vị|Unit{{/t}}</label>
          <select id="f-unit" name="unit"><option value="">{{#t}}Tất cả|All{{/t}}</option>{{#units}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/units}}</select></p>
          <p><button type="submit">{{#t}}Tìm kiếm|Search{{/t}}</button></p>
        </form>
        {{#none}}<p class="notice">{{#t}}Không có báo cáo nào.|No reports.{{/t}}</p>{{/none}}
        {{^none}}
        <table class="list" id="reports">
        <thead><tr><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Biểu mẫu|Form{{/t}}</th><th scope="col">{{#t}}Kỳ|Period{{/t}}</th><th scope="col">{{#t}}Trạng thái|State{{/t}}</th><th scope="col">{{#t}}Cập nhật|Updated{{/t}}</th><th scope="col">{{#t}}Thao tác|Actions{{/t}}</th></tr></thead>
        <tbody>
        {{#reports}}
        <tr><td>{{unit_name}}</td><td>{{title}}</td><td>{{period}}</td><td><span class="state {{state_key}}">{{state}}</span></td><td>{{updated}}</td>
        <td><a href="/app/reports/{{id}}">{{#t}}Xem|View{{/t}}</a>
          {{#editable}} · <a href="/app/reports/{{id}}/edit">{{#t}}Cập nhật|Edit{{/t}}</a>{{/editable}}
          {{#approvable}} · <a href="/app/reports/{{id}}">{{#t}}Duyệt báo cáo|Approve{{/t}}</a>{{/approvable}}
          · <a href="/api/v1/reports/{{id}}/export?format=xlsx">Excel</a></td></tr>
        {{/reports}}
        </tbody></table>
        {{/none}}
        """
}

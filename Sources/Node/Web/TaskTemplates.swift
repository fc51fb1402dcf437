/// Templates of the tasks ("Nhiệm vụ") and alerts ("Cảnh báo") pages (see `PageTemplates` for the
/// conventions).
enum TaskTemplates {
    static let all: [String: String] = ["tasks": tasks, "task": task, "alerts": alerts]

    static let tasks = """
        <h1>{{#t}}Nhiệm vụ|Tasks{{/t}}</h1>
        <p class="meta">{{#t}}Nhiệm vụ do|Tasks assigned by{{/t}} {{unit_name}} {{#t}}giao và nhiệm vụ được giao cho đơn vị và cấp dưới.|and tasks assigned to it and the units below.{{/t}}</p>
        {{#created}}<p class="success" role="status">{{#t}}Đã giao nhiệm vụ.|Task assigned.{{/t}}</p>{{/created}}
        {{#has_tasks}}
        <table class="list" id="tasks"><thead><tr><th scope="col">{{#t}}Nhiệm vụ|Task{{/t}}</th><th scope="col">{{#t}}Đơn vị giao|Assigned by{{/t}}</th><th scope="col">{{#t}}Hạn hoàn thành|Deadline{{/t}}</th><th scope="col">{{#t}}Đơn vị thực hiện, trạng thái, tiến độ, xác nhận|Assignees, state, progress, review{{/t}}</th></tr></thead>
        <tbody>{{#tasks}}<tr><td><a href="/app/tasks/{{id}}">{{title}}</a></td><td>{{assigned_by}}</td><td>{{deadline}}</td>
        <td><ul>{{#assignees}}<li>{{name}}: <span class="state-{{state_key}}">{{state}}</span> · {{percent}} % · {{review}}</li>{{/assignees}}</ul></td></tr>{{/tasks}}</tbody></table>
        {{/has_tasks}}
        {{^has_tasks}}<p class="notice">{{#t}}Chưa có nhiệm vụ nào.|No tasks yet.{{/t}}</p>{{/has_tasks}}
        {{#may_assign}}
        <h2>{{#t}}Giao nhiệm vụ|Assign a task{{/t}}</h2>
        <form method="post" action="/app/tasks" class="stack" id="assign-task">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="t-title">{{#t}}Tên nhiệm vụ|Title{{/t}} <abbr class="req">*</abbr></label><input id="t-title" name="title" value="{{typed.title}}" required>{{#error_title}}<span class="field-error" role="alert">{{error_title}}</span>{{/error_title}}</p>
          <p><label for="t-description">{{#t}}Mô tả|Description{{/t}}</label><textarea id="t-description" name="description" rows="3">{{typed.description}}</textarea>{{#error_description}}<span class="field-error" role="alert">{{error_description}}</span>{{/error_description}}</p>
          <p><label for="t-deadline">{{#t}}Hạn hoàn thành (dd/MM/yyyy)|Deadline (dd/MM/yyyy){{/t}} <abbr class="req">*</abbr></label><input id="t-deadline" name="deadline" value="{{typed.deadline}}" placeholder="31/12/2026" required>{{#error_deadline}}<span class="field-error" role="alert">{{error_deadline}}</span>{{/error_deadline}}</p>
          <p><label for="t-expected">{{#t}}Kết quả cần đạt|Expected result{{/t}}</label><textarea id="t-expected" name="expected_result" rows="2">{{typed.expected_result}}</textarea>{{#error_expected}}<span class="field-error" role="alert">{{error_expected}}</span>{{/error_expected}}</p>
          <p><label for="t-indicator">{{#t}}Chỉ số liên kết (không bắt buộc)|Linked indicator (optional){{/t}}</label><select id="t-indicator" name="indicator"><option value="">{{#t}}— Không liên kết —|— None —{{/t}}</option>{{#indicators}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/indicators}}</select>{{#error_indicator}}<span class="field-error" role="alert">{{error_indicator}}</span>{{/error_indicator}}</p>
          <fieldset><legend>{{#t}}Đơn vị thực hiện|Assignee units{{/t}} <abbr class="req">*</abbr></legend>
          {{#units}}<input type="checkbox" id="t-unit-{{code}}" name="units" value="{{code}}"{{#checked}} checked{{/checked}}> <label for="t-unit-{{code}}">{{name}} ({{code}})</label> {{/units}}
          {{#error_units}}<span class="field-error" role="alert">{{error_units}}</span>{{/error_units}}</fieldset>
          <p><button type="submit" class="primary">{{#t}}Giao nhiệm vụ|Assign{{/t}}</button></p>
        </form>
        {{/may_assign}}
        """

    static let task = """
        <h1>{{#t}}Nhiệm vụ|Task{{/t}}: {{title}}</h1>
        {{#done}}<p class="success" role="status">{{done}}</p>{{/done}}
        <dl class="facts" id="task-facts">
          <dt>{{#t}}Đơn vị giao|Assigned by{{/t}}</dt><dd>{{assigned_by}}</dd>
          <dt>{{#t}}Hạn hoàn thành|Deadline{{/t}}</dt><dd>{{deadline}}</dd>
          {{#description}}<dt>{{#t}}Mô tả|Description{{/t}}</dt><dd>{{description}}</dd>{{/description}}
          {{#expected_result}}<dt>{{#t}}Kết quả cần đạt|Expected result{{/t}}</dt><dd>{{expected_result}}</dd>{{/expected_result}}
          {{#indicator}}<dt>{{#t}}Chỉ số liên kết|Linked indicator{{/t}}</dt><dd>{{indicator}}</dd>{{/indicator}}
        </dl>
        <h2>{{#t}}Đơn vị thực hiện|Assignees{{/t}}</h2>
        <table class="list" id="assignees"><thead><tr><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Trạng thái|State{{/t}}</th><th scope="col">{{#t}}Tiến độ|Progress{{/t}}</th><th scope="col">{{#t}}Xác nhận|Review{{/t}}</th>{{#may_review}}<th scope="col">{{#t}}Quyết định|Decision{{/t}}</th>{{/may_review}}</tr></thead>
        <tbody>{{#assignees}}<tr><td>{{name}} ({{unit}})</td><td><span class="state-{{state_key}}">{{state}}</span></td><td>{{percent}} %</td><td>{{review}}{{#return_reason}}<br><span class="meta">{{#t}}Lý do trả lại|Reason{{/t}}: {{return_reason}}</span>{{/return_reason}}</td>
        {{#may_review}}<td>{{#reviewable}}<form method="post" action="{{action_review}}" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="unit" value="{{unit}}">
          <p><label for="r-reason-{{unit}}">{{#t}}Lý do (khi trả lại)|Reason (when returning){{/t}}</label><textarea id="r-reason-{{unit}}" name="reason" rows="2">{{typed_reason}}</textarea>{{#error_reason}}<span class="field-error" role="alert">{{error_reason}}</span>{{/error_reason}}</p>
          <p><button type="submit" name="decision" value="confirmed" class="primary">{{#t}}Xác nhận|Confirm{{/t}}</button> <button type="submit" name="decision" value="returned">{{#t}}Trả lại|Return{{/t}}</button></p>
        </form>{{/reviewable}}</td>{{/may_review}}</tr>{{/assignees}}</tbody></table>
        {{#may_report}}
        <h2>{{#t}}Báo cáo tiến độ|Report progress{{/t}}</h2>
        <form method="post" action="{{action_report}}" enctype="multipart/form-data" class="stack" id="report-progress">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="p-percent">{{#t}}Tiến độ (%)|Progress (%){{/t}}</label><input id="p-percent" name="percent" type="text" inputmode="numeric" value="{{own_percent}}">{{#error_percent}}<span class="field-error" role="alert">{{error_percent}}</span>{{/error_percent}}</p>
          <p><label for="p-note">{{#t}}Ghi chú|Note{{/t}}</label><textarea id="p-note" name="note" rows="2">{{own_note}}</textarea>{{#error_note}}<span class="field-error" role="alert">{{error_note}}</span>{{/error_note}}</p>
          <p><label for="p-evidence">{{#t}}Tệp minh chứng|Evidence file{{/t}}</label><input id="p-evidence" name="evidence" type="file"></p>
          <p><button type="submit" name="kind" value="progress" class="primary">{{#t}}Cập nhật tiến độ|Update progress{{/t}}</button> <button type="submit" name="kind" value="completed">{{#t}}Hoàn thành|Complete{{/t}}</button></p>
        </form>
        {{/may_report}}
        <h2>{{#t}}Lịch sử|History{{/t}}</h2>
        {{#has_history}}<table class="list" id="history"><thead><tr><th scope="col">{{#t}}Thời gian|When{{/t}}</th><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Sự kiện|Event{{/t}}</th><th scope="col">{{#t}}Tiến độ|Progress{{/t}}</th><th scope="col">{{#t}}Ghi chú|Note{{/t}}</th><th scope="col">{{#t}}Người thực hiện|By{{/t}}</th><th scope="col">{{#t}}Minh chứng|Evidence{{/t}}</th></tr></thead>
        <tbody>{{#history}}<tr><td>{{at}}</td><td>{{unit}}</td><td>{{kind}}</td><td>{{percent}}</td><td>{{note}}</td><td>{{by}}</td><td>{{#evidence}}<a href="{{href}}">{{name}}</a> {{/evidence}}</td></tr>{{/history}}</tbody></table>{{/has_history}}
        {{^has_history}}<p class="notice">{{#t}}Chưa có báo cáo nào.|Nothing reported yet.{{/t}}</p>{{/has_history}}
        <p><a href="/app/tasks">{{#t}}Về danh sách nhiệm vụ|Back to the tasks{{/t}}</a></p>
        """

    static let alerts = """
        <h1>{{#t}}Cảnh báo|Alerts{{/t}}</h1>
        {{#done}}<p class="success" role="status">{{done}}</p>{{/done}}
        <p class="meta">{{#all}}<a href="/app/alerts">{{#t}}Chỉ cảnh báo đang mở|Open alerts only{{/t}}</a>{{/all}}{{^all}}<a href="/app/alerts?state=all">{{#t}}Xem cả cảnh báo đã hết|Include cleared alerts{{/t}}</a>{{/all}}</p>
        {{#has_alerts}}<table class="list" id="alerts"><thead><tr><th scope="col">{{#t}}Loại|Kind{{/t}}</th><th scope="col">{{#t}}Đơn vị|Unit{{/t}}</th><th scope="col">{{#t}}Nội dung|Message{{/t}}</th><th scope="col">{{#t}}Thời điểm|Raised{{/t}}</th><th scope="col">{{#t}}Tình trạng|Status{{/t}}</th></tr></thead>
        <tbody>{{#alerts}}<tr><td>{{kind}}</td><td>{{unit}}</td><td>{{message}}</td><td>{{raised_at}}</td>
        <td>{{#cleared}}{{#t}}Đã hết|Cleared{{/t}}{{/cleared}}{{#acknowledged}}{{#t}}Đã biết|Acknowledged{{/t}} ({{acknowledged_by}}){{/acknowledged}}{{^acknowledged}}{{^cleared}}<form method="post" action="{{action}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{#t}}Đã biết|Acknowledge{{/t}}</button></form>{{/cleared}}{{/acknowledged}}</td></tr>{{/alerts}}</tbody></table>{{/has_alerts}}
        {{^has_alerts}}<p class="notice">{{#t}}Không có cảnh báo nào.|No alerts.{{/t}}</p>{{/has_alerts}}
        {{#may_rule}}
        <h2>{{#t}}Quy tắc cảnh báo của đơn vị|Your unit's alert rules{{/t}}: {{unit_name}}</h2>
        {{#has_rules}}<table class="list" id="rules"><thead><tr><th scope="col">{{#t}}Loại|Kind{{/t}}</th><th scope="col">{{#t}}Đơn vị đặt|Set by{{/t}}</th><th scope="col">{{#t}}Phạm vi|Scope{{/t}}</th><th scope="col">{{#t}}Tham số|Parameters{{/t}}</th><th scope="col"></th></tr></thead>
        <tbody>{{#rules}}<tr><td>{{kind}}</td><td>{{unit}}</td><td>{{scope}}</td><td>{{parameters}}</td><td>{{#removable}}<form method="post" action="{{action}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{#t}}Gỡ bỏ|Remove{{/t}}</button></form>{{/removable}}</td></tr>{{/rules}}</tbody></table>{{/has_rules}}
        {{^has_rules}}<p class="notice">{{#t}}Chưa có quy tắc nào.|No rules yet.{{/t}}</p>{{/has_rules}}
        <h3>{{#t}}Thêm quy tắc|Add a rule{{/t}}</h3>
        <p class="meta">{{#t}}Sắp đến hạn: số ngày báo trước. Tiến độ thấp: ngưỡng % và ngày bắt đầu xét. Số liệu bất thường: biểu mẫu, câu hỏi dạng số, hệ số và cơ sở so sánh. Để trống phạm vi là mọi nhiệm vụ.|Due soon: days ahead. Low completion: threshold % and start date. Abnormal value: form, numeric question, factor and basis. An empty scope means every task.{{/t}}</p>
        <form method="post" action="/app/alerts/rules" class="stack" id="new-rule">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p><label for="a-kind">{{#t}}Loại cảnh báo|Kind{{/t}} <abbr class="req">*</abbr></label><select id="a-kind" name="kind" required><option value="">{{#t}}— chọn —|— choose —{{/t}}</option>{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/kinds}}</select>{{#error_kind}}<span class="field-error" role="alert">{{error_kind}}</span>{{/error_kind}}</p>
          <p><label for="a-task">{{#t}}Mã nhiệm vụ (tuỳ chọn)|Task id (optional){{/t}}</label><input id="a-task" name="task_id" value="{{typed.task_id}}">{{#error_task_id}}<span class="field-error" role="alert">{{error_task_id}}</span>{{/error_task_id}}</p>
          <p><label for="a-owner">{{#t}}Đơn vị sở hữu biểu mẫu|Form owner{{/t}}</label><input id="a-owner" name="form_owner" value="{{typed.form_owner}}"></p>
          <p><label for="a-code">{{#t}}Mã biểu mẫu|Form code{{/t}}</label><input id="a-code" name="form_code" value="{{typed.form_code}}">{{#error_form_code}}<span class="field-error" role="alert">{{error_form_code}}</span>{{/error_form_code}}</p>
          <p><label for="a-question">{{#t}}Câu hỏi dạng số|Numeric question{{/t}}</label><input id="a-question" name="question" value="{{typed.question}}">{{#error_question}}<span class="field-error" role="alert">{{error_question}}</span>{{/error_question}}</p>
          <p><label for="a-days">{{#t}}Số ngày báo trước|Days ahead{{/t}}</label><input id="a-days" name="days" value="{{typed.days}}" inputmode="numeric">{{#error_days}}<span class="field-error" role="alert">{{error_days}}</span>{{/error_days}}</p>
          <p><label for="a-percent">{{#t}}Ngưỡng tiến độ (%)|Completion threshold (%){{/t}}</label><input id="a-percent" name="percent" value="{{typed.percent}}" inputmode="numeric">{{#error_percent}}<span class="field-error" role="alert">{{error_percent}}</span>{{/error_percent}}</p>
          <p><label for="a-date">{{#t}}Xét từ ngày (dd/MM/yyyy)|From (dd/MM/yyyy){{/t}}</label><input id="a-date" name="date" value="{{typed.date}}">{{#error_date}}<span class="field-error" role="alert">{{error_date}}</span>{{/error_date}}</p>
          <p><label for="a-factor">{{#t}}Hệ số bất thường|Factor{{/t}}</label><input id="a-factor" name="factor" value="{{typed.factor}}" inputmode="decimal">{{#error_factor}}<span class="field-error" role="alert">{{error_factor}}</span>{{/error_factor}}</p>
          <p><label for="a-basis">{{#t}}So sánh với|Compare with{{/t}}</label><select id="a-basis" name="basis"><option value="">—</option><option value="history"{{#basis_history}} selected{{/basis_history}}>{{#t}}Các kỳ trước của đơn vị|The unit's earlier periods{{/t}}</option><option value="peers"{{#basis_peers}} selected{{/basis_peers}}>{{#t}}Đơn vị cùng cấp|Peers{{/t}}</option></select>{{#error_basis}}<span class="field-error" role="alert">{{error_basis}}</span>{{/error_basis}}</p>
          <p><button type="submit" class="primary">{{#t}}Thêm quy tắc|Add the rule{{/t}}</button></p>
        </form>
        {{/may_rule}}
        """
}

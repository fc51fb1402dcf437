#!/usr/bin/python3
"""Drives headless Chromium through a report's life in ReportNet's web pages (issue D).

Run by Tests/NodeTests/BrowserFlowTests.swift with a JSON file: node URLs, the demo CA, accounts
with their TOTP secrets, the assignment, and where to save screenshots. Exits non-zero, saying
why, on the first thing that is not as it should be, or when any page logs a console error.
"""
import base64, hashlib, hmac, importlib.util, json, os, struct, sys, tempfile, time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException, UnexpectedAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

config = json.load(open(sys.argv[1]))
started = time.monotonic()


def node_time():
    """The nodes' time (the test pins their clock): read from the config, moved on by elapsed time."""
    return config["node_time"] + time.monotonic() - started
screens = config["screens"]
last_step = {}
shot = [0]


def fail(message):
    raise SystemExit("FAIL: " + message)


def totp(username):
    """A code the node has not seen yet (each works once; the next step is accepted)."""
    secret = config["accounts"][username]["totp_secret"]
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    while True:
        now = int(node_time() // 30)
        step = max(last_step.get(username, now - 1) + 1, now)
        if step <= now + 1:
            last_step[username] = step
            digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
            offset = digest[-1] & 0x0F
            value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
            return "%06d" % (value % 1000000)
        time.sleep(1)


options = Options()
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=vi"]:
    options.add_argument(argument)
options.accept_insecure_certs = True  # the demo CA's certificates, on loopback only
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
for binary in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]:
    if os.path.exists(binary):
        options.binary_location = binary
driver_path = next(p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p))
driver = webdriver.Chrome(service=Service(driver_path), options=options)
driver.set_page_load_timeout(30)
driver.set_script_timeout(60)
driver.implicitly_wait(5)

# axe-core, the accessibility checker, as a PyPI package ships it (installed by .ci/run): the
# JavaScript file only; the package itself (for Playwright) is never imported.
_axe = importlib.util.find_spec("axe_playwright_python")
if _axe is None:
    raise SystemExit("FAIL: axe-core is missing: /usr/bin/python3 -m pip install --break-system-packages "
                     "--no-deps axe-playwright-python==0.1.8 (as .ci/run does)")
AXE = open(os.path.join(list(_axe.submodule_search_locations)[0], "axe.min.js"), encoding="utf-8").read()
AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(function (result) {
  done(result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); })};
  }));
}, function (error) { done([{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]); });
"""


def check_accessibility(name):
    """Fails on any serious or critical axe-core violation of the page as it stands (issue L):
    run at the desktop's width and again at the phone's, where the layout differs."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE)
    found = driver.execute_async_script(AXE_RUN)
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    if bad:
        fail("%s: axe-core finds %s" % (name, "; ".join(
            "%s (%s): %s at %s" % (v["id"], v["impact"], v["help"], ", ".join(v["nodes"])) for v in bad)))


def check_console(where, refused=None):
    """Fails on console errors; a page that answers a refused post (`refused`, e.g. 422) logs its status, which is expected."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
              and not (refused and entry.get("source") == "network" and "status of %d" % refused in entry["message"])]
    if errors:
        fail("console errors on %s: %s" % (where, errors))


PHONE = (390, 844)
WIDE_ELEMENTS = """
var out = [];
var clipped = function (element) {
  for (var up = element.parentElement; up && up !== document.body; up = up.parentElement) {
    var overflow = getComputedStyle(up).overflowX;
    if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { return true; }
  }
  return false;
};
document.querySelectorAll('body *').forEach(function (element) {
  var box = element.getBoundingClientRect();
  if (box.right > arguments[0] + 1 && out.length < 8 && !clipped(element)) {
    out.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
      (element.className && element.className.baseVal === undefined ? '.' + element.className : '') + ' ' + Math.round(box.right));
  }
});
return out.join('; ');
"""


def phone(name):
    """The page at a phone's width (390 x 844, as a phone lays it out): a screenshot, and a failure
    when anything makes it wider than the screen, the header takes too much of it (issue L.8) or
    axe-core finds a serious or critical violation in that layout."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
    try:
        width = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(os.path.join(screens, "%02d-%s-390.png" % (shot[0], name)))
        if width > PHONE[0]:
            fail("%s is %d px wide at %d px: %s" % (name, width, PHONE[0], driver.execute_script(WIDE_ELEMENTS.replace("arguments[0]", str(PHONE[0])))))
        header = driver.execute_script("var h = document.querySelector('header.top'); return h ? h.getBoundingClientRect().height : 0")
        if header > 130:
            fail("%s: the header takes %d of %d px at phone width" % (name, header, PHONE[1]))
        check_accessibility(name + " (390 px)")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def screen(name, refused=None):
    shot[0] += 1
    driver.save_screenshot(os.path.join(screens, "%02d-%s.png" % (shot[0], name)))
    check_console(name, refused)
    check_accessibility(name)
    size = len(driver.page_source.encode("utf-8"))
    if size > 200 * 1024:
        fail("%s is %d bytes, over 200 KB" % (name, size))
    phone(name)


def find(css):
    try:
        return driver.find_element(By.CSS_SELECTOR, css)
    except NoSuchElementException:
        fail("no %s on %s:\n%s" % (css, driver.current_url, driver.find_element(By.TAG_NAME, "main").text[:2000]))


def expect_text(text, where="main"):
    deadline = time.time() + 10
    while True:
        try:
            body = driver.find_element(By.CSS_SELECTOR, where).text
        except Exception:
            body = ""
        if text in body:
            return
        if time.time() > deadline:
            fail("%r not on %s:\n%s" % (text, driver.current_url, body[:3000]))
        time.sleep(0.2)


def wait_url(fragment, present=True):
    deadline = time.time() + 10
    while (fragment in driver.current_url) != present:
        if time.time() > deadline:
            fail("expected %s %r in the address, at %s:\n%s" % ("" if present else "no", fragment, driver.current_url, find("main").text[:2000]))
        time.sleep(0.2)


def login(username):
    account = config["accounts"][username]
    base = config["nodes"][account["node"]]
    driver.get(base + "/app/login")
    screen("dang-nhap-" + username)
    return login_here(username)


def login_here(username):
    """Logs in on the login page shown (which may lead back to another page afterwards)."""
    account = config["accounts"][username]
    base = config["nodes"][account["node"]]
    find("#username").send_keys(username)
    find("#password").send_keys(account["password"])
    find("form[action='/app/login'] button[type=submit]").click()
    wait_url("/app/login/mfa")
    screen("ma-xac-thuc-" + username)
    find("#code").send_keys(totp(username))
    find("form[action='/app/login/mfa'] button[type=submit]").click()
    wait_url("/app/login", present=False)
    return base


def logout():
    find("form[action='/app/logout'] button").click()
    wait_url("/app/login")


def set_value(css, value):
    element = find(css)
    element.clear()
    element.send_keys(value)


def reload_leaving():
    """Reloads the page, leaving whatever is typed unsaved (the page asks first: the answer is yes)."""
    try:
        driver.refresh()
    except UnexpectedAlertPresentException:
        pass
    try:
        driver.switch_to.alert.accept()
    except NoAlertPresentException:
        pass


def drafts():
    return driver.execute_script(
        "var out = {}; Object.keys(localStorage).forEach(function (k) {"
        " if (k.indexOf('rn-draft:') === 0) { out[k] = JSON.parse(localStorage.getItem(k)); } }); return out;")


def report_id():
    return driver.current_url.split("/app/reports/")[1].split("/")[0].split("?")[0]


try:
    # 1. The commune's data-entry user fills the form with every question kind, saves, submits with a file.
    base = login("bni-kb.entry")
    # The commune's home says what to do now (issue L.4).
    driver.get(base + "/app")
    expect_text("Việc cần làm")
    expect_text("Báo cáo tháng về chuyển đổi số cấp xã", "#todo")
    screen("trang-chu-xa")
    driver.get(base + "/app/entry")
    screen("cap-nhat-du-lieu")
    expect_text("Báo cáo tháng về chuyển đổi số cấp xã")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    right = driver.execute_script("return document.querySelector(\"form[action^='/app/entry/'] button\").getBoundingClientRect().right")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    if right > 390:
        fail("the data-entry button is off-screen on a phone (right edge at %d px)" % right)
    find("form[action='/app/entry/%s'] button" % config["assignment"]).click()
    wait_url("/edit")
    screen("nhap-bieu-mau")
    # Explanations can be hidden and shown again.
    toggle = find("#toggle-explanations")
    if toggle.text != "Ẩn giải thích tiêu chí":
        fail("explanation toggle says %r" % toggle.text)
    toggle.click()
    if toggle.text != "Giải thích tiêu chí" or find("#q-muc-do .explanation").is_displayed():
        fail("explanations were not hidden")
    toggle.click()
    # The second criteria group is collapsed at first.
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    find("#f-muc-do-1").click()
    find("#f-linh-vuc-0").click()
    find("#f-linh-vuc-2").click()
    set_value("#f-ghi-chu", "<script>alert(1)</script> Thiếu máy tính")
    driver.execute_script("arguments[0].value = '2026-11-10'", find("#f-ngay-hop"))
    set_value("#f-can-bo", "25")
    set_value("#f-kinh-phi", "12,5")
    set_value("#f-ty-le", "80")
    set_value("input[name='t:bang:ho-so:tong']", "120")
    set_value("input[name='t:bang:ho-so:dung-han']", "110")
    set_value("input[name='t:bang:ho-so:qua-han']", "10")
    # The form's rules are checked as one types, explained next to the cell and listed (issue L).
    set_value("input[name='t:bang:truc-tuyen:tong']", "1.300")
    note = find("#n-t\\:bang\\:truc-tuyen\\:tong")
    if "Hồ sơ trực tuyến không được nhiều hơn hồ sơ tiếp nhận (Tổng số: 1.300 > 120)" not in note.text:
        fail("the broken rule is not explained next to its cell: %r" % note.text)
    if not find("#rule-checks").is_displayed() or "Lỗi" not in find("#rule-list").text:
        fail("the broken rule is not listed above the form")
    screen("nhap-bieu-mau-rang-buoc")
    set_value("input[name='t:bang:truc-tuyen:tong']", "90")
    if note.text != "" or find("#rule-checks").is_displayed():
        fail("the explanation stays after the value was fixed: %r" % note.text)
    # Full screen covers the window; the table keeps its labels readable.
    find("#toggle-fullscreen").click()
    covered = driver.execute_script(
        "var r = document.getElementById('form-page').getBoundingClientRect();"
        "return r.left <= 0 && r.top <= 0 && r.width >= window.innerWidth - 1;")
    if not covered:
        fail("full screen does not cover the window")
    find("#toggle-fullscreen").click()
    driver.set_window_size(1280, 1600)  # headless Chromium resizes its window for full screen
    label = driver.execute_script("return document.querySelector('table.grid tbody th').getBoundingClientRect().width")
    if label < 200:
        fail("the row labels are %d px wide" % label)
    # Sub-rows fold under their row.
    find("button.toggle").click()
    if find("tr[data-row='bang-truc-tuyen']").is_displayed():
        fail("the sub-row did not fold")
    find("button.toggle").click()
    screen("nhap-bieu-mau-da-dien")
    find("#save").click()
    expect_text("Đã lưu lại.")
    screen("da-luu")
    if find("#f-ghi-chu").get_attribute("value") != "<script>alert(1)</script> Thiếu máy tính":
        fail("the paragraph did not come back as typed")
    if find("#f-kinh-phi").get_attribute("value") != "12,5":
        fail("the decimal was not kept: %r" % find("#f-kinh-phi").get_attribute("value"))
    # What is typed is kept as it is typed, not only on "Lưu lại": a reload without saving brings it back.
    set_value("#f-ghi-chu", "Gõ rồi tải lại trang")
    deadline = time.time() + 5
    while not any(v.get("f-ghi-chu") == "Gõ rồi tải lại trang" for v in drafts().values()):
        if time.time() > deadline:
            fail("the browser keeps no copy while typing: %r" % drafts())
        time.sleep(0.2)
    reload_leaving()
    expect_text("Đã khôi phục nội dung chưa lưu")
    if find("#f-ghi-chu").get_attribute("value") != "Gõ rồi tải lại trang":
        fail("the typed value was not restored after a reload: %r" % find("#f-ghi-chu").get_attribute("value"))
    screen("khoi-phuc-sau-tai-lai")
    # The session ends while typing: "Lưu lại" loses nothing. The copy kept in the browser comes
    # back after logging in again, on the same page, with a notice; a confirmed save removes it.
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    set_value("#f-ghi-chu", "Gõ khi phiên đã hết")
    set_value("#f-kinh-phi", "13,5")
    driver.delete_cookie("rn_session")
    find("#save").click()
    wait_url("/app/login?next=")
    screen("het-phien")
    login_here("bni-kb.entry")
    wait_url("/edit")
    expect_text("Đã khôi phục nội dung chưa lưu")
    if find("#f-ghi-chu").get_attribute("value") != "Gõ khi phiên đã hết" or find("#f-kinh-phi").get_attribute("value") != "13,5":
        fail("the typed values were not restored: %r" % find("#f-ghi-chu").get_attribute("value"))
    screen("khoi-phuc")
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    set_value("#f-ghi-chu", "<script>alert(1)</script> Thiếu máy tính")
    set_value("#f-kinh-phi", "12,5")
    find("#save").click()
    expect_text("Đã lưu lại.")
    kept = driver.execute_script("return Object.keys(localStorage).filter(function (k) { return k.indexOf('rn-draft:') === 0; })")
    if kept:
        fail("the browser still keeps a copy after the confirmed save: %r" % kept)
    # Two bad values and a good one: all listed at once with links, the good one saved (issue L.6).
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    set_value("#f-ty-le", "120")
    set_value("#f-can-bo", "abc")
    set_value("#f-kinh-phi", "14,5")
    find("#save").click()
    expect_text("Đã lưu các giá trị hợp lệ")
    links = [a.get_attribute("href").split("#")[1] for a in driver.find_elements(By.CSS_SELECTOR, "#problems li a")]
    if links != ["f-can-bo", "f-ty-le"]:
        fail("the problems are not listed with links to their fields: %r" % links)
    screen("loi-nhap-lieu", refused=422)
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    set_value("#f-ty-le", "80")
    set_value("#f-can-bo", "25")
    set_value("#f-kinh-phi", "12,5")
    find("#save").click()
    expect_text("Đã lưu lại.")
    report = report_id()
    find("a[href='/app/reports/%s']" % report).click()
    screen("chi-tiet-bao-cao")
    # A file over the limit is refused in the browser, before anything is sent (issue L.5).
    find("#attach-dialog summary").click()
    big = os.path.join(tempfile.mkdtemp(), "qua-lon.pdf")
    with open(big, "wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    find("#attach-evidence").send_keys(big)
    if "vượt quá 20 MB" not in find("#attach-evidence-error").text or find("#attach-evidence").get_attribute("value"):
        fail("the browser did not refuse the large file: %r" % find("#attach-evidence-error").text)
    screen("tep-qua-lon")
    find("#attach-dialog summary").click()
    expect_text("<script>alert(1)</script> Thiếu máy tính")  # shown as text, not run
    find("#submit-dialog summary").click()
    set_value("#submit-message", "Kính trình lãnh đạo xem xét")
    evidence = os.path.join(tempfile.mkdtemp(), "minh-chung.txt")
    with open(evidence, "w", encoding="utf-8") as handle:
        handle.write("Biên bản họp ban chỉ đạo tháng 11")
    find("#submit-evidence").send_keys(evidence)
    screen("hop-thoai-trinh")
    find("#submit-confirm").click()
    expect_text("Chờ phê duyệt")
    expect_text("minh-chung.txt")
    screen("da-trinh")
    # Logging out removes every copy the browser keeps (a shared computer keeps nothing typed).
    driver.execute_script("localStorage.setItem('rn-draft:bni-kb.entry:x:1', '{}')")
    logout()
    kept = driver.execute_script("return Object.keys(localStorage).filter(function (k) { return k.indexOf('rn-draft:') === 0; })")
    if kept:
        fail("logging out left copies in the browser: %r" % kept)

    # 2. The commune leader corrects a value and approves.
    base = login("bni-kb.approver")
    # The leader's home: the report waiting for approval.
    driver.get(base + "/app")
    expect_text("Báo cáo chờ phê duyệt")
    find("#todo-awaiting a[href='/app/reports/%s']" % report)
    screen("trang-chu-lanh-dao")
    driver.get(base + "/app/reports?state=submitted")
    screen("danh-sach-cho-duyet")
    find("a[href='/app/reports/%s']" % report).click()
    find("a[href='/app/reports/%s/edit']" % report).click()
    screen("sua-so-lieu")
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    set_value("#f-can-bo", "26")
    find("#save").click()
    expect_text("Đã lưu lại.")
    driver.get(base + "/app/reports/" + report)
    expect_text("Số cán bộ được tập huấn")
    find("#approve-dialog summary").click()
    set_value("#approve-message", "Đồng ý")
    screen("hop-thoai-duyet")
    find("#approve-confirm").click()
    expect_text("Đã phê duyệt")
    screen("da-duyet")
    logout()

    # 3. The province sees the progress on its dashboard, then returns the report.
    base = login("bni.approver")
    deadline = time.time() + 40
    while True:
        driver.get(base + "/app?assignment=" + config["assignment"])
        if find("#total-approved").text.startswith("50"):
            break
        if time.time() > deadline:
            fail("the province dashboard never showed the approval: " + find("#totals").text)
        time.sleep(1)
    screen("tong-quan-tinh")
    # Drill down into the commune through its tile, then to its reports.
    find("svg.tiles a[href*='unit=BNI-KB']")
    driver.get(base + "/app?assignment=%s&unit=BNI-KB" % config["assignment"])
    screen("tong-quan-xa")
    driver.get(base + "/app/reports?unit=BNI-KB")
    screen("bao-cao-cap-duoi")
    find("a[href='/app/reports/%s']" % report).click()
    find("#return-dialog summary").click()
    set_value("#return-message", "Số liệu hồ sơ trực tuyến chưa khớp, đề nghị rà soát")
    guide = os.path.join(tempfile.mkdtemp(), "huong-dan-ra-soat.txt")
    with open(guide, "w", encoding="utf-8") as handle:
        handle.write("Hướng dẫn rà soát số liệu hồ sơ trực tuyến")
    find("#return-evidence").send_keys(guide)
    screen("hop-thoai-tra-lai")
    find("#return-confirm").click()
    expect_text("Yêu cầu chỉnh sửa")
    expect_text("huong-dan-ra-soat.txt")
    screen("da-tra-lai")
    # The congress schedule and the scoring page; publishing makes the ranking public.
    driver.get(base + "/app/congress")
    expect_text("Lịch đại hội của các đơn vị cấp dưới")
    screen("lich-dai-hoi")
    driver.get(base + "/app/scores?month=2026-10")
    expect_text("Chấm điểm chuyển đổi số")
    find("form[action='/app/scores/2026-10/publish'] button").click()
    expect_text("Đã công bố kết quả xếp hạng.")
    screen("cham-diem")
    logout()
    driver.get(base + "/app/public/ranking")
    expect_text("Xếp hạng tháng 10/2026")
    screen("xep-hang-cong-khai")

    # The centre's dashboard for the form: the provinces on a map, the answers per unit, and
    # the trend across the form's two months.
    base = login("tw.approver")
    driver.get(base + "/app?assignment=" + config["assignment"])
    find("svg.tiles.map")
    find("#pivot")
    find("svg.trend")
    screen("tong-quan-trung-uong")
    logout()

    # The province's admin adds a commune that works in the province's node, then renames it.
    base = login("bni.admin")
    driver.get(base + "/app/units")
    set_value("#n-code", "BNI-QV")
    set_value("#n-name", "Xã Quế Võ")
    find("#add-unit button[type=submit]").click()
    expect_text("Đã thêm đơn vị Xã Quế Võ (BNI-QV)")
    set_value("#r-BNI-QV", "Phường Quế Võ")
    find("form[action='/app/units/BNI-QV/rename'] button[type=submit]").click()
    expect_text("Đã đổi tên đơn vị BNI-QV thành “Phường Quế Võ”")
    screen("don-vi")
    find("#unit-BNI-QV details summary").click()
    set_value("#c-date-BNI-QV", "01/12/2026")
    find("#c-merged-BNI-QV option[value='BNI-TD']").click()
    set_value("#c-reason-BNI-QV", "Sáp nhập theo nghị quyết của tỉnh")
    screen("hop-thoai-giai-the")
    find("form[action='/app/units/BNI-QV/closure'] button[type=submit]").click()
    expect_text("Đã ghi nhận giải thể, sáp nhập đơn vị Phường Quế Võ")
    expect_text("Đã sáp nhập vào")
    screen("don-vi-da-sap-nhap")
    logout()

    # 4. Back at the commune: the return arrives; the report is revised and submitted again.
    base = login("bni-kb.entry")
    deadline = time.time() + 40
    while True:
        driver.get(base + "/app/reports/" + report)
        if "Yêu cầu chỉnh sửa" in find(".meta").text:
            break
        if time.time() > deadline:
            fail("the return never reached the commune")
        time.sleep(1)
    expect_text("huong-dan-ra-soat.txt")  # the province's file came down with the return
    expect_text("Khi trả lại")
    screen("bao-cao-bi-tra-lai")
    # The commune's home: the returned report first, with the province's reason.
    driver.get(base + "/app")
    expect_text("Số liệu hồ sơ trực tuyến chưa khớp, đề nghị rà soát", "#todo-returned")
    expect_text("Lý do trả lại", "#todo-returned")
    screen("trang-chu-xa-bi-tra-lai")
    driver.get(base + "/app/reports/" + report)
    find("a[href='/app/reports/%s/edit']" % report).click()
    driver.execute_script("document.querySelectorAll('details.group').forEach(function (d) { d.open = true; })")
    set_value("input[name='t:bang:truc-tuyen:tong']", "95")
    find("#save").click()
    expect_text("Đã lưu lại.")
    driver.get(base + "/app/reports/" + report)
    find("#submit-dialog summary").click()
    set_value("#submit-message", "Đã rà soát lại số liệu")
    find("#submit-confirm").click()
    expect_text("Chờ phê duyệt")
    screen("trinh-lai")
    logout()

    # 5. The province's admin edits an account and assigns a task linked to an indicator of the
    # centre's form.
    base = login("bni.admin")
    driver.get(base + "/app/users")
    screen("nguoi-dung")
    find("a[href='/app/users/bni.entry']").click()
    expect_text("Sửa tài khoản")
    set_value("#e-name", "Nguyễn Thị Nhập Liệu")
    screen("sua-tai-khoan")
    find("form[action='/app/users/bni.entry'] button[type=submit]").click()
    expect_text("Nguyễn Thị Nhập Liệu")
    driver.get(base + "/app/tasks")
    set_value("#t-title", "Nâng tỷ lệ hồ sơ trực tuyến")
    set_value("#t-deadline", time.strftime("%d/%m/%Y", time.gmtime(node_time() + 7 * 3600 + 20 * 86400)))
    choices = Select(find("#t-indicator"))
    if len(choices.options) < 2:
        fail("no indicator offered on the task form")
    choices.select_by_index(1)
    find("#t-unit-BNI-KB").click()
    screen("giao-nhiem-vu")
    find("#assign-task button[type=submit]").click()
    expect_text("Chỉ số liên kết")
    screen("nhiem-vu")
    # The province's own form, read from a pasted file, shown, published and assigned (issue L.9).
    driver.get(base + "/app/forms")
    expect_text("Phát hành biểu mẫu mới")
    set_value("#f-yaml", "code: BNI-THU\nversion: 1\ntitle: \"Báo cáo nhanh của tỉnh\"\nfrequency: monthly\n"
              "deadlineDay: 20\ngroups:\n  - id: g1\n    title: \"Nhân lực\"\n    questions:\n"
              "      - id: so-can-bo\n        text: \"Số cán bộ\"\n        kind: integer\n        required: true\n")
    find("#form-file button[type=submit]").click()
    expect_text("Xem trước")
    screen("bieu-mau-xem-truoc")
    find("#form-preview button[type=submit]").click()
    expect_text("Đã phát hành biểu mẫu.")
    Select(find("#g-form")).select_by_value("BNI-THU")
    Select(find("#g-period")).select_by_visible_text("Tháng 12/2026")
    find("input[name='units'][value='BNI-KB']").click()
    find("form[action='/app/assignments'] button[type=submit]").click()
    expect_text("Đã giao biểu mẫu")
    screen("bieu-mau")
    # The indicator set (issue M), from the menu's "Chỉ số".
    driver.get(base + "/app/indicators")
    expect_text("Bộ chỉ số")
    screen("bo-chi-so")
    # The admin's other pages.
    for path, name, text in [
        ("/app/indicators/entry", "nhap-chi-so", None),
        ("/app/indicators/assignments", "giao-chi-so", None),
        ("/app/alerts", "canh-bao", None),
        ("/app/audit", "nhat-ky", "Nhật ký"),
        ("/app/nodes", "cac-nut", "Các nút trong mạng"),
        ("/app/usage", "thong-ke-su-dung", "Thống kê sử dụng"),
        ("/app/profile", "ho-so-ca-nhan", None),
    ]:
        driver.get(base + path)
        if text:
            expect_text(text)
        screen(name)
    # The English pages, by choice.
    driver.get(base + "/app/language?to=en&back=/app/entry")
    expect_text("Data entry")
    screen("tieng-anh")
    driver.get(base + "/app/language?to=vi&back=/app/entry")
    print("browser flow passed: %d pages" % shot[0])
finally:
    driver.quit()

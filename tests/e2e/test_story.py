"""The whole story in a real browser (Playwright driving Debian's Chromium).

Each demo user's first login asks for a new password (setup_demo set theirs). An agency clerk
begins this year's report, tries to fill it from another agency's file (refused) and from last
year's (asked, declined), types a total of its own and accepts the sum offered instead, types a
figure that is no number (not saved, and told which cell and why), sees an E7 error on its cell,
fixes it, explains a warning and submits; the reviewer returns it with a comment; the clerk fixes
and resubmits; the reviewer approves, then compares reports with last year's and follows a
finding to the sentence it is about. Screenshots of each step go to test-artifacts/.
"""
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from reports.models import AnnualReport
from tests.conftest import seed
from tests.test_compare import last_year_of

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The launch flags that work on these machines (no sandbox as root, no background networking).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
DEMO_PASSWORD, OWN_PASSWORD = "E2e-Secret-Pw9", "E2e-Changed-Pw7"


@pytest.fixture
def browser(monkeypatch):
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (apt-get install chromium)"
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def first_login(page, base, username, admin=False, screenshot=None):
    """Log in with the demo password, which the first login must replace before anything else."""
    page.goto(f"{base}/admin/login/" if admin else f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    submit(page, "input[type=submit]" if admin else "button[type=submit]")
    assert "请先修改密码" in page.inner_text("#forced-change")
    page.fill("#id_old_password", DEMO_PASSWORD)
    page.fill("#id_new_password1", OWN_PASSWORD)
    page.fill("#id_new_password2", OWN_PASSWORD)
    if screenshot:
        shot(page, screenshot)
    submit(page, "#change-password")
    assert "密码已修改。" in page.inner_text("body")


def submit(page, selector):
    """Click a button that submits a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_fill_submit_return_resubmit_approve(live_server, browser, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("setup_demo", stdout=StringIO())
    base, year = live_server.url, timezone.localdate().year - 1

    clerk = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    first_login(clerk, base, "taishan", screenshot="0-clerk-changes-the-first-password")
    submit(clerk, "#start-report")
    report = AnnualReport.objects.get(agency__name="泰安市泰山区卫生健康局", year=year)
    assert clerk.input_value("input[name=title]") == f"泰安市泰山区卫生健康局{year}年政府信息公开工作年度报告"
    assert f"自{year}年1月1日起至{year}年12月31日止" in clerk.input_value("textarea[name=preamble]")
    # 上传文件填充 with files that are not this report's: another agency's is refused, another
    # year's is read only if the clerk says so (here: not).
    clerk.set_input_files("#id_file", str(seed(2)))
    submit(clerk, "#read-file")
    assert "不是本机关「泰安市泰山区卫生健康局」的，未读取" in clerk.inner_text("#fill-form")
    clerk.set_input_files("#id_file", str(seed(1)))
    submit(clerk, "#read-file")
    assert f"是 2022 年度的年报，而本报告是 {year} 年度的" in clerk.inner_text("#fill-other-year")
    shot(clerk, "1a-clerk-is-asked-about-another-years-file")
    submit(clerk, "#fill-other-year-cancel")
    assert clerk.locator("#filled").count() == 0 and clerk.input_value("textarea[name=overall]") == ""
    clerk.fill("textarea[name=overall]", "本年度依法推进政府信息公开工作，主动公开、依申请公开、政府信息管理、平台建设和监督保障均按要求开展。")
    clerk.fill("textarea[name=problems]", "政策解读形式较为单一。")
    clerk.fill("textarea[name=improvements]", "丰富政策解读形式，增加图解和视频解读。")
    clerk.click('button.add-item[data-name="improvements"]')
    clerk.locator("textarea[name=improvements]").last.fill("每季度开展一次政务公开培训。")
    clerk.fill("textarea[name=other]", "本年度未收取信息处理费。")
    for button in clerk.query_selector_all("button.fill-zero"):
        button.click()
    clerk.fill("input[name=active__fees]", "—")  # left blank on purpose: a W1 warning to explain
    clerk.fill("input[name=applications__new_received__natural_person]", "2")
    total = "input[name=applications__new_received__total]"
    assert clerk.input_value(total) == "2"  # a total that agrees with its parts follows them
    clerk.fill(total, "5")  # typed: it stays, and the sum is offered beside it
    offer = clerk.locator('td[data-cell="applications__new_received__total"] .computed')
    assert offer.is_visible() and "计算值 2" in offer.inner_text()
    offer.locator("button.use-computed").click()
    assert clerk.input_value(total) == "2" and not offer.is_visible()
    clerk.fill("input[name=applications__granted__commercial]", "abc")
    submit(clerk, "#save-draft")
    banner = clerk.inner_text("#unsaved")
    assert "未保存" in banner and "表三「（一）予以公开」行「商业企业」列填写为「abc」，应为非负整数。" in banner
    assert clerk.input_value("input[name=applications__granted__commercial]") == "abc"  # nothing typed is lost
    shot(clerk, "1b-clerk-is-told-what-was-not-saved")
    clerk.fill("input[name=applications__granted__commercial]", "0")
    submit(clerk, "#save-draft")
    assert clerk.locator("#unsaved").count() == 0
    cell = clerk.locator('td[data-cell="applications__carried_forward__natural_person"]')
    assert "finding-error" in cell.get_attribute("class") and "E7" in cell.inner_text()
    shot(clerk, "1-clerk-sees-E7")

    clerk.fill("input[name=applications__granted__natural_person]", "2")
    submit(clerk, "#save-draft")
    assert clerk.locator("td.finding-error").count() == 0
    submit(clerk, "#go-submit")
    assert clerk.locator(".explanation").count() == 1
    clerk.fill(".explanation textarea", "本年度未发生行政事业性收费，原表该栏留空。")
    shot(clerk, "2-clerk-explains-warning")
    submit(clerk, "#confirm-submit")
    assert "已报送" in clerk.inner_text("#my-reports")
    report.refresh_from_db()
    assert report.status == "submitted"

    reviewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    first_login(reviewer, base, "reviewer", admin=True)
    reviewer.goto(f"{base}/admin/reports/annualreport/{report.pk}/change/")
    assert "本年度未发生行政事业性收费" in reviewer.inner_text("#review")
    reviewer.fill("textarea[form=move-form]", "请在第六部分补充落实政务公开工作要点的情况。")
    submit(reviewer, "button.move-returned")
    assert "退回修改" in reviewer.inner_text("#review")
    shot(reviewer, "3-reviewer-returns")

    clerk.goto(f"{base}/reports/")
    assert "退回修改" in clerk.inner_text("#my-reports")
    clerk.goto(f"{base}/reports/{report.pk}/")
    assert "请在第六部分补充" in clerk.inner_text(".returned")
    clerk.fill("textarea[name=other]", "本年度未收取信息处理费。按照年度政务公开工作要点，各项任务均已落实。")
    submit(clerk, "#save-draft")
    submit(clerk, "#go-submit")
    assert clerk.input_value(".explanation textarea").startswith("本年度未发生")  # kept from before
    submit(clerk, "#confirm-submit")
    shot(clerk, "4-clerk-resubmits")

    reviewer.goto(f"{base}/admin/reports/annualreport/{report.pk}/change/")
    submit(reviewer, "button.move-approved")
    assert "审核通过" in reviewer.inner_text("#review")
    shot(reviewer, "5-reviewer-approves")
    report.refresh_from_db()
    assert report.status == "approved"
    assert report.to_shape().sections["improvements"] == ["丰富政策解读形式，增加图解和视频解读。", "每季度开展一次政务公开培训。"]
    assert [t.to_status for t in report.transitions.order_by("created_at", "id")] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]

    # 与上年对比: this agency has no report of the year before this one, and says so; its 2022
    # report, once its 2021 is stored, shows the two years side by side.
    submit(reviewer, "#compare-link")
    assert f"没有泰安市泰山区卫生健康局{year - 1}年度的报告，无从对比。" in reviewer.inner_text("#compare")
    published = AnnualReport.objects.get(agency=report.agency, year=2022)
    last_year_of(published)
    reviewer.goto(f"{base}/admin/reports/annualreport/{published.pk}/change/")
    submit(reviewer, "#compare-link")
    assert reviewer.locator("td.changed").count() == 6  # the three cells last_year_of changed, on both sides
    assert "W5" in reviewer.inner_text('.current td[data-cell="applications__carried_over__natural_person"]')
    assert reviewer.locator("table.paragraph-diff del").count() >= 2
    shot(reviewer, "5a-reviewer-compares-with-last-year")
    # A finding about a sentence links to the sentence, marked in the text.
    stated = AnnualReport.objects.get(agency__name="原平市卫生健康局", year=2024)
    reviewer.goto(f"{base}/admin/reports/annualreport/{stated.pk}/change/")
    finding = stated.findings.get(code="W10")
    reviewer.click(f'a[href="#{finding.anchor}"]')
    mark = reviewer.locator(f"mark#{finding.anchor}")
    assert mark.inner_text() == "2023年我市有关政府信息公开行政复议0件，行政诉讼0件。"
    assert "W10" in mark.get_attribute("title") and reviewer.url.endswith(f"#{finding.anchor}")
    shot(reviewer, "5b-reviewer-follows-a-finding-to-its-sentence")


def test_leader_reads_the_totals_and_downloads_the_workbook(live_server, browser, monkeypatch):
    """统计汇总 in the browser: filter, totals, the server-drawn charts, and the Excel download;
    then a clerk downloads the publishable Word document of their report."""
    from io import BytesIO, StringIO

    import openpyxl
    from django.core.management import call_command

    from reports.parsers import parse_bytes

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("setup_demo", stdout=StringIO())
    base = live_server.url
    leader = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    first_login(leader, base, "leader", admin=True)
    leader.goto(f"{base}/admin/reports/annualreport/")
    submit(leader, "text=统计汇总")
    leader.fill("#leadership-filter input[name=year]", "2023")
    submit(leader, "#leadership-filter [type=submit]")
    assert "2" == leader.inner_text("#leadership-overview td.number >> nth=0")
    assert leader.locator("svg rect").count() > 0
    shot(leader, "6-leader-totals")
    submit(leader, "#leadership-download")  # the workbook's background job (run at once in tests)
    assert "已完成" in leader.inner_text("#job")
    shot(leader, "6-leader-workbook-job")
    with leader.expect_download() as download:
        leader.click("#job-download")
    book = openpyxl.load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    names = [row[0] for row in book["汇总"].iter_rows(min_row=2, values_only=True)]
    assert names == ["吴忠市利通区卫生健康局", "哈尔滨市呼兰区卫生健康局", "合计"]

    clerk = browser.new_context(accept_downloads=True).new_page()
    first_login(clerk, base, "litong")
    report = AnnualReport.objects.get(agency__name="吴忠市利通区卫生健康局", year=2023)
    clerk.goto(f"{base}/reports/{report.pk}/print/")
    with clerk.expect_download() as download:
        clerk.click("a.download-docx")
    shape = parse_bytes(Path(download.value.path()).read_bytes(), download.value.suggested_filename)
    assert shape.applications == report.to_shape().applications
    assert download.value.suggested_filename == "吴忠市利通区卫生健康局2023年政府信息公开工作年度报告.docx"


def test_a_new_clerk_in_two_pages_in_an_admin_that_speaks_chinese(live_server, browser, monkeypatch):
    """三员分立 in the browser: the 系统管理员 creates the account with its agency (found by its
    abbreviation) on one page; the 安全管理员 gives it its role and first password on one page, in
    Chinese throughout, scripts included; the clerk, trying the admin first, is told where to log in."""
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("setup_demo", stdout=StringIO())
    base, first_password = live_server.url, "Clerk-First-Pw5"

    sysadmin = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    first_login(sysadmin, base, "xitong", admin=True)
    sysadmin.goto(f"{base}/admin/auth/user/add/")
    sysadmin.fill("#id_username", "wangfang")
    sysadmin.fill("#id_last_name", "王")
    sysadmin.fill("#id_first_name", "芳")
    sysadmin.click("#id_profile-0-agency + .select2 .select2-selection")
    sysadmin.fill(".select2-search__field", "利通区卫健局")
    sysadmin.click(".select2-results__option:has-text('吴忠市利通区卫生健康局')")
    shot(sysadmin, "7-sysadmin-creates-a-clerk")
    submit(sysadmin, "input[name=_save]")
    assert "已新建账号「wangfang」" in sysadmin.inner_text("body")
    assert "未分配\t吴忠市利通区卫生健康局" in sysadmin.inner_text("#result_list")

    security = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    first_login(security, base, "anquan", admin=True)
    security.goto(f"{base}/admin/auth/user/?awaiting=password")
    submit(security, "#result_list a:text-is('wangfang')")
    page = security.inner_text("body")
    assert "欢迎，anquan" in page  # as written: the admin's CSS no longer capitalises it
    assert "可选角色" in page and "已选角色" in page and "吴忠市利通区卫生健康局" in page
    assert not [word for word in ("Choose", "Remove", "Can ", "Welcome", "ANQUAN") if word in page]
    security.select_option("#id_groups_from", label="填报员")
    security.click("#id_groups_add")
    security.fill("#id_password1", first_password)
    security.fill("#id_password2", first_password)
    shot(security, "8-security-admin-gives-role-and-first-password")
    submit(security, "input[name=_save]")
    assert "已修改用户「wangfang」。" in security.inner_text("body")

    clerk = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    clerk.goto(f"{base}/admin/login/")
    clerk.fill("#id_username", "wangfang")
    clerk.fill("#id_password", first_password)
    submit(clerk, "input[type=submit]")
    assert "不能进入审核工作台。机关填报员请在填报站点登录" in clerk.inner_text(".errornote")
    shot(clerk, "9-clerk-at-the-admin-is-told-where-to-log-in")
    submit(clerk, "#clerk-login a")
    clerk.fill("#id_username", "wangfang")
    clerk.fill("#id_password", first_password)
    submit(clerk, "button[type=submit]")
    assert "请先修改密码" in clerk.inner_text("#forced-change")

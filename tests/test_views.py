"""The agency site as a clerk uses it."""
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports import versions
from reports import vocabulary as v
from reports.forms import AgencyReportForm, current_year
from reports.models import AnnualReport
from reports.rules.shape import ReportShape

from .conftest import fee_stated, seed
from .fixtures.pages import posted


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def form_data(report):
    form = AgencyReportForm(instance=report)
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


def test_starting_this_years_report_carries_last_years_pending_applications(client, demo):
    year = timezone.localdate().year - 1
    last, created = AnnualReport.objects.get_or_create(agency=demo[3].agency, year=year - 1)
    shape = last.to_shape()
    shape.applications["carried_forward"].update(natural_person=3, total=3)
    versions.store(last, shape, user=None, source="测试")
    login(client, "yuanping")
    page = client.get(reverse("reports:list")).content.decode()
    assert f"开始填报{year}年度报告" in page
    response = client.post(reverse("reports:start"))
    report = AnnualReport.objects.get(agency=demo[3].agency, year=year)
    assert response["Location"] == reverse("reports:edit", args=[report.pk])
    assert report.to_shape().applications["carried_over"]["natural_person"] == 3
    assert client.post(reverse("reports:start")).status_code == 302  # again: the same report
    assert AnnualReport.objects.filter(agency=demo[3].agency, year=year).count() == 1


def test_edit_page_lays_out_the_report_with_findings_on_cells(client, demo):
    login(client, "hulan")
    page = client.get(reverse("reports:edit", args=[demo[2].pk])).content.decode()
    assert re.search(r'data-cell="applications__unable_not_held__total"[^>]*class="value finding-error"', page)
    assert 'name="applications__unable_not_held__natural_person"' in page
    total = re.search(r'<input[^>]*name="applications__unable_not_held__total"[^>]*>', page).group(0)
    assert 'value="0"' in total and "disabled" not in total  # the report's own figure, to keep or change
    parts = " ".join(f"applications__unable_not_held__{c}" for c in ("natural_person", "commercial", "research",
                                                                     "social_welfare", "legal_service", "other"))
    assert f'data-sum-of="{parts}"' in total  # what the page's script offers as its sum
    for text in ("全部填0", "本表其余为空", "采用本表计算值", "上传文件填充", "report.js"):
        assert text in page


def test_a_total_is_stored_as_typed_and_its_difference_reported(client, demo):
    """No 总计 is computed behind the clerk's back: what they type (or accept on the page) is stored,
    and a total that differs from its parts is E9's finding, on its cell."""
    login(client, "hulan")
    report = demo[2]
    data = form_data(report)
    data.update({"applications__new_received__natural_person": "8", "applications__new_received__total": "999"})
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    report = AnnualReport.objects.get(pk=report.pk)
    assert report.to_shape().applications["new_received"]["total"] == 999
    [e9] = report.findings.filter(code="E9", location="applications__new_received__total")
    assert "「总计」列为999，但六类申请人之和为8" in e9.message


def test_filling_from_a_file_shows_its_values_and_stores_nothing(client, demo):
    login(client, "taishan")
    report = demo[1]
    before = report.to_shape().active
    text = seed(1).read_text().replace("⇥126".replace("⇥", "\t"), "\t127")
    upload = SimpleUploadedFile("泰山区.txt", text.encode())
    page = client.post(reverse("reports:edit", args=[report.pk]), {"fill": "1", "file": upload}).content.decode()
    assert "已从文件「泰山区.txt」读取，尚未保存" in page and 'name="active__penalty" value="127"' in page
    assert AnnualReport.objects.get(pk=report.pk).to_shape().active == before
    bad = SimpleUploadedFile("x.txt", b"nothing")
    page = client.post(reverse("reports:edit", args=[report.pk]), {"fill": "1", "file": bad}).content.decode()
    assert "未能识别" in page


def test_submission_lists_errors_then_asks_for_explanations(client, demo):
    login(client, "yuanping")
    report = fee_stated(demo[3])  # warnings only: W1 ×2 (现行有效件数 blank) among them
    warnings = sum(f.severity == "warning" for f in report.evaluate())
    page = client.get(reverse("reports:submit", args=[report.pk])).content.decode()
    assert page.count('class="explanation"') == warnings >= 2 and "现行有效件数" in page
    explained = {f"w{i}-text": "未填即为0" for i in range(warnings)}
    response = client.post(reverse("reports:submit", args=[report.pk]), {**explained, "w1-text": ""})
    assert response.status_code == 200 and AnnualReport.objects.get(pk=report.pk).status == "draft"
    response = client.post(reverse("reports:submit", args=[report.pk]), explained)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.explanations.count() == warnings
    login(client, "hulan")
    page = client.get(reverse("reports:submit", args=[demo[2].pk])).content.decode()
    assert "2 处错误" in page and "confirm-submit" not in page


def test_print_view_shows_the_official_layout_and_history(client, demo):
    login(client, "reviewer")
    page = client.get(reverse("reports:print", args=[demo[1].pk])).content.decode()
    for text in ("一、总体情况", "第二十条第（一）项", "申请人情况", "复议后起诉", "126", "打印"):
        assert text in page
    assert "<input" not in re.sub(r"<form.*?</form>", "", page, flags=re.S)  # nothing editable


def test_problems_and_improvements_are_lists_of_items(client, demo):
    login(client, "taishan")
    report = demo[1]
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert page.count('<textarea name="problems"') == 3 + 1  # three items and a spare empty box
    data = form_data(report)
    data["problems"] = ["第一条问题。", "", "第二条问题。"]
    data["improvements"] = ["唯一的措施。"]
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    sections = AnnualReport.objects.get(pk=report.pk).to_shape().sections
    assert sections["problems"] == ["第一条问题。", "第二条问题。"] and sections["improvements"] == ["唯一的措施。"]


def test_my_reports_offers_the_fill_in_link_only_to_whoever_may_edit(client, demo):
    login(client, "litong")
    own = client.get(reverse("reports:list")).content.decode()
    assert f'href="{reverse("reports:edit", args=[demo[0].pk])}">填写</a>' in own
    login(client, "reviewer")  # sees every report here, and edits none
    every = client.get(reverse("reports:list")).content.decode()
    assert every.count('data-report="') == 5 and ">填写</a>" not in every


def edit_page(client, report):
    return client.get(reverse("reports:edit", args=[report.pk])).content.decode()


def test_invalid_figures_are_not_saved_and_said_so_cell_by_cell(client, demo):
    login(client, "hulan")
    report = demo[2]
    data = posted(edit_page(client, report), "report-form")
    granted = "applications__granted__"
    data.update({f"{granted}natural_person": "abc", f"{granted}commercial": "3.5",
                 f"{granted}research": "12345678901234567890", f"{granted}social_welfare": "4",
                 f"{granted}total": "9"})  # fmt: skip
    response = client.post(reverse("reports:edit", args=[report.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and AnnualReport.objects.get(pk=report.pk).version == report.version
    banner = re.search(r'<div class="errornote unsaved" id="unsaved">(.*?)</div>', page, re.S).group(1)
    assert "未保存" in banner
    row = "表三「（一）予以公开」行"
    for column, typed, expected in (("自然人", "abc", "非负整数"), ("商业企业", "3.5", "非负整数"),
                                    ("科研机构", "12345678901234567890", "非负整数（不超过2147483647）")):  # fmt: skip
        assert f"<li>{row}「{column}」列填写为「{typed}」，应为{expected}。</li>" in banner
    assert "确保该值" not in page and "输入一个整数" not in page  # no default Django message
    assert f'{row}「自然人」列为空' not in page  # typed, not empty: no W1
    assert 'name="applications__granted__natural_person" value="abc"' in page  # kept as typed
    # The total shown and what the finding says of it agree: the refused cells count 0.
    assert f"{row}：「总计」列为9，但六类申请人之和为4（社会公益组织 4）。" in page
    assert re.search(r'name="applications__granted__total" value="9"', page)


def test_a_new_report_says_how_many_cells_are_left_in_one_line(client, demo):
    login(client, "yuanping")
    client.post(reverse("reports:start"))
    report = AnnualReport.objects.get(agency=demo[3].agency, year=current_year())
    carried = sum(x is not None for x in report.to_shape().applications["carried_over"].values())
    left = len(v.format_cells(report.format_version)) - carried
    page = edit_page(client, report)
    assert page.count(f"尚有 {left} 格未填写") == 1 and "为空，按0计算" not in page
    listed = client.get(reverse("reports:list")).content.decode()
    row = re.search(rf'<tr data-report="{report.pk}">(.*?)</tr>', listed, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == [str(report.year), "4", "0"]  # E1 ×3 (一, 五, 六) and E14
    assert "尚有" in client.get(reverse("reports:submit", args=[report.pk])).content.decode()  # not yet

    # Every cell filled, or left blank on purpose ("—"), but one.
    data = posted(page, "report-form")
    cells = [key for key in v.format_cells(report.format_version) if not data[key]]
    data.update({key: "0" for key in cells[2:]}, **{cells[0]: "—"})
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    report = AnnualReport.objects.get(pk=report.pk)
    findings = {(f.code, f.location): f.message for f in report.findings.all()}
    assert findings[("E14", "tables")].startswith("尚有 1 格未填写")
    assert findings[("W1", cells[0])] == f"{v.cell_label(*v.CELL_BY_KEY[cells[0]])}为空，按0计算。"
    assert 'value="—"' in edit_page(client, report)  # shown as left, saved again as left


def test_a_new_report_begins_with_its_title_and_preamble_which_the_clerk_may_edit(client, demo):
    login(client, "yuanping")
    client.post(reverse("reports:start"))
    year = current_year()
    report = AnnualReport.objects.get(agency=demo[3].agency, year=year)
    assert report.title == f"原平市卫生健康局{year}年政府信息公开工作年度报告"
    assert f"统计期限自{year}年1月1日起至{year}年12月31日止" in report.preamble and "《中华人民共和国政府信息公开条例》" in report.preamble
    page = edit_page(client, report)
    data = posted(page, "report-form")
    assert data["title"] == report.title and data["preamble"] == report.preamble
    data["preamble"] = data["preamble"].replace(f"自{year}年1月1日", f"自{year - 1}年1月1日")
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    report = AnnualReport.objects.get(pk=report.pk)
    assert f"自{year - 1}年1月1日" in report.preamble
    assert "统计期限「%d」" % (year - 1) in report.findings.get(code="E4").message  # judged as it now reads
    printed = client.get(reverse("reports:print", args=[report.pk])).content.decode()
    assert f"自{year - 1}年1月1日" in printed and report.title in printed


def test_amounts_show_at_most_their_own_decimals(client, demo):
    report = demo[1]
    shape = report.to_shape()
    shape.active["fees"] = Decimal("1.5")
    versions.store(report, shape, user=None, source="测试")
    assert str(AnnualReport.objects.get(pk=report.pk).active.fees) == "1.500000"  # as the database keeps it
    login(client, "taishan")
    assert 'name="active__fees" value="1.5"' in edit_page(client, report)
    printed = client.get(reverse("reports:print", args=[report.pk])).content.decode()
    assert re.search(r'data-cell="active__fees"[^>]*>1\.5<', printed)
    client.force_login(get_user_model().objects.get(username="reviewer"))
    admin = client.get(reverse("admin:reports_annualreport_change", args=[report.pk])).content.decode()
    assert re.search(r'data-cell="active__fees"[^>]*>1\.5<', admin) and "1.500000" not in admin


def test_text_is_stored_as_typed_without_the_browsers_line_ends(client, demo):
    """A page saved unchanged stores no change (browsers post CRLF); what is invisible is not kept."""
    login(client, "taishan")
    report = demo[1]
    data = posted(edit_page(client, report), "report-form")
    assert "\r\n" in data["overall"]
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    first, second = AnnualReport.objects.get(pk=report.pk).revisions.order_by("version")
    assert versions.changed_cells(ReportShape.from_json(first.data), ReportShape.from_json(second.data)) == []
    data = posted(edit_page(client, report), "report-form")
    data["other"] = "本年度未收取信息处理费。\u3000\u00a0\r\n\u200b第二段。 \r\n"
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).other == "本年度未收取信息处理费。\n第二段。"


def test_figures_recovered_from_flattened_text_are_marked_on_both_report_pages(client, demo):
    from reports.importing import import_bytes
    from reports.parsers import parse_file

    from .fixtures.render import to_flat

    reviewer = get_user_model().objects.get(username="reviewer")
    flat = to_flat(parse_file(seed(1)))  # one line, each row's figures joined: 1000001
    outcome = import_bytes(flat, "flat.txt", reviewer, agency=demo[1].agency, year=demo[1].year)
    report = outcome.report
    assert report.findings.filter(code="I2").exists() and not report.findings.filter(code="E15").exists()
    recovered = 'data-cell="applications__new_received__total" class="value finding-info recovered" title="由文本推断还原\nI2：'
    login(client, "taishan")
    assert recovered in client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    login(client, "reviewer")
    assert recovered in client.get(reverse("admin:reports_annualreport_change", args=[report.pk])).content.decode()

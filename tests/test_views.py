"""The agency site as a clerk uses it."""
import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports import versions
from reports.forms import AgencyReportForm
from reports.models import AnnualReport

from .conftest import fee_stated, seed


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
    assert re.search(r'name="applications__unable_not_held__total"[^>]*disabled', page)  # computed
    assert "全部填0" in page and "上传文件填充" in page and "report.js" in page


def test_saving_a_draft_computes_every_total_on_the_server(client, demo):
    login(client, "hulan")
    report = demo[2]
    data = form_data(report)
    data.update({"applications__new_received__natural_person": "8", "applications__unable_not_held__total": "999"})
    response = client.post(reverse("reports:edit", args=[report.pk]), data)
    assert response.status_code == 302
    shape = AnnualReport.objects.get(pk=report.pk).to_shape()
    assert shape.applications["unable_not_held"]["total"] == 8  # never the typed 999
    assert shape.applications["total_processed"]["natural_person"] == 8
    assert shape.applications["new_received"]["total"] == 8
    assert not AnnualReport.objects.get(pk=report.pk).findings.filter(severity="error").exists()


def test_filling_from_a_file_shows_its_values_and_stores_nothing(client, demo):
    login(client, "taishan")
    report = demo[1]
    before = report.to_shape().active
    text = seed(1).read_text().replace("⇥126".replace("⇥", "\t"), "\t127")
    upload = SimpleUploadedFile("泰山区.txt", text.encode())
    page = client.post(reverse("reports:edit", args=[report.pk]), {"fill": "1", "file": upload}).content.decode()
    assert "已从文件读取" in page and 'name="active__penalty" value="127"' in page
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

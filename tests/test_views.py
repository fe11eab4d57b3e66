"""The agency site as a clerk uses it."""
import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports import versions
from reports.forms import AgencyReportForm
from reports.models import AnnualReport

from .conftest import seed


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
    report = demo[3]  # W1 ×2
    page = client.get(reverse("reports:submit", args=[report.pk])).content.decode()
    assert page.count('class="explanation"') == 2 and "现行有效件数" in page
    response = client.post(reverse("reports:submit", args=[report.pk]), {"w0-text": "未填即为0", "w1-text": ""})
    assert response.status_code == 200 and AnnualReport.objects.get(pk=report.pk).status == "draft"
    response = client.post(reverse("reports:submit", args=[report.pk]), {"w0-text": "未填即为0", "w1-text": "同上"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.explanations.count() == 2
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

"""上传文件填充 on the edit page: only the report's own file fills it, what it would replace is shown
before anything is stored, what the file lacks is kept, and the findings are those of the page."""
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.exporters.report_workbook import write_report_workbook
from reports.forms import current_year
from reports.models import AnnualReport

from .conftest import seed
from .fixtures.pages import posted
from .test_views import login


def edit_url(report):
    return reverse("reports:edit", args=[report.pk])


def read_file(client, report, name, data):
    response = client.post(edit_url(report), {"fill": "1", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    return response.content.decode()


def textarea(page, name):
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return unescape(match.group(1))


def findings_listed(page):
    return re.findall(r'<span class="code" title="[^"]*">(\w+)</span>', page)


@pytest.fixture
def this_year(client, demo):
    """利通区's report of this year, begun by its clerk (its 2023 report is seed 000)."""
    login(client, "litong")
    client.post(reverse("reports:start"))
    return AnnualReport.objects.get(agency=demo[0].agency, year=current_year())


def test_another_agencys_file_is_refused_and_nothing_read(client, this_year):
    page = read_file(client, this_year, "呼兰区.txt", seed(2).read_bytes())
    assert "此文件是「呼兰区卫生健康局」的年报，不是本机关「吴忠市利通区卫生健康局」的，未读取。" in page
    assert 'id="filled"' not in page and textarea(page, "overall") == ""
    assert AnnualReport.objects.get(pk=this_year.pk).version == 1


def test_another_years_file_is_read_only_when_the_clerk_says_so(client, this_year):
    year = this_year.year
    page = read_file(client, this_year, "利通区2023.txt", seed(0).read_bytes())
    question = re.search(r'<div class="fill-question" id="fill-other-year">(.*?)</div>', page, re.S).group(1)
    assert "是 <strong>2023 年度</strong>的年报" in question and f"<strong>{year} 年度</strong>" in question
    assert 'id="filled"' not in page and textarea(page, "overall") == ""  # nothing read yet
    token = re.search(r'name="token" value="(\w+)"', question).group(1)

    page = client.post(edit_url(this_year), {"fill": "1", "token": token, "other_year": "1"}).content.decode()
    assert "已从文件「利通区2023.txt」读取，尚未保存" in page
    assert textarea(page, "overall").startswith("1.主动公开情况。2023年")
    # The page's verdict is that of what it shows: the file's 2023 title against a report of this year.
    assert f"报告年度不一致：报告年度「{year}」、标题「2023」" in page
    assert AnnualReport.objects.get(pk=this_year.pk).version == 1  # stored only when saved
    assert client.post(edit_url(this_year), posted(page, "report-form")).status_code == 302
    stored = AnnualReport.objects.get(pk=this_year.pk)
    assert stored.overall.startswith("1.主动公开情况。2023年") and "E4" in set(stored.findings.values_list("code", flat=True))


def test_a_staged_file_is_its_uploaders_only(client, this_year, demo):
    page = read_file(client, this_year, "利通区2023.txt", seed(0).read_bytes())
    token = re.search(r'name="token" value="(\w+)"', page).group(1)
    login(client, "hulan")
    page = client.post(edit_url(demo[2]), {"fill": "1", "token": token, "other_year": "1"}).content.decode()
    assert "该文件已不在服务器上，请重新选择文件。" in page and 'id="filled"' not in page


def test_what_the_file_lacks_is_kept_and_what_it_replaces_is_listed(client, this_year):
    data = posted(client.get(edit_url(this_year)).content.decode(), "report-form")
    data.update(problems=["培训不足。"], improvements=["加强培训。"], other="本年度未收取信息处理费。",
                active__penalty="126")  # fmt: skip
    assert client.post(edit_url(this_year), data).status_code == 302
    stored = AnnualReport.objects.with_sections().get(pk=this_year.pk)

    # The fill-in template filled offline: 二 corrected, 一 written, 五 and 六 left empty.
    shape = stored.to_shape()
    shape.active["penalty"] = 127
    shape.sections.update(overall="本年度依法推进政务公开。", problems=[], improvements=[], other="")
    page = read_file(client, this_year, "模板.xlsx", write_report_workbook(shape, fill_in=True))
    replaced = re.search(r'<ul class="changes">(.*?)</ul>', page, re.S).group(1)
    assert "表二第二十条第（六）项「行政处罚」行「本年处理决定数量」：126 → 127" in replaced
    assert "一、总体情况" not in replaced  # written where nothing was: not a replacement
    kept = re.search(r'<p id="filled-kept">(.*?)</p>', page).group(1)
    assert "五、存在的主要问题及改进情况" in kept and "六、其他需要报告的事项" in kept and "标题" in kept
    assert textarea(page, "other") == "本年度未收取信息处理费。" and textarea(page, "problems") == "培训不足。"

    assert client.post(edit_url(this_year), posted(page, "report-form")).status_code == 302
    stored = AnnualReport.objects.with_sections().get(pk=this_year.pk).to_shape()
    assert stored.active["penalty"] == 127 and stored.sections["overall"] == "本年度依法推进政务公开。"
    assert stored.sections["problems"] == ["培训不足。"] and stored.sections["other"] == "本年度未收取信息处理费。"


def test_the_findings_shown_after_reading_a_file_are_the_files(client, demo):
    login(client, "hulan")
    report = demo[2]  # stored with E8 and E9 on 表三「本机关不掌握」
    shape = report.to_shape()
    shape.applications["unable_not_held"]["total"] = 8
    shape.applications["total_processed"].update(natural_person=8, total=8)
    shape.applications["new_received"].update(natural_person=8, total=8)
    page = read_file(client, report, "呼兰区.xlsx", write_report_workbook(shape, fill_in=True))
    assert not {"E8", "E9"} & set(findings_listed(page))
    assert 'class="value finding-error"' not in page
    assert {"E8", "E9"} <= set(AnnualReport.objects.get(pk=report.pk).findings.values_list("code", flat=True))


def test_a_scan_cannot_fill_a_report(client, this_year, monkeypatch):
    from reports import views
    from reports.rules.shape import ReportShape

    scan = ReportShape()
    scan.facts["unreadable"] = True
    monkeypatch.setattr(views, "parse_untrusted", lambda data, name: scan)
    page = read_file(client, this_year, "扫描件.pdf", b"%PDF-1.4")
    assert "文件中的表格是图片或扫描件，读不出数据" in page and 'id="filled"' not in page
